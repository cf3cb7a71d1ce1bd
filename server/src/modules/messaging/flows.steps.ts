import { randomInt } from 'node:crypto';
import type { Actor } from '../../platform/audit/audit.ts';
import type { Tx } from '../../platform/db/db.ts';
import { newId } from '../../platform/ids.ts';
import { getStoreSettings } from '../../platform/settings.ts';
import { zoneOr } from '../../platform/zoned.ts';
import { compileDefinition } from '../segments/segments.compile.ts';
import { loadCatalogue, type Catalogue } from '../segments/segments.fields.ts';
import type { MessageSender } from './send.service.ts';
import type { SendRequest } from './send.types.ts';
import { randomBranch, WAIT_TYPES, type FlowDefinition, type Step } from './flows.definition.ts';
import { flowsRepo, type ClaimedRun, type StepRow } from './flows.repo.ts';
import { waitDueAt } from './flows.timing.ts';

/** What the engine needs of the message sender: enqueue in the step's transaction, cancel on exit. */
export type FlowSender = Pick<MessageSender, 'enqueue' | 'enqueueMany' | 'cancel'>;

/** Tags through the customers module (CustomerEditService.bulkTagInTx): only changed profiles get a Profile Updated activity. */
export type Tagger = (tx: Tx, actor: Actor, ids: string[], add: string[], remove: string[]) => Promise<number>;
/** Sets one custom attribute on many profiles (CustomerEditService.bulkSetAttributeInTx): the customers module owns profile writes. */
export type AttributeSetter = (tx: Tx, actor: Actor, ids: string[], key: string, value: unknown) => Promise<number>;

/** A run moving through a batch. */
export interface Cursor {
  run: ClaimedRun;
  def: FlowDefinition;
  flowName: string;
  steps: Map<string, Step>;
  vars: Record<string, unknown>;
  varsChanged: boolean;
  /** The step the run enters next. */
  at: string;
}

/** What became of a run at a step. */
export type Outcome =
  | { kind: 'continue'; next: string | null }
  | { kind: 'park'; status: 'waiting' | 'active'; dueAt: Date; waitFor: string[] | null }
  | { kind: 'exit'; reason: string };

/** A webhook to call after the batch commits. */
export interface WebhookCall {
  runId: string;
  flowId: string;
  stepId: string;
  url: string;
  next: string | null;
}

/** Per-batch lookups, loaded only when a step needs them. */
export class BatchContext {
  private zones: Map<string, string | null> | undefined;
  private storeZone: string | undefined;
  private currency: string | undefined;
  private catalogue: Catalogue | undefined;
  readonly webhooks: WebhookCall[] = [];
  readonly tx: Tx;
  readonly now: Date;
  private readonly customerIds: string[];

  constructor(tx: Tx, now: Date, customerIds: string[]) {
    this.tx = tx;
    this.now = now;
    this.customerIds = customerIds;
  }

  async store(): Promise<{ timeZone: string; currency: string }> {
    if (this.storeZone === undefined || this.currency === undefined) {
      const s = await getStoreSettings(this.tx);
      this.storeZone = zoneOr(s.timeZone, 'UTC');
      this.currency = s.currency;
    }
    return { timeZone: this.storeZone, currency: this.currency };
  }

  /** The customer's own time zone, else the store's. */
  async zoneOf(customerId: string): Promise<string> {
    this.zones ??= await flowsRepo.customerZones(this.tx, this.customerIds);
    return zoneOr(this.zones.get(customerId), (await this.store()).timeZone);
  }

  async segmentCatalogue(): Promise<Catalogue> {
    this.catalogue ??= await loadCatalogue(this.tx);
    return this.catalogue;
  }
}

export interface StepDeps {
  sender: FlowSender;
  tagger: Tagger;
  setAttribute: AttributeSetter;
  /** How long a webhook step holds its run while the call is made (another worker then treats it as interrupted). */
  webhookLeaseMs: number;
}

