import { audit, type Actor } from '../../platform/audit/audit.ts';
import type { Db, Executor, Tx } from '../../platform/db/db.ts';
import { notFound, unavailable } from '../../platform/http/problem.ts';
import { newId } from '../../platform/ids.ts';
import type { Jobs } from '../../platform/jobs/jobs.ts';
import { fromMinor } from '../../platform/money.ts';
import { getStoreSettings } from '../../platform/settings.ts';
import { allCells, CLASS_INFO, RFM_CLASSES } from './rfm.classes.ts';
import { rfmRepo, type CustomerRfmRow, type RfmRunsTable } from './rfm.repo.ts';
import type { CustomerRfm, CutPoints, RfmCell, RfmCustomer, RfmFilter, RfmOverview, RfmRun } from './rfm.schemas.ts';

export const RFM_RECOMPUTE_JOB = 'rfm.recompute';
/** A burst of imports (several files in a row) waits this long and becomes one recompute. */
const DEBOUNCE_MS = 5_000;
const KEEP_RUNS = 100;

export type RecomputeTrigger = 'nightly' | 'import' | 'manual';

/** Runs inside the recompute's transaction, after the scores are written: enqueue follow-up jobs there. */
export type AfterRecomputeListener = (tx: Tx, run: RfmRun) => Promise<void>;

/** RFM scores and classes of every customer with orders: recompute, the grid, lists, one customer's scores. */
export class RfmService {
  private readonly db: Db;
  private readonly jobs: Jobs;
  private readonly listeners: AfterRecomputeListener[] = [];

  constructor(db: Db, jobs: Jobs) {
    this.db = db;
    this.jobs = jobs;
  }

  /** Called after every recompute, in its transaction (segments re-evaluate RFM conditions). */
  afterRecompute(listener: AfterRecomputeListener): void {
    this.listeners.push(listener);
  }

  /**
   * Scores everyone again in one transaction (readers see the old scores until it commits) and records
   * the run. Recomputes never overlap: a second one waits for the first, then runs on fresh data.
   * The scores are built in a new table that replaces customer_rfm: other modules may query the table
   * but must not build views, rules or foreign keys on it.
   */
  async recompute(trigger: RecomputeTrigger, actor?: Actor): Promise<RfmRun> {
    const started = performance.now();
    let run: RfmRun;
    try {
      run = await this.db.transaction().execute(async (tx) => {
        await rfmRepo.lock(tx);
        const { currency, timeZone } = await getStoreSettings(tx);
        const counts = await rfmRepo.build(tx, timeZone);
        const { cells, cuts } = await rfmRepo.summarise(tx, 'customer_rfm_next');
        const cutPoints: CutPoints = { recency: [], frequency: [], monetary: [] };
        for (const c of cuts.sort((a, b) => a.score - b.score)) cutPoints[c.dim].push({ score: c.score, min: c.min, max: c.max, customers: c.customers });
        await rfmRepo.swap(tx);
        const row: RfmRunsTable = {
          id: newId(), computed_at: counts.computedAt, as_of: counts.asOf, customers: counts.customers, revenue: cells.reduce((a, c) => a + c.revenue, 0), currency,
          cut_points: JSON.stringify(cutPoints), cells: JSON.stringify(cells), duration_ms: Math.round(performance.now() - started), trigger,
        };
        await tx.insertInto('rfm_runs').values(row).execute();
        await rfmRepo.pruneRuns(tx, KEEP_RUNS);
        const out = toRun(row);
        if (actor) {
          await audit.record(tx, actor, { action: 'rfm.recomputed', entityType: 'rfm', entityId: row.id, summary: `Recomputed RFM scores of ${counts.customers} customers`, after: { customers: counts.customers, durationMs: row.duration_ms } });
        }
        for (const l of this.listeners) await l(tx, out);
        return out;
      });
    } catch (e) {
      // lock_not_available: the scores were being read (or customers written) for longer than the swap waits.
      if (['55P03', '40P01'].includes((e as { code?: string }).code ?? '')) throw unavailable('The RFM scores are in use right now; recompute again in a few seconds.');
      throw e;
    }
    await this.validate();
    return run;
  }

  /** Validates the new table's foreign key outside the recompute's transaction, so that it blocks no writer of customers. */
  private async validate(): Promise<void> {
    try {
      await this.db.transaction().execute(async (tx) => {
        await rfmRepo.lock(tx);
        await rfmRepo.validate(tx);
      });
    } catch (e) {
      // foreign_key_violation: a profile was erased while the scores were being built.
      if ((e as { code?: string }).code !== '23503') throw e;
      await this.db.transaction().execute(async (tx) => {
        await rfmRepo.lock(tx);
        await rfmRepo.deleteDangling(tx);
        await rfmRepo.validate(tx);
      });
    }
  }

  /**
   * Asks for a recompute soon, in the caller's transaction (imports call it as they finish). Waiting
   * requests coalesce into one job; one made while a recompute runs is caught by that job's re-check.
   */
  async requestRecompute(tx: Executor): Promise<void> {
    await rfmRepo.markRequested(tx);
    await this.jobs.enqueue(tx, RFM_RECOMPUTE_JOB, { trigger: 'import' }, { jobKey: RFM_RECOMPUTE_JOB, runAt: new Date(Date.now() + DEBOUNCE_MS) });
  }

