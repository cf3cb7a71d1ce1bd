import type { Actor } from '../../../platform/audit/audit.ts';
import type { Db, Tx } from '../../../platform/db/db.ts';
import { getStoreSettings } from '../../../platform/settings.ts';
import { addToDraft, customerKey, startDraft, type Draft } from './assemble.ts';
import { CsvParser, FileFormatError, readRecords, sniffDelimiter, type DecodeNote, type RawRecord } from './csv.ts';
import { DateOrderSniffer, isTimeZone } from './dates.ts';
import type { ImportIssue, ImportKind, ImportSummary, Mapping, PresetName } from './imports.schemas.ts';
import { PRESET_DEFS, settle, type Settled } from './presets.ts';
import { RowBinder } from './rows.ts';
import { decompressed, head, type FileSource } from './source.ts';
import { writeBatch, type BatchOutcome, type WriterDeps } from './writer.ts';

export interface EngineDeps extends WriterDeps {
  db: Db;
  /** Recomputes every customer's order figures once, after the last batch. */
  refreshCustomerStats(db: Db): Promise<void>;
  /** Whether the store holds an order yet (the first import may set the store currency). */
  hasOrders(tx: Tx): Promise<boolean>;
  /** Sets the store currency (with its audit entry) in the batch's transaction. */
  adoptCurrency(tx: Tx, currency: string, actor: Actor): Promise<void>;
}

/** Where issues go: the database for stored imports, memory for the command line. */
export interface IssueSink {
  add(issues: ImportIssue[]): Promise<void>;
}

export interface RunInput {
  file: FileSource;
  kind: ImportKind;
  preset: PresetName;
  mapping?: Mapping;
  dryRun: boolean;
  actor: Actor;
  issues: IssueSink;
  /** Resume: lines up to here were written by an earlier attempt. */
  checkpoint?: number;
  /** Resume: that attempt's counts. */
  resume?: ImportSummary;
  onProgress?: (s: ImportSummary) => void;
  /** Inside each batch's transaction, after its writes: persist the checkpoint with the data. */
  onBatch?: (tx: Tx, checkpoint: number, s: ImportSummary) => Promise<void>;
  /** Rows per transaction (default 10,000). */
  batchRows?: number;
}

const counts = () => ({ found: 0, created: 0, updated: 0, skipped: 0, invalid: 0 });

export function emptySummary(dryRun: boolean): ImportSummary {
  return {
    phase: 'validating', dryRun, rowsRead: 0, rowsRejected: 0, rowsIgnored: 0, warnings: 0,
    customers: counts(), products: counts(), orders: counts(), guestOrders: counts(), refunds: counts(), money: {}, seconds: 0,
  };
}

/** What pass 1 learns about each order, customer or product (by its key in the file). */
interface GroupState {
  last: number;
  bad: boolean;
  valid: number;
  firstBad?: number;
  /** Orders: money of the valid rows, and what the order is. */
  currency?: string;
  sum: number;
  total?: number;
  refunded?: number;
  cancellation?: boolean;
  guest?: boolean;
}

/** How the file reads: delimiter, header, settled mapping, date order. */
interface Reading {
  settled: Settled;
  header: string[] | null;
  width: number;
  dateOrder: 'dmy' | 'mdy';
  storeCurrency: string;
}

/**
 * Imports one file in two streaming passes. Pass 1 validates every row (a dry run stops there)
 * and learns on which line each order (customer, product) ends. Pass 2 folds rows into complete
 * records and writes them in batches, each batch in one transaction with its checkpoint: a crash
 * leaves no half-written order, and a rerun continues after the checkpoint. A record with any
 * rejected row is not imported at all.
 */
