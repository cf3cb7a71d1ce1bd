import { sql } from 'kysely';
import type { Logger } from 'pino';
import { isConnectionError, type Db, type Executor, type Tx } from '../../platform/db/db.ts';
import { flowDefinitionSchema, type FlowDefinition, type Step } from './flows.definition.ts';
import { flowsRepo, type ClaimedRun, type RunUpdate } from './flows.repo.ts';
import { BatchContext, executeStep, type Cursor, type Outcome, type StepDeps, type WebhookCall } from './flows.steps.ts';
import type { FlowWebhookCaller } from './flows.webhook.ts';

/** A version's definition, parsed once: versions are frozen, so the cache never goes stale. */
export interface LoadedVersion {
  def: FlowDefinition;
  steps: Map<string, Step>;
  name: string;
}

export class FlowVersions {
  private cache = new Map<string, LoadedVersion>();

  async load(db: Executor, keys: { flowId: string; version: number }[]): Promise<Map<string, LoadedVersion>> {
    const missing = [...new Map(keys.map((k) => [`${k.flowId}:${k.version}`, k])).entries()].filter(([k]) => !this.cache.has(k)).map(([, v]) => v);
    for (const r of await flowsRepo.versions(db, missing)) {
      const def = flowDefinitionSchema.parse(r.definition);
      this.cache.set(`${r.flow_id}:${r.version}`, { def, steps: new Map(def.steps.map((s) => [s.id, s])), name: r.name });
    }
    const out = new Map<string, LoadedVersion>();
    for (const k of keys) {
      const v = this.cache.get(`${k.flowId}:${k.version}`);
      if (v) out.set(`${k.flowId}:${k.version}`, v);
    }
    return out;
  }

  /** Flow names change; definitions do not. */
  rename(flowId: string, name: string): void {
    for (const [k, v] of this.cache) if (k.startsWith(`${flowId}:`)) v.name = name;
  }
}

export interface EngineOptions {
  /** Runs claimed per transaction. */
  batchSize: number;
  /** How often an idle engine looks for due runs. */
  intervalMs: number;
  /** Claiming loops per process (several processes may run the engine too). */
  concurrency: number;
  webhookLeaseMs: number;
  /** Webhook calls in flight at once, per process. */
  webhookConcurrency: number;
}

export interface EngineDeps extends Omit<StepDeps, 'webhookLeaseMs'> {
  db: Db;
  versions: FlowVersions;
  webhook: FlowWebhookCaller;
  log: Logger;
}

const MAX_ROUNDS = 200;
/** Postgres errors that pass: deadlock, serialization failure, lock not available, statement timeout. */
const TRANSIENT = new Set(['40P01', '40001', '55P03', '57014']);

/**
 * The flow engine. A ticker claims due runs in batches (FOR UPDATE SKIP LOCKED, so several loops
 * and worker processes share the work) and moves each through its instant steps until a wait or the
 * end, one set-based statement per step and kind of work — not a job per customer per step — so
 * 100,000 customers entering at once are all on time (docs/messaging.md "Flows").
 */
export class FlowEngine {
  readonly options: EngineOptions = { batchSize: 1000, intervalMs: 1000, concurrency: 2, webhookLeaseMs: 120_000, webhookConcurrency: 8 };
  private readonly deps: EngineDeps;
  private loops: Promise<void>[] = [];
  private stopped = true;
  private timers = new Set<NodeJS.Timeout>();
  private wakers = new Set<() => void>();

  constructor(deps: EngineDeps, options: Partial<EngineOptions> = {}) {
    this.deps = deps;
    Object.assign(this.options, options);
  }

  /**
   * Claims one batch of due runs and advances them; webhooks are called after the commit.
   * Returns how many runs it claimed. A batch that fails is retried run by run, so one broken run
   * fails alone instead of holding back the others.
   */
  async runOnce(now = new Date(), limit = this.options.batchSize): Promise<number> {
    let calls: WebhookCall[] = [];
    let claimed: string[] = [];
    try {
      await this.deps.db.transaction().execute(async (tx) => {
        const runs = await flowsRepo.claimDue(tx, now, limit);
        claimed = runs.map((r) => r.id);
        calls = await this.advance(tx, runs, now);
      });
    } catch (err) {
      if (!claimed.length) throw err;
      this.deps.log.warn({ err, runs: claimed.length }, 'flow batch failed; retrying its runs one by one');
      calls = [];
      for (const id of claimed) calls.push(...(await this.runAlone(id, now)));
    }
    if (calls.length) await this.callWebhooks(calls);
    return claimed.length;
  }

