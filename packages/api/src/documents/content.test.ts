import { inflateSync } from 'node:zlib';
import { prosemirrorJSONToYDoc } from '@tiptap/y-tiptap';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  checkDocumentUpdate,
  documentFragment,
  documentSchema,
  htmlDocumentOf,
  pdfOf,
  plainTextOf,
  proseMirrorOf,
} from './content.ts';

type Json = Record<string, unknown>;
const text = (t: string, marks: string[] = []): Json => ({
  type: 'text',
  text: t,
  ...(marks.length ? { marks: marks.map((m) => ({ type: m })) } : {}),
});
const para = (...content: Json[]): Json => ({ type: 'paragraph', content });

const sample: Json = {
  type: 'doc',
  content: [
    { type: 'heading', attrs: { level: 2 }, content: [text('Angebot für Müller GmbH')] },
    para(text('Lieferung in '), text('KW 14', ['bold']), text(', Montage '), text('inklusive', ['italic'])),
    {
      type: 'bulletList',
      content: [
        { type: 'listItem', content: [para(text('Fräse FZ-200'))] },
        { type: 'listItem', content: [para(text('Schulung vor Ort'))] },
      ],
    },
    {
      type: 'orderedList',
      attrs: { start: 1 },
      content: [{ type: 'listItem', content: [para(text('Anzahlung 30 %'))] }],
    },
  ],
};

function stateOf(json: Json): Uint8Array {
  const doc = prosemirrorJSONToYDoc(documentSchema(), json, documentFragment);
  return Y.encodeStateAsUpdate(doc);
}

/** The text a PDF shows: inflate its content streams and decode the hex strings of TJ/Tj. */
function pdfText(pdf: Buffer): string {
  const raw = pdf.toString('latin1');
  const out: string[] = [];
  const streamRe = /stream\r?\n([\s\S]*?)\r?\nendstream/g;
  for (let m = streamRe.exec(raw); m; m = streamRe.exec(raw)) {
    let content: string;
    try {
      content = inflateSync(Buffer.from(m[1]!, 'latin1')).toString('latin1');
    } catch {
      continue;
    }
    for (const tj of content.matchAll(/\[([^\]]*)\]\s*TJ/g)) {
      const hex = [...tj[1]!.matchAll(/<([0-9a-fA-F]*)>/g)].map((h) => h[1]).join('');
      // The standard fonts are WinAnsi-encoded: Latin-1 but for 0x80–0x9f (• is 0x95).
      out.push(Buffer.from(hex, 'hex').toString('latin1').replaceAll('\x95', '•'));
    }
  }
  return out.join('\n');
}

