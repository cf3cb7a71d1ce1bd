import { audit, type Actor } from '../../platform/audit/audit.ts';
import type { Db, Tx } from '../../platform/db/db.ts';
import { badRequest, conflict, notFound, type FieldError } from '../../platform/http/problem.ts';
import { newId } from '../../platform/ids.ts';
import type { TemplateRow } from './messaging.tables.ts';
import type { TemplateSource } from './render.ts';
import type { SendRequest } from './send.types.ts';
import { starterByKey } from './starters/index.ts';
import { templateIssues } from './templates.check.ts';
import { templateInvalid, type TemplatePreviews } from './templates.preview.ts';
import { templatesRepo } from './templates.repo.ts';
import type { CreateTemplateBody, Template, TemplateSummary, TestSendBody, UpdateTemplateBody } from './templates.schemas.ts';

/** What test sends need of the MessageSender (send.service.ts). */
export interface Enqueuer {
  enqueue(tx: Tx, req: SendRequest): Promise<{ id: string; created: boolean }>;
}

const summary = (r: TemplateRow): TemplateSummary => ({
  id: r.id, name: r.name, channel: r.channel, kind: r.kind, format: r.format, subject: r.subject, preheader: r.preheader, senderId: r.sender_id,
  starter: r.starter, version: r.version, archivedAt: r.archived_at, createdBy: r.created_by, createdAt: r.created_at, updatedAt: r.updated_at,
});
const full = (r: TemplateRow): Template => ({ ...summary(r), body: r.body });

