import { describe, expect, it } from 'vitest';
import { codes, fixture } from '../test-support.ts';
import { validate } from '../validate.ts';

const UNB = "UNA:+.? '\nUNB+UNOC:3+4012345000009:14+4098765000003:14+240115:1030+REF1'\n";
const msg = (ref: string, extra = '') =>
  `UNH+${ref}+ORDERS:D:96A:UN'\nBGM+220+PO${ref}+9'\nDTM+137:20240115:102'\n${extra}UNT+${extra ? 5 : 4}+${ref}'\n`;

describe('EDIFACT envelope validation on the fixture corpus', () => {
  const cases: Array<[string, string[]]> = [
    ['edifact/orders-d96a-valid.edi', []],
    ['edifact/orders-d01b-syntax4-escapes-valid.edi', []],
    ['edifact/orders-eancom-d96a-ean008-valid.edi', []],
    ['edifact/ordrsp-d96a-valid.edi', []],
    ['edifact/desadv-d96a-valid.edi', []],
    ['edifact/invoic-d96a-valid.edi', []],
    ['edifact/contrl-valid.edi', []],
    ['edifact/orders-unoc-windows1252-umlauts.edi', []],
    ['edifact/mailbag-two-una-delimiter-sets.edi', []],
    ['edifact/orders-truncated-no-unz.edi', ['interchange:13', 'message:13']],
    ['edifact/orders-bad-release-escape.edi', ['element:21', 'message:29']],
    ['edifact/orders-unt-count-mismatch.edi', ['message:29']],
    ['edifact/orders-unt-reference-mismatch.edi', ['message:28']],
    ['edifact/orders-unz-reference-mismatch.edi', ['interchange:28']],
    ['edifact/orders-unz-count-mismatch.edi', ['interchange:29']],
    ['edifact/orders-duplicate-interchange.edi', ['interchange:26']],
    ['edifact/orders-ebcdic-cp273.edi', ['interchange:EBCDIC']],
  ];
  it.each(cases)('%s → %j', (file, expected) => {
    const report = validate(fixture(file));
    expect(codes(report)).toEqual(expected);
    expect(report.valid).toBe(expected.length === 0);
  });

  it('reports UNB fields and the message identifier', () => {
    const report = validate(fixture('edifact/orders-eancom-d96a-ean008-valid.edi'));
    const ic = report.interchanges[0];
    expect(ic).toMatchObject({
      standard: 'edifact',
      sender: { id: '4012345000009', qualifier: '14' },
      receiver: { id: '4098765000003', qualifier: '14' },
      controlNumber: 'EAN0000077',
      date: '2024-02-20',
      time: '14:00',
      version: '3',
      syntaxIdentifier: 'UNOC',
      ackRequested: false,
      complete: true,
    });
    expect(ic?.groups[0]?.implicit).toBe(true);
    expect(ic?.groups[0]?.messages[0]).toMatchObject({
      type: 'ORDERS',
      version: 'D96A',
      agency: 'UN',
      association: 'EAN008',
      controlNumber: 'EAN001',
      segmentCount: 17,
    });
  });

  it('decides the encoding from the bytes (UNOC as UTF-8 or Windows-1252)', () => {
    expect(validate(fixture('edifact/orders-d96a-valid.edi')).encoding).toBe('utf-8');
    expect(validate(fixture('edifact/orders-unoc-windows1252-umlauts.edi')).encoding).toBe('windows-1252');
    expect(validate(fixture('edifact/orders-eancom-d96a-ean008-valid.edi')).encoding).toBe('ascii');
  });

  it('places the bad release escape at the FTX element', () => {
    const m = validate(fixture('edifact/orders-bad-release-escape.edi')).interchanges[0]?.groups[0]
      ?.messages[0];
    expect(m?.errors[0]).toMatchObject({
      level: 'element',
      code: '21',
      segmentTag: 'FTX',
      segmentPosition: 5,
      elementPosition: 4,
    });
  });

  it('validates UNG/UNE groups', () => {
    const group = (ref: string, count: number) =>
      `UNG+ORDERS+4012345000009:14+4098765000003:14+240115:1030+${ref}+UN+D:96A'\n${msg(`${ref}1`)}UNE+${count}+${ref}'\n`;
    const ok = validate(`${UNB}${group('G1', 1)}${group('G2', 1)}UNZ+2+REF1'`);
    expect(codes(ok)).toEqual([]);
    expect(
      ok.interchanges[0]?.groups.map((g) => [g.functionalId, g.controlNumber, g.version, g.implicit]),
    ).toEqual([
      ['ORDERS', 'G1', 'D96A', false],
      ['ORDERS', 'G2', 'D96A', false],
    ]);
    expect(codes(validate(`${UNB}${group('G1', 2)}UNZ+1+REF1'`))).toEqual(['group:29']);
    expect(codes(validate(`${UNB}${group('G1', 1)}${group('G1', 1)}UNZ+2+REF1'`))).toEqual([
      'group:26',
      'message:26',
    ]);
    expect(codes(validate(`${UNB}${group('G1', 1)}${msg('9')}UNZ+1+REF1'`))).toEqual(['interchange:30']);
  });

  it('flags empty interchanges, duplicate message references and stray segments', () => {
    expect(codes(validate(`${UNB}UNZ+0+REF1'`))).toEqual(['interchange:32']);
    expect(codes(validate(`${UNB}${msg('1')}${msg('1')}UNZ+2+REF1'`))).toEqual(['message:26']);
    expect(codes(validate(`${UNB}FTX+AAI+++x'\n${msg('1')}UNZ+1+REF1'`))).toEqual(['interchange:33']);
  });

  it('checks UNB elements', () => {
    const bad = "UNB+XXXX:9+:14+4098765000003:14+241399:2500+'\nUNZ+0+'";
    expect(codes(validate(bad))).toEqual([
      'interchange:2',
      'interchange:2',
      'interchange:13',
      'interchange:12',
      'interchange:12',
      'interchange:13',
      'interchange:32',
    ]);
  });

  it('checks body rules with CONTRL codes', () => {
    const report = validate(`${UNB}${msg('1', "QTY+21:abc'\n")}UNZ+1+REF1'`);
    const m = report.interchanges[0]?.groups[0]?.messages[0];
    expect(m?.errors).toMatchObject([
      {
        level: 'element',
        code: '37',
        segmentTag: 'QTY',
        segmentPosition: 4,
        elementPosition: 1,
        componentPosition: 2,
      },
    ]);
    const noBgm = validate(`${UNB}UNH+1+ORDERS:D:96A:UN'\nDTM+137:20241301:102'\nUNT+3+1'\nUNZ+1+REF1'`);
    expect(
      noBgm.interchanges[0]?.groups[0]?.messages[0]?.errors.map(
        (e) => `${e.level}:${e.code}:${e.segmentTag}`,
      ),
    ).toEqual(['element:12:DTM', 'segment:13:BGM']);
  });

  it('reports UNA problems with code 20', () => {
    expect(codes(validate(`UNA:A.? '\nUNB+UNOC:3+A+B+240115:1030+R'\nUNZ+0+R'`))[0]).toBe('interchange:20');
  });
});
