/**
 * Address capture: a pasted website imprint (Impressum) or e-mail signature → the fields of an
 * account. Pure (no I/O), so the portal, the router and the corpus test share one behaviour.
 *
 * The parser works on lines: `|`, `•` and `·` separators become line breaks, then each field is
 * found by its label ("Tel.:", "USt-IdNr.", "Registergericht") or by its shape (postcode + city,
 * street + house number, legal form in the company name). Whatever it cannot find stays null;
 * it never guesses a value from an unrelated line.
 */
import { compactVatId, isWellFormedVatId } from './vat.ts';

export interface CapturedAddress {
  company: string | null;
  street: string | null;
  postalCode: string | null;
  city: string | null;
  /** ISO 3166-1 alpha-2 */
  country: string | null;
  phone: string | null;
  email: string | null;
  /** `https://` + host, without path */
  website: string | null;
  vatId: string | null;
  /** "HRB 12345", "HRA 678 B", "FN 123456a" or a UK company number "01234567" */
  registerNumber: string | null;
  /** "Amtsgericht München", "Handelsgericht Wien", or for UK companies the jurisdiction */
  registerCourt: string | null;
}

export const capturedFields = [
  'company',
  'street',
  'postalCode',
  'city',
  'country',
  'phone',
  'email',
  'website',
  'vatId',
  'registerNumber',
  'registerCourt',
] as const satisfies readonly (keyof CapturedAddress)[];

const L = '\\p{L}';

/** Country names and postcode prefixes people write → ISO code. */
const countryNames: Record<string, string> = {
  deutschland: 'DE',
  germany: 'DE',
  'bundesrepublik deutschland': 'DE',
  österreich: 'AT',
  oesterreich: 'AT',
  austria: 'AT',
  schweiz: 'CH',
  switzerland: 'CH',
  suisse: 'CH',
  'united kingdom': 'GB',
  uk: 'GB',
  'great britain': 'GB',
  england: 'GB',
  scotland: 'GB',
  wales: 'GB',
  niederlande: 'NL',
  netherlands: 'NL',
  frankreich: 'FR',
  france: 'FR',
  italien: 'IT',
  italy: 'IT',
  belgien: 'BE',
  belgium: 'BE',
  luxemburg: 'LU',
  luxembourg: 'LU',
  polen: 'PL',
  poland: 'PL',
};
const postcodePrefixes: Record<string, string> = {
  D: 'DE',
  DE: 'DE',
  A: 'AT',
  AT: 'AT',
  CH: 'CH',
  F: 'FR',
  FR: 'FR',
  I: 'IT',
  IT: 'IT',
  B: 'BE',
  BE: 'BE',
  L: 'LU',
  LU: 'LU',
};
const phonePrefixes: [string, string][] = [
  ['+49', 'DE'],
  ['+43', 'AT'],
  ['+41', 'CH'],
  ['+44', 'GB'],
  ['+31', 'NL'],
  ['+33', 'FR'],
  ['+39', 'IT'],
  ['+32', 'BE'],
  ['+352', 'LU'],
  ['+48', 'PL'],
];

const legalForm =
  /(?:^|[\s,])(GmbH|gGmbH|mbH|AG|KG|KGaA|OHG|GbR|UG|e\.\s?K\.|e\.\s?Kfm\.|e\.\s?V\.|eG|SE|Ltd\.?|Limited|LLP|PLC|plc|Inc\.?|LLC|Corp\.?|B\.V\.|N\.V\.|S\.A\.|S\.à r\.l\.|Sp\. z o\.o\.)(?=$|[\s,.)])/u;

/** Lines that carry a legal form but name someone else (general partner, directors…). */
const notTheCompany =
  /^(sitz|registergericht|handelsregister|registriert|eingetragen|geschäftsführ|geschaftsführ|vorstand|aufsichtsrat|komplementär|persönlich haftende|vertreten|inhaber|registered office|registered in|directors?|copyright|©|\(c\)|bankverbindung|bank|iban|ust|vat|steuer|mitglied|member|haftung|liability|verantwortlich|responsible)/iu;

const leadingLabel =
  /^(impressum|imprint|legal notice|angaben gemäß § ?5 tmg|angaben gemäß § ?5 ddg|anbieter|betreiber|herausgeber|diensteanbieter|firma|unternehmen|company|anschrift|adresse|address|postanschrift|hausanschrift|registered address|kontakt|contact)\s*:?\s*/iu;

