import type { Activities, NewActivity } from '../../platform/activities/activities.ts';
import { audit, type Actor } from '../../platform/audit/audit.ts';
import type { Db, Executor, Tx } from '../../platform/db/db.ts';
import { notFound } from '../../platform/http/problem.ts';
import { newId } from '../../platform/ids.ts';
import { consentOut, consentRepo, eventOut, type ConsentRow } from './consent.repo.ts';
import type {
  ConsentChannel, ConsentEvent, ConsentMethod, ConsentSignalStatus, ConsentStatus, ConsentView, CustomerConsent,
} from './consent.schemas.ts';
import { CONSENT_CHANNELS } from './consent.schemas.ts';
import type { CustomersService } from './customers.service.ts';

/** What a source says about one channel of one customer; `customerId` and `actor` are added by the caller. */
export interface ConsentSignal {
  channel: ConsentChannel;
  status: ConsentSignalStatus;
  method: ConsentMethod;
  /** When it happened at the source (default now; a future time counts as now). */
  occurredAt?: Date;
  reason?: string;
  /** Proof: ip, user agent, form, the raw value the source sent. */
  evidence?: Record<string, unknown>;
}

export interface ConsentChange extends ConsentSignal {
  customerId: string;
  /** Where it came from: shopify, csv, api, ui, … */
  source: string;
  actor: Actor;
}

export type ConsentOutcome = 'applied' | 'stale' | 'unchanged' | 'ignored';

export interface ConsentResult {
  outcome: ConsentOutcome;
  customerId: string;
  channel: ConsentChannel;
  /** The channel's state after the change (null: none recorded). */
  status: ConsentStatus | null;
  previousStatus: ConsentStatus | null;
}

type Current = Pick<ConsentRow, 'status' | 'source' | 'updated_at'>;
export type ConsentDecision = { outcome: 'applied' | 'stale'; status: ConsentStatus } | { outcome: 'unchanged' | 'ignored' };

/**
 * The consent rules (docs/consent.md), without the database:
 * - the same status again changes nothing (its "since" stays the first time);
 * - a message older than the current state is kept in the ledger but never overwrites it;
 * - `not_subscribed` never creates consent, and withdraws only one the same source gave (a store that
 *   merely does not know of a sign-up elsewhere does not cancel it), unless that state is newer.
 */
export function decideConsent(current: Current | undefined, s: { status: ConsentSignalStatus; source: string; occurredAt: Date }): ConsentDecision {
  if (s.status === 'not_subscribed') {
    if (!current || current.status === 'unsubscribed' || current.source !== s.source || s.occurredAt < current.updated_at) return { outcome: 'ignored' };
    return { outcome: 'applied', status: 'unsubscribed' };
  }
  if (current?.status === s.status) return { outcome: 'unchanged' };
  if (current && s.occurredAt < current.updated_at) return { outcome: 'stale', status: s.status };
  return { outcome: 'applied', status: s.status };
}

/** Changes made by a person or an API client are audited; imports and webhooks are audited as a whole elsewhere. */
const AUDITED: ConsentMethod[] = ['admin', 'api'];

/** Marketing consent per channel: the current state, the append-only ledger, the Consent Changed activity. */
export class ConsentService {
  private readonly db: Db;
  private readonly activities: Activities;
  private readonly customers: CustomersService;

  constructor(db: Db, activities: Activities, customers: CustomersService) {
    this.db = db;
    this.activities = activities;
    this.customers = customers;
  }

  /** Records one consent message in `tx` and applies it unless a newer state exists. */
  async set(tx: Tx, change: ConsentChange): Promise<ConsentResult> {
    return (await this.setMany(tx, [change]))[0]!;
  }

