import type { Activities } from '../../platform/activities/activities.ts';
import { audit, type Actor } from '../../platform/audit/audit.ts';
import type { Db, Executor, Tx } from '../../platform/db/db.ts';
import { HttpError, notFound } from '../../platform/http/problem.ts';
import { newId } from '../../platform/ids.ts';
import { getStoreSettings } from '../../platform/settings.ts';
import type { Customer, CustomerDetail, ProfileFields } from './customers.schemas.ts';
import { consentRepo } from './consent.repo.ts';
import { customersRepo, type CustomerRow, type IdentityRow } from './customers.repo.ts';
import { claimKey, lockIdentities } from './customers.bulk.ts';
import { claimJoins, KIND_STRENGTH, normaliseClaims, normaliseEmail, normalisePhone, type IdentityClaim, type NormalisedIdentity } from './identity.ts';

/** Another module's data follows a merge: it moves rows from `mergedId` to `survivorId` and says how many. */
export type MergeListener = (tx: Tx, e: { survivorId: string; mergedId: string }) => Promise<Record<string, number>>;

export interface ResolveInput {
  identities: IdentityClaim[];
  profile?: ProfileFields;
  /** Where the data came from: shopify, csv, tracking, api, ui, … */
  source: string;
  actor: Actor;
  occurredAt?: Date;
  /** Append Customer Created / Profile Updated activities (tracking appends its own Identified). */
  emit?: boolean;
}

export interface ResolveResult {
  customerId: string;
  created: boolean;
  /** Profiles that were merged into customerId because the identities proved them the same person. */
  merged: string[];
}

const PROFILE_COLUMNS = {
  firstName: 'first_name', lastName: 'last_name', email: 'email', phone: 'phone', birthday: 'birthday',
  locale: 'locale', timeZone: 'time_zone', country: 'country',
} as const;
type ScalarField = keyof typeof PROFILE_COLUMNS;

/** A profile as the API shows it; `ref` (e.g. "uci 17850") names a customer known only by an external id. */
export function toCustomer(r: CustomerRow & { ref?: string | null }, currency: string): Customer {
  const name = [r.first_name, r.last_name].filter(Boolean).join(' ');
  return {
    id: r.id, firstName: r.first_name, lastName: r.last_name, name: name || r.email || r.phone || (r.anonymous ? 'Anonymous visitor' : r.ref ? `Customer ${r.ref}` : 'Unnamed customer'),
    email: r.email, phone: r.phone, birthday: r.birthday, locale: r.locale, timeZone: r.time_zone, country: r.country, tags: r.tags,
    attributes: (r.attributes ?? {}) as Record<string, unknown>, addresses: (r.addresses ?? []) as Record<string, unknown>[], source: r.source,
    anonymous: r.anonymous, mergedInto: r.merged_into, orderCount: r.order_count, totalSpent: r.total_spent, refunded: r.refunded,
    averageOrderValue: r.aov, currency, firstOrderAt: r.first_order_at, lastOrderAt: r.last_order_at, lastSeenAt: r.last_seen_at,
    createdAt: r.created_at, updatedAt: r.updated_at,
  };
}

function identityOut(i: IdentityRow) {
  return { id: i.id, kind: i.kind, source: i.source, value: i.value, verified: i.verified, createdAt: i.created_at };
}

/** Customer profiles: identity resolution, merges, profile data and the computed commerce figures. */
export class CustomersService {
  private readonly db: Db;
  private readonly activities: Activities;
  private mergeListeners: MergeListener[] = [];

  constructor(db: Db, activities: Activities) {
    this.db = db;
    this.activities = activities;
  }

  onMerge(listener: MergeListener): void {
    this.mergeListeners.push(listener);
  }

