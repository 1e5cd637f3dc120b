/**
 * The demo world: "Konsort Demo GmbH", a Mittelstand maker of industrial pumps and automation
 * components, its sales team, one supplier and one dealer. Every company, person, address and
 * number here is invented; domains use the reserved `.example` TLD, UK phone numbers Ofcom's
 * range for drama (0121 496 0xxx / 0113 496 0xxx / 07700 900xxx).
 */
import type { Locale, UserRole } from '../schema/index.ts';

export type RepKey = 'jana' | 'lukas' | 'emily';
export type PartnerKey = 'supplier' | 'dealer';
export type Country = 'DE' | 'AT' | 'CH' | 'GB' | 'NL';

export interface DemoUserSpec {
  key: 'admin' | 'manager' | RepKey | 'supplierAdmin' | 'supplierMember' | 'dealerAdmin' | 'dealerMember';
  email: string;
  password: string;
  name: string;
  role: UserRole;
  locale: Locale;
  partner?: PartnerKey;
}

export interface PartnerOrgSpec {
  key: PartnerKey;
  name: string;
  kind: 'supplier' | 'dealer';
  tier: 'registered' | 'silver' | 'gold' | 'platinum';
  domain: string;
}

export const DEMO_COMPANY = 'Konsort Demo GmbH';

export const PARTNER_ORGS: readonly PartnerOrgSpec[] = [
  {
    key: 'supplier',
    name: 'Hydraulik Schmidt KG',
    kind: 'supplier',
    tier: 'gold',
    domain: 'hydraulik-schmidt.example',
  },
  {
    key: 'dealer',
    name: 'Nordtech Vertrieb GmbH',
    kind: 'dealer',
    tier: 'silver',
    domain: 'nordtech-vertrieb.example',
  },
];

/**
 * Demo passwords are fixed and documented (the portal prints them at start-up): they only ever
 * exist in a demo database, which is never seeded once a user exists.
 */
export const DEMO_USERS: readonly DemoUserSpec[] = [
  {
    key: 'admin',
    email: 'admin@konsort.example',
    password: 'demo-admin-2026',
    name: 'Thomas Weiß',
    role: 'admin',
    locale: 'de',
  },
  {
    key: 'manager',
    email: 'claudia.neumann@konsort.example',
    password: 'demo-manager-2026',
    name: 'Claudia Neumann',
    role: 'manager',
    locale: 'de',
  },
  {
    key: 'jana',
    email: 'jana.becker@konsort.example',
    password: 'demo-jana-2026',
    name: 'Jana Becker',
    role: 'rep',
    locale: 'de',
  },
  {
    key: 'lukas',
    email: 'lukas.hoffmann@konsort.example',
    password: 'demo-lukas-2026',
    name: 'Lukas Hoffmann',
    role: 'rep',
    locale: 'de',
  },
  {
    key: 'emily',
    email: 'emily.clarke@konsort.example',
    password: 'demo-emily-2026',
    name: 'Emily Clarke',
    role: 'rep',
    locale: 'en',
  },
  {
    key: 'supplierAdmin',
    email: 'markus.schmidt@hydraulik-schmidt.example',
    password: 'demo-schmidt-2026',
    name: 'Markus Schmidt',
    role: 'partner_admin',
    locale: 'de',
    partner: 'supplier',
  },
  {
    key: 'supplierMember',
    email: 'petra.vogel@hydraulik-schmidt.example',
    password: 'demo-vogel-2026',
    name: 'Petra Vogel',
    role: 'partner_member',
    locale: 'de',
    partner: 'supplier',
  },
  {
    key: 'dealerAdmin',
    email: 'soenke.jansen@nordtech-vertrieb.example',
    password: 'demo-jansen-2026',
    name: 'Sönke Jansen',
    role: 'partner_admin',
    locale: 'de',
    partner: 'dealer',
  },
  {
    key: 'dealerMember',
    email: 'anna.petersen@nordtech-vertrieb.example',
    password: 'demo-petersen-2026',
    name: 'Anna Petersen',
    role: 'partner_member',
    locale: 'en',
    partner: 'dealer',
  },
];

export interface AccountSpec {
  name: string;
  type: 'prospect' | 'customer';
  industry: string;
  street: string;
  postalCode: string;
  city: string;
  country: Country;
  /** International prefix incl. area code, e.g. `+49 221`. */
  phonePrefix: string;
  domain: string;
  owner: RepKey;
  notes?: string;
}