const EMAIL = /^[^\s@<>()[\],;:"]+@[^\s@<>()[\],;:"]+\.[^\s@<>()[\],;:"]+$/;
const PHONE = /^\+?[0-9][0-9 ().-]{5,30}$/;

/** Message templates: versioned CRUD (every content change is a new version), checked on save; test sends. */
export class TemplatesService {
  private readonly db: Db;
  private readonly previews: TemplatePreviews;
  private readonly sender: Enqueuer;

  constructor(db: Db, previews: TemplatePreviews, sender: Enqueuer) {
    this.db = db;
    this.previews = previews;
    this.sender = sender;
  }

  async list(f: { archived: boolean; channel?: 'email' | 'sms'; q?: string }): Promise<TemplateSummary[]> {
    return (await templatesRepo.list(this.db, f)).map(summary);
  }

  async get(id: string): Promise<Template> {
    const r = await templatesRepo.get(this.db, id);
    if (!r) throw notFound(`No template ${id}.`);
    return full(r);
  }

  /** Refuses a template that would not render: 400 with each issue's part, line and column. */
  private async check(src: TemplateSource, channel: 'email' | 'sms'): Promise<void> {
    const errors: FieldError[] = [];
    if (channel === 'sms' && src.format !== 'text') errors.push({ pointer: '/body/format', detail: 'must be "text" for an SMS template' });
    if (channel === 'email' && src.format !== 'text' && !src.body.trim()) errors.push({ pointer: '/body/body', detail: 'is required: an email needs a body' });
    if (channel === 'sms' && !src.body.trim()) errors.push({ pointer: '/body/body', detail: 'is required: the text of the SMS' });
    if (channel === 'email' && !src.subject.trim()) errors.push({ pointer: '/body/subject', detail: 'is required for an email' });
    if (errors.length) throw badRequest(errors.map((e) => `${e.pointer.slice(6)} ${e.detail}`).join('; '), errors);
    const issues = await templateIssues(src);
    if (issues.length) throw templateInvalid(issues, 400);
  }

  private async checkSender(senderId: string | null | undefined): Promise<void> {
    if (senderId && !(await templatesRepo.senderExists(this.db, senderId))) {
      throw badRequest(`There is no sender ${senderId}.`, [{ pointer: '/body/senderId', detail: 'is not a sender (see Settings → Messaging)' }]);
    }
  }

  async create(actor: Actor, b: CreateTemplateBody): Promise<Template> {
    const starter = b.starter === undefined ? undefined : starterByKey(b.starter);
    if (b.starter !== undefined && !starter) throw badRequest(`There is no starter template "${b.starter}".`, [{ pointer: '/body/starter', detail: 'is not a starter (GET /api/messaging/templates/starters lists them)' }]);
    const missing: FieldError[] = [];
    const name = b.name ?? starter?.name;
    const channel = b.channel ?? starter?.channel;
    const body = b.body ?? starter?.body;
    if (!name) missing.push({ pointer: '/body/name', detail: 'is required' });
    if (!channel) missing.push({ pointer: '/body/channel', detail: 'is required: "email" or "sms"' });
    if (body === undefined) missing.push({ pointer: '/body/body', detail: 'is required (or give a starter)' });
    if (starter && b.channel && b.channel !== starter.channel) missing.push({ pointer: '/body/channel', detail: `must be "${starter.channel}" for this starter` });
    if (missing.length || !name || !channel || body === undefined) throw badRequest('Give a name, a channel and a body, or a starter to begin from.', missing);
    const src: TemplateSource = { format: b.format ?? starter?.format ?? (channel === 'sms' ? 'text' : 'mjml'), subject: b.subject ?? starter?.subject ?? '', preheader: b.preheader ?? starter?.preheader ?? '', body };
    await this.check(src, channel);
    await this.checkSender(b.senderId);
    const id = newId();
    await this.db.transaction().execute(async (tx) => {
      await templatesRepo.insert(tx, {
        id, name, channel, kind: b.kind ?? starter?.kind ?? 'marketing', ...src, sender_id: b.senderId ?? null, starter: starter?.key ?? null, created_by: actor.label,
      });
      await audit.record(tx, actor, { action: 'template.created', entityType: 'message_template', entityId: id, summary: `Created template "${name}"${starter ? ` from the "${starter.name}" starter` : ''}`, after: { name, channel, ...src } });
    });
    return this.get(id);
  }

  async update(actor: Actor, id: string, b: UpdateTemplateBody): Promise<Template> {
    const cur = await templatesRepo.get(this.db, id);
    if (!cur) throw notFound(`No template ${id}.`);
    const src: TemplateSource = { format: b.format ?? cur.format, subject: b.subject ?? cur.subject, preheader: b.preheader ?? cur.preheader, body: b.body ?? cur.body };
    await this.check(src, cur.channel);
    await this.checkSender(b.senderId);
    await this.db.transaction().execute(async (tx) => {
      const row = await templatesRepo.get(tx, id, true);
      if (!row) throw notFound(`No template ${id}.`);
      if (b.baseVersion !== undefined && b.baseVersion !== row.version) {
        throw conflict(`Someone saved version ${row.version} of this template after you opened version ${b.baseVersion}. Reload it, then make your change again.`, 'template-version-conflict');
      }
      const contentChanged = src.format !== row.format || src.subject !== row.subject || src.preheader !== row.preheader || src.body !== row.body;
      const version = contentChanged ? row.version + 1 : row.version;
      await templatesRepo.update(tx, id, { name: b.name ?? row.name, kind: b.kind ?? row.kind, sender_id: b.senderId === undefined ? row.sender_id : b.senderId, ...src, version });
      // Messages record the version they were rendered from: every change of what is rendered is kept.
      if (contentChanged) await templatesRepo.addVersion(tx, { id, version, ...src }, actor.label);
      await audit.record(tx, actor, {
        action: 'template.updated', entityType: 'message_template', entityId: id, summary: `Saved template "${b.name ?? row.name}"${contentChanged ? ` (version ${version})` : ''}`,
        before: { name: row.name, kind: row.kind, senderId: row.sender_id, format: row.format, subject: row.subject, preheader: row.preheader, body: row.body },
        after: { name: b.name ?? row.name, kind: b.kind ?? row.kind, senderId: b.senderId === undefined ? row.sender_id : b.senderId, ...src },
      });
    });
    return this.get(id);
  }

  async setArchived(actor: Actor, id: string, archived: boolean): Promise<Template> {
    await this.db.transaction().execute(async (tx) => {
      const row = await templatesRepo.get(tx, id, true);
      if (!row) throw notFound(`No template ${id}.`);
      if (!!row.archived_at === archived) return;
      await templatesRepo.update(tx, id, { archived_at: archived ? new Date() : null });
      await audit.record(tx, actor, { action: archived ? 'template.archived' : 'template.unarchived', entityType: 'message_template', entityId: id, summary: `${archived ? 'Archived' : 'Restored'} template "${row.name}"` });
    });
    return this.get(id);
  }

  async duplicate(actor: Actor, id: string): Promise<Template> {
    const r = await this.get(id);
    const starter = r.starter && starterByKey(r.starter) ? { starter: r.starter } : {};
    return this.create(actor, { ...starter, name: `${r.name} (copy)`.slice(0, 200), channel: r.channel, kind: r.kind, format: r.format, subject: r.subject, preheader: r.preheader, body: r.body, senderId: r.senderId });
  }

  async versions(id: string) {
    await this.get(id);
    return (await templatesRepo.versions(this.db, id)).map((v) => ({ version: v.version, format: v.format, subject: v.subject, savedBy: v.saved_by, savedAt: v.saved_at }));
  }

  async version(id: string, version: number) {
    const v = await templatesRepo.version(this.db, id, version);
    if (!v) throw notFound(`Template ${id} has no version ${version}.`);
    return { version: v.version, format: v.format, subject: v.subject, preheader: v.preheader, body: v.body, savedBy: v.saved_by, savedAt: v.saved_at };
  }

  /**
   * Queues a test send of the template (or of unsaved content) rendered on a customer's data, to a
   * person of the team. It goes through the normal sender (outbox or SMTP); consent and guardrails
   * do not apply to tests.
   */
  async testSend(actor: Actor, id: string, b: TestSendBody, ownEmail: string | null): Promise<{ messageId: string; to: string; customerId: string; status: string }> {
    const t = await this.get(id);
    const to = b.to ?? (t.channel === 'email' ? ownEmail : null);
    if (!to) throw badRequest(t.channel === 'sms' ? 'Give the phone number to send the test SMS to.' : 'Give the email address to send the test to.', [{ pointer: '/body/to', detail: 'is required' }]);
    if (t.channel === 'email' && !EMAIL.test(to)) throw badRequest(`"${to}" is not an email address.`, [{ pointer: '/body/to', detail: 'must be an email address' }]);
    if (t.channel === 'sms' && !PHONE.test(to)) throw badRequest(`"${to}" is not a phone number.`, [{ pointer: '/body/to', detail: 'must be a phone number, e.g. +44 7700 900123' }]);
    const overrides = { ...(b.subject !== undefined ? { subject: b.subject } : {}), ...(b.preheader !== undefined ? { preheader: b.preheader } : {}), ...(b.body !== undefined ? { body: b.body } : {}) };
    const src: TemplateSource = { format: t.format, subject: t.subject, preheader: t.preheader, body: t.body, ...overrides };
    await this.check(src, t.channel);
    const scope = await this.previews.scope(src, b.customerId);
    if (!scope.customerId) throw badRequest('A test send fills the template with a real customer’s data, and this store has no customers yet. Add or import one first.', [{ pointer: '/body/customerId', detail: 'no customer to render the test on' }]);
    const customerId = scope.customerId;
    return this.db.transaction().execute(async (tx) => {
      const m = await this.sender.enqueue(tx, {
        customerId, channel: t.channel, kind: t.kind, purpose: 'test', dedupeKey: `test:${newId()}`, templateId: t.id, templateVersion: t.version,
        ...(t.senderId ? { senderId: t.senderId } : {}), toOverride: to, ...(Object.keys(overrides).length ? { overrides } : {}), ...(b.vars ? { vars: b.vars } : {}),
      });
      await audit.record(tx, actor, { action: 'template.test_sent', entityType: 'message_template', entityId: t.id, summary: `Sent a test of "${t.name}" to ${to}`, after: { to, customerId, messageId: m.id } });
      return { messageId: m.id, to, customerId, status: 'queued' };
    });
  }
}