  /**
   * Finds the customer these identities belong to, creating or merging profiles as the rules say
   * (docs/identity-resolution.md), attaches new identities and applies profile fields. Runs in `tx`.
   */
  async resolve(tx: Tx, input: ResolveInput): Promise<ResolveResult> {
    const claims = claimsOf(input);
    // Serialise resolution of the same identities (two webhooks for a new customer at once).
    await lockIdentities(tx, claims);

    const existing = await customersRepo.findIdentities(tx, claims);
    const joining = joiningIdentities(claims, existing);
    const ids = [...new Set(joining.map((e) => e.customer_id))];
    let customerId: string;
    let created = false;
    const merged: string[] = [];
    if (ids.length === 0) {
      customerId = (await customersRepo.insert(tx, newProfileRow(input, claims))).id;
      created = true;
    } else if (ids.length === 1) {
      customerId = ids[0]!;
    } else {
      customerId = await this.pickSurvivor(tx, ids, joining);
      for (const other of ids.filter((i) => i !== customerId)) {
        await this.mergeInTx(tx, customerId, other, `identity: ${joining.filter((j) => j.customer_id === other).map((j) => j.kind).join(', ')}`, input.actor, {});
        merged.push(other);
      }
    }

    // Attach the claims this profile does not have yet (unverified ones owned elsewhere stay there).
    const have = new Set(existing.map((e) => `${e.kind}\u0000${e.source}\u0000${e.value}`));
    const fresh = claims.filter((c) => !have.has(`${c.kind}\u0000${c.source}\u0000${c.value}`));
    await customersRepo.insertIdentities(tx, fresh.map((c) => ({ id: newId(), customer_id: customerId, kind: c.kind, source: c.source, value: c.value, verified: c.verified })));
    const upgrade = existing.filter((e) => e.customer_id === customerId && !e.verified && claims.some((c) => c.verified && c.kind === e.kind && c.value === e.value));
    await customersRepo.markVerified(tx, upgrade.map((e) => e.id));

    const changed = created ? [] : await this.applyProfile(tx, customerId, input.profile ?? {}, claims);
    if (input.emit !== false) {
      const at = input.occurredAt;
      if (created) await this.activities.append(tx, [{ customerId, type: 'Customer Created', source: input.source, occurredAt: at, properties: { identities: claims.map((c) => ({ kind: c.kind, source: c.source })) } }]);
      else if (changed.length) await this.activities.append(tx, [{ customerId, type: 'Profile Updated', source: input.source, occurredAt: at, properties: { changed } }]);
    }
    return { customerId, created, merged };
  }

  /**
   * resolve() for many inputs at once (emit false): the tracking path, where one batch holds the
   * identify calls of many people. The same rules, in about six statements for all of them instead of
   * five per input. An input whose identities point to several profiles (a merge), or that shares an
   * identity or a profile with another input, goes through resolve() on its own afterwards.
   */
  async resolveMany(tx: Tx, inputs: ResolveInput[]): Promise<ResolveResult[]> {
    const claims = inputs.map(claimsOf);
    const all = claims.flat();
    await lockIdentities(tx, all);
    const existing = await customersRepo.findIdentities(tx, [...new Map(all.map((c) => [claimKey(c), c])).values()]);
    const found = new Map<string, IdentityRow[]>();
    for (const e of existing) found.set(claimKey(e), [...(found.get(claimKey(e)) ?? []), e]);

    const owners = new Map<string, number>();
    for (const cs of claims) for (const k of new Set(cs.map(claimKey))) owners.set(k, (owners.get(k) ?? 0) + 1);
    interface Plan { i: number; claims: NormalisedIdentity[]; existing: IdentityRow[]; customerId?: string }
    const plans: Plan[] = [];
    const alone: number[] = [];
    claims.forEach((cs, i) => {
      const mine = cs.flatMap((c) => found.get(claimKey(c)) ?? []);
      const ids = [...new Set(joiningIdentities(cs, mine).map((e) => e.customer_id))];
      if (ids.length > 1 || cs.some((c) => owners.get(claimKey(c))! > 1)) alone.push(i);
      else plans.push({ i, claims: cs, existing: mine, customerId: ids[0] });
    });
    // Two inputs joining one profile would each patch it, and an input resolved on its own may merge a
    // profile another joins: those go in order, one at a time.
    const perProfile = new Map<string, number>();
    for (const p of plans) if (p.customerId) perProfile.set(p.customerId, (perProfile.get(p.customerId) ?? 0) + 1);
    const touchedAlone = new Set(alone.flatMap((i) => claims[i]!.flatMap((c) => (found.get(claimKey(c)) ?? []).map((e) => e.customer_id))));
    const batch = plans.filter((p) => !p.customerId || (perProfile.get(p.customerId) === 1 && !touchedAlone.has(p.customerId)));
    for (const p of plans) if (!batch.includes(p)) alone.push(p.i);
    alone.sort((a, b) => a - b);

    const out: ResolveResult[] = new Array<ResolveResult>(inputs.length);
    const creates = batch.filter((p) => !p.customerId);
    if (creates.length) {
      const rows = creates.map((p) => {
        const row = newProfileRow(inputs[p.i]!, p.claims);
        p.customerId = row.id;
        out[p.i] = { customerId: row.id, created: true, merged: [] };
        return row;
      });
      await customersRepo.insertMany(tx, rows);
    }
    const have = (p: Plan) => new Set(p.existing.map((e) => claimKey(e)));
    await customersRepo.insertIdentities(tx, batch.flatMap((p) => {
      const h = have(p);
      return p.claims.filter((c) => !h.has(claimKey(c))).map((c) => ({ id: newId(), customer_id: p.customerId!, kind: c.kind, source: c.source, value: c.value, verified: c.verified }));
    }));
    await customersRepo.markVerified(tx, batch.flatMap((p) => p.existing.filter((e) => e.customer_id === p.customerId && !e.verified && p.claims.some((c) => c.verified && c.kind === e.kind && c.value === e.value)).map((e) => e.id)));

    const updates = batch.filter((p) => !out[p.i]);
    if (updates.length) {
      const rows = new Map((await customersRepo.byIdForUpdate(tx, updates.map((p) => p.customerId!))).map((r) => [r.id, r]));
      const patches: { id: string; patch: Record<string, unknown> }[] = [];
      for (const p of updates) {
        const row = rows.get(p.customerId!);
        if (!row) throw notFound(`No customer ${p.customerId!}`);
        const { patch } = profilePatch(row, inputs[p.i]!.profile ?? {}, p.claims);
        if (Object.keys(patch).length) patches.push({ id: row.id, patch });
        out[p.i] = { customerId: row.id, created: false, merged: [] };
      }
      await customersRepo.patchMany(tx, patches);
    }
    for (const i of alone) out[i] = await this.resolve(tx, { ...inputs[i]!, emit: false });
    return out;
  }

