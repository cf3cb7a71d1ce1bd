import { randomBytes } from 'node:crypto';
import { sql, type SqlBool } from 'kysely';
import { audit, type Actor } from '../../platform/audit/audit.ts';
import type { Db, Executor, Tx } from '../../platform/db/db.ts';
import { badRequest, conflict, notFound, type FieldError } from '../../platform/http/problem.ts';
import { newId } from '../../platform/ids.ts';
import { getStoreSettings } from '../../platform/settings.ts';
import { loadCatalogue } from '../segments/segments.fields.ts';
import { describeTrigger, flowDefinitionSchema, WAIT_TYPES, type FlowDefinition } from './flows.definition.ts';
import type { FlowVersions } from './flows.engine.ts';
import type { FlowDetail, FlowSummary, Journey } from './flows.schemas.ts';
import { emptyStats, emptyStepStats, flowsStats } from './flows.stats.ts';
import type { FlowRow, FlowStatus, RunStatus } from './flows.tables.ts';
import type { FlowTriggers } from './flows.triggers.ts';
import { checkGraph, checkReferences, parseFlowDefinition, type FlowCatalogue } from './flows.validate.ts';
import type { FlowWebhookCaller } from './flows.webhook.ts';

export interface FlowsServiceDeps {
  db: Db;
  triggers: FlowTriggers;
  versions: FlowVersions;
  webhook: FlowWebhookCaller;
}

const invalid = (errors: FieldError[]) => badRequest(errors.map((e) => `${e.pointer.replace('/body/definition', 'definition')}: ${e.detail}`).join('; '), errors);

function triggerColumns(def: FlowDefinition) {
  const t = def.trigger;
  return { trigger_type: t.type, trigger_activity: t.type === 'activity' ? t.activity : null, trigger_segment_id: t.type === 'segment' ? t.segmentId : null };
}

/** Flows: definitions (validated, versioned), their status, enrolment, reports. The engine and triggers do the running. */
export class FlowsService {
  private readonly deps: FlowsServiceDeps;
  private readonly db: Db;

  constructor(deps: FlowsServiceDeps) {
    this.deps = deps;
    this.db = deps.db;
  }

  /** What a definition may refer to. */
  async catalogue(db: Executor = this.db): Promise<FlowCatalogue> {
    const [segments, templates, attrs, users] = await Promise.all([
      loadCatalogue(db),
      db.selectFrom('message_templates').select(['id', 'name', 'channel', 'archived_at']).execute(),
      db.selectFrom('attribute_definitions').select(['key', 'type']).execute(),
      db.selectFrom('users').select('id').execute(),
    ]);
    return {
      segments,
      templates: new Map(templates.map((t) => [t.id, { name: t.name, channel: t.channel, archived: t.archived_at !== null }])),
      attributes: new Map(attrs.map((a) => [a.key, a.type])),
      users: new Set(users.map((u) => u.id)),
      checkUrl: (u) => this.deps.webhook.checkUrl(u),
    };
  }

  /** Parses and checks a definition sent by a client; 400 naming every wrong step. */
  async checkDefinition(raw: unknown, db: Executor = this.db): Promise<FlowDefinition> {
    const parsed = parseFlowDefinition(raw, '/body/definition');
    if (!parsed.definition) throw invalid(parsed.errors);
    const graph = checkGraph(parsed.definition, '/body/definition');
    if (graph.length) throw invalid(graph);
    const refs = checkReferences(parsed.definition, await this.catalogue(db), '/body/definition');
    if (refs.length) throw invalid(refs);
    return parsed.definition;
  }

  private async current(db: Executor, id: string): Promise<{ flow: FlowRow; def: FlowDefinition }> {
    const flow = await db.selectFrom('flows').selectAll().where('id', '=', id).executeTakeFirst();
    if (!flow) throw notFound(`No flow ${id}.`);
    const v = await db.selectFrom('flow_versions').select('definition').where('flow_id', '=', id).where('version', '=', flow.version).executeTakeFirstOrThrow();
    return { flow, def: flowDefinitionSchema.parse(v.definition) };
  }

  private async summaries(rows: FlowRow[], db: Executor = this.db): Promise<FlowSummary[]> {
    if (!rows.length) return [];
    const store = await getStoreSettings(db);
    const [stats, defs, segs] = await Promise.all([
      flowsStats.byFlow(db, store.currency, rows.length === 1 ? rows[0]!.id : undefined),
      db.selectFrom('flow_versions').select(['flow_id', 'version', 'definition']).where((eb) => eb.or(rows.map((r) => eb.and([eb('flow_id', '=', r.id), eb('version', '=', r.version)])))).execute(),
      db.selectFrom('segments').select(['id', 'name']).execute(),
    ]);
    const names = { segments: Object.fromEntries(segs.map((s) => [s.id, s.name])) };
    const defOf = new Map(defs.map((d) => [d.flow_id, flowDefinitionSchema.parse(d.definition)]));
    return rows.map((r) => {
      const def = defOf.get(r.id)!;
      return {
        id: r.id, name: r.name, description: r.description, status: r.status, version: r.version, builtinKey: r.builtin_key, trigger: def.trigger,
        triggerSummary: describeTrigger(def.trigger, names), stepCount: def.steps.length, stats: stats.get(r.id) ?? emptyStats(), currency: store.currency,
        createdBy: r.created_by, createdAt: r.created_at, updatedAt: r.updated_at, enabledAt: r.enabled_at,
      };
    });
  }

