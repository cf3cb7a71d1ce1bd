/**
 * `npm run eval:recs`: offline evaluation of the product recommender on the UCI Online Retail data
 * (train up to 2011-09-30, test on each customer's purchases after), beside a popularity and a plain
 * item-kNN baseline. Reads the file streamed, with the import's semantics: InvoiceNo = order, C
 * invoices (cancellations) left out, StockCode = product, guest lines (no CustomerID) train only.
 * Flags: --file PATH, --split YYYY-MM-DD (first test day), --until YYYY-MM-DD (first day not tested:
 * a validation split inside the training period, for choosing parameters without seeing the test),
 * --params JSON (overrides of the model's parameters, e.g. '{"popularityDays":30}'), --json.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createGunzip } from 'node:zlib';
import { readRecords } from '../server/src/modules/integrations/imports/csv.ts';
import { evaluateRecs, markdownTable } from '../server/src/modules/predict/recs.eval.ts';
import type { Interaction, RecsParams } from '../server/src/modules/predict/recs.model.ts';
import { isMerchandise } from '../server/src/modules/predict/recs.score.ts';

const args = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const file = flag('file') ?? path.resolve(import.meta.dirname, '../../shared/data/online-retail/online_retail_uci.csv.gz');
const split = Date.parse(`${flag('split') ?? '2011-10-01'}T00:00:00Z`);
if (!fs.existsSync(file)) {
  console.error(`Cannot find ${file}: pass --file PATH to the UCI Online Retail CSV (.csv or .csv.gz).`);
  process.exit(2);
}
const until = flag('until') === undefined ? undefined : Date.parse(`${flag('until')!}T00:00:00Z`);
if (!Number.isFinite(split) || (until !== undefined && !(until > split))) {
  console.error('--split and --until must be dates, YYYY-MM-DD, with --until after --split.');
  process.exit(2);
}

let params: Partial<RecsParams> | undefined;
try {
  params = flag('params') === undefined ? undefined : (JSON.parse(flag('params')!) as Partial<RecsParams>);
} catch {
  console.error('--params must be a JSON object of model parameters, e.g. \'{"popularityDays":30}\'.');
  process.exit(2);
}

const started = performance.now();
const interactions: Interaction[] = [];
const country = new Map<string, string>();
let header: string[] | undefined;
let skipped = 0;
const input = fs.createReadStream(file);
const bytes = file.endsWith('.gz') ? input.pipe(createGunzip()) : input;
for await (const batch of readRecords(bytes, { delimiter: ',', encoding: 'auto' })) {
  for (const r of batch) {
    if (!header) {
      header = r.fields;
      continue;
    }
    const [invoice, code, title, qty, date, , customerRaw, ctry] = r.fields;
    if (r.error || !invoice || !code || !date) {
      skipped++;
      continue;
    }
    // Cancellations and negative adjustments are not purchases; postage and fees are not products.
    if (invoice.startsWith('C') || !(Number(qty) > 0) || !isMerchandise(code, title ?? null)) {
      skipped++;
      continue;
    }
    // UK wall-clock time read as UTC: only the order of events and the split day matter here.
    const t = Date.parse(`${date.replace(' ', 'T')}Z`);
    if (!Number.isFinite(t)) {
      skipped++;
      continue;
    }
    const id = customerRaw ? String(Math.round(Number(customerRaw))) : '';
    const customer = id ? `c${id}` : `guest:${invoice}`;
    if (id && ctry) country.set(customer, ctry);
    interactions.push({ customer, product: code.trim().toUpperCase(), t, kind: 'order', basket: invoice });
  }
}
const readMs = performance.now() - started;
const result = evaluateRecs({
  interactions: until === undefined ? interactions : interactions.filter((x) => x.t < until), split, until, isCustomer: (c) => !c.startsWith('guest:'),
  segmentOf: (c) => (country.has(c) ? `country:${country.get(c)!}` : null), params,
});
if (args.includes('--json')) {
  console.log(JSON.stringify({ ...result, readMs }, null, 2));
} else {
  console.log(`Online Retail: ${interactions.length.toLocaleString('en-US')} purchase lines read (${skipped.toLocaleString('en-US')} skipped) in ${(readMs / 1000).toFixed(1)} s`);
  console.log(`Train before ${new Date(split).toISOString().slice(0, 10)}${until === undefined ? '' : `, test until ${new Date(until).toISOString().slice(0, 10)} (validation)`}: ${result.trainInteractions.toLocaleString('en-US')} lines, ${result.catalogue} products; model built in ${(result.buildMs / 1000).toFixed(2)} s`);
  console.log(`Test: ${result.testCustomers} customers (${result.coldCustomers} with no purchase before the split); ${(result.repeatShare * 100).toFixed(1)}% of their test products were bought by them before\n`);
  console.log(markdownTable(result));
  for (const [who, rows] of [['customers who bought before the split', result.warmRows], ['all test customers', result.rows]] as const) {
    const [rec, pop, knn] = rows;
    if (!rec || !pop || !knn) continue;
    const vsPop = rec.hitRate / pop.hitRate - 1;
    // The target is read on customers with a history (decision record 0024); the rest is shown for information.
    const target = rows === result.warmRows ? `target ≥ +50%: ${vsPop >= 0.5 ? 'met' : 'MISSED'}` : 'for information: first-time buyers can only get best-sellers';
    console.log(`\n${who}: recommender vs popularity, hit-rate@10 ${vsPop >= 0 ? '+' : ''}${(vsPop * 100).toFixed(0)}% (${target}); vs plain item-kNN: ${rec.hitRate >= knn.hitRate && rec.ndcg >= knn.ndcg ? 'not worse (met)' : 'worse (MISSED)'}`);
  }
}