function splitLines(text: string): string[] {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(/\s*[|•·]\s*/g, '\n')
    .split('\n')
    .map((line) =>
      line
        .replace(/^>+\s?/, '')
        .replace(/\s+/g, ' ')
        .trim(),
    )
    .filter((line) => line !== '' && line !== '--' && !/^[-_=*]{2,}$/.test(line));
}

function deobfuscate(text: string): string {
  return text
    .replace(/\s*[([{]\s*(?:at|ät)\s*[)\]}]\s*/giu, '@')
    .replace(/\s*[([{]\s*(?:dot|punkt)\s*[)\]}]\s*/giu, '.');
}

function findEmail(text: string): string | null {
  const m = /[A-Z0-9._%+-]+@[A-Z0-9-]+(?:\.[A-Z0-9-]+)*\.[A-Z]{2,}/i.exec(deobfuscate(text));
  return m ? m[0].toLowerCase() : null;
}

function findWebsite(lines: string[]): string | null {
  for (const line of lines) {
    if (/@/.test(line) && !/(https?:\/\/|www\.)/i.test(line)) continue;
    const m =
      /\b(?:https?:\/\/)?(www\.[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,})/i.exec(line) ??
      /\bhttps?:\/\/([a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,})/i.exec(line) ??
      /^(?:web|website|internet|homepage|url|w)\s*[.:]\s*([a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,})\b/i.exec(
        line,
      );
    if (m) return `https://${m[1]!.toLowerCase()}`;
  }
  return null;
}

const phoneNumber = /(\+?\d[\d ()/.\u2013-]{4,}\d)/u;

function cleanPhone(raw: string): string {
  return raw
    .replace(/\u2013/g, '-')
    .replace(/^(\+\d{1,3})\s*\(0\)\s*/, '$1 ')
    .replace(/\s+/g, ' ')
    .trim();
}

function findPhone(lines: string[]): string | null {
  const labelled = (label: RegExp) => {
    for (const line of lines) {
      const m = new RegExp(`${label.source}\\s*[.:]?\\s*${phoneNumber.source}`, 'iu').exec(line);
      if (m) return cleanPhone(m[1]!);
    }
    return null;
  };
  const phone =
    labelled(/(?:^|\s|,)(?:tel(?:efon)?\.?|telephone|phone|fon|ph|t)(?:\s*\/\s*phone)?/) ??
    labelled(/(?:^|\s|,)(?:zentrale|switchboard|office|direct|direkt|durchwahl|dw)/) ??
    labelled(/(?:^|\s|,)(?:mobil(?:e)?|handy|cell|m)/);
  if (phone) return phone;
  for (const line of lines) {
    if (/fax/i.test(line)) continue;
    const m = /(?:^|\s)(\+\d{2,3}[\d ()/.-]{6,}\d)/.exec(line);
    if (m) return cleanPhone(m[1]!);
  }
  return null;
}

const vatLabel =
  /(ust\.?\s*-?\s*id(?:ent)?\.?\s*-?\s*(?:nr|nummer)?|ust-?id|umsatzsteuer-?\s*identifikationsnummer|umsatzsteuer-?id|uid(?:-nr)?|mwst|vat\b|tva|partita iva|btw)/iu;

function findVatId(lines: string[]): string | null {
  const candidates = (line: string) => {
    const found: string[] = [];
    const re = /\b(ATU|CHE|[A-Z]{2})[ .-]?(\d[\dA-Z .-]{4,18})/g;
    for (let m = re.exec(line); m; m = re.exec(line)) found.push(compactVatId(`${m[1]}${m[2]}`));
    return found;
  };
  // Labelled lines first; there a candidate may run into following text ("DE123456789 HRB…").
  for (const line of lines) {
    if (!vatLabel.test(line)) continue;
    for (const c of candidates(line)) {
      for (let end = c.length; end >= 4; end--) {
        const prefix = c.slice(0, end);
        if (isWellFormedVatId(prefix)) return prefix;
      }
    }
  }
  for (const line of lines) {
    // An IBAN starts like a VAT ID ("DE89 3704…"): bank lines never name one.
    if (/iban|bic|konto|bank|swift|sort code/i.test(line)) continue;
    for (const c of candidates(line)) if (isWellFormedVatId(c)) return c;
  }
  return null;
}

