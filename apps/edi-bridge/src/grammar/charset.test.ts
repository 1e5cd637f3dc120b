import { describe, expect, it } from 'vitest';
import { decodeBytes, decodeString, detectEbcdic, encodeText } from './charset.ts';
import { fixture } from './test-support.ts';

describe('charset', () => {
  it('decodes valid UTF-8 as UTF-8 and everything else as Windows-1252', () => {
    expect(decodeBytes(new TextEncoder().encode('Müller GmbH'))).toEqual({
      text: 'Müller GmbH',
      encoding: 'utf-8',
    });
    expect(decodeBytes(new Uint8Array([0x4d, 0xfc, 0x6c, 0x6c, 0x65, 0x72, 0x20, 0x80]))).toEqual({
      text: 'Müller €',
      encoding: 'windows-1252',
    });
    expect(decodeBytes(new TextEncoder().encode('PLAIN')).encoding).toBe('ascii');
  });

  it('strips a UTF-8 BOM and decodes UTF-16 with BOM', () => {
    expect(decodeBytes(new Uint8Array([0xef, 0xbb, 0xbf, 0x41, 0x42]))).toEqual({
      text: 'AB',
      encoding: 'ascii',
    });
    expect(decodeBytes(new Uint8Array([0xff, 0xfe, 0x41, 0x00, 0xfc, 0x00]))).toEqual({
      text: 'Aü',
      encoding: 'utf-16le',
    });
    expect(decodeString('\ufeffISA').text).toBe('ISA');
  });

  it('reads the German umlauts of the Windows-1252 fixture', () => {
    const d = decodeBytes(fixture('edifact/orders-unoc-windows1252-umlauts.edi'));
    expect(d.encoding).toBe('windows-1252');
    expect(d.text).toContain('Müller GmbH & Söhne');
    expect(d.text).toContain('Bäckerstraße 4');
    expect(d.text).toContain('Kabelbinder weiß, Größe 200mm');
  });

  it('detects EBCDIC with a reason', () => {
    const d = decodeBytes(fixture('x12/850-ebcdic-cp037.edi'));
    expect(d.error).toMatchObject({ level: 'interchange', code: 'EBCDIC' });
    expect(d.error?.message).toContain('"ISA"');
    const letters = new Uint8Array(200).map((_, i) => (i % 5 === 0 ? 0x40 : 0xc1 + (i % 9)));
    expect(detectEbcdic((i) => letters[i] ?? 0, letters.length)).toMatch(/EBCDIC letters/);
    expect(detectEbcdic((i) => 'ISA*00*'.charCodeAt(i), 7)).toBeUndefined();
  });

  it('encodes Windows-1252 and refuses what it cannot represent', () => {
    const r = encodeText('Größe €5', 'windows-1252');
    expect(r.ok && [...r.bytes]).toEqual([0x47, 0x72, 0xf6, 0xdf, 0x65, 0x20, 0x80, 0x35]);
    const bad = encodeText('日本', 'windows-1252');
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.error).toContain('U+65E5');
    const utf8 = encodeText('ä', 'utf-8');
    expect(utf8.ok && [...utf8.bytes]).toEqual([0xc3, 0xa4]);
  });
});
