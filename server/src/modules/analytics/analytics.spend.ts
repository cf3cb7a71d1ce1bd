import { sql } from 'kysely';
import type { Executor } from '../../platform/db/db.ts';
import { HttpError, type FieldError } from '../../platform/http/problem.ts';
import { newId } from '../../platform/ids.ts';
import { MoneyError, toMinor } from '../../platform/money.ts';
import { CsvParser, sniffDelimiter, type RawRecord } from '../integrations/imports/csv.ts';
import type { Spend } from './analytics.schemas.ts';
import './analytics.tables.ts';

/** One spend entry as written: channel (lower case), month 'YYYY-MM-01', amount in minor units. */
export interface SpendEntry {
  channel: string;
  month: string;
  amount: number;
  note: string | null;
}

const HEADERS: Record<string, keyof SpendEntry> = {
  channel: 'channel', source: 'channel', utm_source: 'channel', 'utm source': 'channel',
  month: 'month', period: 'month', date: 'month',
  amount: 'amount', spend: 'amount', cost: 'amount',
  note: 'note', notes: 'note', comment: 'note',
};

/** A spend CSV that cannot be imported: every bad line is listed, nothing is written. */
export function badSpendCsv(errors: { line: number; detail: string }[]): HttpError {
  const shown = errors.slice(0, 100);
  const more = errors.length > shown.length ? ` (and ${errors.length - shown.length} more)` : '';
  const fieldErrors: FieldError[] = shown.map((e) => ({ pointer: '/body/csv', detail: `line ${e.line}: ${e.detail}` }));
  return new HttpError(400, 'invalid-spend-csv', 'The spend file has errors', `Nothing was imported: fix ${errors.length === 1 ? 'this line' : 'these lines'} and send the file again${more}. ${fieldErrors.map((e) => e.detail).join('; ')}`,
    { errors: fieldErrors, lines: shown.map((e) => e.line) });
}

function parseMonth(v: string): string | undefined {
  const t = v.trim();
  let m = /^(\d{4})-(\d{1,2})(?:-(\d{1,2}))?$/.exec(t);
  if (m) return valid(m[1]!, m[2]!);
  m = /^(\d{1,2})\/(\d{4})$/.exec(t);
  if (m) return valid(m[2]!, m[1]!);
  return undefined;
}
const valid = (y: string, mo: string) => (Number(mo) >= 1 && Number(mo) <= 12 ? `${y}-${mo.padStart(2, '0')}-01` : undefined);

function parseAmount(v: string, currency: string, decimalComma: boolean): number {
  let t = v.trim().replace(/[\s\u00a0]/g, '').replace(/^[^\d-]+|[^\d]+$/g, '');
  if (decimalComma && t.includes(',')) t = t.replace(/\./g, '').replace(',', '.');
  else t = t.replace(/,/g, '');
  let minor: number;
  try {
    minor = toMinor(t, currency);
  } catch {
    throw new MoneyError(`"${v}" is not a decimal amount`);
  }
  if (minor < 0) throw new MoneyError(`"${v}" is negative: spend is an amount paid`);
  return minor;
}