const CODE_CHARS = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
/** A code no one guesses: 8 characters of an alphabet without look-alikes (O/0, I/1), about 40 bits. */
export function discountCode(prefix: string): string {
  let s = '';
  for (let i = 0; i < 8; i++) s += CODE_CHARS[randomInt(CODE_CHARS.length)];
  return prefix ? `${prefix}-${s}` : s;
}

const flowActor = (c: Cursor): Actor => ({ type: 'system', id: null, label: `flow "${c.flowName}"` });

/**
 * Executes one step for every run of the batch standing at it, set-based: one statement per kind
 * of work for the whole group. The (run, step) row is inserted first; only runs whose row is new do
 * the step's work, so a step recorded before (by a transaction that committed) is never done again.
 */
export async function executeStep(deps: StepDeps, ctx: BatchContext, s: Step, cs: Cursor[]): Promise<Map<Cursor, Outcome>> {
  const { tx, now } = ctx;
  const out = new Map<Cursor, Outcome>();
  const plan = new Map<Cursor, { row: StepRow; outcome: Outcome }>();
  const flowId = cs[0]!.run.flow_id;
  const row = (c: Cursor, status: StepRow['status'], outcome: string | null, branch: string | null, extra: Partial<StepRow> = {}): StepRow =>
    ({ run_id: c.run.id, step_id: s.id, flow_id: flowId, status, outcome, branch, due_at: null, done_at: status === 'done' ? now : null, detail: null, ...extra });

  if (WAIT_TYPES.has(s.type)) {
    for (const c of cs) {
      const tz = s.type === 'waitUntil' ? await ctx.zoneOf(c.run.customer_id) : 'UTC';
      const dueAt = waitDueAt(s as Extract<Step, { type: 'wait' | 'waitUntil' | 'waitFor' }>, now, tz);
      plan.set(c, { row: row(c, 'waiting', null, null, { due_at: dueAt, detail: s.type === 'waitUntil' ? { timeZone: tz } : null }), outcome: { kind: 'park', status: 'waiting', dueAt, waitFor: s.type === 'waitFor' ? s.activities : null } });
    }
  } else if (s.type === 'split') {
    const cat = await ctx.segmentCatalogue();
    const pred = compileDefinition(s.condition, { cat, mode: 'probe', now, timeZone: (await ctx.store()).timeZone });
    const yes = await flowsRepo.matching(tx, cs.map((c) => c.run.customer_id), pred);
    for (const c of cs) {
      const hit = yes.has(c.run.customer_id);
      plan.set(c, { row: row(c, 'done', hit ? s.yes : s.no, hit ? 'yes' : 'no'), outcome: { kind: 'continue', next: hit ? s.yes : s.no } });
    }
  } else if (s.type === 'random') {
    for (const c of cs) {
      const b = s.branches[randomBranch(s, c.run.id)]!;
      const outcome: Outcome = b.holdout ? { kind: 'exit', reason: `control group "${b.label}" (holdout)` } : { kind: 'continue', next: b.next };
      plan.set(c, { row: row(c, 'done', b.holdout ? null : b.next, b.label), outcome });
    }
  } else if (s.type === 'webhook') {
    const dueAt = new Date(now.getTime() + deps.webhookLeaseMs);
    for (const c of cs) plan.set(c, { row: row(c, 'started', null, null), outcome: { kind: 'park', status: 'active', dueAt, waitFor: null } });
  } else {
    for (const c of cs) plan.set(c, { row: row(c, 'done', s.next, 'next'), outcome: { kind: 'continue', next: s.next } });
  }

  const fresh = await flowsRepo.insertSteps(tx, [...plan.values()].map((p) => p.row));
  const done = cs.filter((c) => fresh.has(c.run.id));
  const again = cs.filter((c) => !fresh.has(c.run.id));
  if (done.length) await doWork(deps, ctx, s, done);
  for (const c of done) out.set(c, plan.get(c)!.outcome);
  if (again.length) {
    // Executed before (a batch that committed its step rows): follow what was recorded, do nothing twice.
    const recorded = await flowsRepo.stepRows(tx, again.map((c) => c.run.id), s.id);
    const interrupted: Cursor[] = [];
    for (const c of again) {
      const r = recorded.get(c.run.id);
      if (r?.status === 'waiting' && r.due_at) out.set(c, { kind: 'park', status: 'waiting', dueAt: r.due_at, waitFor: s.type === 'waitFor' ? s.activities : null });
      else if (r?.status === 'started') {
        interrupted.push(c);
        out.set(c, { kind: 'continue', next: 'next' in s ? (s.next ?? null) : null });
      } else out.set(c, { kind: 'continue', next: r?.outcome ?? null });
    }
    if (interrupted.length) {
      // A webhook whose worker stopped between recording and finishing the call: at most once, so it is not called again.
      await flowsRepo.finishSteps(tx, interrupted.map((c) => ({ run_id: c.run.id, step_id: s.id, status: 'failed', outcome: 'next' in s ? (s.next ?? null) : null, branch: 'next', detail: { error: 'Interrupted: the worker stopped during the call; not called again (at most once).' } })), ['started'], now);
    }
  }
  return out;
}

