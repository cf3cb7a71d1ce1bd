import { sql, type Generated, type Insertable, type Selectable, type Updateable } from 'kysely';
import type { Executor } from '../../../platform/db/db.ts';

export interface WebhookSubscriptionsTable {
  id: string;
  url: string;
  description: string;
  activity_types: string[];
  secret: string;
  enabled: boolean;
  consecutive_failures: Generated<number>;
  failing_since: Date | null;
  last_success_at: Date | null;
  last_failure_at: Date | null;
  disabled_at: Date | null;
  disabled_reason: string | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface WebhookSubscriptionDeliveriesTable {
  id: string;
  subscription_id: string;
  message_id: string;
  activity_id: string | null;
  event_type: string;
  attempt: number;
  test: boolean;
  succeeded: boolean;
  status_code: number | null;
  response_ms: number | null;
  error: string | null;
  response_excerpt: string | null;
  created_at: Generated<Date>;
}

declare module '../../../platform/db/types.ts' {
  interface Database {
    webhook_subscriptions: WebhookSubscriptionsTable;
    webhook_subscription_deliveries: WebhookSubscriptionDeliveriesTable;
  }
}

export type SubscriptionRow = Selectable<WebhookSubscriptionsTable>;
export type OutboundDeliveryRow = Selectable<WebhookSubscriptionDeliveriesTable>;

/** SQL for outbound webhook subscriptions and their delivery log. */
export const outboundRepo = {
  byId: (db: Executor, id: string) => db.selectFrom('webhook_subscriptions').selectAll().where('id', '=', id).executeTakeFirst(),
  all: (db: Executor) => db.selectFrom('webhook_subscriptions').selectAll().orderBy('created_at', 'asc').orderBy('id', 'asc').execute(),
  enabled: (db: Executor) => db.selectFrom('webhook_subscriptions').select(['id', 'activity_types']).where('enabled', '=', true).execute(),
  insert: (db: Executor, row: Insertable<WebhookSubscriptionsTable>) => db.insertInto('webhook_subscriptions').values(row).returningAll().executeTakeFirstOrThrow(),
  update: (db: Executor, id: string, patch: Updateable<WebhookSubscriptionsTable>) =>
    db.updateTable('webhook_subscriptions').set({ ...patch, updated_at: new Date() }).where('id', '=', id).returningAll().executeTakeFirst(),
  remove: (db: Executor, id: string) => db.deleteFrom('webhook_subscriptions').where('id', '=', id).executeTakeFirst(),

  logDelivery: (db: Executor, row: Insertable<WebhookSubscriptionDeliveriesTable>) => db.insertInto('webhook_subscription_deliveries').values(row).execute(),
  deliveries: (db: Executor, subscriptionId: string, f: { before?: string; limit: number }) => {
    let q = db.selectFrom('webhook_subscription_deliveries').selectAll().where('subscription_id', '=', subscriptionId);
    if (f.before) q = q.where('id', '<', f.before);
    return q.orderBy('id', 'desc').limit(f.limit).execute();
  },

  succeeded: (db: Executor, id: string) =>
    db.updateTable('webhook_subscriptions').set({ consecutive_failures: 0, failing_since: null, last_success_at: new Date() }).where('id', '=', id).execute(),

  /** Counts a failed attempt; returns the new streak (failures and since when). */
  failed: (db: Executor, id: string) =>
    db.updateTable('webhook_subscriptions')
      .set((eb) => ({ consecutive_failures: eb('consecutive_failures', '+', 1), failing_since: sql<Date>`coalesce(failing_since, now())`, last_failure_at: new Date() }))
      .where('id', '=', id).returningAll().executeTakeFirst(),

  /** Disables unless already disabled; returns the row when this call disabled it. */
  disable: (db: Executor, id: string, reason: string) =>
    db.updateTable('webhook_subscriptions').set({ enabled: false, disabled_at: new Date(), disabled_reason: reason, updated_at: new Date() })
      .where('id', '=', id).where('enabled', '=', true).returningAll().executeTakeFirst(),

  activity: (db: Executor, id: string) => db.selectFrom('activities').selectAll().where('id', '=', id).executeTakeFirst(),

  pruneBefore: async (db: Executor, before: Date): Promise<number> => {
    const r = await db.deleteFrom('webhook_subscription_deliveries').where('created_at', '<', before).executeTakeFirst();
    return Number(r.numDeletedRows);
  },
};
