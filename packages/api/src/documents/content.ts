/**
 * The rich text of a deal document: a Y.XmlFragment named `default` (what Tiptap's Collaboration
 * extension binds) holding ProseMirror nodes of the StarterKit schema. Conversion to ProseMirror,
 * plain text, sanitized HTML and PDF, and the check that an incoming update fits the schema.
 */
import { getSchema } from '@tiptap/core';
import type { Mark, Node as PMNode, Schema } from '@tiptap/pm/model';
import { DOMSerializer } from '@tiptap/pm/model';
import StarterKit from '@tiptap/starter-kit';
import { yXmlFragmentToProseMirrorRootNode } from '@tiptap/y-tiptap';
import { Window } from 'happy-dom';
import PDFDocument from 'pdfkit';
import sanitizeHtml from 'sanitize-html';
import * as Y from 'yjs';

/** The Y.XmlFragment Tiptap's Collaboration extension uses by default. */
export const documentFragment = 'default';

let cachedSchema: Schema | null = null;
/** The same schema as the portal's editor (StarterKit): both sides must agree on it. */
export function documentSchema(): Schema {
  cachedSchema ??= getSchema([StarterKit]);
  return cachedSchema;
}

/**
 * Converts on a private copy: y-tiptap deletes Y elements it cannot map to the schema, and that
 * must never happen to the server's live document (a change not stored before broadcast).
 */
export function proseMirrorOf(state: Uint8Array | null): PMNode {
  const doc = new Y.Doc({ gc: true });
  try {
    if (state) Y.applyUpdate(doc, state);
    return yXmlFragmentToProseMirrorRootNode(doc.getXmlFragment(documentFragment), documentSchema());
  } finally {
    doc.destroy();
  }
}

/** Why an update does not fit (for logs and the close reason), or null when it fits. */
export type SchemaViolation = string | null;

/**
 * Does the document still map onto the schema after `update`? Applied to a copy of the current
 * state: other root types, attributes on the fragment, node or mark names outside the schema, or
 * content y-tiptap cannot read (a string straight inside an element, text at the top level) are
 * violations. Content-expression mismatches (e.g. an empty list item after two concurrent
 * deletions) are not: concurrent edits of honest editors produce them, and editors normalise them.
 */
export function checkDocumentUpdate(current: Y.Doc, update: Uint8Array): SchemaViolation {
  const scratch = new Y.Doc({ gc: true });
  try {
    Y.applyUpdate(scratch, Y.encodeStateAsUpdate(current));
    Y.applyUpdate(scratch, update);
    for (const name of scratch.share.keys()) {
      if (name !== documentFragment) return `unexpected root type "${name}"`;
    }
    // Items waiting for missing dependencies would join the document later unchecked.
    if (scratch.store.pendingStructs || scratch.store.pendingDs) return 'update with missing dependencies';
    const fragment = scratch.getXmlFragment(documentFragment);
    if (fragment._map.size > 0) return 'attributes on the root fragment';
    const shape = shapeViolation(fragment, true);
    if (shape) return shape;
    // y-tiptap repairs what it cannot map by deleting it: any change to the copy is a violation.
    let repaired = false;
    scratch.on('update', () => {
      repaired = true;
    });
    try {
      yXmlFragmentToProseMirrorRootNode(fragment, documentSchema());
    } catch (e) {
      return `unreadable content (${e instanceof Error ? e.message : 'error'})`;
    }
    return repaired ? 'nodes or marks outside the schema' : null;
  } finally {
    scratch.destroy();
  }
}

/** Elements hold elements or text, text holds strings only, the top level holds no bare text. */
function shapeViolation(type: Y.XmlFragment | Y.XmlElement, top: boolean): SchemaViolation {
  for (const child of type.toArray()) {
    if (child instanceof Y.XmlElement) {
      const inner = shapeViolation(child, false);
      if (inner) return inner;
    } else if (child instanceof Y.XmlText) {
      if (top) return 'text outside a block';
      for (const op of child.toDelta() as { insert: unknown }[]) {
        if (typeof op.insert !== 'string') return 'an embedded object in text';
      }
    } else {
      return 'content that is neither an element nor text';
    }
  }
  return null;
}

