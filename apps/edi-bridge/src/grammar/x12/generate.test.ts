import { describe, expect, it } from 'vitest';
import { codes } from '../test-support.ts';
import { parseInterchanges } from '../tokenize.ts';
import { validate } from '../validate.ts';
import { generateX12, type X12InterchangeSpec } from './generate.ts';

const spec = (over: Partial<X12InterchangeSpec> = {}): X12InterchangeSpec => ({
  sender: { qualifier: 'ZZ', id: 'KONSORT' },
  receiver: { qualifier: 'ZZ', id: 'MUELLERGMBH' },
  controlNumber: 42,
  date: '240115',
  time: '1030',
  groups: [
    {
      functionalId: 'PO',
      applicationSender: 'KONSORT',
      applicationReceiver: 'MUELLERGMBH',
      controlNumber: 7,
      version: '004010',
      date: '20240115',
      time: '1030',
      transactions: [
        {
          type: '850',
          controlNumber: 1,
          segments: [
            ['BEG', '00', 'SA', 'PO-1', '', '20240115'],
            ['PO1', '1', '2', 'EA', '1.5', '', 'BP', 'X-1'],
          ],
        },
        {
          type: '850',
          controlNumber: 2,
          segments: [
            ['BEG', '00', 'SA', 'PO-2', '', '20240115'],
            ['REF', 'CT', 'DEAL-9', '', ''],
          ],
        },
      ],
    },
  ],
  ...over,
});

describe('X12 generator', () => {
  it('writes a fixed-width ISA and correct counts', () => {
    const r = generateX12(spec());
    if (!r.ok) throw r.error;
    const isa = r.text.slice(0, r.text.indexOf('~') + 1);
    expect(isa).toHaveLength(106);
    expect(isa).toBe(
      'ISA*00*          *00*          *ZZ*KONSORT        *ZZ*MUELLERGMBH    *240115*1030*U*00401*000000042*0*P*>~',
    );
    expect(r.text).toContain('ST*850*0001~BEG*00*SA*PO-1**20240115~PO1*1*2*EA*1.5**BP*X-1~SE*4*0001~');
    expect(r.text).toContain('REF*CT*DEAL-9~SE*4*0002~GE*2*7~IEA*1*000000042~');
    const report = validate(r.text);
    expect(codes(report)).toEqual([]);
  });

  it('uses the repetition separator from 00501 and honours custom delimiters and line breaks', () => {
    const r = generateX12(
      spec({
        version: '00501',
        delimiters: { element: '|', segment: '!', component: '\\' },
        lineBreak: true,
      }),
    );
    if (!r.ok) throw r.error;
    expect(r.text.split('\n')[0]).toBe(
      'ISA|00|          |00|          |ZZ|KONSORT        |ZZ|MUELLERGMBH    |240115|1030|^|00501|000000042|0|P|\\!',
    );
    const ic = parseInterchanges(r.text).interchanges[0];
    expect(ic?.delimiters).toMatchObject({ element: '|', segment: '!', component: '\\', repetition: '^' });
    expect(codes(validate(r.text))).toEqual([]);
  });

  it('refuses data that contains a delimiter, with a typed error', () => {
    for (const bad of ['A*B', 'A~B', 'A>B', 'line\nbreak']) {
      const r = generateX12(
        spec({
          groups: [
            {
              ...spec().groups[0]!,
              transactions: [{ type: '850', controlNumber: 1, segments: [['REF', 'CT', bad]] }],
            },
          ],
        }),
      );
      expect(r.ok).toBe(false);
      if (r.ok) continue;
      expect(r.error.code).toBe('DELIMITER_IN_DATA');
      expect(r.error).toMatchObject({ segmentTag: 'REF', elementPosition: 2, value: bad });
      expect(r.error.message).toContain('no escape mechanism');
    }
    const rep = generateX12({
      ...spec(),
      version: '00501',
      groups: [
        {
          ...spec().groups[0]!,
          transactions: [{ type: '850', controlNumber: 1, segments: [['REF', 'CT', 'A^B']] }],
        },
      ],
    });
    expect(!rep.ok && rep.error.code).toBe('DELIMITER_IN_DATA');
    const comp = generateX12(
      spec({
        groups: [
          {
            ...spec().groups[0]!,
            transactions: [{ type: '850', controlNumber: 1, segments: [['REF', ['CT', 'x*y']]] }],
          },
        ],
      }),
    );
    expect(!comp.ok && comp.error.code).toBe('DELIMITER_IN_DATA');
  });

  it('refuses envelope values that do not fit', () => {
    const long = generateX12(spec({ sender: { qualifier: 'ZZ', id: 'A-VERY-LONG-SENDER-ID' } }));
    expect(!long.ok && long.error.code).toBe('FIELD_TOO_LONG');
    const zero = generateX12(spec({ controlNumber: 0 }));
    expect(!zero.ok && zero.error.code).toBe('INVALID_VALUE');
    const big = generateX12(spec({ controlNumber: 1_000_000_000 }));
    expect(!big.ok && big.error.code).toBe('INVALID_VALUE');
    const same = generateX12(spec({ delimiters: { element: '~' } }));
    expect(!same.ok && same.error.code).toBe('INVALID_DELIMITERS');
    const alnum = generateX12(spec({ delimiters: { component: 'A' } }));
    expect(!alnum.ok && alnum.error.code).toBe('INVALID_DELIMITERS');
  });

  it('writes composites and drops trailing empty elements', () => {
    const r = generateX12(
      spec({
        groups: [
          {
            ...spec().groups[0]!,
            transactions: [{ type: '850', controlNumber: 1, segments: [['TST', ['A', 'B', ''], '', '']] }],
          },
        ],
      }),
    );
    expect(r.ok && r.text).toContain('TST*A>B~');
  });

  it('writes leading TA1 segments and defaults the date from now', () => {
    const r = generateX12({
      ...spec({ groups: [] }),
      date: undefined,
      time: undefined,
      now: new Date('2023-12-31T23:59:00Z'),
      leadingSegments: [['TA1', '000000001', '231231', '2359', 'A', '000']],
    });
    if (!r.ok) throw r.error;
    expect(r.text).toContain('*231231*2359*');
    expect(r.text).toContain('~TA1*000000001*231231*2359*A*000~IEA*0*000000042~');
    expect(codes(validate(r.text))).toEqual([]);
  });
});
