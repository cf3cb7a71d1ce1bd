import { sql } from 'kysely';
import type { Db } from '../platform/db/db.ts';

/**
 * The synthetic store generator: a seeded, realistic store of any size, written with set-based SQL
 * (generate_series) so a million customers take a minute, not an hour.
 * - spend follows a power law (Pareto α≈1.3: a few customers buy a lot, most once or twice),
 * - orders are seasonal (November–December peak, summer dip), spread over two years before `until`,
 * - checkouts are abandoned at the usual ~70 % rate, the rest convert into orders,
 * - every order also lands in the activity stream ('Order Completed'), like the real write path.
 */
export interface GenerateOptions {
  customers: number;
  seed?: number;
  /** Products in the catalogue. */
  products?: number;
  until?: Date;
  currency?: string;
  log?: (m: string) => void;
}

const FIRST = ['Olivia', 'Liam', 'Emma', 'Noah', 'Amelia', 'Oliver', 'Ava', 'Elijah', 'Sophia', 'James', 'Isabella', 'William', 'Mia', 'Lucas', 'Charlotte', 'Henry', 'Harper', 'Theodore', 'Evelyn', 'Jack', 'Luna', 'Leo', 'Aria', 'Mateo', 'Ella', 'Sofia', 'Hugo', 'Lea', 'Jonas', 'Marta', 'Yuki', 'Aiko', 'Chen', 'Wei', 'Priya', 'Arjun', 'Fatima', 'Omar', 'Zanele', 'Kwame'];
const LAST = ['Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Garcia', 'Miller', 'Davis', 'Rodriguez', 'Martinez', 'Hernandez', 'Lopez', 'Gonzalez', 'Wilson', 'Anderson', 'Thomas', 'Taylor', 'Moore', 'Jackson', 'Martin', 'Lee', 'Perez', 'Thompson', 'White', 'Harris', 'Sanchez', 'Clark', 'Ramirez', 'Lewis', 'Robinson', 'Müller', 'Schmidt', 'Dubois', 'Rossi', 'Nakamura', 'Tanaka', 'Patel', 'Singh', 'Okafor', 'Mensah'];
const DOMAINS = ['gmail.com', 'yahoo.com', 'outlook.com', 'hotmail.co.uk', 'icloud.com', 'proton.me', 'web.de', 'orange.fr'];
const COUNTRIES = ['GB', 'GB', 'GB', 'US', 'US', 'DE', 'FR', 'NL', 'IE', 'ES', 'IT', 'AU', 'CA', 'SE', 'JP'];
const CATEGORIES = ['Home', 'Kitchen', 'Garden', 'Gifts', 'Stationery', 'Toys', 'Lighting', 'Textiles'];

const arr = (xs: string[]) => sql.raw(`array[${xs.map((x) => `'${x.replace(/'/g, "''")}'`).join(',')}]`);

