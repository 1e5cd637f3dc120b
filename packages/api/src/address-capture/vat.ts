/**
 * VAT identification numbers by country prefix (EU member states, Northern Ireland, the UK and
 * Switzerland). Shape only: the check digits are the tax offices' business, a typo in them is
 * found by VIES, not by us.
 */
const formats: Record<string, RegExp> = {
  AT: /^ATU\d{8}$/,
  BE: /^BE[01]\d{9}$/,
  BG: /^BG\d{9,10}$/,
  CY: /^CY\d{8}[A-Z]$/,
  CZ: /^CZ\d{8,10}$/,
  DE: /^DE\d{9}$/,
  DK: /^DK\d{8}$/,
  EE: /^EE\d{9}$/,
  EL: /^EL\d{9}$/,
  ES: /^ES[0-9A-Z]\d{7}[0-9A-Z]$/,
  FI: /^FI\d{8}$/,
  FR: /^FR[0-9A-HJ-NP-Z]{2}\d{9}$/,
  HR: /^HR\d{11}$/,
  HU: /^HU\d{8}$/,
  IE: /^IE(\d{7}[A-W][A-I]?|\d[A-Z+*]\d{5}[A-W])$/,
  IT: /^IT\d{11}$/,
  LT: /^LT(\d{9}|\d{12})$/,
  LU: /^LU\d{8}$/,
  LV: /^LV\d{11}$/,
  MT: /^MT\d{8}$/,
  NL: /^NL\d{9}B\d{2}$/,
  PL: /^PL\d{10}$/,
  PT: /^PT\d{9}$/,
  RO: /^RO\d{2,10}$/,
  SE: /^SE\d{10}01$/,
  SI: /^SI\d{8}$/,
  SK: /^SK\d{10}$/,
  XI: /^XI(\d{9}|\d{12}|GD\d{3}|HA\d{3})$/,
  GB: /^GB(\d{9}|\d{12}|GD\d{3}|HA\d{3})$/,
  CH: /^CHE\d{9}(MWST|TVA|IVA)?$/,
};

export const vatPrefixes = Object.keys(formats);

/** "DE 123 456 789" → "DE123456789"; Greece's ISO code GR is written EL in VAT IDs. */
export function compactVatId(value: string): string {
  const v = value.replace(/[\s.\-/]/g, '').toUpperCase();
  return v.startsWith('GR') ? `EL${v.slice(2)}` : v;
}

/** True when the value has the shape of a VAT ID of the country its prefix names. */
export function isWellFormedVatId(value: string): boolean {
  const v = compactVatId(value);
  const format = formats[v.slice(0, 2)];
  return format ? format.test(v) : false;
}