  private async pickSurvivor(tx: Tx, ids: string[], matches: IdentityRow[]): Promise<string> {
    const rows = await customersRepo.byIdForUpdate(tx, ids);
    const strength = (id: string) => Math.max(...matches.filter((m) => m.customer_id === id).map((m) => KIND_STRENGTH[m.kind]));
    rows.sort((a, b) => Number(a.anonymous) - Number(b.anonymous) || strength(b.id) - strength(a.id) || a.created_at.getTime() - b.created_at.getTime());
    return rows[0]!.id;
  }

  /** Writes the given profile fields; fills the primary email/phone from identities if empty. Returns changed field names. */
  private async applyProfile(tx: Tx, customerId: string, p: ProfileFields, claims: NormalisedIdentity[]): Promise<string[]> {
    const [row] = await customersRepo.byIdForUpdate(tx, [customerId]);
    if (!row) throw notFound(`No customer ${customerId}`);
    const { patch, changed } = profilePatch(row, p, claims);
    if (Object.keys(patch).length) await customersRepo.update(tx, customerId, patch);
    return changed;
  }

  /** Merges `mergedId` into `survivorId` by hand: `choose` says which profile's value wins per field. */
  async merge(actor: Actor, survivorId: string, mergedId: string, choose: Partial<Record<ScalarField, 'survivor' | 'merged'>>): Promise<CustomerDetail> {
    await this.db.transaction().execute((tx) => this.mergeInTx(tx, survivorId, mergedId, 'manual', actor, choose));
    return this.get(survivorId);
  }

