import fs from 'node:fs';
import readline from 'node:readline';
import zlib from 'node:zlib';

/** The real UCI Online Retail file (../shared/data, see its README). */
export const UCI_CSV = new URL('../../shared/data/online-retail/online_retail_uci.csv.gz', import.meta.url);

/**
 * The lines of a gzipped file of the real data in ../shared/data. A missing file fails at once
 * with a clear message (a read error inside `.pipe()` would otherwise leave the reader waiting).
 */
export function gzipLines(file: URL): readline.Interface {
  if (!fs.existsSync(file)) throw new Error(`Missing real data ${file.pathname}: the tests read ../shared/data next to the checkout (see ../shared/data/README.md).`);
  return readline.createInterface({ input: fs.createReadStream(file).pipe(zlib.createGunzip()), crlfDelay: Infinity });
}

/** The cells of a CSV line (descriptions may be quoted and hold commas). */
function cells(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted && ch === '"' && line[i + 1] === '"') {
      cur += '"';
      i++;
    } else if (ch === '"') {
      quoted = !quoted;
    } else if (ch === ',' && !quoted) {
      out.push(cur);
      cur = '';
    } else {
      cur += ch;
    }
  }
  out.push(cur);
  return out;
}

export interface Invoice {
  number: string;
  customerId: string;
  /** As the file spells it: "United Kingdom", "EIRE", … */
  country: string;
  /** InvoiceDate is London time, which is GMT in December (the first invoices). */
  placedAt: string;
  lines: { sku: string; title: string; quantity: number; unitPrice: number }[];
}

/** The first `n` invoices with a customer (cancellations skipped), read from the start of the UCI file. */
export async function firstInvoices(n: number): Promise<Invoice[]> {
  const rl = gzipLines(UCI_CSV);
  const out = new Map<string, Invoice>();
  let header = true;
  for await (const line of rl) {
    if (header) {
      header = false;
      continue;
    }
    const [number, sku, title, qty, date, price, customer, country] = cells(line);
    if (!number || !customer || number.startsWith('C')) continue;
    if (!out.has(number) && out.size === n) break;
    let inv = out.get(number);
    if (!inv) out.set(number, (inv = { number, customerId: String(Math.trunc(Number(customer))), country: country ?? '', placedAt: `${date!.replace(' ', 'T')}Z`, lines: [] }));
    // "2.55" → 255 (the file has at most two decimals).
    inv.lines.push({ sku: sku!, title: title || sku!, quantity: Number(qty), unitPrice: Math.round(Number(price) * 100) });
  }
  rl.close();
  return [...out.values()];
}

/** ISO codes of the countries the first invoices name ("EIRE" is Ireland). */
const COUNTRIES: Record<string, string> = { 'United Kingdom': 'GB', France: 'FR', Australia: 'AU', Netherlands: 'NL', Germany: 'DE', Norway: 'NO', EIRE: 'IE' };

/** The ISO code of an invoice's country; GB for one the first invoices do not name. */
export const countryCode = (country: string): string => COUNTRIES[country] ?? 'GB';

/** An invoice as the REST API's order (POST /api/orders) in GBP; `customer` adds to the customer's external id and email. */
export function orderBody(inv: Invoice, customer: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    source: 'uci', externalId: inv.number, number: inv.number, currency: 'GBP', placedAt: inv.placedAt,
    customer: { externalId: inv.customerId, email: `customer${inv.customerId}@example.com`, ...customer },
    lines: inv.lines.map((l) => ({ productExternalId: l.sku, sku: l.sku, title: l.title, quantity: l.quantity, unitPrice: l.unitPrice })),
  };
}