/** 40 companies: 28 DE, 4 AT, 4 CH, 2 GB, 2 NL; owners by region (Jana west/north, Lukas south/AT/CH, Emily UK/NL/east). */
export const ACCOUNTS: readonly AccountSpec[] = [
  // Jana Becker — NRW, Hamburg, Bremen, Niedersachsen, Hessen
  {
    name: 'Müller Verpackungstechnik GmbH',
    type: 'customer',
    industry: 'Verpackungsmaschinen',
    street: 'Widdersdorfer Straße 215',
    postalCode: '50825',
    city: 'Köln',
    country: 'DE',
    phonePrefix: '+49 221',
    domain: 'mueller-verpackung.example',
    owner: 'jana',
    notes: 'A-Kunde seit 2014. Jahresgespräch immer im Januar, Entscheidung über Rahmenverträge im Q1.',
  },
  {
    name: 'Rheinische Brauerei Gebr. Köster KG',
    type: 'customer',
    industry: 'Getränkeindustrie',
    street: 'Kaiserswerther Straße 88',
    postalCode: '40477',
    city: 'Düsseldorf',
    country: 'DE',
    phonePrefix: '+49 211',
    domain: 'koester-brauerei.example',
    owner: 'jana',
  },
  {
    name: 'Wasserversorgung Emscher-Ost GmbH',
    type: 'prospect',
    industry: 'Wasserwirtschaft',
    street: 'Hafenstraße 40',
    postalCode: '45356',
    city: 'Essen',
    country: 'DE',
    phonePrefix: '+49 201',
    domain: 'wv-emscher-ost.example',
    owner: 'jana',
    notes: 'Öffentlicher Auftraggeber: Vergabe nach VOB/A, Ausschreibungen auf dem Vergabeportal beobachten.',
  },
  {
    name: 'Hanseatische Kühlhaus GmbH & Co. KG',
    type: 'customer',
    industry: 'Lebensmittellogistik',
    street: 'Veddeler Damm 25',
    postalCode: '20457',
    city: 'Hamburg',
    country: 'DE',
    phonePrefix: '+49 40',
    domain: 'hanse-kuehlhaus.example',
    owner: 'jana',
  },
  {
    name: 'Weser Lebensmittelwerke GmbH',
    type: 'prospect',
    industry: 'Lebensmittelindustrie',
    street: 'Hansator 12',
    postalCode: '28217',
    city: 'Bremen',
    country: 'DE',
    phonePrefix: '+49 421',
    domain: 'weser-lebensmittel.example',
    owner: 'jana',
  },
  {
    name: 'Dortmunder Stahlveredelung AG',
    type: 'customer',
    industry: 'Metallverarbeitung',
    street: 'Huckarder Straße 111',
    postalCode: '44147',
    city: 'Dortmund',
    country: 'DE',
    phonePrefix: '+49 231',
    domain: 'do-stahlveredelung.example',
    owner: 'jana',
  },
  {
    name: 'Papierfabrik Wupperthal GmbH',
    type: 'customer',
    industry: 'Papier und Zellstoff',
    street: 'Öhder Straße 30',
    postalCode: '42289',
    city: 'Wuppertal',
    country: 'DE',
    phonePrefix: '+49 202',
    domain: 'papierfabrik-wupperthal.example',
    owner: 'jana',
  },
  {
    name: 'Kunststoffwerk Brake GmbH',
    type: 'prospect',
    industry: 'Kunststoffverarbeitung',
    street: 'Grafenheider Straße 104',
    postalCode: '33729',
    city: 'Bielefeld',
    country: 'DE',
    phonePrefix: '+49 521',
    domain: 'kunststoffwerk-brake.example',
    owner: 'jana',
  },
  {
    name: 'Münsterländer Molkerei eG',
    type: 'customer',
    industry: 'Milchverarbeitung',
    street: 'Hafenweg 22',
    postalCode: '48155',
    city: 'Münster',
    country: 'DE',
    phonePrefix: '+49 251',
    domain: 'ml-molkerei.example',
    owner: 'jana',
  },
  {
    name: 'Osnabrücker Landtechnik GmbH & Co. KG',
    type: 'prospect',
    industry: 'Landtechnik',
    street: 'Pagenstecherstraße 121',
    postalCode: '49090',
    city: 'Osnabrück',
    country: 'DE',
    phonePrefix: '+49 541',
    domain: 'os-landtechnik.example',
    owner: 'jana',
  },
  {
    name: 'Heide Chemie Lüneburg GmbH',
    type: 'prospect',
    industry: 'Chemie',
    street: 'Bleckeder Landstraße 48',
    postalCode: '21337',
    city: 'Lüneburg',
    country: 'DE',
    phonePrefix: '+49 4131',
    domain: 'heide-chemie.example',
    owner: 'jana',
  },
  {
    name: 'Göttinger Präzisionsguss GmbH',
    type: 'customer',
    industry: 'Gießerei',
    street: 'Rudolf-Diesel-Straße 9',
    postalCode: '37075',
    city: 'Göttingen',
    country: 'DE',
    phonePrefix: '+49 551',
    domain: 'goettinger-guss.example',
    owner: 'jana',
  },
  {
    name: 'Kasseler Antriebswerk GmbH',
    type: 'customer',
    industry: 'Antriebstechnik',
    street: 'Sandershäuser Straße 34',
    postalCode: '34123',
    city: 'Kassel',
    country: 'DE',
    phonePrefix: '+49 561',
    domain: 'kasseler-antriebswerk.example',
    owner: 'jana',
  },
  {
    name: 'Siegerländer Oberflächentechnik GmbH',
    type: 'prospect',
    industry: 'Oberflächentechnik',
    street: 'Eiserfelder Straße 316',
    postalCode: '57080',
    city: 'Siegen',
    country: 'DE',
    phonePrefix: '+49 271',
    domain: 'siegerland-oberflaeche.example',
    owner: 'jana',
  },
  // Lukas Hoffmann — Bayern, Baden-Württemberg, Österreich, Schweiz
  {
    name: 'Fränkische Armaturen Gößweinstein GmbH',
    type: 'customer',
    industry: 'Armaturenbau',
    street: 'Balthasar-Neumann-Straße 5',
    postalCode: '91327',
    city: 'Gößweinstein',
    country: 'DE',
    phonePrefix: '+49 9242',
    domain: 'fraenkische-armaturen.example',
    owner: 'lukas',
    notes: 'Familienunternehmen in 3. Generation; Geschäftsführer entscheidet alles über 50.000 € selbst.',
  },
  {
    name: 'Nürnberger Getränketechnik AG',
    type: 'customer',
    industry: 'Getränketechnik',
    street: 'Äußere Bayreuther Straße 200',
    postalCode: '90411',
    city: 'Nürnberg',
    country: 'DE',
    phonePrefix: '+49 911',
    domain: 'nbg-getraenketechnik.example',
    owner: 'lukas',
  },
  {
    name: 'Alpenmilch Allgäu eG',
    type: 'prospect',
    industry: 'Milchverarbeitung',
    street: 'Ludwigstraße 60',
    postalCode: '87437',
    city: 'Kempten (Allgäu)',
    country: 'DE',
    phonePrefix: '+49 831',
    domain: 'alpenmilch-allgaeu.example',
    owner: 'lukas',
  },
  {
    name: 'Schwäbische Präzisionsteile GmbH',
    type: 'customer',
    industry: 'Automobilzulieferer',
    street: 'Vaihinger Straße 150',
    postalCode: '70567',
    city: 'Stuttgart',
    country: 'DE',
    phonePrefix: '+49 711',
    domain: 'schwaebische-praezision.example',
    owner: 'lukas',
  },
  {
    name: 'Isar Pharma Produktion GmbH',
    type: 'customer',
    industry: 'Pharma',
    street: 'Boschetsrieder Straße 67',
    postalCode: '81379',
    city: 'München',
    country: 'DE',
    phonePrefix: '+49 89',
    domain: 'isar-pharma.example',
    owner: 'lukas',
    notes: 'GMP-Umfeld: jede Änderung braucht Qualifizierung (IQ/OQ), Dokumentation mit anbieten.',
  },
  {
    name: 'Donau Chemie Regensburg SE',
    type: 'prospect',
    industry: 'Chemie',
    street: 'Osthafenstraße 4',
    postalCode: '93055',
    city: 'Regensburg',
    country: 'DE',
    phonePrefix: '+49 941',
    domain: 'donau-chemie.example',
    owner: 'lukas',
  },
  {
    name: 'Augsburger Textilveredelung GmbH & Co. KG',
    type: 'customer',
    industry: 'Textilindustrie',
    street: 'Derchinger Straße 120',
    postalCode: '86165',
    city: 'Augsburg',
    country: 'DE',
    phonePrefix: '+49 821',
    domain: 'augsburger-textil.example',
    owner: 'lukas',
  },
  {
    name: 'Kurpfalz Kältetechnik GmbH',
    type: 'prospect',
    industry: 'Kältetechnik',
    street: 'Mallaustraße 75',
    postalCode: '68219',
    city: 'Mannheim',
    country: 'DE',
    phonePrefix: '+49 621',
    domain: 'kurpfalz-kaelte.example',
    owner: 'lukas',
  },
  {
    name: 'Würzburger Mühlenwerke AG',
    type: 'customer',
    industry: 'Lebensmittelindustrie',
    street: 'Mainaustraße 35',
    postalCode: '97082',
    city: 'Würzburg',
    country: 'DE',
    phonePrefix: '+49 931',
    domain: 'wuerzburger-muehlen.example',
    owner: 'lukas',
  },
  {
    name: 'Breisgau Solartechnik GmbH',
    type: 'prospect',
    industry: 'Energietechnik',
    street: 'Hermann-Mitsch-Straße 36',
    postalCode: '79108',
    city: 'Freiburg im Breisgau',
    country: 'DE',
    phonePrefix: '+49 761',
    domain: 'breisgau-solar.example',
    owner: 'lukas',
  },
  {
    name: 'Grazer Kartonagen GmbH',
    type: 'customer',
    industry: 'Verpackung',
    street: 'Puchstraße 85',
    postalCode: '8020',
    city: 'Graz',
    country: 'AT',
    phonePrefix: '+43 316',
    domain: 'grazer-kartonagen.example',
    owner: 'lukas',
  },
  {
    name: 'Linzer Metallbau GmbH',
    type: 'prospect',
    industry: 'Metallbau',
    street: 'Wiener Straße 131',
    postalCode: '4020',
    city: 'Linz',
    country: 'AT',
    phonePrefix: '+43 732',
    domain: 'linzer-metallbau.example',
    owner: 'lukas',
  },
  {
    name: 'Wiener Wasser- und Anlagentechnik GmbH',
    type: 'customer',
    industry: 'Wasserwirtschaft',
    street: 'Perfektastraße 56',
    postalCode: '1230',
    city: 'Wien',
    country: 'AT',
    phonePrefix: '+43 1',
    domain: 'wiener-anlagentechnik.example',
    owner: 'lukas',
  },
  {
    name: 'Salzachtal Getränke GmbH',
    type: 'prospect',
    industry: 'Getränkeindustrie',
    street: 'Vogelweiderstraße 44',
    postalCode: '5020',
    city: 'Salzburg',
    country: 'AT',
    phonePrefix: '+43 662',
    domain: 'salzachtal-getraenke.example',
    owner: 'lukas',
  },
  {
    name: 'Zürcher Pumpenservice AG',
    type: 'customer',
    industry: 'Gebäudetechnik',
    street: 'Badenerstrasse 549',
    postalCode: '8048',
    city: 'Zürich',
    country: 'CH',
    phonePrefix: '+41 44',
    domain: 'zuercher-pumpenservice.example',
    owner: 'lukas',
  },
  {
    name: 'Basler Feinchemie AG',
    type: 'prospect',
    industry: 'Chemie',
    street: 'Klybeckstrasse 141',
    postalCode: '4057',
    city: 'Basel',
    country: 'CH',
    phonePrefix: '+41 61',
    domain: 'basler-feinchemie.example',
    owner: 'lukas',
  },
  {
    name: 'Winterthurer Maschinenfabrik AG',
    type: 'customer',
    industry: 'Maschinenbau',
    street: 'Grüzefeldstrasse 21',
    postalCode: '8404',
    city: 'Winterthur',
    country: 'CH',
    phonePrefix: '+41 52',
    domain: 'winterthurer-mf.example',
    owner: 'lukas',
  },
  {
    name: 'Ostschweizer Lebensmittel GmbH',
    type: 'customer',
    industry: 'Lebensmittelindustrie',
    street: 'Zürcher Strasse 204',
    postalCode: '9014',
    city: 'St. Gallen',
    country: 'CH',
    phonePrefix: '+41 71',
    domain: 'ostschweizer-lebensmittel.example',
    owner: 'lukas',
  },
  // Emily Clarke — UK, Netherlands, Sachsen/Sachsen-Anhalt key accounts
  {
    name: 'Midlands Process Engineering Ltd',
    type: 'customer',
    industry: 'Process engineering',
    street: '14 Aston Lane',
    postalCode: 'B6 7EU',
    city: 'Birmingham',
    country: 'GB',
    phonePrefix: '+44 121 496',
    domain: 'midlands-process.example',
    owner: 'emily',
    notes: 'Prices in GBP, delivered DDP Birmingham. UKCA marking required on all pump sets.',
  },
  {
    name: 'Northern Water Solutions Ltd',
    type: 'prospect',
    industry: 'Water utilities',
    street: '27 Hunslet Road',
    postalCode: 'LS10 1JQ',
    city: 'Leeds',
    country: 'GB',
    phonePrefix: '+44 113 496',
    domain: 'northern-water.example',
    owner: 'emily',
  },
  {
    name: 'Van der Berg Foodtech B.V.',
    type: 'customer',
    industry: 'Food processing',
    street: 'Hurksestraat 42',
    postalCode: '5652 AL',
    city: 'Eindhoven',
    country: 'NL',
    phonePrefix: '+31 40',
    domain: 'vanderberg-foodtech.example',
    owner: 'emily',
  },
  {
    name: 'Rotterdam Tank Terminal Services B.V.',
    type: 'prospect',
    industry: 'Tank storage',
    street: 'Waalhaven Oostzijde 81',
    postalCode: '3087 BM',
    city: 'Rotterdam',
    country: 'NL',
    phonePrefix: '+31 10',
    domain: 'rtt-services.example',
    owner: 'emily',
  },
  {
    name: 'Leipziger Anlagenbau GmbH',
    type: 'customer',
    industry: 'Anlagenbau',
    street: 'Maximilianallee 4',
    postalCode: '04129',
    city: 'Leipzig',
    country: 'DE',
    phonePrefix: '+49 341',
    domain: 'leipziger-anlagenbau.example',
    owner: 'emily',
  },
  {
    name: 'Dresdner Reinstwassertechnik GmbH',
    type: 'prospect',
    industry: 'Halbleiterzulieferer',
    street: 'Königsbrücker Landstraße 159',
    postalCode: '01109',
    city: 'Dresden',
    country: 'DE',
    phonePrefix: '+49 351',
    domain: 'dresdner-reinstwasser.example',
    owner: 'emily',
  },
  {
    name: 'Chemnitzer Werkzeugmaschinen AG',
    type: 'customer',
    industry: 'Werkzeugmaschinen',
    street: 'Annaberger Straße 240',
    postalCode: '09125',
    city: 'Chemnitz',
    country: 'DE',
    phonePrefix: '+49 371',
    domain: 'chemnitzer-wzm.example',
    owner: 'emily',
  },
  {
    name: 'Magdeburger Schwermaschinen GmbH & Co. KG',
    type: 'prospect',
    industry: 'Schwermaschinenbau',
    street: 'Am Hansehafen 3',
    postalCode: '39126',
    city: 'Magdeburg',
    country: 'DE',
    phonePrefix: '+49 391',
    domain: 'magdeburger-schwermaschinen.example',
    owner: 'emily',
  },
];