  private async mergeInTx(tx: Tx, survivorId: string, mergedId: string, reason: string, actor: Actor, choose: Partial<Record<ScalarField, 'survivor' | 'merged'>>): Promise<void> {
    const rows = await customersRepo.byIdForUpdate(tx, [survivorId, mergedId]);
    const survivor = rows.find((r) => r.id === survivorId);
    const merged = rows.find((r) => r.id === mergedId);
    if (!survivor || !merged) throw notFound(`No customer ${!survivor ? survivorId : mergedId}.`);
    if (survivor.merged_into || merged.merged_into) throw new HttpError(409, 'already-merged', 'Already merged', 'One of these profiles was already merged into another; open the surviving profile instead.');

    const patch: Record<string, unknown> = {};
    const chosen: Record<string, string> = {};
    for (const [field, column] of Object.entries(PROFILE_COLUMNS) as [ScalarField, (typeof PROFILE_COLUMNS)[ScalarField]][]) {
      const pick = choose[field] ?? (survivor[column] == null ? 'merged' : 'survivor');
      if (pick === 'merged' && merged[column] != null && merged[column] !== survivor[column]) {
        patch[column] = merged[column];
        chosen[field] = 'merged';
      }
    }
    patch.tags = [...new Set([...survivor.tags, ...merged.tags])];
    patch.attributes = JSON.stringify({ ...(merged.attributes as object), ...(survivor.attributes as object) });
    patch.addresses = JSON.stringify([...(survivor.addresses as unknown[]), ...(merged.addresses as unknown[])]);
    patch.anonymous = survivor.anonymous && merged.anonymous;
    const lastSeen = [survivor.last_seen_at, merged.last_seen_at].filter((d): d is Date => !!d).sort((a, b) => b.getTime() - a.getTime())[0];
    if (lastSeen) patch.last_seen_at = lastSeen;
    if (merged.created_at < survivor.created_at) patch.created_at = merged.created_at;

    const moved: Record<string, number> = {};
    moved.identities = Number((await customersRepo.moveIdentities(tx, mergedId, survivorId)).numUpdatedRows);
    moved.notes = Number((await customersRepo.moveNotes(tx, mergedId, survivorId)).numUpdatedRows);
    moved.activities = await this.activities.reassign(tx, mergedId, survivorId);
    for (const l of this.mergeListeners) Object.assign(moved, await l(tx, { survivorId, mergedId }));
    await customersRepo.update(tx, survivorId, patch);
    await customersRepo.update(tx, mergedId, { merged_into: survivorId });
    const { currency } = await getStoreSettings(tx);
    await customersRepo.refreshCommerceStats(tx, [survivorId, mergedId], currency);
    await tx.insertInto('customer_merges').values({
      id: newId(), survivor_id: survivorId, merged_id: mergedId, reason, actor_label: actor.label,
      moved: JSON.stringify(moved), chosen: JSON.stringify(chosen), merged_snapshot: JSON.stringify(toCustomer(merged, currency)),
    }).execute();
    await this.activities.append(tx, [{ customerId: survivorId, type: 'Profiles Merged', source: reason === 'manual' ? 'ui' : 'system', properties: { mergedId, reason, moved } }]);
    await audit.record(tx, actor, { action: 'customer.merged', entityType: 'customer', entityId: survivorId, summary: `Merged profile ${mergedId} into ${survivorId} (${reason})`, before: toCustomer(merged, currency), after: { moved, chosen } });
  }

  async get(id: string, db: Executor = this.db): Promise<CustomerDetail> {
    const row = await customersRepo.byId(db, id);
    if (!row) throw notFound(`No customer with id ${id}.`);
    const { currency } = await getStoreSettings(db);
    const identities = await customersRepo.identitiesOf(db, id);
    const ext = identities.find((i) => i.kind === 'external' || i.kind === 'user_id');
    return { ...toCustomer({ ...row, ref: ext ? `${ext.source} ${ext.value}` : null }, currency), identities: identities.map(identityOut), consent: await consentRepo.stateOf(db, id) };
  }

  /** Recomputes order count, total spent, refunds, first/last order for these customers (commerce calls it). */
  async refreshCommerceStats(tx: Executor, ids: string[]): Promise<void> {
    const { currency } = await getStoreSettings(tx);
    await customersRepo.refreshCommerceStats(tx, [...new Set(ids)], currency);
  }

  async refreshAllCommerceStats(tx: Executor): Promise<void> {
    const { currency } = await getStoreSettings(tx);
    await customersRepo.refreshAllCommerceStats(tx, currency);
  }

  async touchLastSeen(tx: Executor, id: string, at: Date): Promise<void> {
    await tx.updateTable('customers').set({ last_seen_at: at }).where('id', '=', id).where((eb) => eb.or([eb('last_seen_at', 'is', null), eb('last_seen_at', '<', at)])).execute();
  }

  /** The live profile a possibly merged-away id now lives in. */
  async liveId(db: Executor, id: string): Promise<string> {
    let cur = id;
    for (let i = 0; i < 20; i++) {
      const row = await db.selectFrom('customers').select(['id', 'merged_into']).where('id', '=', cur).executeTakeFirst();
      if (!row) throw notFound(`No customer with id ${id}.`);
      if (!row.merged_into) return row.id;
      cur = row.merged_into;
    }
    return cur;
  }
}

/** The profile columns `profilePatch` reads. */
type ProfileRow = Pick<CustomerRow, (typeof PROFILE_COLUMNS)[ScalarField] | 'tags' | 'attributes' | 'addresses' | 'anonymous'>;

