import { describe, expect, it } from 'vitest';
import { components, repetitions, unescapeRelease } from '../segments.ts';
import { fixture } from '../test-support.ts';
import { parseInterchanges } from '../tokenize.ts';
import { readEdifactHeader } from './tokenize.ts';

describe('EDIFACT tokenizer', () => {
  it('reads the UNA service string advice', () => {
    const r = readEdifactHeader("UNA:+.? 'UNB+UNOC:3+A+B+240101:1200+1'", 0);
    expect(r.ok && r.header.delimiters).toEqual({
      component: ':',
      element: '+',
      decimal: '.',
      release: '?',
      repetition: '',
      segment: "'",
    });
    expect(r.ok && r.header.una).toBe("UNA:+.? '");
    const custom = readEdifactHeader('UNA^|,\\ ~\nUNB|UNOC^3|A|B|240101^1200|1~', 0);
    expect(custom.ok && custom.header.delimiters).toEqual({
      component: '^',
      element: '|',
      decimal: ',',
      release: '\\',
      repetition: '',
      segment: '~',
    });
  });

  it('uses the defaults without UNA, with * as repetition separator from syntax 4', () => {
    const v3 = readEdifactHeader("UNB+UNOC:3+A+B+240101:1200+1'", 0);
    expect(v3.ok && v3.header.delimiters.repetition).toBe('');
    const v4 = readEdifactHeader("UNB+UNOC:4+A+B+20240101:1200+1'", 0);
    expect(v4.ok && v4.header.delimiters).toEqual({
      component: ':',
      element: '+',
      decimal: '.',
      release: '?',
      repetition: '*',
      segment: "'",
    });
  });

  it('recognises the information separators IS1/IS3/IS4', () => {
    const text = 'UNB\x1dUNOB\x1f3\x1dA\x1dB\x1d240101\x1f1200\x1d1\x1cUNZ\x1d0\x1d1\x1c';
    const f = parseInterchanges(text);
    expect(f.interchanges[0]?.delimiters).toMatchObject({
      element: '\x1d',
      component: '\x1f',
      segment: '\x1c',
      release: '',
    });
    expect(f.interchanges[0]?.segments.component(0, 1, 1)).toBe('UNOB');
    expect(f.interchanges[0]?.complete).toBe(true);
  });

  it("honours the release character: ?? ?' ?+ ?: ?* and a released release before the terminator", () => {
    const f = parseInterchanges(fixture('edifact/orders-d01b-syntax4-escapes-valid.edi'));
    const L = f.interchanges[0]?.segments;
    expect(L?.length).toBe(18);
    expect(L?.value(4, 4)).toBe('Bitte Lieferschein beilegen. Fragen?');
    expect(L?.component(6, 4, 1)).toBe('Meier + Söhne KG');
    expect(L?.component(10, 2, 1)).toBe('MS-4711:A');
    expect(L?.component(10, 2, 2)).toBe('BP');
    expect(L?.component(11, 3, 4)).toBe("Unterlegscheibe Ø 8:4 mm, Größe 10*20, O'Brien");
    expect(f.interchanges[0]?.issues).toEqual([]);
  });

  it('flags release characters that release nothing or a non-service character', () => {
    const head = "UNA:+.? 'UNB+UNOC:3+A+B+240101:1200+1'UNH+1+ORDERS:D:96A:UN'";
    const f1 = parseInterchanges(`${head}FTX+AAI+++a?b'UNT+3+1'UNZ+1+1'`);
    expect(f1.interchanges[0]?.issues.map((i) => [i.code, i.segmentIndex, i.elementPosition])).toEqual([
      ['21', 2, 4],
    ]);
    const f2 = parseInterchanges(`${head}FTX+AAI+++ends with?`);
    expect(f2.interchanges[0]?.issues.map((i) => i.code)).toEqual(['21']);
  });

  it('splits two interchanges with different UNA delimiters', () => {
    const f = parseInterchanges(fixture('edifact/mailbag-two-una-delimiter-sets.edi'));
    expect(
      f.interchanges.map((i) => [i.delimiters.element, i.delimiters.decimal, i.segments.length]),
    ).toEqual([
      ['+', '.', 24],
      ['|', ',', 22],
    ]);
    expect(f.interchanges[1]?.segments.component(11, 1, 2)).toBe('12,50');
  });

  it('unescapes components and repetitions', () => {
    const d = { element: '+', component: ':', repetition: '*', segment: "'", release: '?', decimal: '.' };
    expect(components('a?:b:c??:d', d)).toEqual(['a:b', 'c?', 'd']);
    expect(repetitions('a*b?*c', d)).toEqual(['a', 'b?*c']);
    expect(unescapeRelease('x?+y??', '?')).toEqual('x+y?');
    expect(unescapeRelease('plain', '')).toBe('plain');
  });
});
