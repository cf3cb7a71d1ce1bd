import { sql } from 'kysely';
import { prepared, type Executor, type Tx } from '../../platform/db/db.ts';
import { newId } from '../../platform/ids.ts';
import type { NormalisedIdentity } from './identity.ts';

/** The key `resolve` serialises on (pg_advisory_xact_lock), and the key of the maps below. */
export const claimKey = (c: { kind: string; source: string; value: string }) => `${c.kind}:${c.source}:${c.value}`;

/**
 * Takes the transaction-scoped advisory locks that serialise work on these identities, in key order
 * (so two transactions never wait on each other crosswise), in one statement. Re-taking a lock the
 * transaction holds is free.
 */
export async function lockIdentities(tx: Tx, claims: { kind: string; source: string; value: string }[]): Promise<void> {
  const keys = [...new Set(claims.map(claimKey))].sort();
  if (!keys.length) return;
  // offset 0 keeps the ordered subquery from being flattened, so locks are taken in key order.
  await sql`${prepared('customers.lock-claims')}select pg_advisory_xact_lock(hashtextextended(k, 0)) from (select k from unnest(${keys}::text[]) with ordinality as t(k, n) order by n offset 0) s`.execute(tx);
}

/** A new profile to create with all of these identities (none of which exists yet). */
export interface NewProfile {
  claims: NormalisedIdentity[];
  /** When the person was first seen (capped at now). */
  at: Date;
  /** When the person was last seen (the profile's last_seen_at); none when unknown. */
  lastSeen?: Date;
  source: string;
}

/**
 * Set-based identity work for high-volume ingestion (tracking): a batch of events touches
 * many profiles, and doing `resolve` one profile at a time would be one round trip per query
 * per profile. Identity rules stay in CustomersService.resolve; this only finds, creates
 * plain new profiles and touches last-seen, a whole batch per statement.
 */
export class CustomerBulkService {
  /**
   * Takes resolve's advisory locks for these identities, in resolve's order, in one statement.
   * Taking every lock of a transaction up front (before any resolve) keeps concurrent batches
   * with overlapping identities from deadlocking on each other.
   */
  async lockClaims(tx: Tx, claims: NormalisedIdentity[]): Promise<void> {
    await lockIdentities(tx, claims);
  }

