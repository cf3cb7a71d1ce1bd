import { sql } from 'kysely';
import type { Logger } from 'pino';
import { audit, type Actor } from '../../platform/audit/audit.ts';
import type { Db } from '../../platform/db/db.ts';
import { badRequest, notFound } from '../../platform/http/problem.ts';
import { fromMinor } from '../../platform/money.ts';
import { getStoreSettings } from '../../platform/settings.ts';
import { csvCell } from '../customers/index.ts';
import { breakdowns, cohorts, segmentShares, series } from './analytics.charts.ts';
import { ratio, spanDays, windows } from './analytics.dates.ts';
import { drill } from './analytics.drill.ts';
import { DEFINITIONS, kpis } from './analytics.query.ts';
import type { Rollups } from './analytics.refresh.ts';
import type { Dashboard, DrillPage, DrillQuery, Roi, Spend } from './analytics.schemas.ts';
import { parseSpendCsv, spendRepo } from './analytics.spend.ts';

/** One campaign or flow: revenue of the orders attributed to it (store currency, minor units), how many, and what its sends cost. */
export interface RoiRow {
  id: string;
  name: string;
  kind: 'campaign' | 'flow';
  /** The campaign or flow no longer exists (its revenue still counts). */
  deleted: boolean;
  revenue: number;
  orders: number;
  cost: number;
}

/** Where campaign and flow ROI come from: the messaging module (attributed orders and cost per send). */
export interface RoiProvider {
  /** Rows for the store days `from`–`to` (inclusive). */
  roi(from: string, to: string): Promise<RoiRow[]>;
  /** Days after a click / an open within which an order is credited to the message. */
  attributionWindow(): Promise<{ clickDays: number; openDays: number }>;
}

/** The most rows a drill-down CSV holds (the header `x-patron-truncated` says when there were more). */
export const EXPORT_MAX_ROWS = 100_000;

/** Store KPIs, charts and drill-downs from the rollups, and the marketing spend behind CAC. */
export class AnalyticsService {
  private readonly db: Db;
  private readonly rollups: Rollups;
  private readonly log: Logger;
  private readonly roiProvider: RoiProvider | undefined;

  constructor(deps: { db: Db; rollups: Rollups; log: Logger; roi?: RoiProvider }) {
    this.db = deps.db;
    this.rollups = deps.rollups;
    this.log = deps.log;
    this.roiProvider = deps.roi;
  }

  /** Refreshes the rollups before a read; a refresh held up by another (a rebuild) serves the figures as they are. */
  private async fresh(): Promise<{ tz: string; currency: string }> {
    try {
      await this.rollups.ensureFresh();
    } catch (e) {
      if ((e as { code?: string }).code !== '55P03') throw e;
      this.log.warn('analytics: a refresh is running elsewhere; serving the rollups as they are');
    }
    const s = await getStoreSettings(this.db);
    return { tz: s.timeZone, currency: s.currency };
  }

  async status() {
    const { tz, currency } = await this.fresh();
    const r = await sql<{ today: string; first: string | null; last: string | null; refreshed: Date | null; built: Date | null; spend: boolean }>`
      select (now() at time zone ${tz})::date as today,
        (select min(day) from analytics_days where customer_orders > 0 or guest_orders > 0) as first,
        (select max(day) from analytics_days where customer_orders > 0 or guest_orders > 0) as last,
        (select refreshed_at from analytics_state) as refreshed, (select built_at from analytics_state) as built,
        exists (select 1 from marketing_spend) as spend`.execute(this.db);
    const x = r.rows[0]!;
    return { currency, timeZone: tz, today: x.today, firstOrderDay: x.first, lastOrderDay: x.last, refreshedAt: x.refreshed, builtAt: x.built, hasSpend: x.spend, messagingAvailable: !!this.roiProvider };
  }

  async dashboard(from: string, to: string): Promise<Dashboard> {
    const { tz, currency } = await this.fresh();
    const { p, days } = windows(from, to);
    const { current, previous } = await kpis(this.db, from, to);
    const state = await this.db.selectFrom('analytics_state').select('refreshed_at').executeTakeFirst();
    return {
      range: { from, to, days }, previousRange: { ...p, days: spanDays(p.from, p.to) }, currency, timeZone: tz,
      current, previous, definitions: DEFINITIONS, refreshedAt: state?.refreshed_at ?? null,
    };
  }

  async series(from: string, to: string) {
    await this.fresh();
    return series(this.db, from, to);
  }

  async breakdowns(from: string, to: string) {
    await this.fresh();
    return breakdowns(this.db, from, to);
  }

  async cohorts(from: string, to: string) {
    await this.fresh();
    return cohorts(this.db, from, to);
  }

  async segmentShares() {
    return segmentShares(this.db);
  }

  /** Revenue attributed to each campaign and flow in the range against its cost, largest revenue first. */
  async roi(from: string, to: string): Promise<Roi> {
    const { currency } = await getStoreSettings(this.db);
    if (!this.roiProvider) return { available: false, currency, range: { from, to }, attribution: null, items: [], totals: { revenue: 0, cost: 0, orders: 0, roi: null } };
    const [rows, attribution] = await Promise.all([this.roiProvider.roi(from, to), this.roiProvider.attributionWindow()]);
    const items = rows
      .map((r) => ({ ...r, roi: ratio(r.revenue - r.cost, r.cost) }))
      .sort((a, b) => b.revenue - a.revenue || b.orders - a.orders || a.name.localeCompare(b.name));
    const sum = (k: 'revenue' | 'cost' | 'orders') => items.reduce((a, i) => a + i[k], 0);
    const totals = { revenue: sum('revenue'), cost: sum('cost'), orders: sum('orders') };
    return { available: true, currency, range: { from, to }, attribution, items, totals: { ...totals, roi: ratio(totals.revenue - totals.cost, totals.cost) } };
  }