/** Plain text for search and previews, blocks separated by line breaks, at most `max` characters. */
export function plainTextOf(node: PMNode, max = 2000): string {
  const text = node.textBetween(0, node.content.size, '\n', ' ');
  return text
    .replace(/\n{3,}/g, '\n\n')
    .trim()
    .slice(0, max);
}

let cachedWindow: Window | null = null;
function domDocument() {
  cachedWindow ??= new Window();
  return cachedWindow.document;
}

const sanitizeOptions: sanitizeHtml.IOptions = {
  allowedTags: [
    'p',
    'h1',
    'h2',
    'h3',
    'h4',
    'h5',
    'h6',
    'ul',
    'ol',
    'li',
    'blockquote',
    'pre',
    'code',
    'strong',
    'em',
    's',
    'u',
    'a',
    'br',
    'hr',
  ],
  allowedAttributes: { a: ['href', 'rel'], ol: ['start'] },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesAppliedToAttributes: ['href'],
  allowProtocolRelative: false,
  disallowedTagsMode: 'discard',
  // Links leave the document for another site: no opener, no referrer.
  transformTags: {
    a: (tagName, attribs) => ({
      tagName,
      attribs: { ...attribs, rel: 'noopener noreferrer nofollow' },
    }),
  },
};

/** The body HTML of a document: ProseMirror's own serializer, then sanitize-html as the last word. */
export function bodyHtmlOf(node: PMNode): string {
  const document = domDocument();
  const fragment = DOMSerializer.fromSchema(documentSchema()).serializeFragment(node.content, {
    document: document as unknown as Document,
  });
  const container = document.createElement('div');
  container.appendChild(fragment as unknown as Parameters<typeof container.appendChild>[0]);
  return sanitizeHtml(container.innerHTML, sanitizeOptions);
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** A standalone HTML file: escaped title, sanitized body, no scripts, a CSP that forbids them. */
export function htmlDocumentOf(title: string, node: PMNode, lang: string): string {
  return [
    '<!doctype html>',
    `<html lang="${escapeHtml(lang)}">`,
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
    `<title>${escapeHtml(title)}</title>`,
    '<style>body{font-family:system-ui,sans-serif;max-width:48rem;margin:2rem auto;line-height:1.5}pre{background:#f1f5f9;padding:.5rem}blockquote{border-left:3px solid #cbd5e1;margin-left:0;padding-left:1rem}</style>',
    '</head>',
    '<body>',
    `<h1>${escapeHtml(title)}</h1>`,
    bodyHtmlOf(node),
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

// ------------------------------------------------------------------ PDF

const fonts = {
  regular: 'Helvetica',
  bold: 'Helvetica-Bold',
  italic: 'Helvetica-Oblique',
  boldItalic: 'Helvetica-BoldOblique',
  code: 'Courier',
} as const;

const headingSizes = [0, 20, 16, 14, 12, 11, 11];

function fontFor(marks: readonly Mark[], base: 'regular' | 'bold' = 'regular'): string {
  const names = new Set(marks.map((m) => m.type.name));
  if (names.has('code')) return fonts.code;
  const bold = base === 'bold' || names.has('bold');
  const italic = names.has('italic');
  if (bold && italic) return fonts.boldItalic;
  if (bold) return fonts.bold;
  if (italic) return fonts.italic;
  return fonts.regular;
}

/**
 * The standard PDF fonts speak WinAnsi (Latin-1 plus €, „ “ – …): German and English text prints
 * as is; characters outside it become "?" instead of garbage glyphs.
 */
const winAnsiExtra = new Set('€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ');
function printable(text: string): string {
  let out = '';
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    out += (code >= 0x20 && code <= 0xff) || winAnsiExtra.has(ch) ? ch : code === 0x09 ? ' ' : '?';
  }
  return out;
}

interface PdfContext {
  pdf: PDFKit.PDFDocument;
  indent: number;
}

const pageMargin = 56;

/** Writes the inline content of a textblock as one paragraph, switching fonts per mark. */
function writeInline(
  ctx: PdfContext,
  block: PMNode,
  options: { size: number; base?: 'regular' | 'bold'; prefix?: string },
) {
  const { pdf } = ctx;
  const runs: { text: string; font: string; underline: boolean; strike: boolean; link?: string }[] = [];
  if (options.prefix)
    runs.push({ text: options.prefix, font: fonts.regular, underline: false, strike: false });
  block.forEach((child) => {
    if (child.isText) {
      const link = child.marks.find((m) => m.type.name === 'link')?.attrs.href as string | undefined;
      runs.push({
        text: printable(child.text ?? ''),
        font: fontFor(child.marks, options.base),
        underline: child.marks.some((m) => m.type.name === 'underline'),
        strike: child.marks.some((m) => m.type.name === 'strike'),
        link: link && /^(https?:|mailto:)/i.test(link) ? link : undefined,
      });
    } else if (child.type.name === 'hardBreak') {
      runs.push({ text: '\n', font: fonts.regular, underline: false, strike: false });
    }
  });
  if (runs.length === 0) runs.push({ text: ' ', font: fonts.regular, underline: false, strike: false });
  const x = pageMargin + ctx.indent;
  const width = pdf.page.width - pageMargin - x;
  pdf.fontSize(options.size);
  runs.forEach((run, i) => {
    pdf.font(run.font);
    const last = i === runs.length - 1;
    const textOptions: PDFKit.Mixins.TextOptions = {
      continued: !last,
      underline: run.underline || !!run.link,
      strike: run.strike,
      link: run.link ?? null,
      width,
    };
    if (i === 0) pdf.text(run.text, x, pdf.y, textOptions);
    else pdf.text(run.text, textOptions);
  });
  pdf.moveDown(0.4);
}

function writeBlock(ctx: PdfContext, node: PMNode, listMarker?: string) {
  const { pdf } = ctx;
  switch (node.type.name) {
    case 'heading': {
      const level = Math.min(6, Math.max(1, Number(node.attrs.level) || 1));
      pdf.moveDown(0.3);
      writeInline(ctx, node, { size: headingSizes[level]!, base: 'bold' });
      return;
    }
    case 'paragraph':
      writeInline(ctx, node, { size: 11, prefix: listMarker });
      return;
    case 'codeBlock': {
      pdf.font(fonts.code).fontSize(10);
      const x = pageMargin + ctx.indent;
      pdf.text(printable(node.textContent || ' '), x, pdf.y, { width: pdf.page.width - pageMargin - x });
      pdf.moveDown(0.4);
      return;
    }
    case 'blockquote':
      ctx.indent += 18;
      node.forEach((child) => {
        writeBlock(ctx, child);
      });
      ctx.indent -= 18;
      return;
    case 'bulletList':
    case 'orderedList': {
      const ordered = node.type.name === 'orderedList';
      let n = ordered ? Number(node.attrs.start) || 1 : 1;
      node.forEach((item) => {
        const marker = ordered ? `${n++}. ` : '• ';
        ctx.indent += 14;
        let first = true;
        item.forEach((child) => {
          writeBlock(ctx, child, first && child.type.name === 'paragraph' ? marker : undefined);
          first = false;
        });
        ctx.indent -= 14;
      });
      return;
    }
    case 'horizontalRule': {
      const y = pdf.y + 4;
      pdf
        .moveTo(pageMargin, y)
        .lineTo(pdf.page.width - pageMargin, y)
        .stroke('#94a3b8');
      pdf.moveDown(0.8);
      return;
    }
    default:
      // Anything else with text (a node added to the schema later) still prints its text.
      if (node.isTextblock) writeInline(ctx, node, { size: 11, prefix: listMarker });
      else
        node.forEach((child) => {
          writeBlock(ctx, child);
        });
  }
}

/** A PDF of the document: title, headings, paragraphs, lists, quotes, code, bold/italic/links. */
export function pdfOf(title: string, node: PMNode, meta: { author?: string } = {}): Promise<Buffer> {
  const pdf = new PDFDocument({
    size: 'A4',
    margin: pageMargin,
    info: {
      Title: printable(title),
      ...(meta.author ? { Author: printable(meta.author) } : {}),
      Producer: 'Konsort',
      CreationDate: new Date(),
    },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    pdf.on('data', (chunk: Buffer) => chunks.push(chunk));
    pdf.on('end', () => resolve(Buffer.concat(chunks)));
    pdf.on('error', reject);
  });
  pdf
    .font(fonts.bold)
    .fontSize(22)
    .text(printable(title), { width: pdf.page.width - 2 * pageMargin });
  pdf.moveDown(0.6);
  const ctx: PdfContext = { pdf, indent: 0 };
  node.forEach((block) => {
    writeBlock(ctx, block);
  });
  pdf.end();
  return done;
}
