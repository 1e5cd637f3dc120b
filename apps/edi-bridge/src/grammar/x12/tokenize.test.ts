import { describe, expect, it } from 'vitest';
import { fixture, fixtureText } from '../test-support.ts';
import { parseInterchanges } from '../tokenize.ts';
import { readIsaHeader } from './tokenize.ts';

const isa = (rep: string, version: string, comp = '>', term = '~') =>
  `ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *240115*1030*${rep}*${version}*000000001*0*P*${comp}${term}`;

describe('X12 tokenizer', () => {
  it('reads the delimiters from the fixed-width ISA', () => {
    const r = readIsaHeader(isa('U', '00401'), 0);
    expect(r.ok && r.header.delimiters).toEqual({
      element: '*',
      component: '>',
      repetition: '',
      segment: '~',
      release: '',
      decimal: '.',
    });
    expect(r.ok && r.header.terminatorIndex).toBe(105);
  });

  it('uses ISA11 as repetition separator only from 00402 and when not alphanumeric', () => {
    const rep = (s: string) => {
      const r = readIsaHeader(s, 0);
      return r.ok ? r.header.delimiters.repetition : 'error';
    };
    expect(rep(isa('^', '00501'))).toBe('^');
    expect(rep(isa('^', '00402'))).toBe('^');
    expect(rep(isa('^', '00401'))).toBe('');
    expect(rep(isa('U', '00501'))).toBe('');
  });

  it('refuses unusable delimiters with TA1 codes', () => {
    expect(readIsaHeader(isa('U', '00401').replace('ISA*', 'ISA1').replaceAll('*', '1'), 0)).toMatchObject({
      ok: false,
      code: '026',
    });
    expect(readIsaHeader(isa('U', '00401', '*'), 0)).toMatchObject({ ok: false, code: '027' });
    expect(readIsaHeader(isa('U', '00401', '>', 'A'), 0)).toMatchObject({ ok: false, code: '004' });
    expect(readIsaHeader(isa('U', '00401').slice(0, 60), 0)).toMatchObject({ ok: false, code: '023' });
  });

  it('splits segments and elements lazily with element numbering that matches the standard', () => {
    const f = parseInterchanges(fixture('x12/850-004010-valid.edi'));
    expect(f.interchanges).toHaveLength(1);
    const L = f.interchanges[0]?.segments;
    expect(L?.length).toBe(25);
    expect(L?.tag(0)).toBe('ISA');
    expect(L?.element(0, 13)).toBe('000000101');
    expect(L?.elements(3)).toEqual(['BEG', '00', 'SA', '4500012345', '', '20240115']);
    expect(L?.value(8, 2)).toBe('Müller GmbH');
    expect(L?.element(3, 9)).toBe('');
    expect(L?.is(2, 'ST')).toBe(true);
    expect(L?.is(2, 'S')).toBe(false);
    expect(L?.tag(24)).toBe('IEA');
  });

  it('tolerates CR/LF after terminators, a newline terminator and 80-column wrapping', () => {
    const reference = parseInterchanges(
      fixture('x12/850-004010-valid.edi'),
    ).interchanges[0]?.segments.toArrays();
    for (const name of ['850-newline-terminator.edi', '850-wrapped-80-columns.edi']) {
      const ic = parseInterchanges(fixture(`x12/${name}`)).interchanges[0];
      expect(ic?.segments.toArrays()).toEqual(reference);
    }
    const crlf = fixtureText('x12/850-004010-valid.edi').replaceAll('\n', '\r\n');
    expect(parseInterchanges(crlf).interchanges[0]?.segments.toArrays()).toEqual(reference);
    const nl = parseInterchanges(fixture('x12/850-newline-terminator.edi')).interchanges[0];
    expect(nl?.delimiters.segment).toBe('\n');
    const wrapped = fixtureText('x12/850-wrapped-80-columns.edi');
    expect(wrapped.split('\r\n')[0]).toHaveLength(80);
  });

  it('splits a mailbag whose second interchange uses other delimiters', () => {
    const f = parseInterchanges(fixture('x12/mailbag-two-delimiter-sets.edi'));
    expect(
      f.interchanges.map((i) => [i.delimiters.element, i.delimiters.segment, i.segments.length, i.complete]),
    ).toEqual([
      ['*', '~', 25, true],
      ['|', '\n', 17, true],
    ]);
    expect(f.interchanges[1]?.segments.elements(3)).toEqual([
      'BAK',
      '00',
      'AC',
      '4500012345',
      '20240115',
      '',
      '',
      '',
      'AB-778812',
      '20240116',
    ]);
  });

  it('finds the next interchange even when the previous one is truncated with other delimiters', () => {
    const first = `${isa('U', '00401')}\nGS*PO*A*B*20240115*1030*1*X*004010~\nST*850*0001~\nBEG*00*SA*4`;
    const second = `${isa('U', '00401', ':', '!').replaceAll('*', '|')}\nIEA|0|000000001!\n`;
    const f = parseInterchanges(first + second);
    expect(f.interchanges.map((i) => [i.delimiters.element, i.complete, i.segments.length])).toEqual([
      ['*', false, 4],
      ['|', true, 2],
    ]);
  });

  it('ignores trailing NUL/Ctrl-Z padding', () => {
    const text = `${isa('U', '00401')}\nIEA*0*000000001~\n\u0000\u0000\u001a`;
    const f = parseInterchanges(text);
    expect(f.errors).toEqual([]);
    expect(f.interchanges[0]?.complete).toBe(true);
  });

  it('does not mistake "ISA" inside data for a new interchange', () => {
    const text = `${isa('U', '00401')}\nGS*PO*A*B*20240115*1030*1*X*004010~\nST*850*0001~\nN1*BY*LISA ISA*92*ISA*00~\nSE*3*0001~\nGE*1*1~\nIEA*1*000000001~\n`;
    const f = parseInterchanges(text);
    expect(f.interchanges).toHaveLength(1);
    expect(f.interchanges[0]?.segments.elements(3)).toEqual(['N1', 'BY', 'LISA ISA', '92', 'ISA', '00']);
  });
});