/**
 * What applying profile fields to a profile changes: non-empty values that differ, the primary
 * email/phone from the identities when the profile has none, tags added, attributes merged,
 * new addresses appended, and no longer anonymous once a known identity is attached.
 */
function profilePatch(row: ProfileRow, p: ProfileFields, claims: NormalisedIdentity[]): { patch: Record<string, unknown>; changed: string[] } {
  const patch: Record<string, unknown> = {};
  const changed: string[] = [];
  for (const [field, column] of Object.entries(PROFILE_COLUMNS) as [ScalarField, (typeof PROFILE_COLUMNS)[ScalarField]][]) {
    let v = p[field];
    if (field === 'email' && v) v = normaliseEmail(v) ?? null;
    if (field === 'phone' && v) v = normalisePhone(v) ?? v;
    if (v !== undefined && v !== null && v !== '' && v !== row[column]) {
      patch[column] = v;
      changed.push(field);
    }
  }
  const email = claims.find((c) => c.kind === 'email');
  if (!row.email && !patch.email && email) { patch.email = email.value; changed.push('email'); }
  const phone = claims.find((c) => c.kind === 'phone');
  if (!row.phone && !patch.phone && phone) { patch.phone = phone.value; changed.push('phone'); }
  if (p.tags?.length) {
    const tags = [...new Set([...row.tags, ...p.tags])];
    if (tags.length !== row.tags.length) { patch.tags = tags; changed.push('tags'); }
  }
  if (p.attributes && Object.keys(p.attributes).length) {
    const before = (row.attributes ?? {}) as Record<string, unknown>;
    const after = { ...before, ...p.attributes };
    if (JSON.stringify(after) !== JSON.stringify(before)) { patch.attributes = JSON.stringify(after); changed.push('attributes'); }
  }
  if (p.addresses?.length) {
    const before = (row.addresses ?? []) as unknown[];
    const seen = new Set(before.map((a) => JSON.stringify(a)));
    const add = p.addresses.filter((a) => !seen.has(JSON.stringify(a)));
    if (add.length) { patch.addresses = JSON.stringify([...before, ...add]); changed.push('addresses'); }
  }
  const known = claims.some((c) => c.kind !== 'anonymous');
  if (row.anonymous && known) patch.anonymous = false;
  return { patch, changed };
}

/** A new profile's row, written once with its fields (the same rules as for an existing profile, applied to a blank one). */
function newProfileRow(input: ResolveInput, claims: NormalisedIdentity[]) {
  const blank: ProfileRow = {
    first_name: null, last_name: null, email: null, phone: null, birthday: null, locale: null, time_zone: null, country: null,
    tags: [], attributes: {}, addresses: [], anonymous: claims.every((c) => c.kind === 'anonymous'),
  };
  const { patch } = profilePatch(blank, input.profile ?? {}, claims);
  const now = new Date();
  const at = input.occurredAt ?? now;
  return {
    id: newId(), ...blank, attributes: JSON.stringify({}), addresses: JSON.stringify([]), ...patch, source: input.source,
    merged_into: null, first_order_at: null, last_order_at: null, last_seen_at: null, created_at: at < now ? at : now,
  };
}

/** The identities an input claims: its own, plus the email and phone of its profile fields. */
function claimsOf(input: ResolveInput): NormalisedIdentity[] {
  const claims = normaliseClaims([
    ...input.identities,
    ...(input.profile?.email ? [{ kind: 'email' as const, value: input.profile.email, verified: input.identities.some((i) => i.verified) }] : []),
    ...(input.profile?.phone ? [{ kind: 'phone' as const, value: input.profile.phone, verified: input.identities.some((i) => i.verified) }] : []),
  ]);
  if (!claims.length) throw new HttpError(400, 'validation-error', 'Your request is not valid', 'No usable identity: send a valid email, phone, user id, anonymous id or external id.');
  return claims;
}

/** The found identities these claims join by (docs/identity-resolution.md): an email or phone only when the claim may. */
function joiningIdentities(claims: NormalisedIdentity[], existing: IdentityRow[]): IdentityRow[] {
  return existing.filter((e) => {
    const claim = claims.find((c) => c.kind === e.kind && c.source === e.source && c.value === e.value);
    return claim ? claimJoins(claim) || (e.kind !== 'email' && e.kind !== 'phone') : false;
  });
}