export async function runImport(deps: EngineDeps, input: RunInput): Promise<ImportSummary> {
  const started = performance.now();
  const summary = emptySummary(input.dryRun);
  const progress = () => {
    summary.seconds = Math.round((performance.now() - started) / 100) / 10;
    input.onProgress?.(summary);
  };
  const reading = await prepare(deps.db, input);
  const s = reading.settled;
  const issues: ImportIssue[] = [];
  const flushIssues = async (force = false) => {
    if (issues.length && (force || issues.length >= 2000)) await input.issues.add(issues.splice(0));
  };

  // Pass 1: validate.
  const groups = new Map<string, GroupState>();
  const customersFound = new Set<string>();
  const productsFound = new Set<string>();
  let binder = new RowBinder(input.kind, s, reading.header, reading.width, { storeCurrency: reading.storeCurrency, dateOrder: reading.dateOrder });
  let lastReport = performance.now();
  const onNote = (n: DecodeNote) => {
    summary.warnings++;
    issues.push({ line: n.line, severity: 'warning', column: null, message: n.message });
  };
  for await (const rec of records(input.file, reading, onNote)) {
    summary.rowsRead++;
    const r = binder.map(rec);
    if (r.ok === 'ignored') {
      summary.rowsIgnored++;
      continue;
    }
    if (r.ok === false) {
      summary.rowsRejected++;
      issues.push(...r.issues);
      if (r.group !== undefined) {
        const g = groups.get(r.group) ?? { last: rec.line, bad: true, valid: 0, sum: 0 };
        g.bad = true;
        g.firstBad ??= rec.line;
        groups.set(r.group, g);
      }
    } else {
      const v = r.value;
      summary.warnings += r.warnings.length;
      issues.push(...r.warnings);
      let g = groups.get(v.group);
      if (!g) groups.set(v.group, (g = { last: rec.line, bad: false, valid: 0, sum: 0 }));
      g.last = rec.line;
      g.valid++;
      if (v.kind === 'order') {
        g.currency ??= v.currency;
        g.cancellation = v.cancellation;
        g.sum += v.item?.total ?? 0;
        g.total ??= v.header.total;
        g.refunded ??= v.header.refundedAmount;
        g.guest = (g.guest ?? true) && !v.customer;
        const ck = v.customer && customerKey(v.customer);
        if (ck) customersFound.add(ck);
        if (v.item?.productExternalId) productsFound.add(v.item.productExternalId);
      } else if (v.kind === 'customer') customersFound.add(v.group);
      else productsFound.add(v.group);
    }
    await flushIssues();
    if (performance.now() - lastReport > 1000) {
      lastReport = performance.now();
      progress();
    }
  }
  tallyPass1(input.kind, groups, summary, issues);
  summary.customers.found = customersFound.size;
  summary.products.found = productsFound.size;
  customersFound.clear();
  productsFound.clear();
  await flushIssues(true);
  if (input.dryRun) {
    summary.phase = 'done';
    progress();
    return summary;
  }

  // Pass 2: write.
  summary.phase = 'writing';
  if (input.resume) carryOver(input.resume, summary);
  const checkpoint = input.checkpoint ?? 0;
  let status = { customers: new Map<string, 0 | 1 | 2>(), products: new Map<string, 0 | 1 | 2>() };
  binder = new RowBinder(input.kind, s, reading.header, reading.width, { storeCurrency: reading.storeCurrency, dateOrder: reading.dateOrder });
  const pending = new Map<string, Draft>();
  let ready: Draft[] = [];
  let readyRows = 0;
  let first = checkpoint === 0;
  const batchRows = input.batchRows ?? 10_000;
  const flush = async (upTo: number) => {
    const batch = ready;
    ready = [];
    readyRows = 0;
    let outcome: BatchOutcome | undefined;
    let next = summary;
    let nextStatus = status;
    await inTransaction(deps.db, async (tx) => {
      if (first && s.adoptStoreCurrency) {
        const currency = batch.flatMap((d) => (d.kind === 'order' && !d.cancellation ? [d.currency] : []))[0];
        if (currency && currency !== reading.storeCurrency && !(await deps.hasOrders(tx))) await deps.adoptCurrency(tx, currency, input.actor);
      }
      outcome = await writeBatch(deps, tx, { kind: input.kind, source: s.source, actor: input.actor }, batch);
      // Counted on copies: a retried transaction must not count twice.
      next = structuredClone(summary);
      nextStatus = { customers: new Map(status.customers), products: new Map(status.products) };
      applyOutcome(next, outcome, nextStatus);
      await input.onBatch?.(tx, upTo, next);
    });
    first = false;
    Object.assign(summary, next);
    status = nextStatus;
    issues.push(...outcome!.issues);
    await flushIssues(true);
    progress();
  };
  let lastLine = 0;
  for await (const rec of records(input.file, reading)) {
    lastLine = rec.line;
    const r = binder.map(rec);
    if (r.ok !== true) continue;
    const v = r.value;
    const g = groups.get(v.group);
    if (!g || rec.line > g.last) throw changedFile();
    if (g.bad || g.last <= checkpoint) continue;
    const d = pending.get(v.group);
    if (d) addToDraft(d, v);
    else pending.set(v.group, startDraft(v));
    readyRows++;
    if (rec.line === g.last) {
      ready.push(pending.get(v.group)!);
      pending.delete(v.group);
      if (readyRows >= batchRows) await flush(rec.line);
    }
  }
  if (pending.size) throw changedFile();
  if (ready.length || first) await flush(Math.max(lastLine, checkpoint));

  summary.phase = 'finishing';
  progress();
  await deps.refreshCustomerStats(deps.db);
  summary.phase = 'done';
  progress();
  return summary;
}

