import type { Logger } from 'pino';
import type { Activities, NewActivity } from '../../platform/activities/activities.ts';
import type { Actor } from '../../platform/audit/audit.ts';
import type { Db, Tx } from '../../platform/db/db.ts';
import { getStoreSettings } from '../../platform/settings.ts';
import type { CommerceService } from '../commerce/commerce.service.ts';
import { claimKey, type ConsentService, type CustomerBulkService, type CustomersService, type NormalisedIdentity, type ResolveInput } from '../customers/index.ts';
import type { ProfileFields } from '../customers/customers.schemas.ts';
import { applyCommerce, isCommerceEvent, planCommerce, SOURCE, type CommercePlan } from './ecommerce.ts';
import { IdentityCache } from './identity-cache.ts';
import { trackingRepo } from './tracking.repo.ts';
import type { Message } from './tracking.schemas.ts';
import { mergeProfiles, profileFromGroup, profileFromTraits } from './traits.ts';

/** Who sent a call: secret keys vouch for their identities, public (browser) keys do not. */
export interface Sender {
  actor: Actor;
  verified: boolean;
}

/** Calls that change the profile: replaying one must not re-apply old traits, so they are checked for duplicates first. */
const PROFILE_CALLS = new Set(['identify', 'group', 'alias']);
/**
 * Segment's consent event: `Segment Consent Preference Updated` with
 * `context.consent.categoryPreferences`; Patron's snippet sends `{ tracking: true | false }`.
 */
export const CONSENT_EVENT = 'Segment Consent Preference Updated';
export function trackingConsentOf(m: Message): 'subscribed' | 'unsubscribed' | null {
  if (m.type !== 'track' || m.event !== CONSENT_EVENT) return null;
  const prefs = (m.context.consent as { categoryPreferences?: Record<string, unknown> } | undefined)?.categoryPreferences;
  const v = prefs?.tracking;
  return v === true ? 'subscribed' : v === false ? 'unsubscribed' : null;
}

const dedupeKey = (m: Message) => (m.messageId ? `seg:${m.messageId}` : undefined);
const RETRYABLE = new Set(['40P01', '40001']);

/** One person in a batch: the identities its calls link, and what is known of them. */
interface Person {
  claims: Map<string, NormalisedIdentity>;
  calls: Message[];
  customerId?: string;
  mode?: 'known' | 'create' | 'resolve';
  /** What its identify/group calls say about the profile (undefined: no such call). */
  profile?: ProfileFields;
  /** Set when the profile was applied: remembered so the same identify again skips resolve. */
  applied?: string;
  /** Its profile was created by this transaction (live by construction, last seen already set). */
  created?: boolean;
}

/** The latest time any of a person's calls happened. */
const lastSeenOf = (p: Person) => new Date(Math.max(...p.calls.map((m) => m.occurredAt.getTime())));

/** Profile last_seen_at moves when an event is later than it by more than this. */
export const LAST_SEEN_STEP_MS = 60_000;

/**
 * Writes calls in one transaction, set-based: each distinct person is found once (an in-process
 * cache, then one lookup for the misses), new anonymous visitors are created together, last-seen
 * is moved in one statement that also proves every profile id still live (not merged away), and
 * all activities go in one multi-row INSERT. Calls that change the profile (identify, group,
 * alias) go through CustomersService.resolve.
 */
export class BatchWriter {
  private readonly db: Db;
  private readonly activities: Activities;
  private readonly customers: CustomersService;
  private readonly bulk: CustomerBulkService;
  private readonly commerce: CommerceService;
  private readonly consent: ConsentService | undefined;
  private readonly log: Logger;
  readonly cache = new IdentityCache();
  /**
   * Identify/group calls already applied: profile id + what they said. Sites call identify on
   * every page load with the same traits; repeating one changes nothing, so it skips resolve.
   */
  private readonly applied = new IdentityCache(50_000);

  constructor(deps: { db: Db; activities: Activities; customers: CustomersService; bulk: CustomerBulkService; commerce: CommerceService; consent?: ConsentService; log: Logger }) {
    this.db = deps.db;
    this.consent = deps.consent;
    this.activities = deps.activities;
    this.customers = deps.customers;
    this.bulk = deps.bulk;
    this.commerce = deps.commerce;
    this.log = deps.log;
  }

