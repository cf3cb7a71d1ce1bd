import { sql } from 'kysely';
import type { z } from 'zod';
import { audit, type Actor } from '../../platform/audit/audit.ts';
import type { Db } from '../../platform/db/db.ts';
import { decodeCursor, encodeCursor, isDateString, isUuidString } from '../../platform/http/cursor.ts';
import { badRequest, notFound } from '../../platform/http/problem.ts';
import { newId } from '../../platform/ids.ts';
import { guardrailsSchema, messagingSettings, type Guardrails, type SmsSettings } from './messaging.settings.ts';
import type { MessageRow, SenderRow } from './messaging.tables.ts';
import type { messageDetailSchema, messagesPageSchema, MessagesQuery, messagingSettingsSchema, outboxStatsSchema, senderBody, senderSchema, smtpBody } from './messages.schemas.ts';
import type { TokenSigner } from './tokens.ts';
import { SmtpTransport } from './transport.ts';

type Summary = z.infer<typeof messagesPageSchema>['items'][number];
type Sender = z.infer<typeof senderSchema>;


type Joined = MessageRow & { customer_name: string | null; customer_address: string | null };

// Queued and skipped messages have no to_address yet: show whom they are for (the customer's address on the channel).
const summary = (r: Joined): Summary => ({
  id: r.id, customerId: r.customer_id, customerName: r.customer_name, channel: r.channel, kind: r.kind, purpose: r.purpose, status: r.status, skipReason: r.skip_reason,
  lastError: r.last_error, transport: r.transport, to: r.to_address ?? r.to_override ?? r.customer_address, subject: r.subject, campaignId: r.campaign_id, flowId: r.flow_id, templateId: r.template_id,
  createdAt: r.created_at, sendAfter: r.send_after, sentAt: r.sent_at, openedAt: r.opened_at, clickedAt: r.clicked_at, bouncedAt: r.bounced_at,
});

const senderOut = (s: SenderRow): Sender => ({ id: s.id, name: s.name, fromName: s.from_name, fromEmail: s.from_email, replyTo: s.reply_to, isDefault: s.is_default });

/** The outbox / message log, and messaging settings (SMTP, SMS gateway, senders, guardrails). */
export class MessagesAdmin {
  private readonly db: Db;
  private readonly signer: TokenSigner;
  private readonly baseUrl: string;
  /** Called after transport settings change, so this process's dispatcher rebuilds its connections. */
  onTransportChange: () => void = () => {};

  constructor(db: Db, signer: TokenSigner, baseUrl: string) {
    this.db = db;
    this.signer = signer;
    this.baseUrl = baseUrl;
  }

  async list(q: MessagesQuery): Promise<z.infer<typeof messagesPageSchema>> {
    let query = this.db.selectFrom('messages as m').leftJoin('customers as c', 'c.id', 'm.customer_id')
      .selectAll('m').select(sql<string | null>`nullif(trim(coalesce(c.first_name, '') || ' ' || coalesce(c.last_name, '')), '')`.as('customer_name')).select(sql<string | null>`case when m.channel = 'sms' then c.phone else c.email end`.as('customer_address'));
    if (q.status) query = query.where('m.status', '=', q.status);
    if (q.channel) query = query.where('m.channel', '=', q.channel);
    if (q.purpose) query = query.where('m.purpose', '=', q.purpose);
    if (q.customerId) query = query.where('m.customer_id', '=', q.customerId);
    if (q.campaignId) query = query.where('m.campaign_id', '=', q.campaignId);
    if (q.flowId) query = query.where('m.flow_id', '=', q.flowId);
    if (q.q) {
      const like = `%${q.q.replace(/[\\%_]/g, '\\$&')}%`;
      query = query.where((eb) => eb.or([eb('m.to_address', 'ilike', like), eb('m.to_override', 'ilike', like), eb('m.subject', 'ilike', like), eb('c.email', 'ilike', like)]));
    }
    if (q.cursor) {
      const c = decodeCursor(q.cursor, (v): v is { t: string; id: string } => typeof v === 'object' && v !== null && isDateString((v as { t?: unknown }).t) && isUuidString((v as { id?: unknown }).id));
      query = query.where(sql<boolean>`(m.created_at, m.id) < (${new Date(c.t)}, ${c.id}::uuid)`);
    }
    const rows = await query.orderBy('m.created_at', 'desc').orderBy('m.id', 'desc').limit(q.limit + 1).execute();
    const page = rows.slice(0, q.limit);
    const last = page.at(-1);
    const nextCursor = rows.length > q.limit && last ? encodeCursor({ t: last.created_at.toISOString(), id: last.id }) : null;
    return { items: page.map((r) => summary(r as Joined)), nextCursor };
  }