export async function generateStore(db: Db, o: GenerateOptions): Promise<{ customers: number; orders: number; carts: number; seconds: number }> {
  const started = performance.now();
  const say = o.log ?? (() => undefined);
  let last = performance.now();
  const log = (m: string) => {
    const now = performance.now();
    say(`${m} (+${((now - last) / 1000).toFixed(1)} s)`);
    last = now;
  };
  const n = o.customers;
  const products = o.products ?? 800;
  const until = o.until ?? new Date('2026-10-31T00:00:00Z');
  const currency = o.currency ?? 'GBP';
  const seed = ((o.seed ?? 42) % 1000) / 1000;
  await db.connection().execute(async (conn) => {
    // One session, no parallel workers: random() then follows one seeded sequence, so runs repeat.
    await sql`set max_parallel_workers_per_gather = 0`.execute(conn);
    await sql`select setseed(${seed})`.execute(conn);
    await sql`insert into settings (key, value) values ('store', ${JSON.stringify({ name: 'Synthetic store', currency, timeZone: 'Europe/London', trackingConsentRequired: false })}::jsonb)
      on conflict (key) do update set value = excluded.value`.execute(conn);

    log(`products: ${products}`);
    await sql`
      insert into products (id, source, external_id, title, sku, categories, price, currency, status, created_at, updated_at)
      select md5('p' || i || ${seed})::uuid, 'synthetic', 'P' || i,
        initcap((${arr(['classic', 'rustic', 'vintage', 'modern', 'botanical', 'retro', 'nordic', 'golden'])})[1 + (i % 8)] || ' ' ||
          (${arr(['mug', 'lantern', 'cushion', 'tea towel', 'notebook', 'candle', 'tin', 'bag', 'frame', 'clock'])})[1 + ((i / 8) % 10)]) || ' ' || i,
        'SKU-' || lpad(i::text, 5, '0'), array[(${arr(CATEGORIES)})[1 + (i % ${CATEGORIES.length})]],
        (150 + floor(power(random(), 3) * 4850))::bigint, ${currency}, 'active', now(), now()
      from generate_series(1, ${products}) i`.execute(conn);

    log(`customers: ${n}`);
    await sql`
      insert into customers (id, first_name, last_name, email, phone, country, tags, attributes, addresses, source, anonymous, created_at, updated_at)
      select md5('c' || i || ${seed})::uuid, f, l,
        lower(f || '.' || l || i || '@' || (${arr(DOMAINS)})[1 + floor(random() * ${DOMAINS.length})::int]),
        case when random() < 0.6 then '+447' || lpad(floor(random() * 1e9)::bigint::text, 9, '0') end,
        (${arr(COUNTRIES)})[1 + floor(random() * ${COUNTRIES.length})::int],
        case when random() < 0.15 then array['newsletter'] when random() < 0.03 then array['wholesale'] else '{}' end,
        '{}'::jsonb, '[]'::jsonb, 'synthetic', false,
        ${until}::timestamptz - (random() * interval '730 days'), now()
      from (select i, (${arr(FIRST)})[1 + floor(random() * ${FIRST.length})::int] as f, (${arr(LAST)})[1 + floor(random() * ${LAST.length})::int] as l
            from generate_series(1, ${n}) i) s`.execute(conn);
    await sql`
      insert into customer_identities (id, customer_id, kind, source, value, verified, created_at)
      select md5('ie' || c.id)::uuid, c.id, 'email', '', c.email, true, c.created_at from customers c where c.source = 'synthetic'
      union all
      select md5('ix' || c.id)::uuid, c.id, 'external', 'synthetic', 'S' || substr(md5(c.id::text), 1, 10), true, c.created_at from customers c where c.source = 'synthetic'`.execute(conn);

    // Orders per customer: Pareto-distributed count (most buy once, a few dozens of times), seasonal dates.
    log('orders');
    await sql`
      create temp table gen_orders as
      select md5('o' || c.id || k)::uuid as id, c.id as customer_id, k,
        greatest(c.created_at, ${until}::timestamptz - interval '730 days') + (random() * (${until}::timestamptz - greatest(c.created_at, ${until}::timestamptz - interval '730 days'))) as placed_at
      from (select id, created_at, least(60, floor(1 / power(1 - random() * 0.999, 1 / 1.3))::int) as n
            from customers where source = 'synthetic' and random() < 0.72) c
      cross join lateral generate_series(1, c.n) k`.execute(conn);
    // Seasonality: move a share of summer orders into the November–December peak.
    await sql`update gen_orders set placed_at = placed_at + interval '4 months' where extract(month from placed_at) in (7, 8) and random() < 0.35 and placed_at + interval '4 months' < ${until}`.execute(conn);
    await sql`
      create temp table gen_lines as
      -- Volatile random() in a sub-select's output list runs once per row; in an uncorrelated
      -- LATERAL it may run once for the whole statement (every order the same).
      select md5('l' || r.order_id || r.j)::uuid as id, r.order_id, r.j as position, p.id as product_id, p.sku, p.title, r.q as quantity, p.price as unit_price, r.q * p.price as total
      from (select o0.order_id, g.j, 1 + floor(power(random(), 2.2) * ${products})::int as pi, 1 + floor(power(random(), 3) * 6)::int as q
            from (select id as order_id, 1 + floor(power(random(), 2) * 4)::int as nl from gen_orders) o0
            cross join lateral generate_series(1, o0.nl) g(j)) r
      join products p on p.external_id = 'P' || r.pi and p.source = 'synthetic'`.execute(conn);
    await sql`
      insert into orders (id, source, external_id, customer_id, number, email, status, financial_status, fulfillment_status, currency, subtotal, shipping_total, total, item_count, placed_at, created_at, updated_at)
      select o.id, 'synthetic', 'SO-' || substr(o.id::text, 1, 13), o.customer_id, '#' || (100000 + row_number() over (order by o.placed_at)), c.email,
        case when random() < 0.02 then 'cancelled' else 'completed' end, 'paid', 'fulfilled', ${currency},
        t.sub, case when t.sub >= 5000 then 0 else 495 end, t.sub + case when t.sub >= 5000 then 0 else 495 end, t.items, o.placed_at, o.placed_at, o.placed_at
      from gen_orders o join customers c on c.id = o.customer_id
      join (select order_id, sum(total)::bigint as sub, sum(quantity)::int as items from gen_lines group by order_id) t on t.order_id = o.id`.execute(conn);
    await sql`insert into order_lines (id, order_id, position, product_id, sku, title, quantity, unit_price, total) select * from gen_lines`.execute(conn);
    await sql`
      insert into activities (id, customer_id, type, occurred_at, received_at, source, properties, dedupe_key)
      select md5('a' || o.id)::uuid, o.customer_id, 'Order Completed', o.placed_at, o.placed_at, 'synthetic',
        jsonb_build_object('order_id', o.external_id, 'total', o.total / 100.0, 'total_minor', o.total, 'currency', o.currency), 'order:synthetic:' || o.external_id || ':completed'
      from orders o join gen_orders g on g.id = o.id`.execute(conn);

    // Checkouts: each order had one (converted); about 70 % of all checkouts are abandoned.
    log('carts');
    await sql`
      insert into carts (id, source, external_id, customer_id, status, currency, value, items, checkout_url, checkout_started_at, order_id, created_at, updated_at)
      select md5('k' || o.id)::uuid, 'synthetic', 'K-' || substr(o.id::text, 1, 13), o.customer_id, 'converted', o.currency, o.subtotal, '[]', null, o.placed_at - interval '6 minutes', o.id, o.placed_at, o.placed_at
      from orders o join gen_orders g on g.id = o.id`.execute(conn);
    await sql`create temp table gen_counts as select customer_id, count(*)::int as n from gen_orders group by customer_id`.execute(conn);
    await sql`create index on gen_counts (customer_id)`.execute(conn);
    await sql`
      insert into carts (id, source, external_id, customer_id, status, currency, value, items, checkout_url, checkout_started_at, created_at, updated_at)
      select md5('ka' || c.id || k)::uuid, 'synthetic', 'KA-' || substr(md5(c.id::text || k), 1, 13), c.id, 'abandoned', ${currency}, (500 + random() * 9000)::bigint, '[]',
        'https://shop.example/checkouts/' || substr(md5(c.id::text || k), 1, 16), d.t, d.t, d.t
      from customers c
      left join gen_counts g on g.customer_id = c.id
      cross join lateral generate_series(1, coalesce(g.n, 0) * 7 / 3 + case when random() < 0.3 then 1 else 0 end) k
      cross join lateral (select greatest(c.created_at, ${until}::timestamptz - interval '730 days') + random() * (${until}::timestamptz - greatest(c.created_at, ${until}::timestamptz - interval '730 days')) as t) d
      where c.source = 'synthetic' and d.t < ${until}`.execute(conn);
    await sql`drop table gen_orders, gen_counts, gen_lines`.execute(conn);
  });
  log('customer figures');
  await sql`
    update customers c set order_count = s.n, total_spent = s.total, first_order_at = s.first_at, last_order_at = s.last_at
    from (select customer_id, count(*)::int as n, sum(total)::bigint as total, min(placed_at) as first_at, max(placed_at) as last_at
          from orders where source = 'synthetic' and status <> 'cancelled' group by customer_id) s
    where c.id = s.customer_id`.execute(db);
  await sql`analyze`.execute(db);
  const counts = await sql<{ customers: number; orders: number; carts: number }>`
    select (select count(*) from customers where source = 'synthetic')::int as customers, (select count(*) from orders where source = 'synthetic')::int as orders,
           (select count(*) from carts where source = 'synthetic')::int as carts`.execute(db);
  return { ...counts.rows[0]!, seconds: (performance.now() - started) / 1000 };
}
