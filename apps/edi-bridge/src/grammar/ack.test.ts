import { describe, expect, it } from 'vitest';
import { buildAcknowledgement } from './ack.ts';
import { codes, fixture } from './test-support.ts';
import { translate } from './translate.ts';
import { validate } from './validate.ts';

const now = new Date('2024-01-15T10:32:00Z');
const x12Profile = {
  standard: 'x12' as const,
  controlNumbers: { interchange: 900, group: 900 },
  now,
  lineBreak: true,
};
const edifactProfile = {
  standard: 'edifact' as const,
  controlNumbers: { interchange: 77 },
  now,
  lineBreak: true,
};

function ack(file: string) {
  return buildAcknowledgement(validate(fixture(file)), x12Profile);
}

function body(text: string): string[] {
  return text
    .split('\n')
    .filter(
      (l) => !/^(ISA|GS|GE|IEA|ST|SE|UNB|UNH|UNT|UNZ)[*+|]/.test(l) && !l.startsWith('UNA') && l !== '',
    );
}

describe('X12 acknowledgements', () => {
  it('answers a valid 850 (ISA14 = 1) with TA1 A and a 997 accepting the set', () => {
    const a = ack('x12/850-004010-valid.edi');
    expect(a.acknowledgements).toMatchObject([
      { interchangeIndex: 0, kind: 'TA1+997', controlNumber: '000000900' },
    ]);
    expect(body(a.text)).toEqual([
      'TA1*000000101*240115*1030*A*000~',
      'AK1*PO*101~',
      'AK2*850*0001~',
      'AK5*A~',
      'AK9*A*1*1*1~',
    ]);
    expect(a.text.split('\n')[0]).toBe(
      'ISA*00*          *00*          *ZZ*KONSORT        *ZZ*MUELLERGMBH    *240115*1032*U*00401*000000900*0*P*>~',
    );
    expect(a.next).toEqual({ interchange: 901, group: 901 });
    expect(codes(validate(a.text))).toEqual([]);
  });

  it('rejects a truncated interchange with TA1 R 023 and no 997', () => {
    const a = ack('x12/850-truncated-no-iea.edi');
    expect(a.acknowledgements[0]?.kind).toBe('TA1');
    expect(body(a.text)).toEqual(['TA1*000000101*240115*1030*R*023~']);
    expect(a.next).toEqual({ interchange: 901, group: 900 });
  });

  it.each([
    ['x12/850-iea02-mismatch.edi', ['TA1*000000101*240115*1030*R*001~']],
    [
      'x12/mailbag-duplicate-isa13.edi',
      [
        'TA1*000000101*240115*1030*A*000~',
        'AK1*PO*101~',
        'AK2*850*0001~',
        'AK5*A~',
        'AK9*A*1*1*1~',
        'TA1*000000101*240115*1030*R*025~',
      ],
    ],
    [
      'x12/850-wrong-ge01-count.edi',
      ['TA1*000000101*240115*1030*A*000~', 'AK1*PO*101~', 'AK2*850*0001~', 'AK5*A~', 'AK9*R*2*1*0*5~'],
    ],
    [
      'x12/850-se01-count-mismatch.edi',
      ['TA1*000000101*240115*1030*A*000~', 'AK1*PO*101~', 'AK2*850*0001~', 'AK5*R*4~', 'AK9*R*1*1*0~'],
    ],
    [
      'x12/850-se02-st02-mismatch.edi',
      ['TA1*000000101*240115*1030*A*000~', 'AK1*PO*101~', 'AK2*850*0001~', 'AK5*R*3~', 'AK9*R*1*1*0~'],
    ],
    [
      'x12/850-duplicate-st02.edi',
      [
        'TA1*000000101*240115*1030*A*000~',
        'AK1*PO*101~',
        'AK2*850*0001~',
        'AK5*A~',
        'AK2*850*0001~',
        'AK5*R*23~',
        'AK9*P*2*2*1~',
      ],
    ],
    [
      'x12/850-missing-beg05-date.edi',
      [
        'TA1*000000101*240115*1030*A*000~',
        'AK1*PO*101~',
        'AK2*850*0001~',
        'AK3*BEG*2**8~',
        'AK4*5**1~',
        'AK5*R*5~',
        'AK9*R*1*1*0~',
      ],
    ],
    [
      'x12/850-gs04-six-digit-date.edi',
      ['TA1*000000101*240115*1030*E*024~', 'AK1*PO*101~', 'AK2*850*0001~', 'AK5*A~', 'AK9*E*1*1*1~'],
    ],
  ])('%s', (file, expected) => {
    const a = ack(file);
    expect(body(a.text)).toEqual(expected);
    expect(codes(validate(a.text))).toEqual([]);
  });

  it('does not acknowledge acknowledgements, and follows the TA1 policy', () => {
    const fa = ack('x12/997-004010-valid.edi');
    expect(fa.acknowledgements).toEqual([]);
    expect(fa.skipped[0]?.reason).toContain('Nothing to acknowledge');
    const r = buildAcknowledgement(validate(fixture('x12/850-005010-valid.edi')), {
      ...x12Profile,
      ta1: 'never',
    });
    expect(body(r.text)).toEqual(['AK1*PO*102*005010~', 'AK2*850*0001*005010~', 'AK5*A~', 'AK9*A*1*1*1~']);
    const always = buildAcknowledgement(validate(fixture('x12/850-005010-valid.edi')), {
      ...x12Profile,
      ta1: 'always',
      functionalAck: false,
    });
    expect(body(always.text)).toEqual(['TA1*000000102*240312*0915*A*000~']);
  });

  it('produces a 997 that translates back to the statuses it reports', () => {
    const a = ack('x12/850-duplicate-st02.edi');
    const back = translate(a.text);
    expect(back.documents[0]?.document).toMatchObject({
      status: 'partially-accepted',
      groupControlNumber: '101',
    });
  });

  it('reports files without any readable interchange as skipped', () => {
    const a = buildAcknowledgement(validate(fixture('misc/random-garbage.bin')), x12Profile);
    expect(a.text).toBe('');
    expect(a.skipped[0]?.reason).toContain('UNKNOWN_FORMAT');
  });
});

