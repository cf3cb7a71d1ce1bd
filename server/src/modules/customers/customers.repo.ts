import { sql, type Generated, type Insertable, type Selectable } from 'kysely';
import type { Executor } from '../../platform/db/db.ts';
import type { IdentityKind } from './customers.schemas.ts';

export interface CustomersTable {
  id: string;
  first_name: string | null;
  last_name: string | null;
  email: string | null;
  phone: string | null;
  birthday: string | null;
  locale: string | null;
  time_zone: string | null;
  country: string | null;
  tags: string[];
  attributes: unknown;
  addresses: unknown;
  source: string;
  anonymous: boolean;
  merged_into: string | null;
  order_count: Generated<number>;
  total_spent: Generated<number>;
  refunded: Generated<number>;
  aov: Generated<number | null>;
  first_order_at: Date | null;
  last_order_at: Date | null;
  last_seen_at: Date | null;
  search_text: Generated<string>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface CustomerIdentitiesTable {
  id: string;
  customer_id: string;
  kind: IdentityKind;
  source: string;
  value: string;
  verified: boolean;
  created_at: Generated<Date>;
}

export interface CustomerNotesTable {
  id: string;
  customer_id: string;
  author_id: string | null;
  author_label: string;
  body: string;
  mentions: string[];
  created_at: Generated<Date>;
}

export interface AttributeDefinitionsTable {
  key: string;
  label: string;
  type: 'text' | 'number' | 'boolean' | 'date' | 'list';
  options: string[];
  created_at: Generated<Date>;
}

export interface CustomerMergesTable {
  id: string;
  survivor_id: string;
  merged_id: string;
  reason: string;
  actor_label: string;
  moved: unknown;
  chosen: unknown;
  merged_snapshot: unknown;
  created_at: Generated<Date>;
}

export interface CustomerViewsTable {
  id: string;
  name: string;
  owner_id: string | null;
  shared: boolean;
  filters: unknown;
  created_at: Generated<Date>;
}

declare module '../../platform/db/types.ts' {
  interface Database {
    customers: CustomersTable;
    customer_identities: CustomerIdentitiesTable;
    customer_notes: CustomerNotesTable;
    attribute_definitions: AttributeDefinitionsTable;
    customer_merges: CustomerMergesTable;
    customer_views: CustomerViewsTable;
  }
}

export type CustomerRow = Selectable<CustomersTable>;
export type IdentityRow = Selectable<CustomerIdentitiesTable>;

/** The profile columns patchMany sets: text ones, and the rest with their casts. */
const TEXT_PATCHABLE = ['first_name', 'last_name', 'email', 'phone', 'locale', 'time_zone', 'country'];
const PATCHABLE = new Set([...TEXT_PATCHABLE, 'birthday', 'tags', 'attributes', 'addresses', 'anonymous']);

export const customersRepo = {
  byId: (db: Executor, id: string) => db.selectFrom('customers').selectAll().where('id', '=', id).executeTakeFirst(),

  byIdForUpdate: (db: Executor, ids: string[]) =>
    db.selectFrom('customers').selectAll().where('id', 'in', ids).orderBy('id').forUpdate().execute(),

  insert: (db: Executor, row: Insertable<CustomersTable>) => db.insertInto('customers').values(row).returningAll().executeTakeFirstOrThrow(),

  insertMany: async (db: Executor, rows: Insertable<CustomersTable>[]) => {
    if (rows.length) await db.insertInto('customers').values(rows).execute();
  },

  /**
   * Applies a patch of profile columns to each customer, in one statement (identify calls of a
   * tracking batch). Only these columns; attributes and addresses come as JSON text, as for `update`.
   */
  patchMany: async (db: Executor, patches: { id: string; patch: Record<string, unknown> }[]) => {
    if (!patches.length) return;
    // A column added to the profile but not here would be dropped silently: refuse it instead.
    const unknown = patches.flatMap((x) => Object.keys(x.patch)).filter((k) => !PATCHABLE.has(k));
    if (unknown.length) throw new Error(`customersRepo.patchMany cannot set ${[...new Set(unknown)].join(', ')}`);
    await sql`update customers c set
        ${sql.join(TEXT_PATCHABLE.map((c) => sql`${sql.raw(c)} = case when x.p ? ${c} then x.p->>${c} else ${sql.ref(`c.${c}`)} end`))},
        birthday = case when x.p ? 'birthday' then (x.p->>'birthday')::date else c.birthday end,
        tags = case when x.p ? 'tags' then array(select jsonb_array_elements_text(x.p->'tags')) else c.tags end,
        attributes = case when x.p ? 'attributes' then (x.p->>'attributes')::jsonb else c.attributes end,
        addresses = case when x.p ? 'addresses' then (x.p->>'addresses')::jsonb else c.addresses end,
        anonymous = case when x.p ? 'anonymous' then (x.p->>'anonymous')::boolean else c.anonymous end,
        updated_at = now()
      from jsonb_to_recordset(${JSON.stringify(patches.map((x) => ({ id: x.id, p: x.patch })))}::jsonb) as x(id uuid, p jsonb)
      where c.id = x.id and c.id = any(${patches.map((x) => x.id)}::uuid[])`.execute(db);
    // (The second condition lets the planner fetch by primary key even when it knows nothing of the table.)
  },

  update: (db: Executor, id: string, patch: Partial<Insertable<CustomersTable>>) =>
    db.updateTable('customers').set({ ...patch, updated_at: new Date() }).where('id', '=', id).returningAll().executeTakeFirstOrThrow(),

  identitiesOf: (db: Executor, customerId: string) =>
    db.selectFrom('customer_identities').selectAll().where('customer_id', '=', customerId).orderBy('created_at').execute(),

  /** Existing identities matching any of (kind, source, value). */
  findIdentities: async (db: Executor, ids: { kind: IdentityKind; source: string; value: string }[]) => {
    if (!ids.length) return [];
    const tuples = sql.join(ids.map((i) => sql`(${i.kind}, ${i.source}, ${i.value})`));
    return (await sql<IdentityRow>`select * from customer_identities where (kind, source, value) in (${tuples})`.execute(db)).rows;
  },

  insertIdentities: async (db: Executor, rows: Insertable<CustomerIdentitiesTable>[]) => {
    if (!rows.length) return [];
    return db.insertInto('customer_identities').values(rows).onConflict((oc) => oc.columns(['kind', 'source', 'value']).doNothing()).returningAll().execute();
  },

  markVerified: (db: Executor, ids: string[]) =>
    ids.length ? db.updateTable('customer_identities').set({ verified: true }).where('id', 'in', ids).execute() : Promise.resolve([]),

  moveIdentities: (db: Executor, from: string, to: string) =>
    db.updateTable('customer_identities').set({ customer_id: to }).where('customer_id', '=', from).executeTakeFirst(),

  moveNotes: (db: Executor, from: string, to: string) =>
    db.updateTable('customer_notes').set({ customer_id: to }).where('customer_id', '=', from).executeTakeFirst(),

  /** Recomputes the commerce figures of customers from orders and refunds (read-only use of commerce tables). */
  refreshCommerceStats: async (db: Executor, ids: string[], currency: string) => {
    if (!ids.length) return;
    await sql`
      update customers c set
        order_count = coalesce(o.n, 0),
        total_spent = coalesce(o.total, 0),
        first_order_at = o.first_at,
        last_order_at = o.last_at,
        refunded = coalesce(r.amount, 0),
        updated_at = now()
      from unnest(${ids}::uuid[]) as t(id)
      left join lateral (
        select count(*)::int as n, sum(total) filter (where currency = ${currency})::bigint as total, min(placed_at) as first_at, max(placed_at) as last_at
        from orders where customer_id = t.id and status <> 'cancelled'
      ) o on true
      left join lateral (
        select sum(amount) filter (where currency = ${currency})::bigint as amount from refunds where customer_id = t.id
      ) r on true
      where c.id = t.id`.execute(db);
  },

  /** The same recomputation for every customer with orders or refunds (after bulk imports). */
  refreshAllCommerceStats: async (db: Executor, currency: string) => {
    await sql`
      with o as (
        select customer_id, count(*)::int as n, sum(total) filter (where currency = ${currency})::bigint as total, min(placed_at) as first_at, max(placed_at) as last_at
        from orders where customer_id is not null and status <> 'cancelled' group by customer_id
      ), r as (
        select customer_id, sum(amount) filter (where currency = ${currency})::bigint as amount from refunds where customer_id is not null group by customer_id
      ), s as (
        select coalesce(o.customer_id, r.customer_id) as id, o.n, o.total, o.first_at, o.last_at, r.amount from o full join r on r.customer_id = o.customer_id
      )
      update customers c set order_count = coalesce(s.n, 0), total_spent = coalesce(s.total, 0), first_order_at = s.first_at, last_order_at = s.last_at,
        refunded = coalesce(s.amount, 0), updated_at = now()
      from s where c.id = s.id
        and (c.order_count, c.total_spent, c.refunded) is distinct from (coalesce(s.n, 0), coalesce(s.total, 0), coalesce(s.amount, 0))`.execute(db);
  },
};
