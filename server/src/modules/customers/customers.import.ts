import { sql } from 'kysely';
import type { Activities, NewActivity } from '../../platform/activities/activities.ts';
import type { Actor } from '../../platform/audit/audit.ts';
import type { Tx } from '../../platform/db/db.ts';
import { newId } from '../../platform/ids.ts';
import { claimKey, type CustomerBulkService } from './customers.bulk.ts';
import type { ProfileFields } from './customers.schemas.ts';
import type { CustomersService } from './customers.service.ts';
import { normaliseClaims, normaliseEmail, normalisePhone, type IdentityClaim, type NormalisedIdentity } from './identity.ts';

/** One customer of an import: how the source identifies them and what it says about them. */
export interface ProfileImport {
  /** The caller's key for this customer (results are keyed by it). */
  key: string;
  identities: IdentityClaim[];
  profile: ProfileFields;
  /** When they were first seen in the source (a new profile's created_at, capped at now). */
  occurredAt?: Date;
}

export interface ProfileImportResult {
  /** key → live customer id, for every item that had a usable identity. */
  ids: Map<string, string>;
  created: Set<string>;
  updated: Set<string>;
}

export interface ProfileImportOptions {
  source: string;
  actor: Actor;
  /** fill: only set fields that are empty (order files describe a customer in passing); overwrite: the file wins (customer files). */
  mode: 'fill' | 'overwrite';
  /** Append Customer Created / Profile Updated activities (default true). */
  emit?: boolean;
}

const CHUNK = 1000;

/**
 * Set-based customer upserts for file imports: one batch of customers in a handful of statements
 * instead of a `resolve` per customer. Same identity rules as CustomersService.resolve (advisory
 * locks on the identities, verified claims join their owner); a customer whose identities belong
 * to two profiles (a merge) or clash within the batch goes through `resolve` itself.
 */
export class CustomerImportService {
  private readonly activities: Activities;
  private readonly customers: CustomersService;
  private readonly bulk: CustomerBulkService;

  constructor(activities: Activities, customers: CustomersService, bulk: CustomerBulkService) {
    this.activities = activities;
    this.customers = customers;
    this.bulk = bulk;
  }

  async upsertMany(tx: Tx, items: ProfileImport[], opts: ProfileImportOptions): Promise<ProfileImportResult> {
    const result: ProfileImportResult = { ids: new Map(), created: new Set(), updated: new Set() };
    const prepared: { item: ProfileImport; claims: NormalisedIdentity[]; profile: ProfileFields }[] = [];
    for (const item of items) {
      const profile = cleanProfile(item.profile);
      const claims = normaliseClaims([
        ...item.identities.map((c) => ({ ...c, verified: true })),
        ...(profile.email ? [{ kind: 'email' as const, value: profile.email, verified: true }] : []),
        ...(profile.phone ? [{ kind: 'phone' as const, value: profile.phone, verified: true }] : []),
      ]);
      if (claims.length) prepared.push({ item, claims, profile });
    }
    if (!prepared.length) return result;

    // Two customers of one batch sharing an identity must be decided one after the other.
    const owners = new Map<string, number>();
    const slow = new Set<number>();
    prepared.forEach((p, i) => {
      for (const c of p.claims) {
        const k = claimKey(c);
        const o = owners.get(k);
        if (o !== undefined && o !== i) {
          slow.add(o);
          slow.add(i);
        } else owners.set(k, i);
      }
    });
    const all = prepared.flatMap((p) => p.claims);
    await this.bulk.lockClaims(tx, all);
    const found = await this.bulk.findLive(tx, all);

    const fresh: number[] = [];
    const existing: { i: number; id: string }[] = [];
    prepared.forEach((p, i) => {
      if (slow.has(i)) return;
      const ids = [...new Set(p.claims.map((c) => found.get(claimKey(c))).filter((x): x is string => !!x))];
      if (ids.length === 0) fresh.push(i);
      else if (ids.length === 1) existing.push({ i, id: ids[0]! });
      else slow.add(i);
    });

    const activities: NewActivity[] = [];
    const emit = opts.emit !== false;
    // New profiles: created with their identities, then their fields set.
    const made = await this.bulk.createMany(tx, fresh.map((i) => ({ claims: prepared[i]!.claims, at: prepared[i]!.item.occurredAt ?? new Date(), source: opts.source })));
    const createdRows: { id: string; profile: ProfileFields }[] = [];
    fresh.forEach((i, n) => {
      const id = made.ids[n];
      if (!id) return void slow.add(i);
      const p = prepared[i]!;
      result.ids.set(p.item.key, id);
      result.created.add(p.item.key);
      createdRows.push({ id, profile: p.profile });
      if (emit) activities.push({ customerId: id, type: 'Customer Created', source: opts.source, occurredAt: p.item.occurredAt, properties: { imported: true, identities: p.claims.map((c) => ({ kind: c.kind, source: c.source })) } });
    });
    await this.applyProfiles(tx, createdRows, 'overwrite');

    // Known profiles: attach the identities they lack, then apply the fields.
    const attach = existing.flatMap(({ i, id }) => prepared[i]!.claims.filter((c) => !found.has(claimKey(c))).map((c) => ({ ...c, customer: id })));
    if (attach.length) {
      await sql`
        insert into customer_identities (id, customer_id, kind, source, value, verified)
        select * from unnest(${attach.map(() => newId())}::uuid[], ${attach.map((a) => a.customer)}::uuid[], ${attach.map((a) => a.kind)}::text[],
          ${attach.map((a) => a.source)}::text[], ${attach.map((a) => a.value)}::text[], ${attach.map(() => true)}::bool[])
        on conflict (kind, source, value) do nothing`.execute(tx);
    }
    const known = existing.flatMap(({ i }) => prepared[i]!.claims);
    if (known.length) {
      await sql`update customer_identities set verified = true where not verified and (kind, source, value) in (
        select * from unnest(${known.map((c) => c.kind)}::text[], ${known.map((c) => c.source)}::text[], ${known.map((c) => c.value)}::text[]))`.execute(tx);
    }
    const changed = await this.applyProfiles(tx, existing.map(({ i, id }) => ({ id, profile: prepared[i]!.profile })), opts.mode);
    for (const { i, id } of existing) {
      const key = prepared[i]!.item.key;
      result.ids.set(key, id);
      const fields = changed.get(id);
      if (fields?.length) {
        result.updated.add(key);
        if (emit) activities.push({ customerId: id, type: 'Profile Updated', source: opts.source, occurredAt: prepared[i]!.item.occurredAt, properties: { imported: true, changed: fields } });
      }
    }
    for (let k = 0; k < activities.length; k += CHUNK) await this.activities.append(tx, activities.slice(k, k + CHUNK));

    // The rare ones: resolve's own rules, one at a time.
    for (const i of slow) {
      const p = prepared[i]!;
      const r = await this.customers.resolve(tx, { identities: p.claims, profile: p.profile, source: opts.source, actor: opts.actor, occurredAt: p.item.occurredAt, emit });
      result.ids.set(p.item.key, r.customerId);
      (r.created ? result.created : result.updated).add(p.item.key);
    }
    return result;
  }