/** Contacts per account: a fixed pattern (shuffled per seed) so the total is exactly 100. */
export const CONTACTS_PER_ACCOUNT_PATTERN = [3, 2, 4, 2, 3, 2, 2, 2] as const;

type Gender = 'm' | 'f';

export const FIRST_NAMES: Record<'dach' | 'en' | 'nl', Record<Gender, readonly string[]>> = {
  dach: {
    m: [
      'Thomas',
      'Michael',
      'Andreas',
      'Stefan',
      'Frank',
      'Jürgen',
      'Uwe',
      'Klaus',
      'Markus',
      'Jörg',
      'Matthias',
      'Tobias',
      'Florian',
      'Sebastian',
      'Björn',
      'Dirk',
      'Mehmet',
      'Lars',
      'René',
      'Günter',
    ],
    f: [
      'Sabine',
      'Andrea',
      'Katrin',
      'Susanne',
      'Julia',
      'Anja',
      'Nicole',
      'Stefanie',
      'Birgit',
      'Sandra',
      'Kerstin',
      'Lena',
      'Sophie',
      'Aleksandra',
      'Hülya',
      'Jördis',
      'Maren',
      'Ute',
    ],
  },
  en: {
    m: ['James', 'Oliver', 'David', 'Thomas', 'Daniel', 'Mark', 'Richard', 'Samuel'],
    f: ['Sarah', 'Emma', 'Rachel', 'Charlotte', 'Laura', 'Hannah', 'Priya', 'Zoe'],
  },
  nl: {
    m: ['Daan', 'Pieter', 'Jeroen', 'Bram', 'Ruud', 'Maarten'],
    f: ['Sanne', 'Lotte', 'Anouk', 'Femke', 'Eline', 'Marloes'],
  },
};

