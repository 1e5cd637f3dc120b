/**
 * Keys for duplicate detection: company names without legal form, case, punctuation or
 * umlauts ("Müller Maschinenbau GmbH & Co. KG" → "mueller maschinenbau"), bare domains and
 * VAT IDs without separators. Pure, so the portal and the tests use the same rules.
 */

/** Legal-form tokens (after dots are removed) stripped from the end of a name. */
const legalFormTokens = new Set([
  'gmbh',
  'mbh',
  'ag',
  'kg',
  'kgaa',
  'ohg',
  'gbr',
  'ug',
  'haftungsbeschraenkt',
  'ek',
  'ev',
  'eg',
  'se',
  'co',
  '&',
  'und',
  'ltd',
  'limited',
  'plc',
  'llc',
  'inc',
  'corp',
  'bv',
  'nv',
  'sa',
  'sarl',
  'sas',
  'spa',
  'srl',
  'sro',
  'sp',
  'zoo',
]);

export function foldUmlauts(value: string): string {
  return value
    .toLowerCase()
    .replace(/ä/g, 'ae')
    .replace(/ö/g, 'oe')
    .replace(/ü/g, 'ue')
    .replace(/ß/g, 'ss')
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '');
}

export function normalizeCompanyName(name: string): string {
  const tokens = foldUmlauts(name)
    // "B.V.", "Co.", "e.K." → one token each
    .replace(/\./g, '')
    .replace(/&/g, ' & ')
    .replace(/[^a-z0-9&]+/g, ' ')
    .trim()
    .split(/\s+/)
    .filter(Boolean);
  // Strip legal forms from the end ("GmbH & Co. KG" is four tokens), never the whole name.
  while (tokens.length > 1 && legalFormTokens.has(tokens[tokens.length - 1]!)) tokens.pop();
  return tokens.join(' ');
}

/** "https://www.Example.de/path" → "example.de"; undefined when nothing domain-like is left. */
export function normalizeDomain(value: string | null | undefined): string | undefined {
  if (!value) return undefined;
  const host = value
    .trim()
    .toLowerCase()
    .replace(/^[a-z]+:\/\//, '')
    .replace(/[/?#:].*$/, '')
    .replace(/^www\./, '')
    .replace(/\.$/, '');
  return /^[a-z0-9-]+(\.[a-z0-9-]+)*\.[a-z]{2,}$/.test(host) ? host : undefined;
}

/** Mail providers whose domain says nothing about the company. */
const freeMailDomains = new Set([
  'gmail.com',
  'googlemail.com',
  'gmx.de',
  'gmx.net',
  'web.de',
  't-online.de',
  'outlook.com',
  'hotmail.com',
  'yahoo.com',
  'icloud.com',
  'posteo.de',
  'freenet.de',
]);

/** The company's domain from a contact e-mail address (none for free-mail providers). */
export function domainFromEmail(email: string): string | undefined {
  const at = email.lastIndexOf('@');
  const domain = at < 0 ? undefined : normalizeDomain(email.slice(at + 1));
  return domain && !freeMailDomains.has(domain) ? domain : undefined;
}

export function normalizeVatId(value: string): string {
  return value.replace(/[\s.-]/g, '').toUpperCase();
}