describe('EDIFACT CONTRL', () => {
  it('acknowledges a valid interchange with UCI 7 and UCM 7 (syntax 3, CONTRL:D:3:UN)', () => {
    const a = buildAcknowledgement(validate(fixture('edifact/orders-d96a-valid.edi')), edifactProfile);
    expect(a.text).toBe(
      "UNA:+.? '\nUNB+UNOC:3+4098765000003:14+4012345000009:14+240115:1032+77'\nUNH+1+CONTRL:D:3:UN'\nUCI+ORD0000123+4012345000009:14+4098765000003:14+7'\nUCM+1+ORDERS:D:96A:UN+7'\nUNT+4+1'\nUNZ+1+77'\n",
    );
    expect(a.next).toEqual({ interchange: 78 });
    expect(codes(validate(a.text))).toEqual([]);
  });

  it.each([
    [
      'edifact/orders-truncated-no-unz.edi',
      ["UCI+ORD0000123+4012345000009:14+4098765000003:14+4+13+UNZ'", "UCM+1+ORDERS:D:96A:UN+4+13'"],
    ],
    [
      'edifact/orders-bad-release-escape.edi',
      [
        "UCI+ORD0000123+4012345000009:14+4098765000003:14+7'",
        "UCM+1+ORDERS:D:96A:UN+4+29'",
        "UCS+5'",
        "UCD+21+4'",
      ],
    ],
    [
      'edifact/orders-unz-reference-mismatch.edi',
      ["UCI+ORD0000123+4012345000009:14+4098765000003:14+4+28+UNZ+2'"],
    ],
    [
      'edifact/orders-eancom-d96a-ean008-valid.edi',
      ["UCI+EAN0000077+4012345000009:14+4098765000003:14+7'", "UCM+EAN001+ORDERS:D:96A:UN:EAN008+7'"],
    ],
  ])('%s', (file, expected) => {
    const a = buildAcknowledgement(validate(fixture(file)), edifactProfile);
    expect(body(a.text)).toEqual(expected);
    expect(codes(validate(a.text))).toEqual([]);
  });

  it('sends a receipt (UCI 8) in received mode and skips CONTRL interchanges', () => {
    const r = buildAcknowledgement(validate(fixture('edifact/orders-d96a-valid.edi')), {
      ...edifactProfile,
      mode: 'received',
    });
    expect(body(r.text)).toEqual(["UCI+ORD0000123+4012345000009:14+4098765000003:14+8'"]);
    const c = buildAcknowledgement(validate(fixture('edifact/contrl-valid.edi')), edifactProfile);
    expect(c.acknowledgements).toEqual([]);
    expect(c.skipped[0]?.reason).toContain('CONTRL');
  });

  it('acknowledges each interchange of a mailbag and the CONTRL translates back', () => {
    const a = buildAcknowledgement(
      validate(fixture('edifact/orders-duplicate-interchange.edi')),
      edifactProfile,
    );
    expect(a.acknowledgements.map((x) => x.controlNumber)).toEqual(['77', '78']);
    const back = translate(a.text);
    expect(back.documents.map((d) => d.document)).toMatchObject([
      { status: 'accepted', interchangeControlNumber: 'ORD0000123' },
      { status: 'rejected', errorCodes: ['26'], messages: [] },
    ]);
  });

  it('only answers when asked with the requested policy', () => {
    const r = buildAcknowledgement(validate(fixture('edifact/ordrsp-d96a-valid.edi')), {
      ...edifactProfile,
      when: 'requested',
    });
    expect(r.acknowledgements).toEqual([]);
    const asked = buildAcknowledgement(validate(fixture('edifact/orders-d96a-valid.edi')), {
      ...edifactProfile,
      when: 'requested',
    });
    expect(asked.acknowledgements).toHaveLength(1);
  });
});