  /** Writes profile fields to many customers in one statement; returns the changed field names per customer. */
  private async applyProfiles(tx: Tx, rows: { id: string; profile: ProfileFields }[], mode: 'fill' | 'overwrite'): Promise<Map<string, string[]>> {
    const out = new Map<string, string[]>();
    if (!rows.length) return out;
    const fill = mode === 'fill';
    const col = (f: keyof ProfileFields) => rows.map((r) => (r.profile[f] as string | null | undefined) ?? null);
    const pick = (c: string) => (fill ? sql.raw(`coalesce(o.${c}, v.${c})`) : sql.raw(`coalesce(v.${c}, o.${c})`));
    const r = await sql<{ id: string; changed: string[] }>`
      with v as (
        select * from unnest(${rows.map((x) => x.id)}::uuid[], ${col('firstName')}::text[], ${col('lastName')}::text[], ${col('email')}::text[], ${col('phone')}::text[],
          ${col('country')}::text[], ${col('locale')}::text[], ${col('birthday')}::date[], ${rows.map((x) => JSON.stringify(x.profile.tags ?? []))}::jsonb[],
          ${rows.map((x) => JSON.stringify(x.profile.addresses ?? []))}::jsonb[])
          as t(id, first_name, last_name, email, phone, country, locale, birthday, tags, addresses)
      ), n as (
        select o.id,
          ${pick('first_name')} as first_name, ${pick('last_name')} as last_name, ${pick('email')} as email, ${pick('phone')} as phone,
          ${pick('country')} as country, ${pick('locale')} as locale, ${pick('birthday')} as birthday,
          array(select t from unnest(o.tags || array(select jsonb_array_elements_text(v.tags))) with ordinality u(t, k) group by t order by min(k)) as tags,
          o.addresses || coalesce((select jsonb_agg(a) from jsonb_array_elements(v.addresses) a where not o.addresses @> jsonb_build_array(a)), '[]'::jsonb) as addresses,
          o.first_name as o_first_name, o.last_name as o_last_name, o.email as o_email, o.phone as o_phone, o.country as o_country, o.locale as o_locale,
          o.birthday as o_birthday, o.tags as o_tags, o.addresses as o_addresses, o.anonymous as o_anonymous
        from v join customers o on o.id = v.id
      )
      update customers c set first_name = n.first_name, last_name = n.last_name, email = n.email, phone = n.phone, country = n.country, locale = n.locale,
        birthday = n.birthday, tags = n.tags, addresses = n.addresses, anonymous = false, updated_at = now()
      from n
      where c.id = n.id and (n.first_name, n.last_name, n.email, n.phone, n.country, n.locale, n.birthday, n.tags, n.addresses, false)
        is distinct from (n.o_first_name, n.o_last_name, n.o_email, n.o_phone, n.o_country, n.o_locale, n.o_birthday, n.o_tags, n.o_addresses, n.o_anonymous)
      returning c.id, array_remove(array[
        case when n.first_name is distinct from n.o_first_name then 'firstName' end, case when n.last_name is distinct from n.o_last_name then 'lastName' end,
        case when n.email is distinct from n.o_email then 'email' end, case when n.phone is distinct from n.o_phone then 'phone' end,
        case when n.country is distinct from n.o_country then 'country' end, case when n.locale is distinct from n.o_locale then 'locale' end,
        case when n.birthday is distinct from n.o_birthday then 'birthday' end, case when n.tags is distinct from n.o_tags then 'tags' end,
        case when n.addresses is distinct from n.o_addresses then 'addresses' end], null) as changed`.execute(tx);
    for (const row of r.rows) out.set(row.id, row.changed);
    return out;
  }
}

/** Normalised email and phone (as resolve stores them); empty strings become absent. */
function cleanProfile(p: ProfileFields): ProfileFields {
  const out: ProfileFields = {};
  for (const [k, v] of Object.entries(p) as [keyof ProfileFields, unknown][]) {
    if (v === undefined || v === null || v === '') continue;
    (out as Record<string, unknown>)[k] = v;
  }
  if (out.email) out.email = normaliseEmail(out.email) ?? undefined;
  if (out.phone) out.phone = normalisePhone(out.phone) ?? out.phone;
  return out;
}
