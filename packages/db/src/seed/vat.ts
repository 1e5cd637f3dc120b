/**
 * VAT identification numbers for demo companies: right format AND right check digit, so a
 * validator in the API (or VIES-style format checks in an ERP import) accepts the seed data.
 * The numbers are generated, not looked up: they belong to no real company on purpose.
 */
import type { Rng } from './random.ts';

export type VatCountry = 'DE' | 'AT' | 'CH' | 'NL' | 'GB';

const digitsOf = (s: string) => [...s].map(Number);

/** Germany, USt-IdNr.: ISO 7064 MOD 11,10 over the first eight digits. */
export function germanCheckDigit(first8: string): number {
  let product = 10;
  for (const d of digitsOf(first8)) {
    let sum = (d + product) % 10;
    if (sum === 0) sum = 10;
    product = (2 * sum) % 11;
  }
  const check = 11 - product;
  return check === 10 ? 0 : check;
}

/** Austria, UID: ATU + 7 digits + Luhn-like check digit. */
export function austrianCheckDigit(first7: string): number {
  const d = digitsOf(first7);
  const crossSum = (n: number) => Math.floor((2 * n) / 10) + ((2 * n) % 10);
  const s =
    (d[0] ?? 0) +
    crossSum(d[1] ?? 0) +
    (d[2] ?? 0) +
    crossSum(d[3] ?? 0) +
    (d[4] ?? 0) +
    crossSum(d[5] ?? 0) +
    (d[6] ?? 0);
  return (10 - ((s + 4) % 10)) % 10;
}

/** Switzerland, UID (CHE-…): weighted MOD 11; 10 means "not issued". */
export function swissCheckDigit(first8: string): number | undefined {
  const weights = [5, 4, 3, 2, 7, 6, 5, 4];
  const sum = digitsOf(first8).reduce((acc, d, i) => acc + d * (weights[i] ?? 0), 0);
  const check = 11 - (sum % 11);
  if (check === 10) return undefined;
  return check === 11 ? 0 : check;
}

/** Netherlands (company, RSIN-based): weighted MOD 11 over nine digits; 10 is not issued. */
export function dutchCheckDigit(first8: string): number | undefined {
  const sum = digitsOf(first8).reduce((acc, d, i) => acc + d * (9 - i), 0);
  const check = sum % 11;
  return check === 10 ? undefined : check;
}

/** United Kingdom: weighted sum of seven digits plus the two check digits ≡ 0 (mod 97). */
export function britishCheckDigits(first7: string): string | undefined {
  const sum = digitsOf(first7).reduce((acc, d, i) => acc + d * (8 - i), 0);
  const r = sum % 97;
  return r === 0 ? undefined : String(97 - r).padStart(2, '0');
}

export function generateVatId(country: VatCountry, rng: Rng): string {
  for (;;) {
    switch (country) {
      case 'DE': {
        const first = String(rng.int(1, 3)) + rng.digits(7);
        return `DE${first}${germanCheckDigit(first)}`;
      }
      case 'AT': {
        const first = String(rng.int(1, 7)) + rng.digits(6);
        return `ATU${first}${austrianCheckDigit(first)}`;
      }
      case 'CH': {
        const first = String(rng.int(1, 4)) + rng.digits(7);
        const check = swissCheckDigit(first);
        if (check === undefined) continue;
        const all = `${first}${check}`;
        return `CHE-${all.slice(0, 3)}.${all.slice(3, 6)}.${all.slice(6)} MWST`;
      }
      case 'NL': {
        const first = String(rng.int(1, 8)) + rng.digits(7);
        const check = dutchCheckDigit(first);
        if (check === undefined) continue;
        return `NL${first}${check}B01`;
      }
      case 'GB': {
        const first = String(rng.int(1, 9)) + rng.digits(6);
        const check = britishCheckDigits(first);
        if (check === undefined) continue;
        return `GB${first}${check}`;
      }
    }
  }
}

/** Format and check digit; used by the tests to prove the seed data would pass a validator. */
export function isValidVatId(vatId: string): boolean {
  let m = /^DE(\d{8})(\d)$/.exec(vatId);
  if (m) return germanCheckDigit(m[1] as string) === Number(m[2]);
  m = /^ATU(\d{7})(\d)$/.exec(vatId);
  if (m) return austrianCheckDigit(m[1] as string) === Number(m[2]);
  m = /^CHE-(\d{3})\.(\d{3})\.(\d{3})( MWST| TVA| IVA)?$/.exec(vatId);
  if (m) {
    const all = `${m[1]}${m[2]}${m[3]}`;
    return swissCheckDigit(all.slice(0, 8)) === Number(all[8]);
  }
  m = /^NL(\d{8})(\d)B\d{2}$/.exec(vatId);
  if (m) return dutchCheckDigit(m[1] as string) === Number(m[2]);
  m = /^GB(\d{7})(\d{2})$/.exec(vatId);
  if (m) {
    const sum = digitsOf(m[1] as string).reduce((acc, d, i) => acc + d * (8 - i), 0) + Number(m[2]);
    return sum % 97 === 0 || (sum + 55) % 97 === 0;
  }
  return false;
}
