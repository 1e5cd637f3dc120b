/**
 * Bytes ↔ text. Partners declare a repertoire (UNOA…UNOC, or nothing in X12) but the bytes on disk
 * are UTF-8 or Windows-1252 in practice, so we decide from the bytes: valid UTF-8 → UTF-8, else
 * Windows-1252 (a superset of ISO-8859-1's printable range). EBCDIC is detected and rejected.
 */
import type { EdiError, TextEncodingName } from './types.ts';

export interface DecodedText {
  text: string;
  encoding: TextEncodingName;
  /** Set when the input cannot be read as text at all (EBCDIC); `text` is then empty. */
  error?: EdiError;
}

const utf8Fatal = new TextDecoder('utf-8', { fatal: true });
// Node's TextDecoder treats the label windows-1252 as ISO-8859-1 (0x80–0x9F stay C1 controls),
// so the 0x80–0x9F range is mapped here.
const latin1 = new TextDecoder('latin1');

function decodeCp1252(bytes: Uint8Array): string {
  const text = latin1.decode(bytes);
  if (!/[\u0080-\u009f]/.test(text)) return text;
  return text.replace(/[\u0080-\u009f]/g, (ch) => {
    const cp = CP1252_HIGH[ch.charCodeAt(0) - 0x80] ?? -1;
    return cp >= 0 ? String.fromCharCode(cp) : ch;
  });
}

/** EBCDIC code points of the interchange headers we know: ISA, UNA, UNB. */
const EBCDIC_HEADERS: ReadonlyArray<readonly [number, number, number, string]> = [
  [0xc9, 0xe2, 0xc1, 'ISA'],
  [0xe4, 0xd5, 0xc1, 'UNA'],
  [0xe4, 0xd5, 0xc2, 'UNB'],
];

function isEbcdicSpace(c: number): boolean {
  // EBCDIC space, LF, NL, CR, TAB
  return c === 0x40 || c === 0x25 || c === 0x15 || c === 0x0d || c === 0x05;
}

/**
 * Returns a reason when the code units look like EBCDIC: they start with the EBCDIC form of
 * ISA/UNA/UNB, or (no ASCII header anywhere at the start) are dominated by EBCDIC letters.
 */
export function detectEbcdic(at: (i: number) => number, length: number): string | undefined {
  let i = 0;
  while (i < length && isEbcdicSpace(at(i))) i++;
  if (i + 3 <= length) {
    for (const [a, b, c, name] of EBCDIC_HEADERS) {
      if (at(i) === a && at(i + 1) === b && at(i + 2) === c) {
        const hex = [a, b, c].map((x) => x.toString(16).toUpperCase()).join(' ');
        return `it starts with the EBCDIC encoding of "${name}", bytes ${hex}`;
      }
    }
  }
  // Statistical fallback on the first 512 code units: EBCDIC text has many bytes in 0x81–0xE9 and
  // 0x40 spaces, and almost no ASCII letters.
  const n = Math.min(length, 512);
  if (n < 16) return undefined;
  let ebcdicLetters = 0;
  let asciiLetters = 0;
  for (let k = 0; k < n; k++) {
    const c = at(k);
    if ((c >= 0x81 && c <= 0xa9) || (c >= 0xc1 && c <= 0xe9) || (c >= 0xf0 && c <= 0xf9)) ebcdicLetters++;
    else if ((c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39)) asciiLetters++;
  }
  if (ebcdicLetters > n * 0.5 && asciiLetters < n * 0.1) {
    return `${ebcdicLetters} of its first ${n} bytes are EBCDIC letters or digits and almost none are ASCII`;
  }
  return undefined;
}

function ebcdicError(reason: string): EdiError {
  return {
    level: 'interchange',
    code: 'EBCDIC',
    message: `The file is EBCDIC-encoded: ${reason}. EBCDIC is not supported; convert the file to ASCII, UTF-8 or Windows-1252 before sending.`,
  };
}

/** Decodes bytes: UTF-16 with BOM, else UTF-8 when valid, else Windows-1252. Rejects EBCDIC. */
export function decodeBytes(bytes: Uint8Array): DecodedText {
  const reason = detectEbcdic((i) => bytes[i] ?? 0, bytes.length);
  if (reason !== undefined) return { text: '', encoding: 'ascii', error: ebcdicError(reason) };
  if (bytes.length >= 2) {
    if (bytes[0] === 0xff && bytes[1] === 0xfe) {
      return { text: new TextDecoder('utf-16le').decode(bytes), encoding: 'utf-16le' };
    }
    if (bytes[0] === 0xfe && bytes[1] === 0xff) {
      return { text: new TextDecoder('utf-16be').decode(bytes), encoding: 'utf-16be' };
    }
  }
  let text: string;
  try {
    text = utf8Fatal.decode(bytes);
  } catch {
    return { text: decodeCp1252(bytes), encoding: 'windows-1252' };
  }
  // Same number of UTF-16 code units as bytes (ignoring a stripped BOM) ⇒ pure ASCII.
  const bom = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  return { text, encoding: text.length === bytes.length - bom ? 'ascii' : 'utf-8' };
}

/** Strings are taken as they are (already decoded), after the EBCDIC check and BOM removal. */
export function decodeString(input: string): DecodedText {
  const reason = detectEbcdic((i) => input.charCodeAt(i), input.length);
  if (reason !== undefined) return { text: '', encoding: 'string', error: ebcdicError(reason) };
  return { text: input.charCodeAt(0) === 0xfeff ? input.slice(1) : input, encoding: 'string' };
}

export function decodeInput(input: Uint8Array | string): DecodedText {
  return typeof input === 'string' ? decodeString(input) : decodeBytes(input);
}

// Windows-1252 0x80–0x9F → Unicode (undefined slots: 0x81, 0x8D, 0x8F, 0x90, 0x9D).
const CP1252_HIGH = [
  0x20ac, -1, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, -1,
  0x017d, -1, -1, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a,
  0x0153, -1, 0x017e, 0x0178,
];
const CP1252_REVERSE = new Map<number, number>();
CP1252_HIGH.forEach((cp, i) => {
  if (cp >= 0) CP1252_REVERSE.set(cp, 0x80 + i);
});

export type OutputEncoding = 'utf-8' | 'windows-1252';

export type EncodeResult = { ok: true; bytes: Uint8Array } | { ok: false; error: string };

/** Encodes text for a partner. Windows-1252 refuses characters it cannot represent. */
export function encodeText(text: string, encoding: OutputEncoding): EncodeResult {
  if (encoding === 'utf-8') return { ok: true, bytes: new TextEncoder().encode(text) };
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80 || (c >= 0xa0 && c <= 0xff)) out[i] = c;
    else {
      const b = CP1252_REVERSE.get(c);
      if (b === undefined) {
        return {
          ok: false,
          error: `character U+${c.toString(16).toUpperCase().padStart(4, '0')} at index ${i} cannot be encoded in Windows-1252`,
        };
      }
      out[i] = b;
    }
  }
  return { ok: true, bytes: out };
}
