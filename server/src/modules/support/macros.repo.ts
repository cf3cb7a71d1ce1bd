import { sql, type Insertable, type Selectable, type Updateable } from 'kysely';
import type { Executor } from '../../platform/db/db.ts';
import type { SupportMacrosTable } from './tickets.tables.ts';

export type MacroRow = Selectable<SupportMacrosTable>;

/** SQL of macros (and the shipment activities their tracking link comes from). */
export const macrosRepo = {
  async list(db: Executor): Promise<MacroRow[]> {
    return db.selectFrom('support_macros').selectAll().orderBy('usage_count', 'desc').orderBy('name').execute();
  },

  async get(db: Executor, id: string): Promise<MacroRow | undefined> {
    return db.selectFrom('support_macros').selectAll().where('id', '=', id).executeTakeFirst();
  },

  async nameTaken(db: Executor, name: string): Promise<boolean> {
    return !!(await db.selectFrom('support_macros').select('id').where(sql<boolean>`lower(name) = lower(${name})`).executeTakeFirst());
  },

  async insert(db: Executor, row: Insertable<SupportMacrosTable>): Promise<MacroRow> {
    return db.insertInto('support_macros').values(row).returningAll().executeTakeFirstOrThrow();
  },

  async update(db: Executor, id: string, set: Updateable<SupportMacrosTable>): Promise<MacroRow> {
    return db.updateTable('support_macros').set({ ...set, updated_at: new Date() }).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
  },

  async remove(db: Executor, id: string): Promise<void> {
    await db.deleteFrom('support_macros').where('id', '=', id).execute();
  },

  async countUse(db: Executor, id: string): Promise<void> {
    await db.updateTable('support_macros').set({ usage_count: sql<number>`usage_count + 1` }).where('id', '=', id).execute();
  },

  /** The latest tracking link a shipment event carried for an order (`tracking_url` / `trackingUrl` in its properties). */
  async trackingUrl(db: Executor, customerId: string, order: { id: string; number: string; external_id: string }): Promise<string | null> {
    const r = await sql<{ url: string }>`
      select coalesce(properties->>'tracking_url', properties->>'trackingUrl') as url from activities
      where customer_id = ${customerId}
        and coalesce(properties->>'order_id', properties->>'orderId', properties->>'order_number') in (${order.external_id}, ${order.number}, ${order.id})
        and coalesce(properties->>'tracking_url', properties->>'trackingUrl') ~ '^https?://'
      order by occurred_at desc limit 1`.execute(db);
    return r.rows[0]?.url ?? null;
  },
};