describe('document content', () => {
  it('converts the Y fragment to ProseMirror, plain text and HTML with headings, lists and marks', () => {
    const node = proseMirrorOf(stateOf(sample));
    expect(node.child(0).type.name).toBe('heading');
    expect(plainTextOf(node)).toContain('Angebot für Müller GmbH\nLieferung in KW 14, Montage inklusive');
    const html = htmlDocumentOf('Angebot', node, 'de');
    expect(html).toContain('<h2>Angebot für Müller GmbH</h2>');
    expect(html).toContain('<strong>KW 14</strong>');
    expect(html).toContain('<em>inklusive</em>');
    expect(html).toMatch(/<ul><li><p>Fräse FZ-200<\/p><\/li>/);
    expect(html).toContain('<ol><li><p>Anzahlung 30 %</p></li></ol>');
  });

  it('exports hostile content as inert HTML: no script, no event handler, no javascript: URL', () => {
    // Stored content as a hostile client might have written it, bypassing any editor.
    const doc = new Y.Doc();
    const fragment = doc.getXmlFragment(documentFragment);
    const p1 = new Y.XmlElement('paragraph');
    p1.setAttribute('onclick', 'alert(1)');
    p1.setAttribute('style', 'background:url(javascript:alert(2))');
    const t1 = new Y.XmlText();
    p1.insert(0, [t1]);
    const p2 = new Y.XmlElement('paragraph');
    const t2 = new Y.XmlText();
    p2.insert(0, [t2]);
    const h = new Y.XmlElement('heading');
    h.setAttribute('level', '1><script>alert(3)</script' as unknown as string);
    const t3 = new Y.XmlText();
    h.insert(0, [t3]);
    fragment.insert(0, [p1, p2, h]);
    t1.insert(0, '<script>alert("x")</script><img src=x onerror=alert(4)>');
    t2.insert(0, 'click me', { link: { href: 'javascript:alert(5)', target: '_blank', class: 'x' } });
    t2.insert(8, ' and ', {});
    t2.insert(13, 'this', { link: { href: ' JaVaScRiPt:alert(6)' } });
    t2.insert(17, ' or ', {});
    t2.insert(21, 'that', { link: { href: 'https://example.com/a?b=1' } });
    t3.insert(0, 'Titel');
    const node = proseMirrorOf(Y.encodeStateAsUpdate(doc));
    const html = htmlDocumentOf('<img src=x onerror="alert(7)">Bericht', node, 'en');
    const body = html.slice(html.indexOf('<body>'));
    expect(body).not.toMatch(/<script/i);
    expect(body).not.toMatch(/<img/i);
    expect(html).not.toMatch(/<[^>]*\son[a-z]+\s*=/i);
    expect(html).not.toMatch(/javascript:/i);
    expect(html).not.toMatch(/style="/i);
    // The text survives as text, the safe link as a link.
    expect(body).toContain('&lt;script&gt;alert("x")&lt;/script&gt;');
    expect(body).toContain('<a rel="noopener noreferrer nofollow" href="https://example.com/a?b=1">that</a>');
    expect(body).toContain('<a rel="noopener noreferrer nofollow">click me</a>');
    expect(html).toContain('<title>&lt;img src=x onerror=&quot;alert(7)&quot;&gt;Bericht</title>');
  });

  it('writes a real PDF holding the text, headings and list items', async () => {
    const pdf = await pdfOf('Angebot Müller', proseMirrorOf(stateOf(sample)));
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdf.subarray(-6).toString('latin1')).toContain('%%EOF');
    const shown = pdfText(pdf);
    for (const expected of [
      'Angebot Müller',
      'Angebot für Müller GmbH',
      'KW 14',
      'inklusive',
      '• ',
      'Fräse FZ-200',
      '1. ',
      'Anzahlung 30 %',
    ]) {
      expect(shown).toContain(expected);
    }
    // Bold text is set in the bold font.
    expect(pdf.toString('latin1')).toContain('/BaseFont /Helvetica-Bold');
  });

  it('accepts updates of a real editor schema and rejects what does not fit it', () => {
    const server = new Y.Doc();
    Y.applyUpdate(server, stateOf(sample));
    const client = new Y.Doc();
    Y.applyUpdate(client, Y.encodeStateAsUpdate(server));
    const next = (change: (doc: Y.Doc) => void) => {
      const before = Y.encodeStateVector(client);
      change(client);
      return Y.encodeStateAsUpdate(client, before);
    };
    const fragment = client.getXmlFragment(documentFragment);
    // Typing into an existing paragraph and adding a paragraph: fine.
    const typing = next(() => {
      const p = fragment.get(1) as Y.XmlElement;
      (p.get(0) as Y.XmlText).insert(0, 'Neu: ', { bold: {} });
    });
    expect(checkDocumentUpdate(server, typing)).toBeNull();
    Y.applyUpdate(server, typing);
    const unknownNode = next(() => fragment.insert(0, [new Y.XmlElement('iframe')]));
    expect(checkDocumentUpdate(server, unknownNode)).toMatch(/outside the schema/);
    const fresh = () => {
      const c = new Y.Doc();
      Y.applyUpdate(c, Y.encodeStateAsUpdate(server));
      return c;
    };
    const diff = (c: Y.Doc, change: (doc: Y.Doc) => void) => {
      const before = Y.encodeStateVector(c);
      change(c);
      return Y.encodeStateAsUpdate(c, before);
    };
    const unknownMark = diff(fresh(), (c) => {
      const p = c.getXmlFragment(documentFragment).get(1) as Y.XmlElement;
      (p.get(0) as Y.XmlText).insert(0, 'x', { blink: {} });
    });
    expect(checkDocumentUpdate(server, unknownMark)).toMatch(/outside the schema/);
    const bareText = diff(fresh(), (c) => c.getXmlFragment(documentFragment).insert(0, [new Y.XmlText('x')]));
    expect(checkDocumentUpdate(server, bareText)).toMatch(/outside a block/);
    const otherRoot = diff(fresh(), (c) => c.getMap('evil').set('a', 1));
    expect(checkDocumentUpdate(server, otherRoot)).toMatch(/root type "evil"/);
    const embed = diff(fresh(), (c) => {
      const p = c.getXmlFragment(documentFragment).get(1) as Y.XmlElement;
      (p.get(0) as Y.XmlText).insertEmbed(0, { image: 'x' });
    });
    expect(checkDocumentUpdate(server, embed)).toMatch(/embedded object/);
    // An update depending on content the server has not seen would join the doc unchecked later.
    const other = fresh();
    diff(other, (c) => c.getXmlFragment(documentFragment).insert(0, [new Y.XmlElement('paragraph')]));
    const dependent = diff(other, (c) => {
      const p = c.getXmlFragment(documentFragment).get(0) as Y.XmlElement;
      p.insert(0, [new Y.XmlElement('iframe')]);
    });
    expect(checkDocumentUpdate(server, dependent)).toMatch(/missing dependencies/);
    // The checks never touch the server's document.
    expect(server.getXmlFragment(documentFragment).length).toBe(4);
    expect([...server.share.keys()]).toEqual([documentFragment]);
  });
});