  async list(): Promise<FlowSummary[]> {
    const rows = await this.db.selectFrom('flows').selectAll().where('status', '<>', 'archived').orderBy('created_at', 'desc').execute();
    return this.summaries(rows);
  }

  async get(id: string): Promise<FlowDetail> {
    const { flow, def } = await this.current(this.db, id);
    const [summary] = await this.summaries([flow]);
    const steps = await flowsStats.bySteps(this.db, id, summary!.currency);
    for (const s of def.steps) steps[s.id] ??= emptyStepStats();
    return { ...summary!, definition: def, webhookSecret: flow.webhook_secret, steps, versions: await flowsStats.versions(this.db, id) };
  }

  async version(id: string, version: number): Promise<{ version: number; definition: unknown; createdBy: string; createdAt: Date }> {
    const v = await this.db.selectFrom('flow_versions').selectAll().where('flow_id', '=', id).where('version', '=', version).executeTakeFirst();
    if (!v) throw notFound(`Flow ${id} has no version ${version}.`);
    return { version: v.version, definition: v.definition, createdBy: v.created_by, createdAt: v.created_at };
  }

  /** Creates a flow (a draft unless `status` says live) in `tx`. */
  async createInTx(tx: Tx, actor: Actor, b: { name: string; description: string; definition: FlowDefinition; builtinKey?: string; status?: 'draft' | 'live' }): Promise<string> {
    const id = newId();
    const now = new Date();
    const live = b.status === 'live';
    if (live && !b.definition.start) throw conflict('A flow needs at least one step before it can go live.', 'flow-empty');
    await tx.insertInto('flows').values({
      id, name: b.name, description: b.description, status: live ? 'live' : 'draft', version: 1, builtin_key: b.builtinKey ?? null, ...triggerColumns(b.definition),
      webhook_secret: `whsec_${randomBytes(32).toString('base64')}`, created_by: actor.label, created_at: now, updated_at: now, enabled_at: live ? now : null,
    }).execute();
    await tx.insertInto('flow_versions').values({ flow_id: id, version: 1, definition: JSON.stringify(b.definition), created_by: actor.label, created_at: now }).execute();
    await audit.record(tx, actor, { action: 'flow.created', entityType: 'flow', entityId: id, summary: `Created flow "${b.name}"${live ? ' (live)' : ''}`, after: { name: b.name, definition: b.definition } });
    return id;
  }

  async create(actor: Actor, b: { name: string; description: string; definition: unknown }): Promise<FlowDetail> {
    const definition = await this.checkDefinition(b.definition);
    const id = await this.db.transaction().execute((tx) => this.createInTx(tx, actor, { ...b, definition }));
    await this.afterSave();
    return this.get(id);
  }

  /** This process's triggers follow a saved flow at once (other processes within FlowTriggers.TTL_MS). */
  async afterSave(): Promise<void> {
    await this.deps.triggers.reload();
  }