/** Parses a spend CSV (header: channel, month, amount[, note]; amounts in major units of `currency`). */
export function parseSpendCsv(text: string, currency: string): SpendEntry[] {
  const firstLine = text.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0] ?? '';
  const delimiter = sniffDelimiter(firstLine);
  const parser = new CsvParser(delimiter === 'whitespace' ? ',' : delimiter);
  const records: RawRecord[] = [];
  parser.push(text.replace(/^\uFEFF/, ''), records);
  parser.end(records);
  const [header, ...rows] = records;
  if (!header) throw badSpendCsv([{ line: 1, detail: 'the file is empty' }]);
  const cols = header.fields.map((h) => HEADERS[h.trim().toLowerCase()]);
  const missing = (['channel', 'month', 'amount'] as const).filter((k) => !cols.includes(k));
  if (missing.length) {
    throw badSpendCsv([{ line: header.line, detail: `the header must name the columns channel, month and amount (missing: ${missing.join(', ')}; found: ${header.fields.join(', ') || 'nothing'})` }]);
  }
  const errors: { line: number; detail: string }[] = [];
  const out: SpendEntry[] = [];
  const seen = new Map<string, number>();
  for (const r of rows) {
    if (r.fields.every((f) => !f.trim())) continue;
    if (r.error) {
      errors.push({ line: r.line, detail: r.error });
      continue;
    }
    const get = (k: keyof SpendEntry) => r.fields[cols.indexOf(k)]?.trim() ?? '';
    const channel = get('channel').toLowerCase();
    const month = parseMonth(get('month'));
    const problems: string[] = [];
    if (!channel) problems.push('channel is empty');
    else if (channel.length > 100) problems.push('channel is longer than 100 characters');
    if (!month) problems.push(`month "${get('month')}" is not a month like 2011-12`);
    let amount = 0;
    if (!get('amount')) problems.push('amount is empty');
    else {
      try {
        amount = parseAmount(get('amount'), currency, delimiter === ';');
      } catch (e) {
        problems.push(e instanceof MoneyError ? `amount ${e.message}` : `amount "${get('amount')}" is not a number`);
      }
    }
    const key = `${channel}|${month}`;
    if (!problems.length && seen.has(key)) problems.push(`${channel} ${month?.slice(0, 7)} is already on line ${seen.get(key)}`);
    if (problems.length) {
      errors.push({ line: r.line, detail: problems.join('; ') });
      continue;
    }
    seen.set(key, r.line);
    out.push({ channel, month: month!, amount, note: get('note') || null });
  }
  if (errors.length) throw badSpendCsv(errors);
  if (!out.length) throw badSpendCsv([{ line: header.line + 1, detail: 'the file has a header but no rows' }]);
  return out;
}

export const spendRepo = {
  async list(db: Executor, from?: string, to?: string): Promise<Spend[]> {
    let q = db.selectFrom('marketing_spend').selectAll();
    if (from) q = q.where('month', '>=', `${from}-01`);
    if (to) q = q.where('month', '<=', `${to}-01`);
    const rows = await q.orderBy('month', 'desc').orderBy('channel').execute();
    return rows.map((r) => ({ id: r.id, channel: r.channel, month: r.month.slice(0, 7), amount: r.amount, currency: r.currency, note: r.note, createdBy: r.created_by, updatedAt: r.updated_at }));
  },

  /** Creates or replaces entries by (channel, month); returns how many were new. */
  async upsert(db: Executor, entries: SpendEntry[], currency: string, by: string): Promise<{ created: number; updated: number; ids: string[] }> {
    const r = await sql<{ id: string; inserted: boolean }>`
      insert into marketing_spend (id, channel, month, amount, currency, note, created_by)
      select * from unnest(${entries.map(() => newId())}::uuid[], ${entries.map((e) => e.channel)}::text[], ${entries.map((e) => e.month)}::date[],
        ${entries.map((e) => e.amount)}::bigint[], ${entries.map(() => currency)}::text[], ${entries.map((e) => e.note)}::text[], ${entries.map(() => by)}::text[])
      on conflict (channel, month) do update set amount = excluded.amount, currency = excluded.currency, note = excluded.note, updated_at = now()
      returning id, (xmax = 0) as inserted`.execute(db);
    const created = r.rows.filter((x) => x.inserted).length;
    return { created, updated: r.rows.length - created, ids: r.rows.map((x) => x.id) };
  },

  async remove(db: Executor, id: string): Promise<Spend | undefined> {
    const r = await db.deleteFrom('marketing_spend').where('id', '=', id).returningAll().executeTakeFirst();
    return r ? { id: r.id, channel: r.channel, month: r.month.slice(0, 7), amount: r.amount, currency: r.currency, note: r.note, createdBy: r.created_by, updatedAt: r.updated_at } : undefined;
  },

  /** Deletes entries of these months other than the ids kept (an import with replace). */
  async removeOthers(db: Executor, months: string[], keep: string[]): Promise<number> {
    const r = await sql`delete from marketing_spend where month = any(${months}::date[]) and not (id = any(${keep}::uuid[]))`.execute(db);
    return Number(r.numAffectedRows ?? 0);
  },
};