  /** The live (not merged-away) profile owning each identity found: claimKey → customer id. */
  async findLive(db: Executor, claims: NormalisedIdentity[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    if (!claims.length) return out;
    // Not a prepared statement: its generic plan made tracking ingestion 40% slower than planning
    // it for each call's claims.
    const r = await sql<{ kind: string; source: string; value: string; customer_id: string }>`
      select i.kind, i.source, i.value, i.customer_id
      from customer_identities i join customers c on c.id = i.customer_id and c.merged_into is null
      where (i.kind, i.source, i.value) in (select * from unnest(${claims.map((c) => c.kind)}::text[], ${claims.map((c) => c.source)}::text[], ${claims.map((c) => c.value)}::text[]))`.execute(db);
    for (const row of r.rows) out.set(claimKey(row), row.customer_id);
    return out;
  }

  /**
   * Creates one profile per entry with its identities, in two statements. The caller holds the
   * identities' locks (lockClaims) and has checked none exists; should one exist anyway (a writer
   * that does not lock), that entry's profile is not created and its index is returned in `clashed`
   * for the caller to resolve the slow way.
   */
  async createMany(tx: Tx, profiles: NewProfile[]): Promise<{ ids: (string | null)[]; clashed: number[] }> {
    if (!profiles.length) return { ids: [], clashed: [] };
    const now = new Date();
    const ids = profiles.map(() => newId());
    await sql`${prepared('customers.create-many')}
      insert into customers (id, source, anonymous, created_at, last_seen_at)
      select * from unnest(${ids}::uuid[], ${profiles.map((p) => p.source)}::text[], ${profiles.map((p) => p.claims.every((c) => c.kind === 'anonymous'))}::bool[],
        ${profiles.map((p) => (p.at < now ? p.at : now).toISOString())}::timestamptz[], ${profiles.map((p) => p.lastSeen?.toISOString() ?? null)}::timestamptz[])`.execute(tx);
    const rows = profiles.flatMap((p, i) => p.claims.map((c) => ({ id: newId(), customer: ids[i]!, ...c })));
    const inserted = await sql<{ customer_id: string; kind: string; source: string; value: string }>`${prepared('customers.create-many-identities')}
      insert into customer_identities (id, customer_id, kind, source, value, verified)
      select * from unnest(${rows.map((r) => r.id)}::uuid[], ${rows.map((r) => r.customer)}::uuid[], ${rows.map((r) => r.kind)}::text[],
        ${rows.map((r) => r.source)}::text[], ${rows.map((r) => r.value)}::text[], ${rows.map((r) => r.verified)}::bool[])
      on conflict (kind, source, value) do nothing
      returning customer_id, kind, source, value`.execute(tx);
    if (inserted.rows.length === rows.length) return { ids, clashed: [] };
    const got = new Set(inserted.rows.map((r) => `${r.customer_id}|${claimKey(r)}`));
    const clashed = profiles.map((p, i) => (p.claims.every((c) => got.has(`${ids[i]}|${claimKey(c)}`)) ? -1 : i)).filter((i) => i >= 0);
    // A profile missing one of its identities would split the person: drop it (identities cascade).
    await sql`delete from customers where id = any(${clashed.map((i) => ids[i]!)}::uuid[])`.execute(tx);
    return { ids: ids.map((id, i) => (clashed.includes(i) ? null : id)), clashed };
  }

  /**
   * Proves these profiles live and keeps them so until the transaction ends: a KEY SHARE lock (in
   * id order) makes a concurrent merge, which locks both profiles FOR UPDATE, wait for this
   * transaction, while other ingest transactions pass freely. Moves last_seen_at forward where
   * `at` is later by more than `stepMs` (a busy visitor's profile row is not rewritten on every
   * batch), skipping a profile another transaction is updating right now (it is setting a
   * last-seen time of the same moment). An id that is not returned was merged away or erased: the
   * caller must find the live profile and must not attach anything to that id.
   */
  async touchLastSeen(tx: Tx, seen: Map<string, Date>, stepMs = 0): Promise<Set<string>> {
    if (!seen.size) return new Set();
    const ids = [...seen.keys()];
    // Both reads of customers go by primary key alone (`id = any(ids)`), merged_into checked after: with
    // `merged_into is null` in the scan, the planner would take a partial index of live profiles (all of
    // them) whenever its statistics were stale or missing, as on a young, fast-growing table, and read
    // every profile for each batch (7 ms at 13k profiles, growing with the store; 0.3 ms now).
    // Planned on each call, not prepared (ADR 0025): a generic plan made while the table is small (a
    // new store's first seconds) reads customers sequentially and is kept as the table grows; that
    // cost 2.6 ms per call ten seconds in, against 0.2 ms to plan it for the batch at hand.
    const r = await sql<{ id: string }>`
      with v as (
        select * from unnest(${ids}::uuid[], ${ids.map((id) => seen.get(id)!.toISOString())}::timestamptz[]) as t(id, at)
      ), locked as (
        select c.id, c.merged_into from customers c where c.id = any(${ids}::uuid[]) order by c.id for key share of c
      ), behind as (
        select c.id from customers c join v on v.id = c.id
        where c.id = any(${ids}::uuid[]) and (c.last_seen_at is null or c.last_seen_at < v.at - ${stepMs} * interval '1 millisecond')
        order by c.id for no key update of c skip locked
      ), touched as (
        update customers c set last_seen_at = v.at from v
        where c.id = v.id and c.id in (select id from behind) and c.merged_into is null and (c.last_seen_at is null or c.last_seen_at < v.at)
      )
      select id from locked where merged_into is null`.execute(tx);
    return new Set(r.rows.map((x) => x.id));
  }
}