  async get(id: string): Promise<z.infer<typeof messageDetailSchema>> {
    const r = await this.db.selectFrom('messages as m').leftJoin('customers as c', 'c.id', 'm.customer_id').selectAll('m')
      .select(sql<string | null>`nullif(trim(coalesce(c.first_name, '') || ' ' || coalesce(c.last_name, '')), '')`.as('customer_name')).select(sql<string | null>`case when m.channel = 'sms' then c.phone else c.email end`.as('customer_address'))
      .where('m.id', '=', id).executeTakeFirst();
    if (!r) throw notFound(`No message ${id}.`);
    const events = await this.db.selectFrom('message_events').select(['type', 'occurred_at', 'url', 'is_bot']).where('message_id', '=', id).orderBy('occurred_at').execute();
    const row = r as Joined;
    return {
      ...summary(row), from: row.from_address, html: row.html, text: row.text_body, headers: (row.headers ?? {}) as Record<string, string>, attempts: row.attempts,
      variant: row.variant, flowStepId: row.flow_step_id, events: events.map((e) => ({ type: e.type, occurredAt: e.occurred_at, url: e.url, isBot: e.is_bot })),
    };
  }

  async stats(): Promise<z.infer<typeof outboxStatsSchema>> {
    const r = await sql<{ queued: number; sent_today: number; failed: number; uncertain: number; skipped_today: number }>`
      select count(*) filter (where status in ('queued','sending'))::int as queued,
        count(*) filter (where status = 'sent' and sent_at > now() - interval '24 hours')::int as sent_today,
        count(*) filter (where status = 'failed' and created_at > now() - interval '7 days')::int as failed,
        count(*) filter (where status = 'uncertain' and created_at > now() - interval '7 days')::int as uncertain,
        count(*) filter (where status = 'skipped' and created_at > now() - interval '24 hours')::int as skipped_today
      from messages where status in ('queued','sending') or created_at > now() - interval '7 days'`.execute(this.db);
    const x = r.rows[0]!;
    return { queued: x.queued, sentToday: x.sent_today, failed: x.failed, uncertain: x.uncertain, skippedToday: x.skipped_today };
  }

  async settings(): Promise<z.infer<typeof messagingSettingsSchema>> {
    const smtp = await messagingSettings.smtp(this.db);
    const sms = await messagingSettings.sms(this.db);
    await this.signer.init();
    return {
      emailMode: smtp ? 'smtp' : 'outbox',
      smsMode: sms ? 'webhook' : 'outbox',
      smtp: smtp ? { host: smtp.host, port: smtp.port, security: smtp.security, username: smtp.username, poolSize: smtp.poolSize, ratePerSecond: smtp.ratePerSecond, hasPassword: !!smtp.password } : null,
      sms: sms ? { url: sms.url, from: sms.from, contentType: sms.contentType, bodyTemplate: sms.bodyTemplate, providerIdPath: sms.providerIdPath, hasAuthHeader: !!sms.authHeader } : null,
      guardrails: await messagingSettings.guardrails(this.db),
      smsReceiptUrl: `${this.baseUrl}/m/sms/receipt/${this.signer.sign('sms-receipt', 'v1')}`,
    };
  }