/** The step's effect for runs executing it for the first time. */
async function doWork(deps: StepDeps, ctx: BatchContext, s: Step, cs: Cursor[]): Promise<void> {
  const { tx, now } = ctx;
  const ids = cs.map((c) => c.run.customer_id);
  switch (s.type) {
    case 'email':
    case 'sms': {
      const reqs: SendRequest[] = cs.map((c) => ({
        customerId: c.run.customer_id, channel: s.type, kind: s.kind, purpose: 'flow', dedupeKey: `flow:${c.run.id}:${s.id}`, templateId: s.templateId,
        flowId: c.run.flow_id, flowVersion: c.run.version, flowRunId: c.run.id, flowStepId: s.id, vars: c.vars, ...(s.type === 'email' && s.topic ? { topic: s.topic } : {}),
      }));
      if (reqs.length === 1) await deps.sender.enqueue(tx, reqs[0]!);
      else await deps.sender.enqueueMany(tx, reqs);
      return;
    }
    case 'tag':
      await deps.tagger(tx, flowActor(cs[0]!), ids, s.add, s.remove);
      return;
    case 'attribute':
      await deps.setAttribute(tx, flowActor(cs[0]!), ids, s.key, s.value);
      return;
    case 'task':
      await tx.insertInto('flow_tasks').values(cs.map((c) => ({
        id: newId(), flow_id: c.run.flow_id, run_id: c.run.id, step_id: s.id, customer_id: c.run.customer_id, title: s.title, body: s.body, assignee_id: s.assigneeId ?? null, created_at: now,
      }))).onConflict((oc) => oc.columns(['run_id', 'step_id']).doNothing()).execute();
      return;
    case 'discount': {
      const { currency } = await ctx.store();
      const expires = new Date(now.getTime() + s.expiresInDays * 86_400_000);
      const codes = cs.map((c) => ({ c, code: discountCode(s.prefix) }));
      await tx.insertInto('discount_codes').values(codes.map(({ c, code }) => ({
        id: newId(), code, flow_id: c.run.flow_id, run_id: c.run.id, step_id: s.id, customer_id: c.run.customer_id, kind: s.kind, value: s.value,
        currency: s.kind === 'amount' ? currency : null, expires_at: expires, created_at: now,
      }))).execute();
      for (const { c, code } of codes) {
        c.vars = { ...c.vars, discount_code: code, discount: { code, kind: s.kind, value: s.value, currency: s.kind === 'amount' ? currency : null, expires_at: expires.toISOString() } };
        c.varsChanged = true;
      }
      return;
    }
    case 'webhook':
      for (const c of cs) ctx.webhooks.push({ runId: c.run.id, flowId: c.run.flow_id, stepId: s.id, url: s.url, next: s.next });
      return;
    default:
      return;
  }
}
