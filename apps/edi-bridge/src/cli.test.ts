import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { helpText, main } from './cli.ts';

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
