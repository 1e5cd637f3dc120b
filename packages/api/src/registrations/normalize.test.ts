import { describe, expect, it } from 'vitest';
import { domainFromEmail, normalizeCompanyName, normalizeDomain, normalizeVatId } from './normalize.ts';

describe('normalising registration keys', () => {
  it.each([
    ['Müller Maschinenbau GmbH', 'mueller maschinenbau'],
    ['Mueller Maschinenbau', 'mueller maschinenbau'],
    ['MÜLLER-Maschinenbau GmbH & Co. KG', 'mueller maschinenbau'],
    ['Straßenbau Öztürk AG', 'strassenbau oeztuerk'],
    ['Siemens SE', 'siemens'],
    ['Acme Ltd.', 'acme'],
    ['Van der Berg B.V.', 'van der berg'],
    ['Café Crème KG', 'cafe creme'],
    ['AG', 'ag'],
  ])('%s → %s', (name, expected) => {
    expect(normalizeCompanyName(name)).toBe(expected);
  });

  it('takes the domain from a URL or an e-mail address, not from a free-mail provider', () => {
    expect(normalizeDomain('https://www.Mueller-Maschinenbau.de/kontakt')).toBe('mueller-maschinenbau.de');
    expect(normalizeDomain('nonsense')).toBeUndefined();
    expect(domainFromEmail('anna@mueller-maschinenbau.de')).toBe('mueller-maschinenbau.de');
    expect(domainFromEmail('anna@gmail.com')).toBeUndefined();
    expect(normalizeVatId('de 123.456-789')).toBe('DE123456789');
  });
});
