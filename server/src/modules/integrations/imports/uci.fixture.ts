import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { createGunzip, gzipSync } from 'node:zlib';

/** The real UCI Online Retail file (../shared/data, see its README). */
export const UCI_FILE = path.resolve(import.meta.dirname, '../../../../../../shared/data/online-retail/online_retail_uci.csv.gz');
export const CDNOW_DIR = path.resolve(import.meta.dirname, '../../../../../../shared/data/cdnow');

/** The lines of the UCI file (header first), streamed. */
export async function* uciLines(): AsyncGenerator<string> {
  if (!fs.existsSync(UCI_FILE)) throw new Error(`Missing real data ${UCI_FILE}: the tests read ../shared/data next to the checkout.`);
  const rl = readline.createInterface({ input: fs.createReadStream(UCI_FILE).pipe(createGunzip()), crlfDelay: Infinity });
  for await (const line of rl) yield line;
}

/** A slice of the real file cut at test time: the first `n` lines, plus the first `c` cancellation lines found after them. */
export async function uciSlice(n: number, c: number): Promise<string[]> {
  const out: string[] = [];
  let extra = 0;
  for await (const line of uciLines()) {
    if (out.length <= n) out.push(line);
    else if (line.startsWith('C') && extra < c) {
      out.push(line);
      extra++;
    } else if (extra >= c) break;
  }
  return out;
}

const tmpDirs: string[] = [];

export function tmpFile(name: string, content: string | Buffer, gzip = false): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'patron-import-'));
  tmpDirs.push(dir);
  const file = path.join(dir, name);
  fs.writeFileSync(file, gzip ? gzipSync(content) : content);
  return file;
}

/** Removes the files tmpFile wrote. */
export function removeTmpFiles(): void {
  for (const d of tmpDirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
}

/** Splits one CSV line (the UCI file has quoted fields but none spanning lines). Deliberately not the importer's parser. */
export function splitCsv(line: string): string[] {
  const out: string[] = [];
  const re = /("(?:[^"]|"")*"|[^,]*)(,|$)/g;
  for (let m = re.exec(line); m; m = re.exec(line)) {
    const v = m[1]!;
    out.push(v.startsWith('"') ? v.slice(1, -1).replace(/""/g, '"') : v);
    if (m[2] === '') break;
  }
  return out;
}

/** What a file's lines add up to, by a plain fold over the text: the oracle the import is checked against. */
export interface UciFold {
  lines: number;
  invoices: Set<string>;
  /** Invoices and StockCodes of the lines the importer must accept (all but negative quantities outside C invoices). */
  acceptedInvoices: Set<string>;
  acceptedCancellations: Set<string>;
  acceptedOrderLines: number;
  rejectedLines: number;
  customers: Set<string>;
  products: Set<string>;
  acceptedProducts: Set<string>;
  /** Σ Quantity × UnitPrice in thousandths of a pound, exactly. */
  exactMilli: bigint;
  /** Σ of each line rounded to pence (half to even), as the importer stores lines. */
  pence: bigint;
  /** Lines whose amount is not a whole number of pence. */
  subPenny: number;
}

export function foldUci(lines: Iterable<string>): UciFold {
  const f: UciFold = {
    lines: 0, invoices: new Set(), acceptedInvoices: new Set(), acceptedCancellations: new Set(), acceptedOrderLines: 0, rejectedLines: 0,
    customers: new Set(), products: new Set(), acceptedProducts: new Set(), exactMilli: 0n, pence: 0n, subPenny: 0,
  };
  let header = true;
  for (const line of lines) {
    if (header) {
      header = false;
      continue;
    }
    const [inv, code, , qty, , price, cust] = splitCsv(line);
    f.lines++;
    f.invoices.add(inv!);
    f.products.add(code!);
    const [whole, frac = ''] = price!.replace('-', '').split('.');
    if (frac.length > 3) throw new Error(`price ${price} has more than 3 decimals: the fold would be inexact`);
    let milli = BigInt(whole!) * 1000n + BigInt((frac + '000').slice(0, 3));
    if (price!.startsWith('-')) milli = -milli;
    const amount = BigInt(qty!) * milli;
    f.exactMilli += amount;
    let p = amount / 10n;
    const r = amount % 10n;
    if (r !== 0n) f.subPenny++;
    const ar = r < 0n ? -r : r;
    if (ar > 5n || (ar === 5n && (p % 2n !== 0n))) p += amount < 0n ? -1n : 1n;
    f.pence += p;
    const cancellation = inv!.startsWith('C');
    if (!cancellation && BigInt(qty!) < 0n) {
      f.rejectedLines++;
      continue;
    }
    f.acceptedInvoices.add(inv!);
    if (cancellation) f.acceptedCancellations.add(inv!);
    else f.acceptedOrderLines++;
    f.acceptedProducts.add(code!);
    if (cust) f.customers.add(cust.replace(/\.0+$/, ''));
  }
  return f;
}
