import { sql, type Generated, type Insertable, type Selectable } from 'kysely';
import type { Executor } from '../../platform/db/db.ts';
import type { ConsentChannel, ConsentEvent, ConsentStatus, CustomerConsent } from './consent.schemas.ts';

export interface CustomerConsentsTable {
  customer_id: string;
  channel: ConsentChannel;
  status: ConsentStatus;
  source: string;
  updated_at: Date;
  event_id: string;
}

export interface ConsentEventsTable {
  id: string;
  customer_id: string;
  channel: ConsentChannel;
  status: ConsentStatus;
  previous_status: ConsentStatus | null;
  source: string;
  method: string;
  actor_label: string;
  reason: string | null;
  evidence: unknown;
  applied: Generated<boolean>;
  occurred_at: Date;
  recorded_at: Generated<Date>;
}

declare module '../../platform/db/types.ts' {
  interface Database {
    customer_consents: CustomerConsentsTable;
    consent_events: ConsentEventsTable;
  }
}

export type ConsentRow = Selectable<CustomerConsentsTable>;
export type ConsentEventRow = Selectable<ConsentEventsTable>;

const CHUNK = 1000;

export function eventOut(r: ConsentEventRow): ConsentEvent {
  return {
    id: r.id, channel: r.channel, status: r.status, previousStatus: r.previous_status, source: r.source, method: r.method, actorLabel: r.actor_label,
    reason: r.reason, evidence: (r.evidence ?? {}) as Record<string, unknown>, applied: r.applied, occurredAt: r.occurred_at, recordedAt: r.recorded_at,
  };
}

/** Every channel of one customer, `none` where nothing is recorded. */
export function consentOut(rows: ConsentRow[]): CustomerConsent {
  const one = (channel: ConsentChannel) => {
    const r = rows.find((x) => x.channel === channel);
    return r ? { status: r.status, source: r.source, updatedAt: r.updated_at } : { status: 'none' as const, source: null, updatedAt: null };
  };
  return { email: one('email'), sms: one('sms'), tracking: one('tracking') };
}

export const consentRepo = {
  current: (db: Executor, customerIds: string[]) =>
    customerIds.length ? db.selectFrom('customer_consents').selectAll().where('customer_id', 'in', customerIds).execute() : Promise.resolve([]),

  /** The customer's consent as CustomerDetail shows it. */
  stateOf: async (db: Executor, customerId: string): Promise<CustomerConsent> => consentOut(await consentRepo.current(db, [customerId])),

  /**
   * Serialises consent writes per customer (two webhooks about one person at once). The profiles are
   * share-locked first, so a concurrent merge (FOR UPDATE) is waited for rather than deadlocked with;
   * the advisory locks are then taken in id order.
   */
  lock: async (db: Executor, customerIds: string[]) => {
    const ids = [...new Set(customerIds)].sort();
    const rows = (await sql<{ id: string; merged_into: string | null }>`select id, merged_into from customers where id = any(${ids}::uuid[]) order by id for key share`.execute(db)).rows;
    // unnest keeps the sorted array's order.
    await sql`select pg_advisory_xact_lock(hashtextextended('consent:' || t.id::text, 0)) from unnest(${ids}::uuid[]) as t(id)`.execute(db);
    return rows;
  },

  liveness: async (db: Executor, customerIds: string[]) =>
    (await sql<{ id: string; merged_into: string | null }>`select id, merged_into from customers where id = any(${[...new Set(customerIds)]}::uuid[])`.execute(db)).rows,

  insertEvents: async (db: Executor, rows: Insertable<ConsentEventsTable>[]) => {
    for (let i = 0; i < rows.length; i += CHUNK) await db.insertInto('consent_events').values(rows.slice(i, i + CHUNK)).execute();
  },

  upsertStates: async (db: Executor, rows: ConsentRow[]) => {
    for (let i = 0; i < rows.length; i += CHUNK) {
      await db.insertInto('customer_consents').values(rows.slice(i, i + CHUNK))
        .onConflict((oc) => oc.columns(['customer_id', 'channel']).doUpdateSet((eb) => ({
          status: eb.ref('excluded.status'), source: eb.ref('excluded.source'), updated_at: eb.ref('excluded.updated_at'), event_id: eb.ref('excluded.event_id'),
        })))
        .execute();
    }
  },

  /** An identical record (retried delivery of a message that was already too old). */
  hasEvent: async (db: Executor, e: { customerId: string; channel: ConsentChannel; status: ConsentStatus; occurredAt: Date; source: string }) =>
    !!(await db.selectFrom('consent_events').select('id').where('customer_id', '=', e.customerId).where('occurred_at', '=', e.occurredAt)
      .where('channel', '=', e.channel).where('status', '=', e.status).where('source', '=', e.source).executeTakeFirst()),

  history: (db: Executor, customerId: string, limit: number) =>
    db.selectFrom('consent_events').selectAll().where('customer_id', '=', customerId).orderBy('occurred_at', 'desc').orderBy('id', 'desc').limit(limit).execute(),

  deleteStates: (db: Executor, customerId: string) => db.deleteFrom('customer_consents').where('customer_id', '=', customerId).execute(),

  moveEvents: async (db: Executor, from: string, to: string) =>
    Number((await db.updateTable('consent_events').set({ customer_id: to }).where('customer_id', '=', from).executeTakeFirst()).numUpdatedRows),
};
