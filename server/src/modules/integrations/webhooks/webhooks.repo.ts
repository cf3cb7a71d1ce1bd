import { sql, type Generated, type Insertable, type Selectable, type Updateable } from 'kysely';
import type { Executor } from '../../../platform/db/db.ts';
import type { Platform } from './webhooks.schemas.ts';

export interface StoreConnectionsTable {
  id: string;
  platform: Platform;
  name: string;
  store_url: string;
  webhook_secret: string;
  api_store_hash: string | null;
  api_access_token: string | null;
  api_base_url: string | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  last_delivery_at: Date | null;
}

export type DeliveryOutcome = 'pending' | 'processed' | 'ignored' | 'stale' | 'failed' | 'rejected';

export interface WebhookDeliveriesTable {
  id: string;
  connection_id: string;
  delivery_id: string;
  topic: string;
  received_at: Generated<Date>;
  outcome: DeliveryOutcome;
  attempts: Generated<number>;
  error: string | null;
  note: string | null;
  payload: unknown;
  resource_type: string | null;
  resource_id: string | null;
  resource_updated_at: Date | null;
  processed_at: Date | null;
}

declare module '../../../platform/db/types.ts' {
  interface Database {
    store_connections: StoreConnectionsTable;
    webhook_deliveries: WebhookDeliveriesTable;
  }
}

export type ConnectionRow = Selectable<StoreConnectionsTable>;
export type DeliveryRow = Selectable<WebhookDeliveriesTable>;

/** SQL for store connections and their inbound delivery log. */
export const webhooksRepo = {
  connection: (db: Executor, id: string) => db.selectFrom('store_connections').selectAll().where('id', '=', id).executeTakeFirst(),

  connections: (db: Executor) => db.selectFrom('store_connections').selectAll().orderBy('created_at', 'asc').orderBy('id', 'asc').execute(),

  insertConnection: (db: Executor, row: Insertable<StoreConnectionsTable>) => db.insertInto('store_connections').values(row).returningAll().executeTakeFirstOrThrow(),

  updateConnection: (db: Executor, id: string, patch: Updateable<StoreConnectionsTable>) =>
    db.updateTable('store_connections').set({ ...patch, updated_at: new Date() }).where('id', '=', id).returningAll().executeTakeFirst(),

  deleteConnection: (db: Executor, id: string) => db.deleteFrom('store_connections').where('id', '=', id).executeTakeFirst(),

  touchConnection: (db: Executor, id: string) => db.updateTable('store_connections').set({ last_delivery_at: new Date() }).where('id', '=', id).execute(),

  /** Inserts a delivery unless its (connection, delivery id) was seen; returns undefined for a duplicate. */
  insertDelivery: (db: Executor, row: Insertable<WebhookDeliveriesTable>) =>
    db.insertInto('webhook_deliveries').values(row).onConflict((oc) => oc.columns(['connection_id', 'delivery_id']).doNothing()).returningAll().executeTakeFirst(),

  deliveryByExternalId: (db: Executor, connectionId: string, deliveryId: string) =>
    db.selectFrom('webhook_deliveries').selectAll().where('connection_id', '=', connectionId).where('delivery_id', '=', deliveryId).executeTakeFirst(),

  delivery: (db: Executor, id: string) => db.selectFrom('webhook_deliveries').selectAll().where('id', '=', id).executeTakeFirst(),

  lockPending: (db: Executor, id: string) =>
    db.selectFrom('webhook_deliveries').select('id').where('id', '=', id).where('outcome', '=', 'pending').forUpdate().executeTakeFirst(),

  updateDelivery: (db: Executor, id: string, patch: Updateable<WebhookDeliveriesTable>) =>
    db.updateTable('webhook_deliveries').set(patch).where('id', '=', id).returningAll().executeTakeFirst(),

  /** Counts an attempt and records its outcome in one statement. */
  finishAttempt: (db: Executor, id: string, patch: Updateable<WebhookDeliveriesTable>) =>
    db.updateTable('webhook_deliveries').set((eb) => ({ ...patch, attempts: eb('attempts', '+', 1) })).where('id', '=', id).execute(),

  deliveries: (db: Executor, connectionId: string, f: { outcome?: DeliveryOutcome; before?: string; limit: number }) => {
    let q = db.selectFrom('webhook_deliveries').selectAll().where('connection_id', '=', connectionId);
    if (f.outcome) q = q.where('outcome', '=', f.outcome);
    // ids are UUIDv7: id order is arrival order, a stable keyset cursor.
    if (f.before) q = q.where('id', '<', f.before);
    return q.orderBy('id', 'desc').limit(f.limit).execute();
  },

  /** The newest source timestamp already applied for a resource (out-of-order protection for customers). */
  newestApplied: async (db: Executor, connectionId: string, type: string, resourceId: string): Promise<Date | null> => {
    const r = await db.selectFrom('webhook_deliveries').select((eb) => eb.fn.max('resource_updated_at').as('at'))
      .where('connection_id', '=', connectionId).where('resource_type', '=', type).where('resource_id', '=', resourceId).where('outcome', '=', 'processed')
      .executeTakeFirst();
    return (r?.at as Date | null | undefined) ?? null;
  },

  pruneBefore: async (db: Executor, before: Date): Promise<number> => {
    const r = await sql`delete from webhook_deliveries where received_at < ${before} and outcome <> 'pending'`.execute(db);
    return Number(r.numAffectedRows ?? 0);
  },
};