/** Pass 2 read other rows than pass 1: the file was replaced while it was being imported. */
const changedFile = () => new FileFormatError('The file changed while it was being imported (its rows differ from the first reading). Import it again.');

function tallyPass1(kind: ImportKind, groups: Map<string, GroupState>, summary: ImportSummary, issues: ImportIssue[]): void {
  for (const [key, g] of groups) {
    if (kind === 'orders') {
      const t = g.cancellation ? summary.refunds : g.guest ? summary.guestOrders : summary.orders;
      if (g.bad) t.invalid++;
      else {
        t.found++;
        const m = (summary.money[g.currency!] ??= { orders: 0, refunds: 0, net: 0 });
        if (g.cancellation) m.refunds -= g.sum;
        else {
          m.orders += g.total ?? g.sum;
          if (g.refunded) {
            m.refunds += g.refunded;
            summary.refunds.found++;
          }
        }
        m.net = m.orders - m.refunds;
      }
    } else if (g.bad) (kind === 'customers' ? summary.customers : summary.products).invalid++;
    if (g.bad && g.valid > 0) {
      issues.push({ line: g.firstBad ?? null, severity: 'error', column: null, message: `${kind === 'orders' ? 'order' : kind === 'customers' ? 'customer' : 'product'} "${key}" not imported: its row on line ${g.firstBad} was rejected (${g.valid} other row${g.valid === 1 ? '' : 's'} of it left out too)` });
    }
  }
}

function carryOver(from: ImportSummary, to: ImportSummary): void {
  for (const k of ['customers', 'products', 'orders', 'guestOrders', 'refunds'] as const) {
    to[k].created = from[k].created;
    to[k].updated = from[k].updated;
    to[k].skipped = from[k].skipped;
  }
}

/** Adds a batch's outcome; customers and products are counted once per run whatever the number of batches they appear in. */
function applyOutcome(s: ImportSummary, o: BatchOutcome, status: { customers: Map<string, 0 | 1 | 2>; products: Map<string, 0 | 1 | 2> }): void {
  for (const k of ['orders', 'guestOrders', 'refunds'] as const) {
    s[k].created += o[k].created;
    s[k].updated += o[k].updated;
    s[k].skipped += o[k].processed - o[k].created - o[k].updated;
    s[k].invalid += o[k].invalid;
  }
  for (const k of ['customers', 'products'] as const) {
    const seen = status[k];
    for (const key of o[k].seen) {
      const now: 0 | 1 | 2 = o[k].created.has(key) ? 2 : o[k].updated.has(key) ? 1 : 0;
      const before = seen.get(key);
      if (before === undefined) {
        seen.set(key, now);
        if (now === 2) s[k].created++;
        else if (now === 1) s[k].updated++;
        else s[k].skipped++;
      } else if (now > before) {
        seen.set(key, now);
        if (before === 0) s[k].skipped--;
        else s[k].updated--;
        if (now === 2) s[k].created++;
        else s[k].updated++;
      }
    }
  }
}

/** Runs `fn` in a transaction, again on a deadlock or serialization failure (a concurrent writer). */
async function inTransaction(db: Db, fn: (tx: Tx) => Promise<void>): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await db.transaction().execute(fn);
      return;
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (attempt < 4 && (code === '40P01' || code === '40001')) {
        await new Promise((r) => setTimeout(r, 50 * attempt));
        continue;
      }
      throw e;
    }
  }
}