  /** The same for many messages (imports), in a handful of statements; applied in the order they happened. */
  async setMany(tx: Tx, changes: ConsentChange[]): Promise<ConsentResult[]> {
    if (!changes.length) return [];
    const now = new Date();
    const live = await this.liveIds(tx, changes.map((c) => c.customerId));
    const items = changes.map((c, i) => ({ i, c, customerId: live.get(c.customerId)!, at: c.occurredAt && c.occurredAt < now ? c.occurredAt : now }));
    const current = new Map<string, ConsentRow>((await consentRepo.current(tx, [...new Set(live.values())])).map((r) => [`${r.customer_id}:${r.channel}`, r]));
    const changedKeys = new Set<string>();
    const events: Parameters<typeof consentRepo.insertEvents>[1] = [];
    const activities: NewActivity[] = [];
    const audits: { actor: Actor; customerId: string; channel: ConsentChannel; from: ConsentStatus | null; to: ConsentStatus; reason?: string }[] = [];
    const results: ConsentResult[] = new Array<ConsentResult>(changes.length);

    for (const { i, c, customerId, at } of [...items].sort((a, b) => a.at.getTime() - b.at.getTime() || a.i - b.i)) {
      const key = `${customerId}:${c.channel}`;
      const cur = current.get(key);
      const d = decideConsent(cur, { status: c.status, source: c.source, occurredAt: at });
      const previous = cur?.status ?? null;
      results[i] = { outcome: d.outcome, customerId, channel: c.channel, status: previous, previousStatus: previous };
      if (!('status' in d)) continue;
      const status = d.status;
      const stale = { customerId, channel: c.channel, status, occurredAt: at, source: c.source };
      if (d.outcome === 'stale' && (events.some((e) => e.customer_id === customerId && e.channel === c.channel && e.status === status && +e.occurred_at === +at && e.source === c.source)
        || (await consentRepo.hasEvent(tx, stale)))) {
        results[i]!.outcome = 'unchanged';
        continue;
      }
      const id = newId();
      const reason = c.reason ?? (c.status === 'not_subscribed' ? `${c.source} holds no consent any more` : null);
      events.push({
        id, customer_id: customerId, channel: c.channel, status: status, previous_status: previous, source: c.source, method: c.method, actor_label: c.actor.label,
        reason, evidence: JSON.stringify(c.evidence ?? {}), applied: d.outcome === 'applied', occurred_at: at, recorded_at: now,
      });
      if (d.outcome === 'stale') continue;
      current.set(key, { customer_id: customerId, channel: c.channel, status: status, source: c.source, updated_at: at, event_id: id });
      changedKeys.add(key);
      results[i] = { outcome: 'applied', customerId, channel: c.channel, status: status, previousStatus: previous };
      activities.push({
        customerId, type: 'Consent Changed', source: c.source, occurredAt: at,
        properties: { channel: c.channel, status: status, previousStatus: previous, source: c.source, method: c.method },
      });
      if (AUDITED.includes(c.method)) audits.push({ actor: c.actor, customerId, channel: c.channel, from: previous, to: status, reason: reason ?? undefined });
    }

    await consentRepo.insertEvents(tx, events);
    await consentRepo.upsertStates(tx, [...changedKeys].map((k) => current.get(k)!));
    for (let k = 0; k < activities.length; k += 1000) await this.activities.append(tx, activities.slice(k, k + 1000));
    for (const a of audits) {
      await audit.record(tx, a.actor, {
        action: 'customer.consent_changed', entityType: 'customer', entityId: a.customerId,
        summary: `Set ${a.channel} marketing consent of customer ${a.customerId} to ${a.to}${a.reason ? ` (${a.reason})` : ''}`,
        before: { channel: a.channel, status: a.from ?? 'none' }, after: { channel: a.channel, status: a.to, reason: a.reason ?? null },
      });
    }
    // Results of unchanged messages report the state the batch ended with.
    for (const r of results) if (r.outcome !== 'applied') r.status = current.get(`${r.customerId}:${r.channel}`)?.status ?? null;
    return results;
  }

  /** A person (or an API client) sets a channel by hand, with the reason kept in the ledger. */
  async change(actor: Actor, customerId: string, channel: ConsentChannel, body: { status: ConsentStatus; reason: string }, evidence: Record<string, unknown>): Promise<ConsentView> {
    await this.db.transaction().execute((tx) => this.set(tx, {
      customerId, channel, status: body.status, reason: body.reason, source: actor.type === 'user' ? 'ui' : 'api', method: actor.type === 'user' ? 'admin' : 'api',
      actor, evidence: { ...evidence, by: actor.label },
    }));
    return this.view(customerId);
  }

  async get(customerId: string, db: Executor = this.db): Promise<CustomerConsent> {
    return consentOut(await consentRepo.current(db, [customerId]));
  }

  /** The ledger of a customer, newest first. */
  async history(customerId: string, limit = 200, db: Executor = this.db): Promise<ConsentEvent[]> {
    return (await consentRepo.history(db, customerId, limit)).map(eventOut);
  }

  async view(customerId: string): Promise<ConsentView> {
    const exists = await this.db.selectFrom('customers').select('id').where('id', '=', customerId).executeTakeFirst();
    if (!exists) throw notFound(`No customer with id ${customerId}.`);
    return { current: await this.get(customerId), history: await this.history(customerId) };
  }

  /**
   * A merge (CustomersService.onMerge): per channel the survivor keeps the most recent state of the two,
   * and the merged profile's ledger moves to the survivor.
   */
  async onMerge(tx: Tx, e: { survivorId: string; mergedId: string }): Promise<Record<string, number>> {
    // The merge holds both profiles FOR UPDATE: no consent write can run on them until it commits.
    const rows = await consentRepo.current(tx, [e.survivorId, e.mergedId]);
    const keep: ConsentRow[] = [];
    const activities: NewActivity[] = [];
    for (const channel of CONSENT_CHANNELS) {
      const s = rows.find((r) => r.customer_id === e.survivorId && r.channel === channel);
      const m = rows.find((r) => r.customer_id === e.mergedId && r.channel === channel);
      if (!m || (s && s.updated_at >= m.updated_at)) continue;
      keep.push({ ...m, customer_id: e.survivorId });
      if (m.status !== s?.status) {
        activities.push({ customerId: e.survivorId, type: 'Consent Changed', source: m.source, occurredAt: m.updated_at,
          properties: { channel, status: m.status, previousStatus: s?.status ?? null, source: m.source, method: 'merge', mergedId: e.mergedId } });
      }
    }
    await consentRepo.deleteStates(tx, e.mergedId);
    await consentRepo.upsertStates(tx, keep);
    const moved = await consentRepo.moveEvents(tx, e.mergedId, e.survivorId);
    await this.activities.append(tx, activities);
    return { consentEvents: moved };
  }

  /** Consent follows a profile that was merged away to the one it lives in now. */
  private async liveIds(tx: Tx, ids: string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (const r of await consentRepo.liveness(tx, ids)) out.set(r.id, r.merged_into ? await this.customers.liveId(tx, r.id) : r.id);
    const missing = ids.find((id) => !out.has(id));
    if (missing) throw notFound(`No customer with id ${missing}.`);
    const locked = await consentRepo.lock(tx, [...new Set(out.values())]);
    // Merged while we waited for the lock: follow once more (the merge has committed by now).
    for (const r of locked.filter((x) => x.merged_into)) {
      const to = await this.customers.liveId(tx, r.id);
      for (const [k, v] of out) if (v === r.id) out.set(k, to);
      await consentRepo.lock(tx, [to]);
    }
    return out;
  }
}
