/**
 * The live rich-text editor of a deal document: Tiptap (StarterKit, the same schema the server
 * validates against) bound to the Yjs doc `document:<id>` over y-websocket's WebsocketProvider,
 * with the others' carets and avatars. Rendered only in the browser (after hydration).
 */
import Collaboration from '@tiptap/extension-collaboration';
import CollaborationCaret from '@tiptap/extension-collaboration-caret';
import { EditorContent, useEditor, useEditorState } from '@tiptap/react';
import StarterKit from '@tiptap/starter-kit';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { initials } from '../../utils/collab-fields.ts';
import { ConnectionIndicator } from '../collab/presence.tsx';
import { type ConnectionStatus, collabUrl } from '../collab/use-deal-doc.ts';

/** Caret colours (#rrggbb: CollaborationCaret ignores anything else), picked per user id. */
const caretColors = ['#2563eb', '#db2777', '#059669', '#d97706', '#7c3aed', '#0891b2', '#dc2626', '#4d7c0f'];

export function caretColorFor(userId: string): string {
  let h = 0;
  for (let i = 0; i < userId.length; i++) h = (h * 31 + userId.charCodeAt(i)) >>> 0;
  return caretColors[h % caretColors.length]!;
}

interface DocumentPeer {
  clientId: number;
  userId: string;
  name: string;
  role: string;
  color: string;
}