  async putSmtp(actor: Actor, body: z.infer<typeof smtpBody> | null): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      const before = await messagingSettings.smtp(tx);
      const next = body ? { ...body, password: body.password ?? before?.password } : null;
      await messagingSettings.putSmtp(tx, next);
      await audit.record(tx, actor, { action: next ? 'messaging.smtp_updated' : 'messaging.smtp_removed', entityType: 'settings', entityId: 'messaging.smtp', summary: next ? `SMTP server set to ${next.host}:${next.port}` : 'SMTP server removed: mail stays in the outbox' });
    });
    this.onTransportChange();
  }

  /** Connects to an SMTP server (the stored one, or the one in the body) and reports what it said. */
  async testSmtp(body: z.infer<typeof smtpBody> | undefined): Promise<{ ok: boolean; detail: string }> {
    const stored = await messagingSettings.smtp(this.db);
    const s = body ? { ...body, password: body.password ?? stored?.password } : stored;
    if (!s) throw badRequest('No SMTP server is configured: enter its host and port first.');
    const t = new SmtpTransport({ ...s, poolSize: 1 });
    try {
      await t.verify();
      return { ok: true, detail: `Connected to ${s.host}:${s.port} and it accepted the login.` };
    } catch (e) {
      return { ok: false, detail: (e as Error).message };
    } finally {
      t.close();
    }
  }

  async putSms(actor: Actor, body: (Omit<SmsSettings, 'authHeader'> & { authHeader?: string }) | null): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      const before = await messagingSettings.sms(tx);
      const next = body ? { ...body, authHeader: body.authHeader ?? before?.authHeader } : null;
      await messagingSettings.putSms(tx, next);
      await audit.record(tx, actor, { action: next ? 'messaging.sms_updated' : 'messaging.sms_removed', entityType: 'settings', entityId: 'messaging.sms', summary: next ? `SMS gateway set to ${new URL(next.url).host}` : 'SMS gateway removed' });
    });
    this.onTransportChange();
  }

  async putGuardrails(actor: Actor, body: Partial<Guardrails>): Promise<Guardrails> {
    return this.db.transaction().execute(async (tx) => {
      const before = await messagingSettings.guardrails(tx);
      const after = guardrailsSchema.parse({ ...before, ...body });
      await messagingSettings.putGuardrails(tx, after);
      await audit.record(tx, actor, { action: 'messaging.guardrails_updated', entityType: 'settings', entityId: 'messaging.guardrails', summary: 'Changed sending guardrails', before, after });
      return after;
    });
  }

  async senders(): Promise<Sender[]> {
    return (await this.db.selectFrom('message_senders').selectAll().orderBy('is_default', 'desc').orderBy('name').execute()).map(senderOut);
  }

  async createSender(actor: Actor, b: z.infer<typeof senderBody>): Promise<Sender> {
    return this.db.transaction().execute(async (tx) => {
      const count = Number((await tx.selectFrom('message_senders').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
      const isDefault = b.isDefault ?? count === 0;
      if (isDefault) await tx.updateTable('message_senders').set({ is_default: false }).where('is_default', '=', true).execute();
      const row = await tx.insertInto('message_senders').values({ id: newId(), name: b.name, from_name: b.fromName, from_email: b.fromEmail.toLowerCase(), reply_to: b.replyTo ?? null, is_default: isDefault })
        .returningAll().executeTakeFirstOrThrow();
      await audit.record(tx, actor, { action: 'messaging.sender_created', entityType: 'sender', entityId: row.id, summary: `Added sender ${b.fromName} <${b.fromEmail}>` });
      return senderOut(row);
    });
  }

  async updateSender(actor: Actor, id: string, b: Partial<z.infer<typeof senderBody>>): Promise<Sender> {
    return this.db.transaction().execute(async (tx) => {
      const cur = await tx.selectFrom('message_senders').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
      if (!cur) throw notFound(`No sender ${id}.`);
      if (b.isDefault) await tx.updateTable('message_senders').set({ is_default: false }).where('is_default', '=', true).execute();
      const row = await tx.updateTable('message_senders').set({
        name: b.name ?? cur.name, from_name: b.fromName ?? cur.from_name, from_email: b.fromEmail?.toLowerCase() ?? cur.from_email,
        reply_to: b.replyTo === undefined ? cur.reply_to : b.replyTo, is_default: b.isDefault ?? cur.is_default, updated_at: new Date(),
      }).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
      await audit.record(tx, actor, { action: 'messaging.sender_updated', entityType: 'sender', entityId: id, summary: `Changed sender ${row.from_name} <${row.from_email}>`, before: senderOut(cur), after: senderOut(row) });
      return senderOut(row);
    });
  }

  async deleteSender(actor: Actor, id: string): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      const cur = await tx.deleteFrom('message_senders').where('id', '=', id).returningAll().executeTakeFirst();
      if (!cur) throw notFound(`No sender ${id}.`);
      if (cur.is_default) {
        const next = await tx.selectFrom('message_senders').select('id').orderBy('created_at').executeTakeFirst();
        if (next) await tx.updateTable('message_senders').set({ is_default: true }).where('id', '=', next.id).execute();
      }
      await audit.record(tx, actor, { action: 'messaging.sender_deleted', entityType: 'sender', entityId: id, summary: `Removed sender ${cur.from_name} <${cur.from_email}>` });
    });
  }
}
