import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { helpText, main } from './cli.ts';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));

function sink() {
  let text = '';
  const stream = new Writable({
    write(chunk, _enc, done) {
      text += String(chunk);
      done();
    },
  });
  return { stream, text: () => text };
}

describe('konsort-edi CLI', () => {
  it('prints help with exit 0 for `help`, and exit 2 without a command', async () => {
    const out = sink();
    expect(await main(['help'], out.stream, sink().stream)).toBe(0);
    expect(out.text()).toBe(helpText);
    expect(await main([], sink().stream, sink().stream)).toBe(2);
  });

  it('exits 2 on an unknown command and names it', async () => {
    const err = sink();
    expect(await main(['frobnicate'], sink().stream, err.stream)).toBe(2);
    expect(err.text()).toMatch(/unknown command: frobnicate/);
  });

  it('validates a file: exit 0 with the report when valid, 1 with standard codes when not, 2 without FILE', async () => {
    const out = sink();
    expect(await main(['validate', fixture('x12/850-004010-valid.edi')], out.stream, sink().stream)).toBe(0);
    const report = JSON.parse(out.text());
    expect(report.interchanges[0].groups[0].messages[0]).toMatchObject({
      type: '850',
      controlNumber: '0001',
    });
    const bad = sink();
    expect(await main(['validate', fixture('x12/850-duplicate-st02.edi')], bad.stream, sink().stream)).toBe(
      1,
    );
    expect(bad.text()).toContain('"code": "23"');
    expect(await main(['validate'], sink().stream, sink().stream)).toBe(2);
    expect(await main(['validate', fixture('does-not-exist.edi')], sink().stream, sink().stream)).toBe(2);
  });

  it('translates an order into its business document', async () => {
    const out = sink();
    expect(await main(['translate', fixture('x12/850-004010-valid.edi')], out.stream, sink().stream)).toBe(0);
    const { documents } = JSON.parse(out.text());
    expect(documents[0]).toMatchObject({ kind: 'purchaseOrder', document: { poNumber: '4500012345' } });
    expect(documents[0].document.buyer.name).toBe('Müller GmbH');
  });

  it('exits 1 with a JSON reason when the portal does not answer', async () => {
    const err = sink();
    process.env.KONSORT_PORTAL_URL = 'http://127.0.0.1:9/trpc';
    try {
      expect(await main(['ping'], sink().stream, err.stream)).toBe(1);
    } finally {
      delete process.env.KONSORT_PORTAL_URL;
    }
    expect(JSON.parse(err.text())).toMatchObject({ ok: false, portal: 'http://127.0.0.1:9/trpc' });
  });
});
