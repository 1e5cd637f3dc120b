/**
 * The quote as a PDF (pdfkit, A4): letterhead from the settings, recipient, quote number,
 * version, date and validity, the lines, discount, tax per rate and totals. Text in German or
 * English. The standard PDF fonts speak WinAnsi, which covers German text and the euro sign.
 */
import type { Database, Locale } from '@konsort/db';
import { accounts } from '@konsort/db';
import { eq } from 'drizzle-orm';
import PDFDocument from 'pdfkit';
import { readSetting } from '../automation/settings.ts';
import { formatMoney } from '../money.ts';
import type { Principal } from '../principal.ts';
import { quoteById } from './quotes.ts';
import { bpToPercent } from './totals.ts';

const labels = {
  de: {
    quote: 'Angebot',
    version: 'Version',
    date: 'Datum',
    validUntil: 'Gültig bis',
    pos: 'Pos.',
    description: 'Bezeichnung',
    quantity: 'Menge',
    unitPrice: 'Einzelpreis',
    discount: 'Rabatt',
    total: 'Gesamt',
    subtotal: 'Summe Positionen',
    quoteDiscount: 'Angebotsrabatt',
    net: 'Nettobetrag',
    tax: 'USt.',
    on: 'auf',
    gross: 'Gesamtbetrag',
    deal: 'Projekt',
    status: {
      draft: 'Entwurf',
      sent: 'Versendet',
      accepted: 'Angenommen',
      rejected: 'Abgelehnt',
      expired: 'Abgelaufen',
    },
  },
  en: {
    quote: 'Quote',
    version: 'Version',
    date: 'Date',
    validUntil: 'Valid until',
    pos: 'Pos.',
    description: 'Description',
    quantity: 'Quantity',
    unitPrice: 'Unit price',
    discount: 'Discount',
    total: 'Total',
    subtotal: 'Lines total',
    quoteDiscount: 'Quote discount',
    net: 'Net amount',
    tax: 'VAT',
    on: 'on',
    gross: 'Total amount',
    deal: 'Project',
    status: { draft: 'Draft', sent: 'Sent', accepted: 'Accepted', rejected: 'Rejected', expired: 'Expired' },
  },
} as const;

const winAnsiExtra = new Set('€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ');
function printable(text: string): string {
  let out = '';
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    out += (code >= 0x20 && code <= 0xff) || winAnsiExtra.has(ch) ? ch : code === 0x0a ? '\n' : '?';
  }
  return out;
}

function formatDate(iso: string | Date, locale: Locale): string {
  const d = typeof iso === 'string' ? new Date(`${iso}T12:00:00Z`) : iso;
  return new Intl.DateTimeFormat(locale === 'de' ? 'de-DE' : 'en-GB', {
    dateStyle: 'medium',
    timeZone: 'Europe/Berlin',
  }).format(d);
}

function formatQuantity(q: string, locale: Locale): string {
  const n = q.replace(/\.?0+$/, '');
  return locale === 'de' ? n.replace('.', ',') : n;
}

export interface QuotePdfOptions {
  versionNumber?: number;
  locale: Locale;
  /** Uncompressed content streams (tests read the text back). */
  compress?: boolean;
}