/** Records of the file after the header, one at a time (read in pieces). */
async function* records(file: FileSource, reading: Reading, onNote?: (n: DecodeNote) => void): AsyncGenerator<RawRecord> {
  let skipHeader = reading.header !== null;
  for await (const batch of readRecords(decompressed(file.open()), { delimiter: reading.settled.delimiter ?? ',', encoding: reading.settled.encoding, onNote })) {
    for (const rec of batch) {
      if (skipHeader) {
        skipHeader = false;
        continue;
      }
      yield rec;
    }
  }
}

/** Reads the head of the file: delimiter, header, width; settles the mapping; decides the date order. */
async function prepare(db: Db, input: RunInput): Promise<Reading> {
  const def = PRESET_DEFS[input.preset];
  if (!def.kinds.includes(input.kind)) {
    throw new FileFormatError(`The ${input.preset} preset imports ${def.kinds.join(' or ')}, not ${input.kind}.`);
  }
  if (input.preset === 'generic' && !Object.keys(input.mapping?.columns ?? {}).length) {
    throw new FileFormatError('The generic preset needs a mapping: say which column holds each field (mapping.columns).');
  }
  const store = await getStoreSettings(db);
  const bytes = await head(input.file, 64 * 1024);
  const text = bytes.toString('utf8').replace(/^\uFEFF/, '');
  const firstLine = text.split('\n')[0]?.replace(/\r$/, '') ?? '';
  if (!firstLine.trim()) throw new FileFormatError('The file is empty (or its first line is).');
  const delimiter = input.mapping?.delimiter ?? def.options.delimiter ?? sniffDelimiter(firstLine);
  const parsed: RawRecord[] = [];
  const p = new CsvParser(delimiter);
  p.push(firstLine + '\n', parsed);
  const first = parsed[0]?.fields ?? [];
  const settled = settle(input.preset, input.kind, input.mapping, first.length, store);
  settled.delimiter = delimiter;
  if (!isTimeZone(settled.timeZone)) throw new FileFormatError(`"${settled.timeZone}" is not an IANA time zone such as Europe/London.`);
  const hasHeader = settled.header === 'auto' ? !/^[\d.+-]+$/.test(first[0] ?? '') : settled.header;
  const reading: Reading = { settled, header: hasHeader ? first : null, width: first.length, dateOrder: 'mdy', storeCurrency: store.currency };
  // Constructing a binder checks the required columns before any row is read.
  new RowBinder(input.kind, settled, reading.header, reading.width, { storeCurrency: store.currency, dateOrder: 'mdy' });
  if (settled.dateOrder !== 'auto') reading.dateOrder = settled.dateOrder;
  else if (input.kind === 'orders') reading.dateOrder = await sniffDateOrder(input, reading);
  return reading;
}

/** Reads dates until one like 13/01/2011 (day-first) or 01/13/2011 (month-first) decides; month-first if none does. */
async function sniffDateOrder(input: RunInput, reading: Reading): Promise<'dmy' | 'mdy'> {
  const col = dateColumn(reading);
  if (col < 0) return 'mdy';
  const sniffer = new DateOrderSniffer();
  let rows = 0;
  for await (const rec of records(input.file, reading)) {
    sniffer.add(rec.fields[col] ?? '');
    if (sniffer.decided || (++rows >= 5000 && sniffer.seen === 0)) break;
  }
  if (sniffer.decided) return sniffer.decided;
  if (sniffer.seen) {
    await input.issues.add([{ line: null, severity: 'warning', column: null, message: 'Dates like 01/02/2011 could be day-first or month-first and no date in the file decides it: read month-first. Set dateOrder to "dmy" if they are day-first.' }]);
  }
  return 'mdy';
}

function dateColumn(reading: Reading): number {
  const ref = reading.settled.columns.placedAt;
  const names = (reading.header ?? []).map((h) => h.trim().toLowerCase());
  for (const name of Array.isArray(ref) ? ref : ref ? [ref] : []) {
    const pos = /^#(\d+)$/.exec(name);
    const i = pos ? Number(pos[1]) - 1 : names.indexOf(name.trim().toLowerCase());
    if (i >= 0) return i;
  }
  return -1;
}