  private async runAlone(id: string, now: Date): Promise<WebhookCall[]> {
    try {
      return await this.deps.db.transaction().execute(async (tx) => this.advance(tx, await flowsRepo.claimDue(tx, now, 1, [id]), now));
    } catch (err) {
      // A lost connection, a deadlock or a timeout says nothing about the run: it stays due and is tried again.
      if (isConnectionError(err) || TRANSIENT.has((err as { code?: string }).code ?? '')) throw err;
      this.deps.log.error({ err, runId: id }, 'flow run failed');
      const message = err instanceof Error ? err.message : String(err);
      await this.deps.db.updateTable('flow_runs').set({ status: 'failed', last_error: message.slice(0, 2000), due_at: null, exited_at: now, exit_reason: 'failed: ' + message.slice(0, 200), updated_at: now })
        .where('id', '=', id).where('status', 'in', ['active', 'waiting']).execute();
      return [];
    }
  }

  /** Claims and advances until nothing is due (tests, and each tick of the loop). */
  async drain(now?: Date): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await this.runOnce(now ?? new Date());
      total += n;
      if (n < this.options.batchSize) return total;
    }
  }

  /** Moves claimed runs: leaves finished waits, then executes steps round by round until every run waits or ends. */
  async advance(tx: Tx, runs: ClaimedRun[], now: Date): Promise<WebhookCall[]> {
    if (!runs.length) return [];
    const versions = await this.deps.versions.load(tx, runs.map((r) => ({ flowId: r.flow_id, version: r.version })));
    const ctx = new BatchContext(tx, now, [...new Set(runs.map((r) => r.customer_id))]);
    const updates: RunUpdate[] = [];
    const end = (c: Cursor | ClaimedRun, status: RunUpdate['status'], reason: string | null, stepId: string | null) => {
      const run = 'run' in c ? c.run : c;
      updates.push({ id: run.id, status, step_id: stepId, due_at: null, exit_reason: reason, wait_for: null, vars: 'run' in c && c.varsChanged ? c.vars : null });
    };

    let pending: Cursor[] = [];
    const leaving: Cursor[] = [];
    for (const run of runs) {
      const v = versions.get(`${run.flow_id}:${run.version}`);
      if (!v) {
        end(run, 'failed', 'failed: the flow version is missing', run.step_id);
        continue;
      }
      if (!run.step_id || !v.steps.has(run.step_id)) {
        end(run, 'exited', run.step_id ? `step "${run.step_id}" no longer exists` : 'nothing to do', run.step_id);
        continue;
      }
      const c: Cursor = { run, def: v.def, flowName: v.name, steps: v.steps, vars: (run.vars ?? {}) as Record<string, unknown>, varsChanged: false, at: run.step_id };
      if (run.status === 'waiting') leaving.push(c);
      else pending.push(c);
    }
    pending.push(...(await this.leaveWaits(tx, leaving, now, (c, reason) => end(c, 'completed', reason, c.at))));

    for (let round = 0; pending.length; round++) {
      if (round > MAX_ROUNDS) throw new Error('flow engine: too many steps in one batch (a loop?)');
      const groups = new Map<string, Cursor[]>();
      for (const c of pending) {
        const k = `${c.run.flow_id}:${c.run.version}:${c.at}`;
        const g = groups.get(k) ?? [];
        g.push(c);
        groups.set(k, g);
      }
      const next: Cursor[] = [];
      for (const g of groups.values()) {
        const step = g[0]!.steps.get(g[0]!.at)!;
        const outcomes = await executeStep({ ...this.deps, webhookLeaseMs: this.options.webhookLeaseMs }, ctx, step, g);
        for (const c of g) this.follow(c, outcomes.get(c)!, step, next, updates, end);
      }
      pending = next;
    }
    await flowsRepo.updateRuns(tx, updates, now);
    return ctx.webhooks;
  }

  private follow(c: Cursor, o: Outcome, step: Step, next: Cursor[], updates: RunUpdate[], end: (c: Cursor, status: RunUpdate['status'], reason: string | null, stepId: string | null) => void): void {
    if (o.kind === 'exit') return end(c, 'exited', o.reason, step.id);
    if (o.kind === 'park') {
      updates.push({ id: c.run.id, status: o.status, step_id: step.id, due_at: o.dueAt, exit_reason: null, wait_for: o.waitFor, vars: c.varsChanged ? c.vars : null });
      return;
    }
    if (o.next === null) return end(c, 'completed', null, step.id);
    if (!c.steps.has(o.next)) return end(c, 'exited', `step "${o.next}" no longer exists`, step.id);
    c.at = o.next;
    next.push(c);
  }

  /** Runs whose wait is over: record the wait done and pick the branch (a wait-for: did the activity happen?). */
  private async leaveWaits(tx: Tx, cs: Cursor[], now: Date, complete: (c: Cursor, reason: string | null) => void): Promise<Cursor[]> {
    if (!cs.length) return [];
    // The activity may have arrived while the wait was being recorded: the stream decides, not only the listener's flag.
    const unsure = cs.filter((c) => c.steps.get(c.at)!.type === 'waitFor' && !c.run.wait_matched && c.run.wait_for?.length && c.run.wait_since);
    const happened = await flowsRepo.awaitedHappened(tx, unsure.map((c) => ({ id: c.run.id, customer_id: c.run.customer_id, since: c.run.wait_since!, types: c.run.wait_for! })));
    const rows: Parameters<typeof flowsRepo.finishSteps>[1] = [];
    const onward: Cursor[] = [];
    for (const c of cs) {
      const s = c.steps.get(c.at)!;
      let target: string | null;
      let branch = 'next';
      if (s.type === 'waitFor') {
        const hit = c.run.wait_matched || happened.has(c.run.id);
        target = hit ? s.next : s.timeoutNext;
        branch = hit ? 'happened' : 'timeout';
      } else target = 'next' in s ? (s.next ?? null) : null;
      rows.push({ run_id: c.run.id, step_id: c.at, status: 'done', outcome: target, branch, detail: null });
      if (target === null) complete(c, null);
      else if (!c.steps.has(target)) complete(c, `step "${target}" no longer exists`);
      else {
        c.at = target;
        onward.push(c);
      }
    }
    await flowsRepo.finishSteps(tx, rows, ['waiting'], now);
    return onward;
  }

  /** Calls webhooks of a committed batch (at most once each), then lets their runs go on. */
  private async callWebhooks(calls: WebhookCall[]): Promise<void> {
    const { db, webhook } = this.deps;
    const flows = new Map((await db.selectFrom('flows').select(['id', 'name', 'webhook_secret', 'version']).where('id', 'in', [...new Set(calls.map((c) => c.flowId))]).execute()).map((f) => [f.id, f]));
    const runs = new Map((await sql<{ id: string; key: string | null; entered_at: Date; vars: Record<string, unknown>; customer_id: string; email: string | null; phone: string | null; first_name: string | null; last_name: string | null }>`
      select r.id, r.key, r.entered_at, r.vars, r.customer_id, c.email, c.phone, c.first_name, c.last_name
      from flow_runs r join customers c on c.id = r.customer_id where r.id = any(${calls.map((c) => c.runId)}::uuid[])`.execute(db)).rows.map((r) => [r.id, r]));
    const queue = [...calls];
    const work = async () => {
      for (let c = queue.shift(); c; c = queue.shift()) {
        const f = flows.get(c.flowId);
        const r = runs.get(c.runId);
        if (!f || !r) continue;
        const body = JSON.stringify({
          type: 'flow.step', timestamp: new Date().toISOString(),
          data: {
            flow: { id: f.id, name: f.name }, step: { id: c.stepId }, run: { id: r.id, key: r.key, enteredAt: r.entered_at.toISOString() },
            customer: { id: r.customer_id, email: r.email, phone: r.phone, firstName: r.first_name, lastName: r.last_name }, trigger: r.vars.trigger ?? null,
          },
        });
        const res = await webhook.call(c.url, f.webhook_secret, `${c.runId}:${c.stepId}`, body);
        const at = new Date();
        try {
          await db.transaction().execute(async (tx) => {
            await flowsRepo.finishSteps(tx, [{ run_id: c.runId, step_id: c.stepId, status: res.succeeded ? 'done' : 'failed', outcome: c.next, branch: 'next', detail: { statusCode: res.statusCode, ms: res.responseMs, error: res.error } }], ['started'], at);
            await tx.updateTable('flow_runs').set({ due_at: at, updated_at: at }).where('id', '=', c.runId).where('status', '=', 'active').where('step_id', '=', c.stepId).execute();
          });
        } catch (err) {
          // The lease ends in a while and the run goes on without calling again.
          this.deps.log.warn({ err, runId: c.runId }, 'could not record a webhook step');
        }
        if (!res.succeeded) this.deps.log.info({ runId: c.runId, stepId: c.stepId, error: res.error }, 'flow webhook step failed (not retried: at most once)');
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.options.webhookConcurrency, calls.length) }, work));
    this.wake();
  }

  /** Starts the claiming loops (worker processes). */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    for (let i = 0; i < this.options.concurrency; i++) this.loops.push(this.loop());
  }

  /** Ends the wait of idle loops (runs were created or became due now). */
  wake(): void {
    for (const w of this.wakers) w();
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      let n = 0;
      try {
        n = await this.runOnce();
      } catch (err) {
        if (!this.stopped) this.deps.log.error({ err }, 'flow engine tick failed; retrying');
      }
      if (this.stopped) break;
      if (n >= this.options.batchSize) continue;
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(t);
          this.timers.delete(t);
          this.wakers.delete(done);
          resolve();
        };
        const t = setTimeout(done, this.options.intervalMs);
        this.timers.add(t);
        this.wakers.add(done);
      });
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake();
    await Promise.all(this.loops);
    this.loops = [];
  }
}