  /** Stores calls and returns those newly stored (the others repeat a stored messageId); returns after the commit. */
  async commit(calls: Message[], senderOf: (m: Message) => Sender): Promise<Set<Message>> {
    const seen = new Set<string>();
    const unique = calls.filter((m) => {
      const k = dedupeKey(m);
      if (!k) return true;
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
    for (let attempt = 1; ; attempt++) {
      try {
        const { stored, people } = await this.db.transaction().execute((tx) => this.ingestTx(tx, unique, senderOf));
        for (const p of people) {
          if (!p.customerId) continue;
          for (const k of p.claims.keys()) this.cache.set(k, p.customerId);
          if (p.applied) this.applied.set(`${p.customerId}|${p.applied}`, p.customerId);
        }
        return stored;
      } catch (e) {
        const code = (e as { code?: string }).code ?? '';
        if (!RETRYABLE.has(code) || attempt >= 5) throw e;
        // Two batches locking the same profiles in different orders: one was chosen to fail; try again.
        this.log.debug({ code, attempt }, 'tracking batch retried');
        await new Promise((r) => setTimeout(r, 5 + Math.random() * 20 * attempt));
      }
    }
  }

  private async ingestTx(tx: Tx, calls: Message[], senderOf: (m: Message) => Sender): Promise<{ stored: Set<Message>; people: Person[] }> {
    // 1. Replayed profile calls change nothing: drop them before they touch the profile.
    let todo = calls;
    // (Other calls need no such check: the INSERT skips a stored messageId, and commerce state
    // follows only the activities it actually inserted.)
    const profileKeys = calls.filter((m) => PROFILE_CALLS.has(m.type)).map(dedupeKey).filter((k): k is string => !!k);
    if (profileKeys.length) {
      const stored = await trackingRepo.storedDedupeKeys(tx, profileKeys);
      todo = calls.filter((m) => !stored.has(dedupeKey(m) ?? ''));
      if (!todo.length) return { stored: new Set(), people: [] };
    }

    // 2. Who is each call about: cache, then one lookup for the rest.
    const claim = (kind: 'user_id' | 'anonymous', value: string, verified = false): NormalisedIdentity => ({ kind, source: SOURCE, value, verified });
    const known = new Map<string, string>();
    const misses = new Map<string, NormalisedIdentity>();
    const want = (c: NormalisedIdentity) => {
      const k = claimKey(c);
      if (known.has(k) || misses.has(k)) return;
      const hit = this.cache.get(k);
      if (hit) known.set(k, hit);
      else misses.set(k, c);
    };
    for (const m of todo) {
      if (m.userId) want(claim('user_id', m.userId));
      if (m.anonymousId) want(claim('anonymous', m.anonymousId));
      if (m.previousId) {
        want(claim('user_id', m.previousId));
        want(claim('anonymous', m.previousId));
      }
    }
    for (const [k, id] of await this.bulk.findLive(tx, [...misses.values()])) known.set(k, id);

    // 3. Group calls by person: calls sharing an identity are the same person (union-find).
    const people = this.groupPeople(todo, claim, known, senderOf);

    // 4. Find, create or resolve each person.
    for (const p of people) p.profile = profileOf(p);
    const unsure = people.filter((p) => this.classify(p, known) !== 'known');
    if (unsure.length) {
      const claims = unsure.flatMap((p) => [...p.claims.values()]);
      await this.bulk.lockClaims(tx, claims);
      // Under the locks the database is the truth (another request may have just created them).
      const fresh = await this.bulk.findLive(tx, claims);
      for (const c of claims) {
        const k = claimKey(c);
        const id = fresh.get(k);
        if (id) known.set(k, id);
        else known.delete(k);
      }
      for (const p of unsure) this.classify(p, known);
    }
    await this.createPeople(tx, people.filter((p) => p.mode === 'create'));
    // Identify calls of new people: the identity rules for all of them at once (merges one by one).
    const resolving = people.filter((x) => x.mode === 'resolve');
    if (resolving.length) {
      const res = await this.customers.resolveMany(tx, resolving.map((p) => resolveInput(p, senderOf(p.calls[0]!), true)));
      resolving.forEach((p, i) => (p.customerId = res[i]!.customerId));
    }
    for (const p of people.filter((x) => x.mode === 'known')) p.customerId = known.get(p.claims.keys().next().value!)!;

    // 5. Last seen, and proof that every id is live; a merged-away id is found again.
    for (let round = 0; ; round++) {
      const lastSeen = new Map<string, Date>();
      for (const p of people) {
        if (p.created) continue;
        const at = lastSeenOf(p);
        const prev = lastSeen.get(p.customerId!);
        if (!prev || prev < at) lastSeen.set(p.customerId!, at);
      }
      const live = await this.bulk.touchLastSeen(tx, lastSeen, LAST_SEEN_STEP_MS);
      const stale = people.filter((p) => !p.created && !live.has(p.customerId!));
      if (!stale.length) break;
      if (round >= 3) throw new Error('tracking: profiles kept being merged away during ingestion');
      for (const p of stale) {
        for (const k of p.claims.keys()) this.cache.delete(k);
        // Its profile calls were judged against the merged-away profile: apply them again next time.
        p.applied = undefined;
        await this.resolvePerson(tx, p, senderOf(p.calls[0]!), false);
      }
    }

    // 6. The activities, in one INSERT; then commerce state for the e-commerce events newly stored.
    const byCall = new Map<Message, Person>();
    for (const p of people) for (const m of p.calls) byCall.set(m, p);
    const storeCurrency = todo.some(isCommerceEvent) ? (await getStoreSettings(tx)).currency : 'USD';
    const plans = new Map<Message, CommercePlan>();
    const rows: NewActivity[] = todo.map((m) => {
      let context = m.context;
      if (isCommerceEvent(m)) {
        const { plan, warnings } = planCommerce(m, storeCurrency);
        if (plan) plans.set(m, plan);
        if (warnings.length) {
          context = { ...context, commerceWarnings: warnings };
          this.log.info({ messageId: m.messageId, event: m.event, warnings }, 'tracking: e-commerce event stored without its state change');
        }
      }
      return { ...activityOf(m), customerId: byCall.get(m)!.customerId!, source: SOURCE, occurredAt: m.occurredAt, dedupeKey: dedupeKey(m), context };
    });
    const inserted = await this.activities.append(tx, rows);
    const fresh = new Set(inserted.map((a) => a.dedupeKey));
    const stored = new Set(todo.filter((m) => !m.messageId || fresh.has(dedupeKey(m)!)));
    for (const [m, plan] of plans) {
      if (!stored.has(m)) continue;
      const s = senderOf(m);
      await applyCommerce(tx, this.commerce, plan, { customerId: byCall.get(m)!.customerId!, actor: s.actor, verified: s.verified, at: m.occurredAt });
    }
    // The snippet's consent banner choices (granted / withdrawn) go to the consent ledger.
    const consent = todo.flatMap((m) => {
      const status = stored.has(m) ? trackingConsentOf(m) : null;
      return status ? [{ m, status }] : [];
    });
    if (consent.length && this.consent) {
      await this.consent.setMany(tx, consent.map(({ m, status }) => ({
        customerId: byCall.get(m)!.customerId!, channel: 'tracking' as const, status, method: 'consent_banner' as const, source: SOURCE, actor: senderOf(m).actor,
        occurredAt: m.occurredAt, evidence: { ip: m.context.ip, userAgent: m.context.userAgent, page: (m.context.page as { url?: unknown } | undefined)?.url, messageId: m.messageId },
      })));
    }
    return { stored, people };
  }

  private groupPeople(calls: Message[], claim: (kind: 'user_id' | 'anonymous', v: string, verified?: boolean) => NormalisedIdentity, known: Map<string, string>, senderOf: (m: Message) => Sender): Person[] {
    const parent = new Map<string, string>();
    const find = (k: string): string => {
      let r = k;
      while (parent.get(r) !== r) r = parent.get(r)!;
      parent.set(k, r);
      return r;
    };
    const claimsOf = new Map<Message, NormalisedIdentity[]>();
    const all = new Map<string, NormalisedIdentity>();
    for (const m of calls) {
      const cs: NormalisedIdentity[] = [];
      const v = senderOf(m).verified;
      if (m.userId) cs.push(claim('user_id', m.userId, v));
      if (m.anonymousId) cs.push(claim('anonymous', m.anonymousId, v));
      if (m.previousId) {
        // An alias's previousId is whichever identity already has that value (a user id or, usually, an anonymous id).
        const asUser = claim('user_id', m.previousId, v);
        const asAnon = claim('anonymous', m.previousId, v);
        const found = [asUser, asAnon].filter((c) => known.has(claimKey(c)));
        cs.push(...(found.length ? found : [asAnon]));
      }
      claimsOf.set(m, cs);
      for (const c of cs) {
        const k = claimKey(c);
        // The same identity from a secret key (server) and a public key (browser): the server vouches.
        all.set(k, all.get(k)?.verified ? { ...c, verified: true } : c);
        if (!parent.has(k)) parent.set(k, k);
      }
      for (const c of cs.slice(1)) parent.set(find(claimKey(c)), find(claimKey(cs[0]!)));
    }
    const people = new Map<string, Person>();
    for (const [k, c] of all) {
      const root = find(k);
      const p = people.get(root) ?? { claims: new Map(), calls: [] };
      p.claims.set(k, c);
      people.set(root, p);
    }
    for (const m of calls) people.get(find(claimKey(claimsOf.get(m)![0]!)))!.calls.push(m);
    return [...people.values()];
  }

  private classify(p: Person, known: Map<string, string>): Person['mode'] {
    const ids = new Set([...p.claims.keys()].map((k) => known.get(k)));
    const one = ids.size === 1 && !ids.has(undefined) ? [...ids][0]! : undefined;
    // An identify/group/alias that adds nothing (all identities on one profile; no traits, or the same as already applied).
    const nothingNew = one !== undefined && (!p.profile || !Object.keys(p.profile).length || this.applied.get(`${one}|${p.applied}`) === one);
    if (one !== undefined && (!p.calls.some((m) => PROFILE_CALLS.has(m.type)) || nothingNew)) p.mode = 'known';
    else if (ids.size === 1 && ids.has(undefined) && !p.profile && !p.calls.some((m) => m.type === 'alias')) p.mode = 'create';
    else p.mode = 'resolve';
    return p.mode;
  }

  private async createPeople(tx: Tx, list: Person[]): Promise<void> {
    if (!list.length) return;
    const { ids, clashed } = await this.bulk.createMany(tx, list.map((p) => ({
      claims: [...p.claims.values()], source: SOURCE, at: new Date(Math.min(...p.calls.map((m) => m.occurredAt.getTime()))),
      lastSeen: lastSeenOf(p),
    })));
    list.forEach((p, i) => {
      p.customerId = ids[i] ?? undefined;
      // Made by this transaction with its last-seen time: live, and nothing to move.
      p.created = ids[i] !== null;
    });
    for (const i of clashed) list[i]!.mode = 'resolve';
  }

  /** The identity rules' way (customers.resolve): links, merges, applies traits. */
  private async resolvePerson(tx: Tx, p: Person, sender: Sender, withProfile: boolean): Promise<void> {
    p.customerId = (await this.customers.resolve(tx, resolveInput(p, sender, withProfile))).customerId;
  }
}

/** What `resolve` is asked for one person of a batch. */
function resolveInput(p: Person, sender: Sender, withProfile: boolean): ResolveInput {
  return {
    identities: [...p.claims.values()], profile: withProfile ? (p.profile ?? {}) : {}, source: SOURCE, actor: sender.actor, emit: false,
    occurredAt: new Date(Math.min(...p.calls.map((m) => m.occurredAt.getTime()))),
  };
}

/** What a person's identify and group calls say about the profile, later calls winning; `applied` is its cache key. */
function profileOf(p: Person): ProfileFields | undefined {
  const list: ProfileFields[] = [];
  for (const m of p.calls) {
    if (m.type === 'identify') list.push(profileFromTraits(m.traits, m.context));
    if (m.type === 'group' && m.groupId) list.push(profileFromGroup(m.groupId, m.traits));
  }
  if (!list.length) return undefined;
  const profile = mergeProfiles(list);
  const verified = [...p.claims.values()].some((c) => c.verified);
  p.applied = `${verified}|${[...p.claims.keys()].sort().join(',')}|${JSON.stringify(profile)}`;
  return profile;
}

/** The activity a Segment call becomes: named by the event, Page Viewed, Screen Viewed, Identified, Group or Aliased. */
export function activityOf(m: Message): Pick<NewActivity, 'type' | 'properties'> {
  switch (m.type) {
    case 'track':
      return { type: m.event!, properties: m.properties };
    case 'page': {
      const page = (typeof m.context.page === 'object' && m.context.page !== null ? m.context.page : {}) as Record<string, unknown>;
      const fromContext = Object.fromEntries(['path', 'url', 'referrer', 'title', 'search'].filter((k) => page[k] !== undefined).map((k) => [k, page[k]]));
      return { type: 'Page Viewed', properties: { ...fromContext, ...m.properties, ...(m.name ? { name: m.name } : {}), ...(m.category ? { category: m.category } : {}) } };
    }
    case 'screen':
      return { type: 'Screen Viewed', properties: { ...m.properties, ...(m.name ? { name: m.name } : {}), ...(m.category ? { category: m.category } : {}) } };
    case 'identify':
      return { type: 'Identified', properties: { userId: m.userId, traits: m.traits } };
    case 'group':
      return { type: 'Group', properties: { groupId: m.groupId, traits: m.traits } };
    case 'alias':
      return { type: 'Aliased', properties: { previousId: m.previousId, userId: m.userId } };
  }
}
