import type { z } from 'zod';
import { audit, type Actor } from '../../platform/audit/audit.ts';
import type { Db, Tx } from '../../platform/db/db.ts';
import { conflict, notFound } from '../../platform/http/problem.ts';
import { newId } from '../../platform/ids.ts';
import type { TemplateSource } from './render.ts';
import { templateIssues } from './templates.check.ts';
import { starterByKey } from './starters/index.ts';
import { BUILTIN_FLOWS, builtinFlow, resolveBuiltin, type TemplateSpec } from './flows.builtins.ts';
import { describeTrigger, flowDefinitionSchema, outline } from './flows.definition.ts';
import type { galleryItemSchema } from './flows.schemas.ts';
import type { FlowsService } from './flows.service.ts';

/**
 * The gallery of ready-made flows: listed with what they do, switched on in one click. Switching
 * one on makes its templates (from the template gallery's starters or flows.templates.ts; a
 * template of the same name is reused) and the flow, live at once.
 */
/** Stands in for the template and segment ids a listed (not yet enabled) flow will get. */
const NIL = '00000000-0000-0000-0000-000000000000';

export class FlowGallery {
  private readonly db: Db;
  private readonly flows: FlowsService;
  /** Installs the built-in segments when one a flow needs is missing (SegmentsService.ensureBuiltins). */
  private readonly ensureSegments: (actor: Actor) => Promise<unknown>;

  constructor(db: Db, flows: FlowsService, ensureSegments: (actor: Actor) => Promise<unknown>) {
    this.db = db;
    this.flows = flows;
    this.ensureSegments = ensureSegments;
  }

  async list(): Promise<z.infer<typeof galleryItemSchema>[]> {
    const installed = await this.flows.byBuiltin();
    return BUILTIN_FLOWS.map((b) => {
      const def = flowDefinitionSchema.parse(resolveBuiltin(b.definition, new Map(), new Map(), NIL));
      return {
        key: b.key, name: b.name, description: b.description,
        triggerSummary: b.segment ? `When a customer enters the ${b.segment.toUpperCase()} segment` : describeTrigger(def.trigger),
        steps: outline(def), templates: b.templates.map((t) => t.name), installed: installed.has(b.key) ? { flowId: installed.get(b.key)!.id, status: installed.get(b.key)!.status } : null,
      };
    });
  }

  /** Switches a ready-made flow on; if it exists already it is switched on again. Returns its id. */
  async enable(actor: Actor, key: string): Promise<{ id: string; created: boolean }> {
    const b = builtinFlow(key);
    if (!b) throw notFound(`There is no ready-made flow "${key}". GET /api/messaging/flows/gallery lists them.`);
    const existing = (await this.flows.byBuiltin()).get(key);
    if (existing) {
      if (existing.status !== 'live') await this.flows.setStatus(actor, existing.id, 'live');
      return { id: existing.id, created: false };
    }
    const segments = new Map<string, string>();
    if (b.segment) {
      let seg = await this.db.selectFrom('segments').select('id').where('builtin_key', '=', b.segment).executeTakeFirst();
      if (!seg) {
        await this.ensureSegments(actor);
        seg = await this.db.selectFrom('segments').select('id').where('builtin_key', '=', b.segment).executeTakeFirst();
      }
      if (!seg) throw conflict(`This flow needs the built-in "${b.segment}" segment, which was deleted. Create a segment for it and build the flow from scratch.`, 'segment-missing');
      segments.set(b.segment, seg.id);
    }
    const id = await this.db.transaction().execute(async (tx) => {
      const templates = new Map<string, string>();
      for (const t of b.templates) templates.set(t.key, await this.ensureTemplate(tx, actor, t));
      const definition = await this.flows.checkDefinition(resolveBuiltin(b.definition, templates, segments), tx);
      const flowId = await this.flows.createInTx(tx, actor, { name: b.name, description: b.description, definition, builtinKey: b.key, status: 'live' });
      await audit.record(tx, actor, { action: 'flow.enabled', entityType: 'flow', entityId: flowId, summary: `Switched on the ready-made flow "${b.name}"` });
      return flowId;
    });
    await this.flows.afterSave();
    return { id, created: true };
  }

  /** A template for a ready-made flow: one of that name if it exists, else a new one (checked like any other). */
  private async ensureTemplate(tx: Tx, actor: Actor, spec: TemplateSpec): Promise<string> {
    const starter = spec.starter ? starterByKey(spec.starter) : undefined;
    const channel = spec.channel ?? starter?.channel ?? 'email';
    const have = await tx.selectFrom('message_templates').select('id').where('name', '=', spec.name).where('channel', '=', channel).where('archived_at', 'is', null).executeTakeFirst();
    if (have) return have.id;
    const body = spec.body ?? starter?.body;
    if (body === undefined) throw new Error(`ready-made flow template ${spec.key} has no body`);
    const src: TemplateSource = { format: starter?.format ?? (channel === 'sms' ? 'text' : 'mjml'), subject: spec.subject ?? starter?.subject ?? '', preheader: spec.preheader ?? starter?.preheader ?? '', body };
    const issues = await templateIssues(src);
    if (issues.length) throw new Error(`ready-made flow template "${spec.name}" does not compile: ${issues.map((i) => i.message).join('; ')}`);
    const id = newId();
    const now = new Date();
    await tx.insertInto('message_templates').values({
      id, name: spec.name, channel, kind: spec.kind ?? starter?.kind ?? 'marketing', ...src, sender_id: null, starter: starter?.key ?? null, archived_at: null, created_by: actor.label, created_at: now, updated_at: now,
    }).execute();
    await tx.insertInto('message_template_versions').values({ template_id: id, version: 1, ...src, saved_by: actor.label, saved_at: now }).execute();
    await audit.record(tx, actor, { action: 'template.created', entityType: 'message_template', entityId: id, summary: `Created template "${spec.name}" for a ready-made flow`, after: { name: spec.name, channel, ...src } });
    return id;
  }
}
