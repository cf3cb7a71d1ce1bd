import { sql } from 'kysely';
import type { Db } from '../../platform/db/db.ts';

/**
 * Demo browsing and checkout behaviour that agrees with the orders already in the store: before
 * each order the customer viewed its products, added them and started a checkout minutes earlier;
 * on other days some customers started checkouts they abandoned (about 70 % of checkouts are, in
 * real stores). Every row is marked `source = 'demo'` so it can be told apart and removed.
 * Deterministic: the same orders give the same events.
 */
export async function generateDemoBehaviour(db: Db, opts: { abandonRate?: number } = {}): Promise<{ events: number; abandonedCarts: number }> {
  const abandon = opts.abandonRate ?? 0.7;
  return db.connection().execute(async (conn) => {
    await sql`set max_parallel_workers_per_gather = 0`.execute(conn);
    await sql`select setseed(0.4242)`.execute(conn);
    await sql`delete from activities where source = 'demo'`.execute(conn);
    await sql`delete from carts where source = 'demo'`.execute(conn);

    // A session before every order: landing page, product views, adds, checkout.
    await sql`
      create temp table demo_orders as
      select o.id, o.customer_id, o.placed_at, o.external_id, o.currency, o.subtotal,
             o.placed_at - make_interval(mins => 4 + floor(random() * 40)::int) as session_start,
             'demo-' || substr(md5(o.id::text), 1, 12) as session_id
      from orders o where o.customer_id is not null and o.status <> 'cancelled'`.execute(conn);
    await sql`
      insert into activities (id, customer_id, type, occurred_at, received_at, source, properties, dedupe_key)
      select md5('demo-land' || d.id)::uuid, d.customer_id, 'Page Viewed', d.session_start, d.session_start, 'demo',
             jsonb_build_object('path', '/', 'title', 'Home', 'session_id', d.session_id), null
      from demo_orders d
      union all
      select md5('demo-view' || d.id || l.position)::uuid, d.customer_id, 'Product Viewed', d.session_start + make_interval(secs => 30 * l.position), d.session_start, 'demo',
             jsonb_build_object('product_id', p.external_id, 'sku', l.sku, 'name', l.title, 'price', l.unit_price / 100.0, 'currency', d.currency, 'session_id', d.session_id), null
      from demo_orders d join order_lines l on l.order_id = d.id left join products p on p.id = l.product_id
      where l.position <= 6
      union all
      select md5('demo-add' || d.id || l.position)::uuid, d.customer_id, 'Product Added', d.session_start + make_interval(secs => 30 * l.position + 20), d.session_start, 'demo',
             jsonb_build_object('product_id', p.external_id, 'sku', l.sku, 'name', l.title, 'price', l.unit_price / 100.0, 'quantity', l.quantity, 'currency', d.currency, 'session_id', d.session_id), null
      from demo_orders d join order_lines l on l.order_id = d.id left join products p on p.id = l.product_id
      where l.position <= 6
      union all
      select md5('demo-chk' || d.id)::uuid, d.customer_id, 'Checkout Started', d.placed_at - interval '2 minutes', d.placed_at, 'demo',
             jsonb_build_object('checkout_id', 'demo-' || d.external_id, 'value', d.subtotal / 100.0, 'currency', d.currency, 'session_id', d.session_id), null
      from demo_orders d`.execute(conn);

    // Abandoned checkouts on other days, with products each customer really buys.
    await sql`
      create temp table demo_abandoned as
      select md5('demo-ab' || c.id || k)::uuid as id, c.id as customer_id, k,
             c.first_order_at + (random() * greatest(c.last_order_at - c.first_order_at, interval '1 day')) + interval '3 days' as started_at
      from customers c
      cross join lateral generate_series(1, least(60, greatest(1, round(c.order_count * ${abandon}::float8 / (1 - ${abandon}::float8) * (0.5 + random()))::int))) k
      where c.order_count > 0 and c.merged_into is null`.execute(conn);
    // Up to 12 products each customer has bought, numbered, to pick cart items from.
    await sql`
      create temp table demo_bought as
      select customer_id, rn, title, sku, product_id, unit_price from (
        select o.customer_id, l.title, l.sku, l.product_id, l.unit_price,
               row_number() over (partition by o.customer_id order by md5(l.product_id::text)) as rn
        from (select distinct on (o.customer_id, l.product_id) o.customer_id, l.id
              from order_lines l join orders o on o.id = l.order_id
              where o.customer_id is not null and l.product_id is not null and l.unit_price > 0) d
        join order_lines l on l.id = d.id join orders o on o.id = l.order_id
      ) x where rn <= 12`.execute(conn);
    await sql`create index on demo_bought (customer_id, rn)`.execute(conn);
    await sql`
      create temp table demo_abandoned_items as
      select a.id as cart_id, b.title, b.sku, p.external_id as product_id, b.unit_price, 1 + floor(random() * 3)::int as quantity
      from demo_abandoned a
      cross join lateral generate_series(1, 1 + floor(random() * 3)::int) j
      join lateral (select max(rn) as n from demo_bought where customer_id = a.customer_id) m on true
      join demo_bought b on b.customer_id = a.customer_id and b.rn = 1 + ((j * 7 + a.k * 3) % greatest(m.n, 1))
      left join products p on p.id = b.product_id`.execute(conn);
    await sql`
      insert into carts (id, source, external_id, customer_id, status, currency, value, items, checkout_url, checkout_started_at, created_at, updated_at)
      select a.id, 'demo', 'demo-ab-' || substr(a.id::text, 1, 13), a.customer_id, 'abandoned', s.currency, coalesce(i.value, 0),
             coalesce(i.items, '[]'::jsonb), 'https://demo-store.example/checkouts/' || substr(md5(a.id::text), 1, 16), a.started_at, a.started_at - interval '5 minutes', a.started_at
      from demo_abandoned a
      cross join (select coalesce((select value->>'currency' from settings where key = 'store'), 'GBP') as currency) s
      left join (select cart_id, sum(unit_price * quantity)::bigint as value,
                        jsonb_agg(jsonb_build_object('title', title, 'sku', sku, 'productExternalId', product_id, 'quantity', quantity, 'unitPrice', unit_price)) as items
                 from demo_abandoned_items group by cart_id) i on i.cart_id = a.id`.execute(conn);
    await sql`
      insert into activities (id, customer_id, type, occurred_at, received_at, source, properties, dedupe_key)
      select md5('demo-abv' || i.cart_id || i.sku || i.title)::uuid, a.customer_id, 'Product Viewed', a.started_at - interval '4 minutes', a.started_at, 'demo',
             jsonb_build_object('product_id', i.product_id, 'sku', i.sku, 'name', i.title, 'price', i.unit_price / 100.0, 'session_id', 'demo-ab-' || substr(a.id::text, 1, 13)), null
      from demo_abandoned_items i join demo_abandoned a on a.id = i.cart_id
      union all
      select md5('demo-aba' || i.cart_id || i.sku || i.title)::uuid, a.customer_id, 'Product Added', a.started_at - interval '3 minutes', a.started_at, 'demo',
             jsonb_build_object('product_id', i.product_id, 'sku', i.sku, 'name', i.title, 'price', i.unit_price / 100.0, 'quantity', i.quantity, 'session_id', 'demo-ab-' || substr(a.id::text, 1, 13)), null
      from demo_abandoned_items i join demo_abandoned a on a.id = i.cart_id
      union all
      select md5('demo-abc' || c.id)::uuid, c.customer_id, 'Checkout Started', c.checkout_started_at, c.checkout_started_at, 'demo',
             jsonb_build_object('checkout_id', c.external_id, 'value', c.value / 100.0, 'currency', c.currency, 'checkout_url', c.checkout_url, 'session_id', c.external_id), null
      from carts c where c.source = 'demo' and c.status = 'abandoned'
      on conflict (id) do nothing`.execute(conn);

    // The checkouts that became the orders, as carts (converted, with their order).
    await sql`
      insert into carts (id, source, external_id, customer_id, status, currency, value, items, checkout_started_at, order_id, created_at, updated_at)
      select md5('demo-cart' || d.id)::uuid, 'demo', 'demo-' || d.external_id, d.customer_id, 'converted', d.currency, d.subtotal, '[]'::jsonb,
             d.placed_at - interval '2 minutes', d.id, d.session_start, d.placed_at
      from demo_orders d
      on conflict (source, external_id) do nothing`.execute(conn);

    // Visits that end without buying: a few per order over each customer's active months, one to
    // four page and product views each (real stores convert a small share of sessions).
    await sql`
      insert into activities (id, customer_id, type, occurred_at, received_at, source, properties, dedupe_key)
      select md5('demo-browse' || v.customer_id || v.k || g.n)::uuid, v.customer_id, case when g.n = 1 then 'Page Viewed' else 'Product Viewed' end,
             v.at + make_interval(secs => 40 * g.n), v.at, 'demo',
             case when g.n = 1 then jsonb_build_object('path', '/', 'title', 'Home', 'session_id', v.session_id)
                  else jsonb_build_object('product_id', b.product_external_id, 'sku', b.sku, 'name', b.title, 'session_id', v.session_id) end, null
      from (select c.id as customer_id, k, 'demo-br-' || substr(md5(c.id::text || k), 1, 12) as session_id,
                   c.first_order_at - interval '20 days' + random() * (greatest(c.last_order_at - c.first_order_at, interval '1 day') + interval '40 days') as at,
                   1 + floor(random() * 4)::int as views
            from customers c cross join lateral generate_series(1, least(40, c.order_count * 4)) k
            where c.order_count > 0 and c.merged_into is null) v
      cross join lateral generate_series(1, v.views) g(n)
      left join lateral (select b.sku, b.title, p.external_id as product_external_id from demo_bought b left join products p on p.id = b.product_id
                         where b.customer_id = v.customer_id and b.rn = 1 + (v.k + g.n) % greatest((select max(x.rn) from demo_bought x where x.customer_id = v.customer_id), 1) limit 1) b on true
      on conflict (id) do nothing`.execute(conn);
    const counts = await sql<{ events: number; carts: number }>`
      select (select count(*) from activities where source = 'demo')::int as events, (select count(*) from carts where source = 'demo')::int as carts`.execute(conn);
    await sql`drop table demo_orders, demo_abandoned, demo_abandoned_items, demo_bought`.execute(conn);
    return { events: counts.rows[0]!.events, abandonedCarts: counts.rows[0]!.carts };
  });
}