function readPeers(provider: WebsocketProvider): DocumentPeer[] {
  const peers = new Map<string, DocumentPeer>();
  for (const [clientId, state] of provider.awareness.getStates()) {
    if (clientId === provider.awareness.clientID) continue;
    // The server asserts `principal` on every state: names cannot be spoofed by another client.
    const p = state.principal as { userId?: unknown; name?: unknown; role?: unknown } | undefined;
    if (typeof p?.userId !== 'string' || typeof p.name !== 'string') continue;
    if (peers.has(p.userId)) continue;
    peers.set(p.userId, {
      clientId,
      userId: p.userId,
      name: p.name,
      role: typeof p.role === 'string' ? p.role : '',
      color: caretColorFor(p.userId),
    });
  }
  return [...peers.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/** A caret with the user's name; classes only (the production CSP allows no inline styles). */
function renderCaret(user: Record<string, unknown>): HTMLElement {
  const color = typeof user.color === 'string' && /^#[0-9a-f]{6}$/i.test(user.color) ? user.color : '#64748b';
  const name = typeof user.name === 'string' ? user.name : '';
  const caret = document.createElement('span');
  caret.className = 'pointer-events-none relative -mx-px border-x';
  caret.dataset.caretUser = name;
  caret.style.borderColor = color;
  const label = document.createElement('span');
  label.className =
    'absolute -top-5 left-[-1px] whitespace-nowrap rounded-sm px-1 py-0.5 text-[10px] font-semibold leading-none text-white select-none';
  label.style.backgroundColor = color;
  label.textContent = name;
  caret.append(label);
  return caret;
}

const editorClass = [
  'relative whitespace-pre-wrap break-words [font-variant-ligatures:none] min-h-[18rem] rounded-md border border-slate-300 bg-white px-4 py-3 text-sm leading-6 focus:outline-none focus-visible:ring-2 focus-visible:ring-blue-600',
  '[&_p]:my-2 [&_h1]:mt-4 [&_h1]:mb-2 [&_h1]:text-2xl [&_h1]:font-semibold [&_h2]:mt-4 [&_h2]:mb-2 [&_h2]:text-xl [&_h2]:font-semibold [&_h3]:mt-3 [&_h3]:mb-1 [&_h3]:text-lg [&_h3]:font-semibold',
  '[&_ul]:my-2 [&_ul]:list-disc [&_ul]:pl-6 [&_ol]:my-2 [&_ol]:list-decimal [&_ol]:pl-6',
  '[&_blockquote]:border-l-4 [&_blockquote]:border-slate-300 [&_blockquote]:pl-3 [&_blockquote]:text-slate-700',
  // Tailwind's preflight makes images blocks: ProseMirror's separator (before a caret at a line
  // end) must stay inline, or every caret at the end of a paragraph adds an empty line.
  '[&_img.ProseMirror-separator]:inline [&_img.ProseMirror-separator]:m-0 [&_img.ProseMirror-separator]:border-0',
  '[&_pre]:rounded [&_pre]:bg-slate-100 [&_pre]:p-2 [&_pre]:font-mono [&_code]:font-mono [&_a]:text-blue-700 [&_a]:underline',
].join(' ');

export interface DocumentEditorProps {
  documentId: string;
  /** The signed-in user (name shown on my caret; the server asserts it anyway). */
  me: { userId: string; name: string };
  editable: boolean;
}

export function DocumentEditor(props: DocumentEditorProps) {
  // One Y.Doc and provider per document page, made in an effect (never while rendering on the
  // server, and a fresh pair if React runs the effect twice).
  const [session, setSession] = useState<{ doc: Y.Doc; provider: WebsocketProvider } | null>(null);
  useEffect(() => {
    const doc = new Y.Doc();
    const provider = new WebsocketProvider(collabUrl(window.location), `document:${props.documentId}`, doc, {
      // The server is the authority (permissions, schema): no tab-to-tab shortcut past it.
      disableBc: true,
      maxBackoffTime: 5000,
    });
    setSession({ doc, provider });
    return () => {
      provider.destroy();
      doc.destroy();
    };
  }, [props.documentId]);
  if (!session) return null;
  return <LiveDocument key={session.doc.guid} {...props} doc={session.doc} provider={session.provider} />;
}

function LiveDocument({
  me,
  editable,
  doc,
  provider,
}: DocumentEditorProps & { doc: Y.Doc; provider: WebsocketProvider }) {
  const { t } = useTranslation();
  const [status, setStatus] = useState<ConnectionStatus>(provider.wsconnected ? 'live' : 'connecting');
  const [synced, setSynced] = useState(provider.synced);
  const [peers, setPeers] = useState<DocumentPeer[]>([]);

  useEffect(() => {
    const onStatus = ({ status: s }: { status: 'connected' | 'disconnected' | 'connecting' }) =>
      setStatus((prev) =>
        prev === 'closed' ? prev : s === 'connected' ? 'live' : s === 'connecting' ? 'connecting' : 'offline',
      );
    const onSync = (isSynced: boolean) => {
      if (isSynced) setSynced(true);
    };
    const onClosed = () => setStatus('closed');
    const onAwareness = () => setPeers(readPeers(provider));
    provider.on('status', onStatus);
    provider.on('sync', onSync);
    provider.on('closed', onClosed);
    provider.awareness.on('change', onAwareness);
    return () => {
      provider.off('status', onStatus);
      provider.off('sync', onSync);
      provider.off('closed', onClosed);
      provider.awareness.off('change', onAwareness);
    };
  }, [provider]);

  const live = editable && status !== 'closed';
  const editor = useEditor(
    {
      immediatelyRender: false,
      // Tiptap would add a <style> element: the production CSP forbids inline styles. The rules
      // ProseMirror needs (white-space, word wrap) are in the editor's classes instead.
      injectCSS: false,
      editable: live,
      extensions: [
        // Yjs keeps the history: StarterKit's own undo would fight the collaboration plugin. The
        // trailing empty paragraph is left out too: every open editor would add its own.
        StarterKit.configure({ undoRedo: false, trailingNode: false }),
        Collaboration.configure({ document: doc, field: 'default' }),
        CollaborationCaret.configure({
          provider,
          user: { name: me.name, color: caretColorFor(me.userId) },
          render: renderCaret,
          selectionRender: () => ({ nodeName: 'span', class: 'bg-blue-100' }),
        }),
      ],
      editorProps: {
        attributes: {
          class: editorClass,
          'aria-label': t('documents.editorLabel'),
          'data-testid': 'document-editor',
        },
      },
    },
    [doc, provider],
  );

  useEffect(() => {
    if (editor && editor.isEditable !== live) editor.setEditable(live);
  }, [editor, live]);

  const active = useEditorState({
    editor,
    selector: ({ editor: e }) =>
      e
        ? {
            bold: e.isActive('bold'),
            italic: e.isActive('italic'),
            heading: e.isActive('heading', { level: 2 }),
            bulletList: e.isActive('bulletList'),
            orderedList: e.isActive('orderedList'),
          }
        : null,
  });

  const tools = [
    ['bold', () => editor?.chain().focus().toggleBold().run()],
    ['italic', () => editor?.chain().focus().toggleItalic().run()],
    ['heading', () => editor?.chain().focus().toggleHeading({ level: 2 }).run()],
    ['bulletList', () => editor?.chain().focus().toggleBulletList().run()],
    ['orderedList', () => editor?.chain().focus().toggleOrderedList().run()],
  ] as const;

  return (
    <section
      aria-label={t('documents.editorLabel')}
      data-synced={synced ? 'true' : 'false'}
      data-live-status={status}
      className="space-y-3"
    >
      <div className="flex flex-wrap items-center justify-between gap-3">
        <ConnectionIndicator status={status} />
        {peers.length === 0 ? (
          <p className="text-xs text-slate-500">{t('documents.presence.alone')}</p>
        ) : (
          <ul aria-label={t('documents.presence.label')} className="flex -space-x-1.5">
            {peers.map((p) => (
              <li
                key={p.userId}
                data-presence-user={p.name}
                title={`${p.name} (${t(`role.${p.role}`)})`}
                className="flex size-8 items-center justify-center rounded-full text-xs font-semibold text-white ring-2 ring-white"
                ref={(el) => {
                  if (el) el.style.backgroundColor = p.color;
                }}
              >
                <span aria-hidden="true">{initials(p.name)}</span>
                <span className="sr-only">{`${p.name} (${t(`role.${p.role}`)})`}</span>
              </li>
            ))}
          </ul>
        )}
      </div>
      {status === 'closed' ? (
        <p role="alert" className="rounded-md bg-rose-50 px-3 py-2 text-sm text-rose-800">
          {t('documents.closed')}
        </p>
      ) : null}
      {live ? (
        <div role="toolbar" aria-label={t('documents.toolbar.label')} className="flex flex-wrap gap-1">
          {tools.map(([name, run]) => (
            <button
              key={name}
              type="button"
              onClick={run}
              aria-pressed={active?.[name] ?? false}
              className="rounded border border-slate-300 bg-white px-2 py-1 text-xs font-medium text-slate-700 hover:bg-slate-50 aria-pressed:bg-slate-800 aria-pressed:text-white"
            >
              {t(`documents.toolbar.${name}`)}
            </button>
          ))}
        </div>
      ) : null}
      <EditorContent editor={editor} />
    </section>
  );
}
