import fs from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { UCI_FILE } from '../integrations/imports/uci.fixture.ts';

/**
 * Test helper: every line of chosen products of the real UCI Online Retail file, cut at run time (the data's
 * README asks not to copy it into the repo). Decompresses the file in one call and picks lines by their
 * second field with indexOf — about 0.6 s for the 541,909 lines, where streaming them through readline and a
 * CSV regex took ~7 s. No InvoiceNo or StockCode in the file is quoted (checked here), so the first two commas
 * delimit the stock code.
 */
let cached: string[] | null = null;

/** Every line of the file, header first (decompressed once per process). */
export function allLines(): string[] {
  if (!cached) {
    if (!fs.existsSync(UCI_FILE)) throw new Error(`Missing real data ${UCI_FILE}: the tests read ../shared/data next to the checkout.`);
    cached = gunzipSync(fs.readFileSync(UCI_FILE)).toString('utf8').split(/\r?\n/);
    while (cached.length && cached[cached.length - 1] === '') cached.pop();
  }
  return cached;
}

function stockCode(line: string): string {
  const a = line.indexOf(',');
  const code = line.slice(a + 1, line.indexOf(',', a + 1));
  if (line.startsWith('"') || code.startsWith('"')) throw new Error(`quoted first fields: the fast cut cannot read ${line}`);
  return code;
}

/** Stock codes of real products (starting with a digit: not POST, M, DOT…), most order lines first (ties in order of first appearance, as a stable sort of the file gives). */
export function uciRankedProducts(): string[] {
  const count = new Map<string, number>();
  const lines = allLines();
  for (let i = 1; i < lines.length; i++) {
    const c = stockCode(lines[i]!);
    count.set(c, (count.get(c) ?? 0) + 1);
  }
  return [...count.entries()].filter(([c]) => /^\d/.test(c)).sort((a, b) => b[1] - a[1]).map(([c]) => c);
}

/** The header and every line (orders and cancellations, in file order) of the given stock codes. */
export function uciLinesOf(codes: Iterable<string>): string[] {
  const chosen = new Set(codes);
  const lines = allLines();
  const out = [lines[0]!];
  for (let i = 1; i < lines.length; i++) if (chosen.has(stockCode(lines[i]!))) out.push(lines[i]!);
  return out;
}
