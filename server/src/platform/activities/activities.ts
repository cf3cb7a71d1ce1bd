import { sql, type ColumnType, type Generated, type Selectable } from 'kysely';
import type { Executor, Tx } from '../db/db.ts';
import { newId } from '../ids.ts';
import type { ActivityType } from './activity-types.ts';

export interface ActivitiesTable {
  id: string;
  customer_id: string;
  type: string;
  occurred_at: Date;
  received_at: Generated<Date>;
  source: string;
  properties: unknown;
  dedupe_key: string | null;
  /** Optional on insert: only tracked events carry one. */
  context: ColumnType<unknown, string | null | undefined, string | null>;
}

declare module '../db/types.ts' {
  interface Database {
    activities: ActivitiesTable;
  }
}

export interface NewActivity {
  customerId: string;
  type: ActivityType;
  occurredAt?: Date;
  /** Where it came from: `tracking`, `shopify`, `csv`, `ui`, `api`, `system`, … */
  source: string;
  properties?: Record<string, unknown>;
  /** Appending the same key twice stores one activity (retried webhooks, replayed jobs). */
  dedupeKey?: string;
  /** Where and how it was captured (tracking: the Segment `context`: ip, userAgent, page, campaign, sessionId, …). */
  context?: Record<string, unknown>;
}

export interface Activity {
  id: string;
  customerId: string;
  type: ActivityType;
  occurredAt: Date;
  receivedAt: Date;
  source: string;
  properties: Record<string, unknown>;
  context: Record<string, unknown> | null;
  dedupeKey: string | null;
}

/** Runs inside the appending transaction: typically enqueues the jobs the activity causes. */
export type ActivityListener = (tx: Tx, activity: Activity) => Promise<void>;

/** Runs inside the appending transaction with every activity one append stored. */
export type BatchListener = (tx: Tx, activities: Activity[]) => Promise<void>;

/** The customer activity stream: append inside a business transaction, listeners run in the same one. */
export class Activities {
  private listeners = new Map<string, ActivityListener[]>();
  private batchListeners: BatchListener[] = [];

  /** Listens to one type, or to every type with '*'. */
  on(type: ActivityType | '*', listener: ActivityListener): void {
    const list = this.listeners.get(type) ?? [];
    list.push(listener);
    this.listeners.set(type, list);
  }

  /**
   * Listens to every append as one batch (a tracking batch, an import chunk): for work that must stay
   * one statement per batch, not one per activity (segment membership marks customers to re-evaluate).
   */
  onBatch(listener: BatchListener): void {
    this.batchListeners.push(listener);
  }

  /** Appends activities; returns those newly stored (a repeated dedupe key is skipped). */
  async append(tx: Tx, items: NewActivity[]): Promise<Activity[]> {
    if (items.length === 0) return [];
    const now = new Date();
    const rows = items.map((a) => ({
      id: newId(),
      customer_id: a.customerId,
      type: a.type,
      occurred_at: a.occurredAt ?? now,
      source: a.source,
      properties: a.properties ?? {},
      dedupe_key: a.dedupeKey ?? null,
      context: a.context ?? null,
    }));
    // One statement with the rows as one JSON document: a tracking batch is hundreds of rows, one
    // parameter plans far faster than nine per row, and JSON.stringify is native where quoting
    // nine arrays (two of them of JSON) element by element is not. jsonb, not json: the document is
    // parsed once, where json_to_recordset parses the JSON columns' text a second time (a quarter of
    // the statement's time for tracked events). Activities are built from what was sent, not read back.
    // The customers are KEY SHARE-locked (kept from being deleted until this commits) and a missing one
    // raises 23503, as a foreign key would, but with one lookup per customer, not one query per row
    // (ADR 0027), in id order as merges lock profiles (two writers never wait for each other in a ring).
    // Planned on each call, not prepared: a generic plan made while customers is small would look them
    // up sequentially for as long as the connection lives (ADR 0025).
    const customers = [...new Set(rows.map((r) => r.customer_id))];
    const inserted = await sql<{ id: string }>`
      with live as (select id from customers where id = any(${customers}::uuid[]) order by id for key share)
      insert into activities (id, customer_id, type, occurred_at, received_at, source, properties, dedupe_key, context)
      select x.id, coalesce(live.id, patron_activity_customer_missing(x.customer_id)), x.type, x.occurred_at, ${now}::timestamptz, x.source,
        coalesce(x.properties, '{}'::jsonb), x.dedupe_key, x.context
      from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
        as x(id uuid, customer_id uuid, type text, occurred_at timestamptz, source text, properties jsonb, dedupe_key text, context jsonb)
        left join live on live.id = x.customer_id
      on conflict (dedupe_key) where dedupe_key is not null do nothing
      returning id`.execute(tx);
    const stored = new Set(inserted.rows.map((r) => r.id));
    const out: Activity[] = [];
    rows.forEach((r) => {
      if (!stored.has(r.id)) return;
      out.push({ id: r.id, customerId: r.customer_id, type: r.type, occurredAt: r.occurred_at, receivedAt: now, source: r.source, properties: r.properties, context: r.context, dedupeKey: r.dedupe_key });
    });
    if (out.length) for (const l of this.batchListeners) await l(tx, out);
    for (const activity of out) {
      for (const l of [...(this.listeners.get(activity.type) ?? []), ...(this.listeners.get('*') ?? [])]) {
        await l(tx, activity);
      }
    }
    return out;
  }

  /** Moves every activity of one customer to another (profile merges). Returns how many moved. */
  async reassign(tx: Tx, fromCustomerId: string, toCustomerId: string): Promise<number> {
    const r = await tx.updateTable('activities').set({ customer_id: toCustomerId }).where('customer_id', '=', fromCustomerId).executeTakeFirst();
    return Number(r.numUpdatedRows);
  }

  /** A customer's activities, newest first, keyset-paginated by (occurred_at, id). */
  async forCustomer(
    db: Executor,
    customerId: string,
    opts: { limit: number; types?: string[]; before?: { occurredAt: Date; id: string } },
  ): Promise<Activity[]> {
    let q = db.selectFrom('activities').selectAll().where('customer_id', '=', customerId);
    if (opts.types?.length) q = q.where('type', 'in', opts.types);
    if (opts.before) {
      const b = opts.before;
      q = q.where(sql<boolean>`(occurred_at, id) < (${b.occurredAt}, ${b.id}::uuid)`);
    }
    const rows = await q.orderBy('occurred_at', 'desc').orderBy('id', 'desc').limit(opts.limit).execute();
    return rows.map(toActivity);
  }
}

function toActivity(r: Selectable<ActivitiesTable>): Activity {
  return {
    id: r.id,
    customerId: r.customer_id,
    type: r.type,
    occurredAt: r.occurred_at,
    receivedAt: r.received_at,
    source: r.source,
    properties: (r.properties ?? {}) as Record<string, unknown>,
    context: (r.context ?? null) as Record<string, unknown> | null,
    dedupeKey: r.dedupe_key,
  };
}