export async function quotePdf(
  db: Database,
  principal: Principal,
  quoteId: string,
  options: QuotePdfOptions,
) {
  const detail = await quoteById(db, principal, { id: quoteId, versionNumber: options.versionNumber });
  const letterhead = await readSetting(db, 'letterhead');
  const [account] = await db
    .select({
      name: accounts.name,
      street: accounts.street,
      postalCode: accounts.postalCode,
      city: accounts.city,
      country: accounts.country,
    })
    .from(accounts)
    .where(eq(accounts.id, detail.opportunity.accountId));
  const t = labels[options.locale];
  const money = (minor: number) => formatMoney(minor, detail.quote.currency, options.locale);
  const { quote, version, lines } = detail;

  const pdf = new PDFDocument({
    size: 'A4',
    margin: 50,
    compress: options.compress ?? true,
    info: { Title: `${t.quote} ${quote.number}`, Author: printable(letterhead.companyName) },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    pdf.on('data', (chunk: Buffer) => chunks.push(chunk));
    pdf.on('end', () => resolve(Buffer.concat(chunks)));
    pdf.on('error', reject);
  });
  const left = 50;
  const width = pdf.page.width - 100;

  // Letterhead
  pdf.font('Helvetica-Bold').fontSize(16).text(printable(letterhead.companyName), left, 50);
  pdf
    .font('Helvetica')
    .fontSize(8)
    .fillColor('#444')
    .text(
      printable(
        [
          letterhead.street,
          `${letterhead.postalCode} ${letterhead.city}`,
          letterhead.country,
          letterhead.phone,
          letterhead.email,
          letterhead.website,
        ]
          .filter((s) => s.trim() !== '')
          .join(' · '),
      ),
      { width },
    );
  pdf.fillColor('#000');

  // Recipient
  pdf.moveDown(2).fontSize(10);
  if (account) {
    pdf.text(printable(account.name));
    if (detail.contact) pdf.text(printable(`${detail.contact.firstName} ${detail.contact.lastName}`));
    pdf.text(printable(account.street));
    pdf.text(printable(`${account.postalCode} ${account.city}`));
    pdf.text(printable(account.country));
  }

  pdf
    .moveDown(2)
    .font('Helvetica-Bold')
    .fontSize(14)
    .text(printable(`${t.quote} ${quote.number}`));
  pdf.font('Helvetica').fontSize(9);
  const facts = [
    `${t.version} ${version.versionNumber}${version.versionNumber === quote.currentVersion ? '' : ` (${quote.currentVersion})`}`,
    `${t.date}: ${formatDate(version.updatedAt, options.locale)}`,
    quote.validUntil ? `${t.validUntil}: ${formatDate(quote.validUntil, options.locale)}` : null,
    `${t.deal}: ${detail.opportunity.name}`,
    quote.status === 'draft' ? t.status.draft : null,
  ].filter((s): s is string => s !== null);
  pdf.text(printable(facts.join('  ·  ')));
  pdf.moveDown(1);

  // Lines table
  const cols = [
    { key: 'pos', x: left, w: 30, align: 'left' as const },
    { key: 'description', x: left + 30, w: 215, align: 'left' as const },
    { key: 'quantity', x: left + 245, w: 60, align: 'right' as const },
    { key: 'unitPrice', x: left + 305, w: 75, align: 'right' as const },
    { key: 'discount', x: left + 380, w: 45, align: 'right' as const },
    { key: 'total', x: left + 425, w: width - 425, align: 'right' as const },
  ];
  const row = (values: string[], bold = false) => {
    const y = pdf.y;
    pdf.font(bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(9);
    let bottom = y;
    values.forEach((v, i) => {
      const c = cols[i]!;
      pdf.text(printable(v), c.x, y, { width: c.w, align: c.align });
      bottom = Math.max(bottom, pdf.y);
    });
    pdf.x = left;
    pdf.y = bottom + 3;
    if (pdf.y > pdf.page.height - 120) pdf.addPage();
  };
  row([t.pos, t.description, t.quantity, t.unitPrice, t.discount, t.total], true);
  pdf
    .moveTo(left, pdf.y)
    .lineTo(left + width, pdf.y)
    .stroke();
  pdf.y += 3;
  for (const l of lines) {
    const discounts = [l.discountBp, l.ruleDiscountBp].filter((d) => d > 0).map((d) => `${bpToPercent(d)} %`);
    row([
      String(l.position),
      `${l.sku ? `${l.sku} – ` : ''}${l.description}`,
      `${formatQuantity(l.quantity, options.locale)} ${l.unit}`,
      money(l.unitPriceMinor),
      discounts.join(' + '),
      money(l.netMinor),
    ]);
  }
  pdf
    .moveTo(left, pdf.y)
    .lineTo(left + width, pdf.y)
    .stroke();
  pdf.y += 6;

  // Totals
  const total = (label: string, value: string, bold = false) => {
    const y = pdf.y;
    pdf.font(bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(9);
    pdf.text(printable(label), left + 245, y, { width: 180, align: 'right' });
    pdf.text(printable(value), left + 425, y, { width: width - 425, align: 'right' });
    pdf.x = left;
    pdf.y = Math.max(pdf.y, y + 12);
  };
  total(t.subtotal, money(version.netBeforeDiscountMinor));
  if (version.discountBp > 0)
    total(`${t.quoteDiscount} ${bpToPercent(version.discountBp)} %`, `− ${money(version.discountMinor)}`);
  total(t.net, money(version.netMinor), true);
  for (const tax of version.taxes)
    total(`${t.tax} ${bpToPercent(tax.rateBp)} % ${t.on} ${money(tax.baseMinor)}`, money(tax.taxMinor));
  total(t.gross, money(version.grossMinor), true);

  if (version.notes) {
    pdf.moveDown(2).font('Helvetica').fontSize(9).text(printable(version.notes), left, pdf.y, { width });
  }

  // Footer on the first page: register data and bank
  const footer = [letterhead.registerNumber, letterhead.vatId, letterhead.bank]
    .filter((s) => s.trim() !== '')
    .join(' · ');
  pdf
    .font('Helvetica')
    .fontSize(7)
    .fillColor('#444')
    .text(printable(footer), left, pdf.page.height - 60, { width, align: 'center' });
  pdf.end();
  const buffer = await done;
  return { buffer, fileName: `${quote.number}-v${version.versionNumber}.pdf` };
}