export const LAST_NAMES: Record<'de' | 'at' | 'ch' | 'en' | 'nl', readonly string[]> = {
  de: [
    'Müller',
    'Schneider',
    'Fischer',
    'Weber',
    'Meyer',
    'Wagner',
    'Schulz',
    'Schäfer',
    'Koch',
    'Bauer',
    'Richter',
    'Klein',
    'Wolf',
    'Schröder',
    'Zimmermann',
    'Braun',
    'Krüger',
    'Hartmann',
    'Lange',
    'Schmitt',
    'Werner',
    'Krause',
    'Lehmann',
    'Köhler',
    'Jäger',
    'Groß',
    'Strauß',
    'Böhm',
    'Günther',
    'Kühn',
    'Förster',
    'Brückner',
    'Yilmaz',
    'Nowak',
    'Hoppe',
    'Voß',
  ],
  at: ['Gruber', 'Huber', 'Pichler', 'Steiner', 'Moser', 'Mayr', 'Hofer', 'Leitner', 'Wimmer', 'Eder'],
  ch: ['Keller', 'Brunner', 'Baumann', 'Frei', 'Gerber', 'Graf', 'Zürcher', 'Bühler', 'Schürch', 'Widmer'],
  en: ['Smith', 'Taylor', 'Brown', 'Wilson', 'Evans', 'Walker', 'Hughes', "O'Connor", 'Patel', 'Robinson'],
  nl: [
    'de Vries',
    'Jansen',
    'van Dijk',
    'Bakker',
    'Visser',
    'Smit',
    'Meijer',
    'de Boer',
    'van den Berg',
    'Mulder',
  ],
};