  /** The job: recomputes, then again while requests arrived after the run took its snapshot (at most 3 runs). */
  async runJob(trigger: RecomputeTrigger): Promise<RfmRun> {
    let run = await this.recompute(trigger);
    for (let i = 0; i < 2; i++) {
      const requested = await rfmRepo.requestedAt(this.db);
      if (!requested || requested <= run.computedAt) break;
      run = await this.recompute('import');
    }
    return run;
  }

  /** The grid, the class summary and the cut points of the latest run. */
  async overview(): Promise<RfmOverview> {
    const latest = await rfmRepo.latestRun(this.db);
    const currency = latest?.currency ?? (await getStoreSettings(this.db)).currency;
    const stored = (latest?.cells ?? []) as Omit<RfmCell, 'class'>[];
    const cells: RfmCell[] = allCells().map((c) => {
      const s = stored.find((x) => x.r === c.r && x.f === c.f);
      return { r: c.r, f: c.f, class: c.class, customers: s?.customers ?? 0, revenue: s?.revenue ?? 0, orders: s?.orders ?? 0 };
    });
    const total = cells.reduce((a, c) => a + c.customers, 0);
    const revenue = cells.reduce((a, c) => a + c.revenue, 0);
    const classes = RFM_CLASSES.map((k) => {
      const mine = cells.filter((c) => c.class === k);
      const customers = mine.reduce((a, c) => a + c.customers, 0);
      const rev = mine.reduce((a, c) => a + c.revenue, 0);
      const orders = mine.reduce((a, c) => a + c.orders, 0);
      return {
        class: k, ...CLASS_INFO[k], customers, share: total ? customers / total : 0, revenue: rev, revenueShare: revenue > 0 ? rev / revenue : 0,
        orders, averageOrderValue: orders ? Math.round(rev / orders) : null,
      };
    });
    return { run: latest ? toRun(latest) : null, currency, cells, classes, cutPoints: latest ? (latest.cut_points as CutPoints) : null };
  }

  /** A page of the customers in a cell, a class, a row or a column of the grid. */
  async customers(f: RfmFilter, limit: number, cursor?: string): Promise<{ items: RfmCustomer[]; nextCursor: string | null; currency: string }> {
    const page = await rfmRepo.list(this.db, f, limit, cursor);
    return { items: page.rows.map(toCustomer), nextCursor: page.nextCursor, currency: await this.currency() };
  }

  /** Every customer matching the filter as CSV, a page at a time (memory stays flat however many there are). */
  async *customersCsv(f: RfmFilter): AsyncGenerator<string> {
    const currency = await this.currency();
    yield ['id', 'name', 'email', 'country', 'class', 'recency', 'frequency', 'monetary', 'days_since_last_order', 'orders', `net_spent_${currency}`, 'last_order_at'].join(',') + '\r\n';
    for (let cursor: string | undefined; ;) {
      const page = await rfmRepo.list(this.db, f, 2000, cursor);
      if (page.rows.length) yield page.rows.map((r) => csvLine(toCustomer(r), currency)).join('');
      if (!page.nextCursor) return;
      cursor = page.nextCursor;
    }
  }

  /** One customer's scores and class; null when they have none. */
  async forCustomer(id: string): Promise<CustomerRfm | null> {
    const s = await rfmRepo.forCustomer(this.db, id);
    if (!s) {
      if (!(await this.db.selectFrom('customers').select('id').where('id', '=', id).executeTakeFirst())) throw notFound(`No customer with id ${id}.`);
      return null;
    }
    return {
      recency: s.recency, frequency: s.frequency, monetary: s.monetary, class: s.class, label: CLASS_INFO[s.class].label,
      recencyDays: s.recency_days, orderCount: s.order_count, netSpent: s.net_spent, currency: await this.currency(), computedAt: s.computed_at,
    };
  }

  private async currency(): Promise<string> {
    return (await rfmRepo.latestRun(this.db))?.currency ?? (await getStoreSettings(this.db)).currency;
  }
}

function toRun(r: RfmRunsTable): RfmRun {
  return { id: r.id, computedAt: r.computed_at, asOf: r.as_of, customers: r.customers, revenue: r.revenue, currency: r.currency, durationMs: r.duration_ms, trigger: r.trigger };
}

function toCustomer(r: CustomerRfmRow): RfmCustomer {
  const name = [r.first_name, r.last_name].filter(Boolean).join(' ');
  return {
    id: r.customer_id, name: name || r.email || r.phone || (r.ref ? `Customer ${r.ref}` : 'Unnamed customer'), email: r.email, country: r.country,
    recency: r.recency, frequency: r.frequency, monetary: r.monetary, class: r.class, label: CLASS_INFO[r.class].label,
    recencyDays: r.recency_days, orderCount: r.order_count, netSpent: r.net_spent, lastOrderAt: r.last_order_at,
  };
}

function csvLine(c: RfmCustomer, currency: string): string {
  // Text people typed is neutralised; figures (a net amount may be negative) are written as they are.
  const text = [c.name, c.email, c.country].map((v) => csvCell(v, true));
  const figures = [c.class, c.recency, c.frequency, c.monetary, c.recencyDays, c.orderCount, fromMinor(c.netSpent, currency), c.lastOrderAt?.toISOString()].map((v) => csvCell(v, false));
  return [csvCell(c.id, false), ...text, ...figures].join(',') + '\r\n';
}

/** A CSV cell, quoted when needed; a text cell starting with = + - @ gets a ' so spreadsheets never run it as a formula. */
function csvCell(v: string | number | null | undefined, text: boolean): string {
  if (v === null || v === undefined) return '';
  let s = String(v);
  if (text && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
