import { sql } from 'kysely';
import type { Executor } from '../../platform/db/db.ts';

/** SQL of the assistant: a read-only order lookup (commerce's tables) and the failed-verification counters. */

export interface VerifiedOrder {
  id: string;
  number: string;
  external_id: string;
  customer_id: string | null;
  status: string;
  financial_status: string | null;
  fulfillment_status: string | null;
  placed_at: Date;
  total: number;
  currency: string;
}

/** Failed verifications count within this window. */
const WINDOW = sql.raw(`interval '1 hour'`);

export const assistantRepo = {
  /**
   * The order with this number whose email (on the order or its customer's profile) is this one; nothing
   * otherwise, so a wrong email and an unknown number look the same.
   */
  async verifiedOrder(db: Executor, number: string, email: string): Promise<VerifiedOrder | undefined> {
    const n = number.replace(/^#/, '');
    // Exact matches (the number index), in the spellings stores use: as is, upper or lower case, with a '#'.
    const variants = [...new Set([n, n.toUpperCase(), n.toLowerCase()].flatMap((v) => [v, `#${v}`]))];
    const r = await sql<VerifiedOrder>`
      select o.id, o.number, o.external_id, o.customer_id, o.status, o.financial_status, o.fulfillment_status, o.placed_at, o.total, o.currency
      from orders o left join customers c on c.id = o.customer_id
      where o.number = any(${variants}::text[])
        and (lower(o.email) = ${email} or lower(c.email) = ${email})
      order by o.placed_at desc limit 1`.execute(db);
    return r.rows[0];
  },

  async lines(db: Executor, orderId: string): Promise<{ title: string; quantity: number }[]> {
    return (await sql<{ title: string; quantity: number }>`
      select title, quantity from order_lines where order_id = ${orderId} order by position limit 50`.execute(db)).rows;
  },

  /** The latest tracking link sent for the order (shipment events carry tracking_url or trackingUrl). */
  async trackingUrl(db: Executor, o: VerifiedOrder): Promise<string | null> {
    if (!o.customer_id) return null;
    const r = await sql<{ url: string }>`
      select coalesce(properties->>'tracking_url', properties->>'trackingUrl') as url from activities
      where customer_id = ${o.customer_id}
        and coalesce(properties->>'order_id', properties->>'orderId', properties->>'order_number') in (${o.external_id}, ${o.number}, ${o.id})
        and coalesce(properties->>'tracking_url', properties->>'trackingUrl') ~ '^https?://'
      order by occurred_at desc limit 1`.execute(db);
    return r.rows[0]?.url ?? null;
  },

  /** Failures counted under each key within the window. */
  async failures(db: Executor, keys: string[]): Promise<Map<string, number>> {
    if (!keys.length) return new Map();
    const rows = (await sql<{ key: string; failures: number }>`
      select key, failures from kb_assistant_attempts where key = any(${keys}::text[]) and window_start > now() - ${WINDOW}`.execute(db)).rows;
    return new Map(rows.map((r) => [r.key, r.failures]));
  },

  async addFailure(db: Executor, keys: string[]): Promise<void> {
    // Counters older than a day say nothing any more (and hold visitor ids and IP addresses): dropped here.
    await sql`delete from kb_assistant_attempts where window_start < now() - interval '1 day'`.execute(db);
    for (const key of keys) {
      await sql`
        insert into kb_assistant_attempts as k (key, failures, window_start) values (${key}, 1, now())
        on conflict (key) do update set
          failures = case when k.window_start > now() - ${WINDOW} then k.failures + 1 else 1 end,
          window_start = case when k.window_start > now() - ${WINDOW} then k.window_start else now() end`.execute(db);
    }
  },
};