function findRegister(text: string): { registerNumber: string | null; registerCourt: string | null } {
  const flat = text.replace(/\s*[|•·\n]\s*/g, '\n');
  const german = /\b(HRB|HRA|GnR|PR|VR|GsR)\s*(?:Nr\.?\s*)?:?\s*(\d+)(?:[ ]?([A-Z]{1,2})\b)?/u.exec(flat);
  const austrian = /\bFN\s*(\d{1,6}\s?[a-z])\b/u.exec(flat);
  let registerNumber: string | null = null;
  if (german) registerNumber = `${german[1]} ${german[2]}${german[3] ? ` ${german[3]}` : ''}`;
  else if (austrian) registerNumber = `FN ${austrian[1]!.replace(/\s/g, '')}`;
  const courtName = `([${L}][${L}.\\- ]*?[${L}.])`;
  const courtEnd = '(?=\\s*(?:$|[,;()\\n]|\\b(?:HRB|HRA|GnR|PR|VR|unter|under|Nr|FN)\\b))';
  let registerCourt: string | null = null;
  const court =
    new RegExp(`\\b(Amtsgericht|Handelsgericht|Landesgericht)\\s+${courtName}${courtEnd}`, 'mu').exec(flat) ??
    new RegExp(`\\bAG\\s+${courtName}${courtEnd}`, 'mu').exec(flat);
  if (court) registerCourt = court.length === 3 ? `${court[1]} ${court[2]}` : `Amtsgericht ${court[1]}`;
  else {
    const bare = new RegExp(`Registergericht\\s*:?\\s*${courtName}${courtEnd}`, 'mu').exec(flat);
    if (bare) registerCourt = `Amtsgericht ${bare[1]}`;
  }
  if (!registerNumber) {
    const uk =
      /\b(?:company|registered|registration|reg\.?)\s*(?:no\.?|number|nr\.?)\s*:?\s*((?:SC|NI|OC)?\d{6,8})\b/iu.exec(
        flat,
      ) ??
      /\bregistered in [a-z &]+?(?:under|with)?\s*(?:company\s*)?(?:no\.?|number)?\s*:?\s*(\d{6,8})\b/iu.exec(
        flat,
      );
    if (uk) {
      registerNumber = uk[1]!.toUpperCase();
      const jurisdiction = /registered in (england (?:and|&) wales|scotland|northern ireland)/iu.exec(flat);
      registerCourt = jurisdiction
        ? jurisdiction[1]!
            .replace(/&/, 'and')
            .replace(/^./, (c) => c.toUpperCase())
            .replace(/ wales$/i, ' Wales')
        : 'Companies House';
    }
  }
  return { registerNumber, registerCourt };
}

const streetSuffix = '(?:\\s?[-–/]\\s?\\d+\\s?[a-zA-Z]?)?';
/** "Musterstraße 12", "Am Markt 3a", "Leopoldstr. 5-7" — letters, then a house number. */
const germanStreet = new RegExp(`^[${L}][${L}.'\\- ]*?\\s?\\d+\\s?[a-zA-Z]?${streetSuffix}$`, 'u');
/** "12 High Street", "Unit 4, Riverside Park" — a number, then letters. */
const englishStreet = new RegExp(
  `^(?:(?:unit|suite|flat)\\s+\\d+[a-z]?,?\\s+)?\\d+[a-zA-Z]?(?:-\\d+)?,?\\s+[${L}][${L}.'\\- ]+$`,
  'iu',
);

/** "Unit 4, Riverside Park" — a unit in a business park, written with a comma. */
const unitStreet = new RegExp(
  `^(?:unit|suite|flat|building)\\s+\\d+[a-z]?,?\\s+[${L}][${L}\\d.'\\- ]+$`,
  'iu',
);

function stripLabel(segment: string): string {
  return segment.replace(leadingLabel, '').trim();
}

function looksLikeStreet(segment: string | undefined): string | null {
  if (!segment) return null;
  // A whole previous line may be "Unit 4, Riverside Park" or "Acme GmbH, Musterweg 3".
  if (segment.includes(',')) {
    const whole = stripLabel(segment);
    if (unitStreet.test(whole)) return whole;
    return looksLikeStreet(segment.split(/\s*,\s*/).at(-1));
  }
  const s = stripLabel(segment);
  if (/^(postfach|p\.?o\.? box|tel|fax|phone|hrb|hra|ust|vat)/i.test(s)) return null;
  if (germanStreet.test(s) || englishStreet.test(s)) return s;
  return null;
}

function countryFromName(segment: string): string | null {
  return countryNames[segment.toLowerCase().replace(/[.]/g, '').trim()] ?? null;
}

interface PlaceMatch {
  street: string | null;
  postalCode: string;
  city: string;
  country: string | null;
}

const ukPostcode = /\b([A-Z]{1,2}\d[A-Z\d]?)\s*(\d[A-Z]{2})\b/;

