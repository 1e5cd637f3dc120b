import { describe, expect, it } from 'vitest';
import { codes } from '../test-support.ts';
import { parseInterchanges } from '../tokenize.ts';
import { validate } from '../validate.ts';
import { type EdifactInterchangeSpec, generateEdifact } from './generate.ts';

const spec = (over: Partial<EdifactInterchangeSpec> = {}): EdifactInterchangeSpec => ({
  sender: { id: '4098765000003', qualifier: '14' },
  receiver: { id: '4012345000009', qualifier: '14' },
  controlReference: 'REF42',
  date: '240115',
  time: '1030',
  messages: [
    {
      reference: 'M1',
      type: 'ORDERS',
      version: 'D',
      release: '96A',
      agency: 'UN',
      association: 'EAN008',
      segments: [
        ['BGM', '220', 'PO-1', '9'],
        ['DTM', ['137', '20240115', '102']],
        ['FTX', 'AAI', '', '', "Preis: 5+3 Stück, O'Neill? ja*"],
      ],
    },
  ],
  ...over,
});

describe('EDIFACT generator', () => {
  it('writes UNA, UNB…UNZ, UNH…UNT with counts and release escaping', () => {
    const r = generateEdifact(spec());
    if (!r.ok) throw r.error;
    expect(r.text).toBe(
      "UNA:+.? 'UNB+UNOC:3+4098765000003:14+4012345000009:14+240115:1030+REF42'UNH+M1+ORDERS:D:96A:UN:EAN008'BGM+220+PO-1+9'DTM+137:20240115:102'FTX+AAI+++Preis?: 5?+3 Stück, O?'Neill?? ja*'UNT+5+M1'UNZ+1+REF42'",
    );
    expect(codes(validate(r.text))).toEqual([]);
    expect(parseInterchanges(r.text).interchanges[0]?.segments.value(4, 4)).toBe(
      "Preis: 5+3 Stück, O'Neill? ja*",
    );
  });

  it('escapes the repetition separator in syntax 4 and omits UNA when asked', () => {
    const r = generateEdifact(spec({ syntax: { id: 'UNOC', version: 4 }, una: false, date: '20240115' }));
    if (!r.ok) throw r.error;
    expect(r.text.startsWith('UNB+UNOC:4+')).toBe(true);
    expect(r.text).toContain('ja?*');
    expect(parseInterchanges(r.text).interchanges[0]?.segments.value(4, 4)).toBe(
      "Preis: 5+3 Stück, O'Neill? ja*",
    );
    expect(codes(validate(r.text))).toEqual([]);
  });

  it('writes groups, custom delimiters and line breaks', () => {
    const m = spec().messages?.[0];
    if (!m) throw new Error('spec');
    const r = generateEdifact(
      spec({
        messages: undefined,
        lineBreak: true,
        delimiters: { element: '|', component: '^', segment: '~', release: '\\', decimal: ',' },
        groups: [
          {
            functionalId: 'ORDERS',
            applicationSender: { id: 'A', qualifier: '' },
            applicationReceiver: { id: 'B', qualifier: '' },
            reference: 'G1',
            agency: 'UN',
            version: 'D',
            release: '96A',
            messages: [m],
          },
        ],
      }),
    );
    if (!r.ok) throw r.error;
    expect(r.text.split('\n')[0]).toBe('UNA^|,\\ ~');
    expect(r.text).toContain('UNG|ORDERS|A|B|240115^1030|G1|UN|D^96A~');
    expect(codes(validate(r.text))).toEqual([]);
  });

  it('refuses what it cannot write', () => {
    expect(generateEdifact(spec({ una: false, delimiters: { element: '|' } }))).toMatchObject({
      ok: false,
      error: { code: 'INVALID_DELIMITERS' },
    });
    expect(generateEdifact(spec({ delimiters: { element: ':' } }))).toMatchObject({
      ok: false,
      error: { code: 'INVALID_DELIMITERS' },
    });
    expect(generateEdifact(spec({ controlReference: 'X'.repeat(15) }))).toMatchObject({
      ok: false,
      error: { code: 'INVALID_VALUE' },
    });
    const noRelease = generateEdifact(spec({ delimiters: { release: '' } }));
    expect(noRelease).toMatchObject({ ok: false, error: { code: 'DELIMITER_IN_DATA', segmentTag: 'FTX' } });
  });
});
