/**
 * Imprints and e-mail signatures as people paste them, with what a careful reader takes from
 * each. All companies, people and numbers are invented; the formats are the real ones
 * (German Impressum per § 5 DDG/TMG, Austrian Firmenbuch, UK Companies Act footers).
 */
import type { CapturedAddress } from './parse.ts';

export interface CorpusEntry {
  name: string;
  text: string;
  expected: CapturedAddress;
}

const none: CapturedAddress = {
  company: null,
  street: null,
  postalCode: null,
  city: null,
  country: null,
  phone: null,
  email: null,
  website: null,
  vatId: null,
  registerNumber: null,
  registerCourt: null,
};

export const addressCorpus: CorpusEntry[] = [
  {
    name: 'German Impressum, classic block',
    text: `Impressum

Angaben gemäß § 5 TMG

Musterfirma Antriebstechnik GmbH
Musterstraße 12
80331 München

Vertreten durch:
Dr. Hans Beispiel (Geschäftsführer)

Kontakt:
Telefon: +49 (0)89 123 45-0
Telefax: +49 (0)89 123 45-99
E-Mail: info@musterfirma-antrieb.de

Registereintrag:
Eintragung im Handelsregister.
Registergericht: Amtsgericht München
Registernummer: HRB 123456

Umsatzsteuer-ID:
Umsatzsteuer-Identifikationsnummer gemäß § 27 a Umsatzsteuergesetz:
DE 123 456 789`,
    expected: {
      company: 'Musterfirma Antriebstechnik GmbH',
      street: 'Musterstraße 12',
      postalCode: '80331',
      city: 'München',
      country: 'DE',
      phone: '+49 89 123 45-0',
      email: 'info@musterfirma-antrieb.de',
      website: null,
      vatId: 'DE123456789',
      registerNumber: 'HRB 123456',
      registerCourt: 'Amtsgericht München',
    },
  },
  {
    name: 'German signature with pipes and D- prefix',
    text: `Mit freundlichen Grüßen

Julia Sommer
Vertriebsleitung

Beispiel Kunststofftechnik GmbH & Co. KG | Industriering 7 | D-47805 Krefeld
Tel.: +49 2151 98765-12 | Fax: +49 2151 98765-99 | j.sommer@beispiel-kunststoff.de | www.beispiel-kunststoff.de
Sitz der Gesellschaft: Krefeld | Registergericht: Amtsgericht Krefeld HRA 4711
Komplementärin: Beispiel Verwaltungs GmbH, Amtsgericht Krefeld HRB 8150
USt-IdNr.: DE287654321`,
    expected: {
      company: 'Beispiel Kunststofftechnik GmbH & Co. KG',
      street: 'Industriering 7',
      postalCode: '47805',
      city: 'Krefeld',
      country: 'DE',
      phone: '+49 2151 98765-12',
      email: 'j.sommer@beispiel-kunststoff.de',
      website: 'https://www.beispiel-kunststoff.de',
      vatId: 'DE287654321',
      registerNumber: 'HRA 4711',
      registerCourt: 'Amtsgericht Krefeld',
    },
  },
  {
    name: 'German one-line footer with commas',
    text: 'Nordlicht Logistik AG, Hafenstraße 101, 20457 Hamburg, Deutschland, Tel. 040 / 30 20 10-0, kontakt@nordlicht-logistik.de, Vorstand: Eva Kranich, Amtsgericht Hamburg HRB 98765, USt-ID DE 311 222 333',
    expected: {
      company: 'Nordlicht Logistik AG',
      street: 'Hafenstraße 101',
      postalCode: '20457',
      city: 'Hamburg',
      country: 'DE',
      phone: '040 / 30 20 10-0',
      email: 'kontakt@nordlicht-logistik.de',
      website: null,
      vatId: 'DE311222333',
      registerNumber: 'HRB 98765',
      registerCourt: 'Amtsgericht Hamburg',
    },
  },
  {
    name: 'UG (haftungsbeschränkt) with obfuscated e-mail and abbreviated street',
    text: `Betreiber dieser Website:
Datenwerk Süd UG (haftungsbeschränkt)
Leopoldstr. 5-7
70173 Stuttgart

Telefon 0711 / 555 66 77
E-Mail: hallo (at) datenwerk-sued.de
Internet: https://datenwerk-sued.de/impressum

Geschäftsführer: Tobias Klein
Handelsregister: HRB 765432, AG Stuttgart
USt.-Ident.-Nr.: DE298765432`,
    expected: {
      company: 'Datenwerk Süd UG (haftungsbeschränkt)',
      street: 'Leopoldstr. 5-7',
      postalCode: '70173',
      city: 'Stuttgart',
      country: 'DE',
      phone: '0711 / 555 66 77',
      email: 'hallo@datenwerk-sued.de',
      website: 'https://datenwerk-sued.de',
      vatId: 'DE298765432',
      registerNumber: 'HRB 765432',
      registerCourt: 'Amtsgericht Stuttgart',
    },
  },
  {
    name: 'Berlin register number with court letter suffix',
    text: `Spreeblick Software GmbH
Am Kupfergraben 4a
10117 Berlin
Germany

T +49 30 2345678-0
E info@spreeblick-software.de
W www.spreeblick-software.de

Amtsgericht Charlottenburg, HRB 201234 B
Geschäftsführung: Mara Lindqvist, Jonas Weber
VAT ID: DE 305 112 233`,
    expected: {
      company: 'Spreeblick Software GmbH',
      street: 'Am Kupfergraben 4a',
      postalCode: '10117',
      city: 'Berlin',
      country: 'DE',
      phone: '+49 30 2345678-0',
      email: 'info@spreeblick-software.de',
      website: 'https://www.spreeblick-software.de',
      vatId: 'DE305112233',
      registerNumber: 'HRB 201234 B',
      registerCourt: 'Amtsgericht Charlottenburg',
    },
  },
  {
    name: 'Sole trader (e.K.) without VAT ID',
    text: `Angaben gemäß § 5 DDG
Elektro Hubmann e.K.
Inhaber: Georg Hubmann
Bahnhofstraße 3
93047 Regensburg
Tel.: 0941 123 456
Mail: service@elektro-hubmann.de
Registergericht: Amtsgericht Regensburg, HRA 9876`,
    expected: {
      company: 'Elektro Hubmann e.K.',
      street: 'Bahnhofstraße 3',
      postalCode: '93047',
      city: 'Regensburg',
      country: 'DE',
      phone: '0941 123 456',
      email: 'service@elektro-hubmann.de',
      website: null,
      vatId: null,
      registerNumber: 'HRA 9876',
      registerCourt: 'Amtsgericht Regensburg',
    },
  },
  {
    name: 'Austrian imprint with Firmenbuch and UID',
    text: `Alpenkraft Maschinen GmbH
Mariahilfer Straße 88
A-1070 Wien
Österreich

Tel.: +43 1 234 56 78
E-Mail: office@alpenkraft.at
Web: www.alpenkraft.at

Firmenbuchnummer: FN 123456a
Firmenbuchgericht: Handelsgericht Wien
UID-Nr.: ATU12345678`,
    expected: {
      company: 'Alpenkraft Maschinen GmbH',
      street: 'Mariahilfer Straße 88',
      postalCode: '1070',
      city: 'Wien',
      country: 'AT',
      phone: '+43 1 234 56 78',
      email: 'office@alpenkraft.at',
      website: 'https://www.alpenkraft.at',
      vatId: 'ATU12345678',
      registerNumber: 'FN 123456a',
      registerCourt: 'Handelsgericht Wien',
    },
  },
  {
    name: 'Swiss AG with CHE number',
    text: `Helvetia Präzision AG | Bahnhofplatz 1 | CH-8001 Zürich
Telefon +41 44 123 45 67 | info@helvetia-praezision.ch
MWST-Nr.: CHE-123.456.789 MWST`,
    expected: {
      company: 'Helvetia Präzision AG',
      street: 'Bahnhofplatz 1',
      postalCode: '8001',
      city: 'Zürich',
      country: 'CH',
      phone: '+41 44 123 45 67',
      email: 'info@helvetia-praezision.ch',
      website: null,
      vatId: 'CHE123456789MWST',
      registerNumber: null,
      registerCourt: null,
    },
  },
  {
    name: 'UK website footer with Company No.',
    text: `Thamesbridge Components Ltd
Unit 4, Riverside Park
Reading
RG1 8AB
United Kingdom

Tel: +44 (0)118 496 0123
Email: sales@thamesbridge-components.co.uk
www.thamesbridge-components.co.uk

Registered in England and Wales. Company No. 08123456
VAT Reg. No. GB 123 4567 89`,
    expected: {
      company: 'Thamesbridge Components Ltd',
      street: 'Unit 4, Riverside Park',
      postalCode: 'RG1 8AB',
      city: 'Reading',
      country: 'GB',
      phone: '+44 118 496 0123',
      email: 'sales@thamesbridge-components.co.uk',
      website: 'https://www.thamesbridge-components.co.uk',
      vatId: 'GB123456789',
      registerNumber: '08123456',
      registerCourt: 'England and Wales',
    },
  },
  {
    name: 'UK e-mail signature, one line address',
    text: `Kind regards,

Oliver Marsh
Head of Procurement
Kestrel Engineering Limited
12 High Street, Leeds LS1 4HT
T: +44 113 496 0555 | M: +44 7700 900123
oliver.marsh@kestrel-eng.co.uk | https://www.kestrel-eng.co.uk

Kestrel Engineering Limited is registered in England & Wales under company number 04567890. Registered office: 12 High Street, Leeds LS1 4HT.`,
    expected: {
      company: 'Kestrel Engineering Limited',
      street: '12 High Street',
      postalCode: 'LS1 4HT',
      city: 'Leeds',
      country: 'GB',
      phone: '+44 113 496 0555',
      email: 'oliver.marsh@kestrel-eng.co.uk',
      website: 'https://www.kestrel-eng.co.uk',
      vatId: null,
      registerNumber: '04567890',
      registerCourt: 'England and Wales',
    },
  },
  {
    name: 'Scottish PLC with SC number',
    text: `Caledonia Marine plc
45 Union Street
Aberdeen AB11 6BD
Scotland
Phone: +44 1224 555 010
info@caledonia-marine.example
Registered in Scotland, Registration No. SC123456. VAT No. GB 987654321`,
    expected: {
      company: 'Caledonia Marine plc',
      street: '45 Union Street',
      postalCode: 'AB11 6BD',
      city: 'Aberdeen',
      country: 'GB',
      phone: '+44 1224 555 010',
      email: 'info@caledonia-marine.example',
      website: null,
      vatId: 'GB987654321',
      registerNumber: 'SC123456',
      registerCourt: 'Scotland',
    },
  },
  {
    name: 'German signature with mobile only and no register',
    text: `Viele Grüße
Katrin Vogel

Vogel & Partner Ingenieurgesellschaft mbH
Goethestraße 21 · 01069 Dresden
Mobil: 0171 2345678
k.vogel@vogel-partner.de`,
    expected: {
      company: 'Vogel & Partner Ingenieurgesellschaft mbH',
      street: 'Goethestraße 21',
      postalCode: '01069',
      city: 'Dresden',
      country: 'DE',
      phone: '0171 2345678',
      email: 'k.vogel@vogel-partner.de',
      website: null,
      vatId: null,
      registerNumber: null,
      registerCourt: null,
    },
  },
  {
    name: 'German imprint with "eingetragen beim" sentence and IBAN',
    text: `Rheinland Solar GmbH
Kaiser-Wilhelm-Ring 40
50672 Köln

Fon: 0221 / 987 654-0
Fax: 0221 / 987 654-1
Mail: info@rheinland-solar.de

Eingetragen beim Amtsgericht Köln unter HRB 54321.
Bankverbindung: Sparkasse KölnBonn, IBAN DE89 3704 0044 0532 0130 00
Steuernummer: 215/5701/1234`,
    expected: {
      company: 'Rheinland Solar GmbH',
      street: 'Kaiser-Wilhelm-Ring 40',
      postalCode: '50672',
      city: 'Köln',
      country: 'DE',
      phone: '0221 / 987 654-0',
      email: 'info@rheinland-solar.de',
      website: null,
      vatId: null,
      registerNumber: 'HRB 54321',
      registerCourt: 'Amtsgericht Köln',
    },
  },
  {
    name: 'Dutch B.V. signature in English',
    text: `Best regards,
Sanne de Vries
Polder Trading B.V.
Keizersgracht 123
1015 CJ Amsterdam
Netherlands
Phone: +31 20 123 4567
sanne@poldertrading.nl
VAT: NL123456789B01`,
    expected: {
      company: 'Polder Trading B.V.',
      street: 'Keizersgracht 123',
      postalCode: '1015 CJ',
      city: 'Amsterdam',
      country: 'NL',
      phone: '+31 20 123 4567',
      email: 'sanne@poldertrading.nl',
      website: null,
      vatId: 'NL123456789B01',
      registerNumber: null,
      registerCourt: null,
    },
  },
  {
    name: 'German AG imprint with Vorstand and Aufsichtsrat lines',
    text: `Impressum
Weserwerft Holding AG
Am Speicher XI 9
28217 Bremen
Telefon: +49 421 33 44 55-0
E-Mail: ir@weserwerft.de
Internet: www.weserwerft.de
Vorstand: Dr. Lena Hartmann (Vors.), Paul Engel
Vorsitzender des Aufsichtsrats: Klaus Peters
Sitz der Gesellschaft: Bremen
Registergericht: Amtsgericht Bremen, HRB 33221 HB
USt-IdNr.: DE 276 543 210`,
    expected: {
      company: 'Weserwerft Holding AG',
      street: 'Am Speicher XI 9',
      postalCode: '28217',
      city: 'Bremen',
      country: 'DE',
      phone: '+49 421 33 44 55-0',
      email: 'ir@weserwerft.de',
      website: 'https://www.weserwerft.de',
      vatId: 'DE276543210',
      registerNumber: 'HRB 33221 HB',
      registerCourt: 'Amtsgericht Bremen',
    },
  },
  {
    name: 'Short signature with only name, company and phone',
    text: `--
Tom Becker
Becker Metallbau GmbH
Tel. 05221 / 6 78 90`,
    expected: {
      ...none,
      company: 'Becker Metallbau GmbH',
      phone: '05221 / 6 78 90',
    },
  },
  {
    name: 'Not an address at all',
    text: 'Hallo zusammen, anbei die Unterlagen zum Angebot. Bis Montag!',
    expected: none,
  },
];