/** [male, female]; index 0–2 are decision makers, the first contact of an account is one of them. */
export const POSITIONS_DE: readonly (readonly [string, string])[] = [
  ['Geschäftsführer', 'Geschäftsführerin'],
  ['Technischer Leiter', 'Technische Leiterin'],
  ['Werksleiter', 'Werksleiterin'],
  ['Einkaufsleiter', 'Einkaufsleiterin'],
  ['Strategischer Einkäufer', 'Strategische Einkäuferin'],
  ['Leiter Instandhaltung', 'Leiterin Instandhaltung'],
  ['Betriebsleiter', 'Betriebsleiterin'],
  ['Projektingenieur', 'Projektingenieurin'],
  ['Leiter Produktion', 'Leiterin Produktion'],
  ['Meister Elektrotechnik', 'Meisterin Elektrotechnik'],
];

export const POSITIONS_EN: readonly string[] = [
  'Managing Director',
  'Operations Director',
  'Plant Manager',
  'Head of Procurement',
  'Senior Buyer',
  'Maintenance Manager',
  'Production Manager',
  'Project Engineer',
  'Process Engineer',
  'Electrical Supervisor',
];

export type OpportunityTemplate = {
  /** `{n}` a plant/line number, `{year}` next or current year, `{hall}` a hall letter. */
  name: string;
  minEur: number;
  maxEur: number;
  descriptions: readonly string[];
};