function findPlace(lines: string[], countryHint: string | null): PlaceMatch | null {
  const continental = new RegExp(
    `^(?:(D|DE|A|AT|CH|F|FR|I|IT|B|BE|L|LU)\\s?[-–]\\s?)?(\\d{4,5})\\s+([${L}][${L}. ()\\-/]*[${L})])$`,
    'u',
  );
  for (let i = 0; i < lines.length; i++) {
    const segments = lines[i]!.split(/\s*,\s*/).map(stripLabel);
    for (let j = 0; j < segments.length; j++) {
      const segment = segments[j]!;
      const previous = j > 0 ? segments[j - 1] : lines[i - 1];
      const next = j + 1 < segments.length ? segments[j + 1] : lines[i + 1];
      const dutch = new RegExp(`^(\\d{4}) ?([A-Z]{2})\\s+([${L}][${L}. \\-]*[${L}])$`, 'u').exec(segment);
      if (dutch) {
        return {
          street: looksLikeStreet(previous),
          postalCode: `${dutch[1]} ${dutch[2]}`,
          city: dutch[3]!,
          country: (next ? countryFromName(next) : null) ?? 'NL',
        };
      }
      const m = continental.exec(segment);
      if (m) {
        const prefix = m[1] ? postcodePrefixes[m[1]] : null;
        const postalCode = m[2]!;
        // Four digits without a prefix may be a year or a house number: only with an AT/CH hint.
        if (postalCode.length === 4 && !prefix && countryHint !== 'AT' && countryHint !== 'CH') continue;
        if (/^(gmbh|ag|kg|mitarbeiter|employees)/i.test(m[3]!)) continue;
        const country = prefix ?? (next ? countryFromName(next) : null);
        return { street: looksLikeStreet(previous), postalCode, city: m[3]!.trim(), country };
      }
      const uk = ukPostcode.exec(segment);
      if (uk) {
        const postalCode = `${uk[1]} ${uk[2]}`;
        const before = segment.slice(0, uk.index).trim();
        if (before && !/^[A-Z][\p{L} .'-]*$/u.test(before)) continue;
        const city = before || previous || null;
        if (!city || looksLikeStreet(city)) continue;
        const streetSource = before
          ? previous
          : j > 1
            ? segments[j - 2]
            : j === 1
              ? lines[i - 1]
              : lines[i - 2];
        return {
          street: looksLikeStreet(streetSource),
          postalCode,
          city: city.trim(),
          country: (next ? countryFromName(next) : null) ?? 'GB',
        };
      }
    }
  }
  return null;
}

function findCompany(lines: string[], street: string | null): string | null {
  for (const line of lines) {
    const candidate = stripLabel(line.split(/\s*,\s*(?=[\p{L}\d]+.*\d)/u)[0]!);
    if (!candidate || notTheCompany.test(candidate) || /@|https?:|www\./i.test(candidate)) continue;
    if (/:/.test(candidate)) continue;
    if (legalForm.test(candidate)) return candidate;
  }
  // No legal form: the line just above the street, if it is a name and not a greeting or a person's role.
  if (street) {
    const at = lines.findIndex((l) => l.includes(street));
    const above = at > 0 ? stripLabel(lines[at - 1]!) : '';
    if (above && !/[:@\d]|grüße|grüßen|regards|best|cheers/i.test(above)) return above;
  }
  return null;
}

export function parseAddressBlock(text: string): CapturedAddress {
  const lines = splitLines(text);
  const email = findEmail(text);
  const website = findWebsite(lines);
  const phone = findPhone(lines);
  const vatId = findVatId(lines);
  const { registerNumber, registerCourt } = findRegister(text);

  let countryHint: string | null = null;
  for (const line of lines) {
    const named = countryFromName(stripLabel(line));
    if (named) {
      countryHint = named;
      break;
    }
  }
  const phoneCountry = phone ? (phonePrefixes.find(([p]) => phone.startsWith(p))?.[1] ?? null) : null;
  countryHint ??= phoneCountry ?? (vatId ? vatId.slice(0, 2).replace('EL', 'GR').replace('XI', 'GB') : null);

  const place = findPlace(lines, countryHint);
  const country = place?.country ?? countryHint ?? (place && /^\d{5}$/.test(place.postalCode) ? 'DE' : null);
  const company = findCompany(lines, place?.street ?? null);

  return {
    company,
    street: place?.street ?? null,
    postalCode: place?.postalCode ?? null,
    city: place?.city ?? null,
    country,
    phone,
    email,
    website,
    vatId,
    registerNumber,
    registerCourt,
  };
}