  /**
   * Renames, or saves a new version. Runs in flight stay on their version unless `moveInFlight`:
   * then each moves to the step with the same id in the new version, and runs at a step that no
   * longer exists (or waits no more) exit, their queued messages cancelled.
   */
  async update(actor: Actor, id: string, b: { name?: string; description?: string; definition?: unknown; moveInFlight: boolean }): Promise<FlowDetail & { moved: { moved: number; exited: number } | null }> {
    const checked = b.definition !== undefined ? await this.checkDefinition(b.definition) : null;
    const moved = await this.db.transaction().execute(async (tx) => {
      const flow = await tx.selectFrom('flows').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
      if (!flow) throw notFound(`No flow ${id}.`);
      if (flow.status === 'archived') throw conflict('This flow is archived; create a new one instead.', 'flow-archived');
      const cur = flowDefinitionSchema.parse((await tx.selectFrom('flow_versions').select('definition').where('flow_id', '=', id).where('version', '=', flow.version).executeTakeFirstOrThrow()).definition);
      const changed = checked !== null && JSON.stringify(checked) !== JSON.stringify(cur);
      if (changed && flow.status === 'live' && !checked.start) throw conflict('A live flow needs at least one step: pause it first to empty it.', 'flow-empty');
      const version = changed ? flow.version + 1 : flow.version;
      const now = new Date();
      await tx.updateTable('flows').set({ name: b.name ?? flow.name, description: b.description ?? flow.description, version, updated_at: now, ...(changed ? triggerColumns(checked) : {}) }).where('id', '=', id).execute();
      let result: { moved: number; exited: number } | null = null;
      if (changed) {
        await tx.insertInto('flow_versions').values({ flow_id: id, version, definition: JSON.stringify(checked), created_by: actor.label, created_at: now }).execute();
        if (b.moveInFlight) result = await this.moveRuns(tx, id, version, checked, now);
      }
      await audit.record(tx, actor, {
        action: 'flow.updated', entityType: 'flow', entityId: id,
        summary: `Updated flow "${b.name ?? flow.name}"${changed ? ` (version ${version}${result ? `; ${result.moved} in flight moved, ${result.exited} exited` : ''})` : ''}`,
        before: { name: flow.name, description: flow.description, definition: cur }, after: { name: b.name ?? flow.name, description: b.description ?? flow.description, definition: checked ?? cur },
      });
      return result;
    });
    if (b.name) this.deps.versions.rename(id, b.name);
    await this.deps.triggers.reload();
    return { ...(await this.get(id)), moved };
  }

  private async moveRuns(tx: Tx, id: string, version: number, def: FlowDefinition, now: Date): Promise<{ moved: number; exited: number }> {
    const all = def.steps.map((s) => s.id);
    const waits = def.steps.filter((s) => WAIT_TYPES.has(s.type)).map((s) => s.id);
    const r = await sql<{ id: string }>`
      update flow_runs set version = ${version}, updated_at = ${now}
      where flow_id = ${id}::uuid and version <> ${version} and ((status = 'active' and step_id = any(${all}::text[])) or (status = 'waiting' and step_id = any(${waits}::text[])))
      returning id`.execute(tx);
    const exited = await this.deps.triggers.exit(tx, sql<SqlBool>`r.flow_id = ${id}::uuid and r.version <> ${version}`, `not moved to version ${version}: its step is gone there (or no longer waits)`, now);
    return { moved: r.rows.length, exited };
  }

  async setStatus(actor: Actor, id: string, status: 'live' | 'paused'): Promise<FlowDetail> {
    await this.db.transaction().execute(async (tx) => {
      const flow = await tx.selectFrom('flows').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
      if (!flow) throw notFound(`No flow ${id}.`);
      if (flow.status === 'archived') throw conflict('This flow is archived.', 'flow-archived');
      if (flow.status === status) return;
      if (status === 'live') {
        const { def } = await this.current(tx, id);
        if (!def.start) throw conflict('Add at least one step before switching the flow on.', 'flow-empty');
        // Templates or segments may have gone since it was saved.
        const refs = checkReferences(def, await this.catalogue(tx), '/definition');
        if (refs.length) throw conflict(`The flow cannot go live: ${refs.map((e) => e.detail).join('; ')}. Edit it first.`, 'flow-invalid');
      }
      const now = new Date();
      await tx.updateTable('flows').set({ status, updated_at: now, ...(status === 'live' ? { enabled_at: now } : {}) }).where('id', '=', id).execute();
      await audit.record(tx, actor, { action: status === 'live' ? 'flow.enabled' : 'flow.paused', entityType: 'flow', entityId: id, summary: `${status === 'live' ? 'Switched on' : 'Paused'} flow "${flow.name}"`, before: { status: flow.status }, after: { status } });
    });
    await this.deps.triggers.reload();
    return this.get(id);
  }