export const OPPORTUNITY_TEMPLATES_DE: readonly OpportunityTemplate[] = [
  {
    name: 'Retrofit Pumpenstation Werk {n}',
    minEur: 40_000,
    maxEur: 250_000,
    descriptions: [
      'Austausch von {k} Kreiselpumpen (Baujahr {built}) inkl. Demontage, Montage und Inbetriebnahme. Umbau im Werksurlaub geplant.',
      'Pumpenstation läuft mit Festdrehzahl; Angebot mit Frequenzumrichtern und Energieeinsparnachweis (ca. 30 %).',
    ],
  },
  {
    name: 'Rahmenvertrag Ersatzteile {year}',
    minEur: 25_000,
    maxEur: 180_000,
    descriptions: [
      'Rahmenvertrag über Ersatz- und Verschleißteile (Gleitringdichtungen, Laufräder, Lager), Lieferzeit 48 h, Preisstaffel nach Abnahmemenge.',
      'Verlängerung des bestehenden Rahmenvertrags; Kunde wünscht Konsignationslager vor Ort.',
    ],
  },
  {
    name: 'Kreiselpumpen Ersatzbeschaffung Halle {hall}',
    minEur: 8_500,
    maxEur: 60_000,
    descriptions: [
      '{k} Normpumpen nach EN 733 als Ersatz für Fremdfabrikat, Anschlussmaße identisch.',
      'Ausfall einer Pumpe im Kühlkreislauf; Kunde braucht kurzfristig Ersatz und einen Reservesatz.',
    ],
  },
  {
    name: 'Dosierpumpen Linie {n}',
    minEur: 12_000,
    maxEur: 90_000,
    descriptions: [
      'Membran-Dosierpumpen für Reinigungschemie (CIP), Edelstahl 1.4571, mit Leckageüberwachung.',
      'Dosierstation für Natronlauge und Säure inkl. Steuerung und Profinet-Anbindung.',
    ],
  },
  {
    name: 'Automatisierung Abfüllanlage {n}',
    minEur: 120_000,
    maxEur: 450_000,
    descriptions: [
      'Neue Steuerung und Antriebstechnik für die Abfülllinie, Leistung von 12.000 auf 18.000 Gebinde/h.',
      'Automatisierung inkl. Visualisierung, Chargenverfolgung und OPC-UA-Schnittstelle zum MES.',
    ],
  },
  {
    name: 'Servicevertrag Instandhaltung {year}',
    minEur: 15_000,
    maxEur: 80_000,
    descriptions: [
      'Wartungsvertrag für {k} Pumpen, zwei Inspektionen pro Jahr, 24-h-Reaktionszeit.',
      'Servicevertrag mit Zustandsüberwachung (Schwingung, Temperatur) und jährlichem Bericht.',
    ],
  },
  {
    name: 'Druckerhöhungsanlage Neubau Halle {hall}',
    minEur: 30_000,
    maxEur: 160_000,
    descriptions: [
      'Druckerhöhungsanlage mit {k} Pumpen, drehzahlgeregelt, für den Neubau; Ausschreibung über das Planungsbüro.',
      'Löschwasser- und Brauchwasserversorgung für die neue Halle, Abnahme durch den Sachverständigen.',
    ],
  },
  {
    name: 'Umrüstung Frequenzumrichter Kühlwasser',
    minEur: 18_000,
    maxEur: 95_000,
    descriptions: [
      'Nachrüstung von Frequenzumrichtern an {k} Kühlwasserpumpen; Förderantrag BAFA/BEG wird vom Kunden gestellt.',
    ],
  },
  {
    name: 'SPS-Migration Linie {n}',
    minEur: 60_000,
    maxEur: 320_000,
    descriptions: [
      'Migration der Altsteuerung auf eine aktuelle SPS-Generation; Ersatzteilversorgung der Altanlage endet.',
      'Steuerungstausch im laufenden Betrieb, Umschaltung an zwei Wochenenden.',
    ],
  },
  {
    name: 'Abwasserhebeanlage Standort {city}',
    minEur: 20_000,
    maxEur: 110_000,
    descriptions: [
      'Abwasserhebeanlage mit Doppelpumpwerk und Fernwirktechnik, Ersatz für die Anlage von {built}.',
    ],
  },
  {
    name: 'Condition-Monitoring-Pilot Werk {n}',
    minEur: 10_000,
    maxEur: 45_000,
    descriptions: [
      'Pilot mit Schwingungssensoren an {k} kritischen Pumpen, Dashboard und Alarmierung per E-Mail.',
    ],
  },
  {
    name: 'Vakuumpumpen Modernisierung',
    minEur: 25_000,
    maxEur: 140_000,
    descriptions: ['Ersatz der Flüssigkeitsring-Vakuumpumpen durch trockenlaufende Schraubenvakuumpumpen.'],
  },
];