  async drill(q: DrillQuery): Promise<DrillPage> {
    const scope = await this.fresh();
    const { offset, limit, ...f } = q;
    return drill(this.db, scope, f, offset, limit);
  }

  /** The whole drill-down as CSV (at most EXPORT_MAX_ROWS rows). */
  async drillCsv(f: Omit<DrillQuery, 'offset' | 'limit'>): Promise<{ csv: string; truncated: boolean; name: string }> {
    const scope = await this.fresh();
    const page = await drill(this.db, scope, f, 0, EXPORT_MAX_ROWS);
    const money = (v: number) => fromMinor(v, scope.currency);
    const cur = scope.currency;
    let header: string[];
    let rows: unknown[][];
    switch (page.kind) {
      case 'orders':
        header = ['order_id', 'number', 'placed_at', 'status', `total_${cur}`, `refunded_${cur}`, 'customer_id', 'customer', 'country'];
        rows = page.items.map((o) => [o.id, o.number, o.placedAt, o.status, money(o.total), money(o.refunded), o.customerId, o.customerName, o.country]);
        break;
      case 'customers':
        header = ['customer_id', 'name', 'email', 'country', 'first_order_day', 'orders', `revenue_${cur}`, ...(page.extraLabel ? [page.extraLabel.toLowerCase().replace(/\W+/g, '_')] : [])];
        rows = page.items.map((c) => [c.id, c.name, c.email, c.country, c.firstOrderDay, c.orders, money(c.revenue), ...(page.extraLabel ? [page.extraLabel === 'Refunded' && c.extra ? money(Number(c.extra)) : c.extra] : [])]);
        break;
      case 'refunds':
        header = ['refund_id', 'refunded_at', 'kind', `amount_${cur}`, 'reason', 'order_id', 'order_number', 'customer_id', 'customer'];
        rows = page.items.map((r) => [r.id, r.refundedAt, r.kind, money(r.amount), r.reason, r.orderId, r.orderNumber, r.customerId, r.customerName]);
        break;
      case 'checkouts':
        header = ['checkout_id', 'started_at', 'status', 'value', 'currency', 'converted', 'order_id', 'customer_id', 'customer'];
        rows = page.items.map((k) => [k.id, k.startedAt, k.status, k.currency ? fromMinor(k.value, k.currency) : k.value, k.currency, k.converted, k.orderId, k.customerId, k.customerName]);
        break;
    }
    const csv = [header, ...rows].map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
    return { csv, truncated: page.total > page.items.length, name: `${f.metric}-${f.from}-${f.to}` };
  }

  async listSpend(from?: string, to?: string): Promise<Spend[]> {
    return spendRepo.list(this.db, from, to);
  }

  async saveSpend(actor: Actor, b: { channel: string; month: string; amount: number; currency?: string; note?: string | null }): Promise<{ spend: Spend; created: boolean }> {
    const { currency } = await getStoreSettings(this.db);
    if (b.currency && b.currency !== currency) throw badRequest(`Spend is kept in the store currency (${currency}); convert the amount first.`, [{ pointer: '/body/currency', detail: `must be ${currency}` }]);
    return this.db.transaction().execute(async (tx) => {
      const r = await spendRepo.upsert(tx, [{ channel: b.channel, month: `${b.month}-01`, amount: b.amount, note: b.note ?? null }], currency, actor.label);
      const spend = (await spendRepo.list(tx)).find((s) => s.id === r.ids[0])!;
      await audit.record(tx, actor, { action: 'marketing_spend.saved', entityType: 'marketing_spend', entityId: spend.id, summary: `Marketing spend ${b.channel} ${b.month}: ${fromMinor(b.amount, currency)} ${currency}`, after: spend });
      return { spend, created: r.created === 1 };
    });
  }

  async deleteSpend(actor: Actor, id: string): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      const gone = await spendRepo.remove(tx, id);
      if (!gone) throw notFound(`No marketing spend entry with id ${id}.`);
      await audit.record(tx, actor, { action: 'marketing_spend.deleted', entityType: 'marketing_spend', entityId: id, summary: `Deleted marketing spend ${gone.channel} ${gone.month}`, before: gone });
    });
  }

  /** Imports a spend CSV: every line is checked first, then all are written in one transaction (or none). */
  async importSpend(actor: Actor, csv: string, replace: boolean): Promise<{ created: number; updated: number; deleted: number; rows: number }> {
    const { currency } = await getStoreSettings(this.db);
    const entries = parseSpendCsv(csv, currency);
    return this.db.transaction().execute(async (tx) => {
      const r = await spendRepo.upsert(tx, entries, currency, actor.label);
      const deleted = replace ? await spendRepo.removeOthers(tx, [...new Set(entries.map((e) => e.month))], r.ids) : 0;
      const out = { created: r.created, updated: r.updated, deleted, rows: entries.length };
      await audit.record(tx, actor, { action: 'marketing_spend.imported', entityType: 'marketing_spend', summary: `Imported ${entries.length} marketing spend rows (${r.created} new, ${r.updated} updated, ${deleted} deleted)`, after: out });
      return out;
    });
  }

  /** Recomputes every rollup from the source tables. */
  async rebuild(actor: Actor) {
    const r = await this.rollups.refresh({ rebuild: true });
    await audit.record(this.db, actor, { action: 'analytics.rebuilt', entityType: 'analytics', summary: `Rebuilt the analytics rollups in ${Math.round(r.ms)} ms`, after: r });
    return r;
  }
}