  /** Archives a flow: no new runs; runs in flight exit and their queued messages are cancelled. */
  async archive(actor: Actor, id: string): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      const flow = await tx.selectFrom('flows').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
      if (!flow || flow.status === 'archived') throw notFound(`No flow ${id}.`);
      await tx.updateTable('flows').set({ status: 'archived', updated_at: new Date() }).where('id', '=', id).execute();
      const exited = await this.deps.triggers.exit(tx, sql<SqlBool>`r.flow_id = ${id}::uuid`, 'the flow was archived');
      await audit.record(tx, actor, { action: 'flow.archived', entityType: 'flow', entityId: id, summary: `Archived flow "${flow.name}" (${exited} in flight exited)`, before: { status: flow.status } });
    });
    await this.deps.triggers.reload();
  }

  /** Enrols customers by hand (any trigger type); the flow must be live. */
  async enrol(actor: Actor, id: string, customerIds: string[]): Promise<{ enrolled: number; skipped: number }> {
    const unique = [...new Set(customerIds)];
    const enrolled = await this.db.transaction().execute(async (tx) => {
      const { flow, def } = await this.current(tx, id);
      if (flow.status !== 'live') throw conflict(`Switch the flow on before enrolling customers (it is ${flow.status}).`, 'flow-not-live');
      const found = await tx.selectFrom('customers').select('id').where('id', 'in', unique).execute();
      if (found.length !== unique.length) {
        const have = new Set(found.map((f) => f.id));
        const missing = unique.map((c, i) => ({ c, i })).filter((x) => !have.has(x.c));
        throw badRequest(`No customer ${missing[0]!.c}.`, missing.map((m) => ({ pointer: `/body/customerIds/${m.i}`, detail: 'is not a customer' })));
      }
      const n = await this.deps.triggers.enrol(tx, { id, version: flow.version, def }, unique);
      await audit.record(tx, actor, { action: 'flow.enrolled', entityType: 'flow', entityId: id, summary: `Enrolled ${n} of ${unique.length} customers in flow "${flow.name}"`, after: { customerIds: unique.slice(0, 100) } });
      return n;
    });
    return { enrolled, skipped: unique.length - enrolled };
  }

  async runs(id: string, q: { status?: RunStatus; stepId?: string; cursor?: string; limit: number }) {
    if (!(await this.db.selectFrom('flows').select('id').where('id', '=', id).executeTakeFirst())) throw notFound(`No flow ${id}.`);
    return flowsStats.runs(this.db, id, q);
  }

  /** A customer's journeys: every run with its steps (named from its version) and messages. */
  async journeys(customerId: string): Promise<Journey[]> {
    const j = await flowsStats.journeys(this.db, customerId);
    const versions = await this.deps.versions.load(this.db, j.runs.map((r) => ({ flowId: r.flow_id, version: r.version })));
    return j.runs.map((r) => {
      const v = versions.get(`${r.flow_id}:${r.version}`);
      const stepOf = (sid: string | null) => (sid ? v?.steps.get(sid) : undefined);
      return {
        runId: r.id, flowId: r.flow_id, flowName: r.name, version: r.version, status: r.status, stepId: r.step_id, stepName: stepOf(r.step_id)?.name ?? r.step_id,
        dueAt: r.due_at, enteredAt: r.entered_at, exitedAt: r.exited_at, exitReason: r.exit_reason, goalAt: r.goal_at,
        steps: j.steps.filter((s) => s.run_id === r.id).map((s) => ({
          stepId: s.step_id, name: stepOf(s.step_id)?.name ?? s.step_id, type: stepOf(s.step_id)?.type ?? 'unknown', status: s.status, branch: s.branch,
          startedAt: s.started_at, dueAt: s.due_at, doneAt: s.done_at, detail: s.detail,
        })),
        messages: j.msgs.filter((m) => m.flow_run_id === r.id).map((m) => ({
          id: m.id, stepId: m.flow_step_id, channel: m.channel, status: m.status, skipReason: m.skip_reason, subject: m.subject, createdAt: m.created_at, sentAt: m.sent_at, openedAt: m.opened_at, clickedAt: m.clicked_at,
        })),
      };
    });
  }

  async tasks(status: 'open' | 'done', limit: number) {
    return flowsStats.tasks(this.db, status, limit);
  }

  async completeTask(actor: Actor, id: string): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      const t = await tx.updateTable('flow_tasks').set({ status: 'done', done_at: new Date(), done_by: actor.label }).where('id', '=', id).where('status', '=', 'open').returningAll().executeTakeFirst();
      if (!t) {
        if (await tx.selectFrom('flow_tasks').select('id').where('id', '=', id).executeTakeFirst()) return;
        throw notFound(`No task ${id}.`);
      }
      await audit.record(tx, actor, { action: 'flow_task.done', entityType: 'flow_task', entityId: id, summary: `Marked flow task "${t.title}" done` });
    });
  }

  async discountCodes(since: Date | undefined, limit: number) {
    return flowsStats.discountCodes(this.db, since, limit);
  }

  /** Personal data this part holds about a customer (runs, tasks, codes), for exports. */
  async exportCustomer(customerId: string): Promise<Record<string, unknown>> {
    return {
      flowJourneys: await this.journeys(customerId),
      flowTasks: await this.db.selectFrom('flow_tasks').selectAll().where('customer_id', '=', customerId).execute(),
      discountCodes: await this.db.selectFrom('discount_codes').selectAll().where('customer_id', '=', customerId).execute(),
    };
  }

  /** Flows with this built-in key (not archived). */
  async byBuiltin(db: Executor = this.db): Promise<Map<string, { id: string; status: FlowStatus }>> {
    const rows = await db.selectFrom('flows').select(['id', 'status', 'builtin_key']).where('builtin_key', 'is not', null).where('status', '<>', 'archived').execute();
    return new Map(rows.map((r) => [r.builtin_key!, { id: r.id, status: r.status }]));
  }
}