export const OPPORTUNITY_TEMPLATES_EN: readonly OpportunityTemplate[] = [
  {
    name: 'Automation line upgrade {n}',
    minEur: 90_000,
    maxEur: 420_000,
    descriptions: [
      'New PLC and drive package for line {n}; customer targets 20 % higher throughput and OPC UA to the MES.',
    ],
  },
  {
    name: 'Spare parts framework agreement {year}',
    minEur: 25_000,
    maxEur: 150_000,
    descriptions: [
      'Framework agreement for mechanical seals, impellers and bearings; 48 h delivery, tiered pricing.',
    ],
  },
  {
    name: 'Booster pump skid replacement',
    minEur: 30_000,
    maxEur: 160_000,
    descriptions: ['Replace the {built} booster skid with {k} variable-speed pumps; site survey done.'],
  },
  {
    name: 'Dosing system retrofit line {n}',
    minEur: 12_000,
    maxEur: 85_000,
    descriptions: ['Diaphragm dosing pumps for CIP chemicals, stainless steel, leak detection and Profinet.'],
  },
  {
    name: 'Condition monitoring pilot',
    minEur: 10_000,
    maxEur: 45_000,
    descriptions: ['Vibration and temperature sensors on {k} critical pumps, dashboard and e-mail alerts.'],
  },
  {
    name: 'Cooling water pump refurbishment',
    minEur: 15_000,
    maxEur: 90_000,
    descriptions: ['Refurbish {k} cooling water pumps and add VFDs; energy saving report included.'],
  },
  {
    name: 'Service contract {year}',
    minEur: 15_000,
    maxEur: 70_000,
    descriptions: ['Two inspections a year, 24 h response time, remote monitoring of {k} pumps.'],
  },
];

