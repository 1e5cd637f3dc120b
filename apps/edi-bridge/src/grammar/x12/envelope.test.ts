import { describe, expect, it } from 'vitest';
import { allErrors, codes, fixture } from '../test-support.ts';
import { validate } from '../validate.ts';

const ISA =
  'ISA*00*          *00*          *ZZ*MUELLERGMBH    *ZZ*KONSORT        *240115*1030*U*00401*000000101*0*P*>~';

function x12(body: string, opts: { iea?: string; isa?: string } = {}): string {
  return `${opts.isa ?? ISA}\n${body}${opts.iea ?? 'IEA*1*000000101~'}\n`;
}

describe('X12 envelope validation on the fixture corpus', () => {
  const cases: Array<[string, string[]]> = [
    ['x12/850-004010-valid.edi', []],
    ['x12/850-005010-valid.edi', []],
    ['x12/855-004010-valid.edi', []],
    ['x12/856-004010-valid.edi', []],
    ['x12/810-004010-valid.edi', []],
    ['x12/997-004010-valid.edi', []],
    ['x12/ta1-only-valid.edi', []],
    ['x12/850-binary-delimiters.edi', []],
    ['x12/850-newline-terminator.edi', []],
    ['x12/850-wrapped-80-columns.edi', []],
    ['x12/mailbag-two-delimiter-sets.edi', []],
    ['x12/850-truncated-no-iea.edi', ['interchange:023', 'group:3', 'message:3']],
    ['x12/850-iea02-mismatch.edi', ['interchange:001']],
    ['x12/850-wrong-ge01-count.edi', ['group:5']],
    ['x12/850-se01-count-mismatch.edi', ['message:4']],
    ['x12/850-se02-st02-mismatch.edi', ['message:3']],
    ['x12/850-duplicate-st02.edi', ['message:23']],
    ['x12/850-missing-beg05-date.edi', ['element:1']],
    ['x12/850-gs04-six-digit-date.edi', ['interchange:024']],
    ['x12/mailbag-duplicate-isa13.edi', ['interchange:025']],
    ['x12/850-ebcdic-cp037.edi', ['interchange:EBCDIC']],
    ['misc/empty.edi', ['interchange:EMPTY']],
    ['misc/whitespace-only.edi', ['interchange:EMPTY']],
    ['misc/random-garbage.bin', ['interchange:UNKNOWN_FORMAT']],
  ];
  it.each(cases)('%s → %j', (file, expected) => {
    const report = validate(fixture(file));
    expect(codes(report)).toEqual(expected);
    expect(report.valid).toBe(expected.length === 0);
    for (const e of allErrors(report)) expect(e.message.length).toBeGreaterThan(10);
  });

  it('reports the interchange header fields', () => {
    const ic = validate(fixture('x12/850-004010-valid.edi')).interchanges[0];
    expect(ic).toMatchObject({
      standard: 'x12',
      sender: { qualifier: 'ZZ', id: 'MUELLERGMBH' },
      receiver: { qualifier: 'ZZ', id: 'KONSORT' },
      controlNumber: '000000101',
      date: '2024-01-15',
      time: '10:30',
      version: '00401',
      ackRequested: true,
      test: false,
      complete: true,
      status: 'accepted',
      declaredCount: 1,
    });
    expect(ic?.groups[0]).toMatchObject({
      functionalId: 'PO',
      controlNumber: '101',
      version: '004010',
      status: 'accepted',
    });
    expect(ic?.groups[0]?.messages[0]).toMatchObject({
      type: '850',
      controlNumber: '0001',
      segmentCount: 21,
      declaredSegmentCount: 21,
      segments: { start: 2, end: 23 },
      status: 'accepted',
    });
  });

  it('positions SE/IEA errors and derives statuses', () => {
    const se = validate(fixture('x12/850-se01-count-mismatch.edi')).interchanges[0];
    const m = se?.groups[0]?.messages[0];
    expect(m?.errors[0]).toMatchObject({
      level: 'message',
      code: '4',
      segmentPosition: 21,
      segmentTag: 'SE',
      elementPosition: 1,
    });
    expect(m?.status).toBe('rejected');
    expect(se?.groups[0]?.status).toBe('rejected');
    expect(se?.status).toBe('accepted');

    const iea = validate(fixture('x12/850-iea02-mismatch.edi')).interchanges[0];
    expect(iea?.errors[0]).toMatchObject({
      code: '001',
      segmentTag: 'IEA',
      elementPosition: 2,
      segmentPosition: 25,
    });
    expect(iea?.status).toBe('rejected');
    expect(iea?.groups[0]?.messages[0]?.status).toBe('rejected');
  });

  it('reads the delimiters from each ISA of a mailbag', () => {
    const report = validate(fixture('x12/mailbag-two-delimiter-sets.edi'));
    expect(report.interchanges.map((i) => i.delimiters)).toEqual([
      { element: '*', component: '>', repetition: '', segment: '~', release: '', decimal: '.' },
      { element: '|', component: '\\', repetition: '!', segment: '\n', release: '', decimal: '.' },
    ]);
    expect(report.interchanges.map((i) => i.groups[0]?.messages[0]?.type)).toEqual(['850', '855']);
  });

  it('reads binary delimiters', () => {
    const ic = validate(fixture('x12/850-binary-delimiters.edi')).interchanges[0];
    expect(ic?.delimiters).toMatchObject({
      element: '\x1d',
      component: '\x1f',
      segment: '\x15',
      repetition: '\x7f',
    });
    expect(ic?.groups[0]?.messages[0]?.segmentCount).toBe(10);
  });

  it('accepts an interchange that carries only a TA1', () => {
    const ic = validate(fixture('x12/ta1-only-valid.edi')).interchanges[0];
    expect(ic?.groups).toEqual([]);
    expect(ic?.interchangeAcknowledgements).toEqual([
      { controlNumber: '000000101', date: '2024-01-15', time: '10:30', status: 'A', noteCode: '000' },
    ]);
  });

  it('checks duplicates through a caller-supplied set and function', () => {
    const seen = new Set<string>();
    expect(validate(fixture('x12/850-004010-valid.edi'), { seen }).valid).toBe(true);
    expect(seen.has('x12|ZZ|MUELLERGMBH|ZZ|KONSORT|000000101')).toBe(true);
    expect(codes(validate(fixture('x12/850-004010-valid.edi'), { seen }))).toEqual(['interchange:025']);

    const asked: string[] = [];
    const report = validate(fixture('x12/850-004010-valid.edi'), {
      isDuplicate: (key, level) => {
        asked.push(`${level}:${key}`);
        return level === 'group';
      },
    });
    expect(asked).toEqual([
      'interchange:x12|ZZ|MUELLERGMBH|ZZ|KONSORT|000000101',
      'group:x12|PO|MUELLERGMBH|KONSORT|101',
    ]);
    expect(codes(report)).toEqual(['group:6']);
  });

  it('flags a duplicate GS06 within the interchange with AK9 code 6', () => {
    const group = (n: string) => `GS*PO*A*B*20240115*1030*${n}*X*004010~\nGE*0*${n}~\n`;
    const report = validate(x12(group('7') + group('7'), { iea: 'IEA*2*000000101~' }));
    expect(codes(report)).toEqual(['group:6']);
  });

  it('reports a missing SE before the next ST and a missing GE before IEA', () => {
    const body =
      'GS*PO*A*B*20240115*1030*1*X*004010~\nST*850*0001~\nBEG*00*SA*1**20240115~\nST*850*0002~\nBEG*00*SA*2**20240115~\nSE*3*0002~\n';
    const report = validate(x12(body));
    expect(codes(report)).toEqual(['group:3', 'message:3']);
    expect(report.interchanges[0]?.groups[0]?.messages.map((m) => m.segmentCount)).toEqual([2, 3]);
  });

  it('validates ISA fields with TA1 note codes', () => {
    const bad = ISA.replace('*240115*1030*', '*241315*2561*')
      .replace('*0*P*', '*7*X*')
      .replace('000000101', '00000010A');
    const report = validate(`${bad}\nIEA*0*00000010A~\n`);
    expect(codes(report)).toEqual([
      'interchange:014',
      'interchange:015',
      'interchange:018',
      'interchange:019',
      'interchange:020',
    ]);
  });

  it('refuses an ISA that is not fixed width', () => {
    const short = ISA.replace('MUELLERGMBH    ', 'MUELLERGMBH');
    expect(codes(validate(`${short}\nIEA*0*000000101~\n`))).toEqual(['interchange:006']);
  });

  it('gives TA1 codes for unreadable headers', () => {
    expect(codes(validate('ISA*00*    '))).toEqual(['interchange:023']);
    expect(codes(validate(`ISAX${ISA.slice(4)}`))).toEqual(['interchange:026']);
    expect(codes(validate(ISA.replace('>~', '*~')))).toEqual(['interchange:027']);
  });

  it('reports body segment errors with AK3/AK4 codes and positions', () => {
    const body =
      'GS*PO*A*B*20240115*1030*1*X*004010~\nST*850*0001~\nBEG*00*SA*1**20241301~\nPO1*1*4X*EA*1.5~\nzz*1~\nCTT~\nSE*6*0001~\nGE*1*1~\n';
    const m = validate(x12(body)).interchanges[0]?.groups[0]?.messages[0];
    expect(m?.errors.map((e) => [e.level, e.code, e.segmentPosition, e.elementPosition])).toEqual([
      ['element', '8', 2, 5],
      ['element', '6', 3, 2],
      ['segment', '1', 4, undefined],
      ['segment', '8', 5, undefined],
    ]);
    expect(m?.errors[1]?.value).toBe('4X');
  });

  it('reports a missing mandatory segment', () => {
    const body = 'GS*PO*A*B*20240115*1030*1*X*004010~\nST*850*0001~\nREF*CT*X~\nSE*3*0001~\nGE*1*1~\n';
    const m = validate(x12(body)).interchanges[0]?.groups[0]?.messages[0];
    expect(m?.errors).toMatchObject([{ level: 'segment', code: '3', segmentTag: 'BEG' }]);
  });

  it('accepts GS04 as YYMMDD before 004010 only', () => {
    const body = (v: string, d: string) => `GS*PO*A*B*${d}*1030*1*X*${v}~\nGE*0*1~\n`;
    expect(codes(validate(x12(body('003060', '240115'))))).toEqual([]);
    expect(codes(validate(x12(body('004010', '240115'))))).toEqual(['interchange:024']);
    expect(codes(validate(x12(body('005010', '20240115'))))).toEqual([]);
  });

  it('reports segments outside a transaction set and data after the interchange', () => {
    const body = 'GS*PO*A*B*20240115*1030*1*X*004010~\nREF*CT*X~\nGE*0*1~\n';
    expect(codes(validate(x12(body)))).toEqual(['interchange:024']);
    expect(codes(validate(`${x12('')}garbage after the end`))).toEqual([
      'interchange:DATA_OUTSIDE_INTERCHANGE',
      'interchange:021',
    ]);
  });
});