export const SOURCES_DE = [
  'Messe Hannover',
  'Website-Anfrage',
  'Empfehlung',
  'Bestandskunde',
  'Kaltakquise',
  'Ausschreibung',
  'Partner',
];
export const SOURCES_EN = [
  'Trade fair',
  'Website enquiry',
  'Referral',
  'Existing customer',
  'Cold call',
  'Tender',
  'Partner',
];

export const LOST_REASONS_DE = ['Preis', 'Wettbewerber', 'Kein Budget', 'Projekt verschoben', 'Lieferzeit'];
export const LOST_REASONS_EN = ['Price', 'Competitor', 'No budget', 'no response', 'Project postponed'];

export interface TaskTemplate {
  de: string;
  en: string;
}

export const TASK_SUBJECTS: readonly TaskTemplate[] = [
  { de: 'Wiedervorlage: Angebot nachfassen', en: 'Follow up on quote' },
  { de: 'Rückruf {contact}', en: 'Call back {contact}' },
  { de: 'Angebot überarbeiten – Rabattstaffel', en: 'Revise proposal – volume discount' },
  { de: 'Termin für Werksbesichtigung vereinbaren', en: 'Arrange site visit' },
  { de: 'Lieferzeiten mit Hydraulik Schmidt klären', en: 'Check lead times with Hydraulik Schmidt' },
  { de: 'Referenzliste Pumpenstationen senden', en: 'Send reference list' },
  { de: 'Preisfreigabe bei Vertriebsleitung einholen', en: 'Get pricing approval from sales management' },
  { de: 'Lastenheft prüfen und Rückfragen sammeln', en: 'Review specification and collect questions' },
  { de: 'R&I-Fließbild anfordern', en: 'Request P&ID drawings' },
  { de: 'Jahresgespräch vorbereiten', en: 'Prepare annual account review' },
  { de: 'Muster Dichtungssatz versenden', en: 'Send sample seal kit' },
  { de: 'Wartungsvertrag Verlängerung anbieten', en: 'Offer service contract renewal' },
];

export const CALL_NOTES: readonly TaskTemplate[] = [
  {
    de: 'Budget für das kommende Quartal bestätigt; Angebot bis Monatsende gewünscht.',
    en: '{contact} confirmed budget for next quarter; wants a quote by month end.',
  },
  {
    de: 'Technische Rückfragen zu Werkstoffen geklärt, Datenblätter per E-Mail nachgereicht.',
    en: 'Clarified material questions; data sheets sent by e-mail afterwards.',
  },
  {
    de: 'Einkauf vergleicht drei Angebote, Entscheidung in ca. zwei Wochen.',
    en: 'Procurement is comparing three quotes; decision in about two weeks.',
  },
  { de: 'Nicht erreicht, Nachricht auf Mailbox hinterlassen.', en: 'No answer, left a voicemail.' },
];

export const VISIT_NOTES: readonly TaskTemplate[] = [
  {
    de: 'Anlage besichtigt: 4 Pumpen Baujahr 1998, Gleitringdichtungen undicht, Motoren IE1.',
    en: 'Site walk: 4 pumps from 1998, leaking mechanical seals, IE1 motors.',
  },
  {
    de: 'Werksführung mit Instandhaltung und Einkauf; Aufmaß für Rohrleitungsanschlüsse genommen.',
    en: 'Plant tour with maintenance and procurement; measured pipe connections.',
  },
];

export const NOTE_TEXTS: readonly TaskTemplate[] = [
  {
    de: 'Wettbewerber war letzte Woche im Haus und hat 8 % unter unserem Listenpreis angeboten.',
    en: 'A competitor visited last week and quoted 8 % below our list price.',
  },
  {
    de: 'Entscheidung fällt im Einkaufsgremium; Geschäftsführung will Amortisation unter 3 Jahren.',
    en: 'Decision is made by the purchasing board; management wants payback under 3 years.',
  },
  {
    de: 'Kunde plant Werkserweiterung 2027 – frühzeitig Planungsbüro ansprechen.',
    en: 'Customer plans a plant extension in 2027 – contact the engineering consultant early.',
  },
];
