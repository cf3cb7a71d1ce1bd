import { audit, type Actor } from '../../platform/audit/audit.ts';
import type { Db } from '../../platform/db/db.ts';
import { decodeCursor, encodeCursor, isDateString, isUuidString } from '../../platform/http/cursor.ts';
import { notFound } from '../../platform/http/problem.ts';
import { messagingSettings } from '../messaging/index.ts';
import { emailRepo } from './email.repo.ts';
import type { EmailSettingsOut, InboundEmailItem } from './email.schemas.ts';
import { emailSettings, type EmailSettings } from './email.settings.ts';
import type { InboundRow, InboundStatus } from './email.tables.ts';
import { INBOUND_EMAIL_PROVIDERS } from './email.webhooks.ts';

const item = (r: Omit<InboundRow, 'raw'>): InboundEmailItem => ({
  id: r.id, receivedAt: r.received_at, source: r.source, status: r.status, reason: r.reason, mailFrom: r.mail_from, rcptTo: r.rcpt_to, fromAddress: r.from_address,
  subject: r.subject, messageIdHeader: r.message_id_header, ticketId: r.ticket_id, messageId: r.message_id, sizeBytes: r.size_bytes, processedAt: r.processed_at,
});

/** Settings → Support email, the webhook secret, and the log of received email. */
export class EmailAdmin {
  private readonly db: Db;
  private readonly baseUrl: string;
  private readonly receiver: () => { enabled: boolean; host: string | null; port: number | null; maxBytes: number };
  /** Called after a change (the inbound part drops its cached settings). */
  onChange: () => void = () => {};

  constructor(db: Db, baseUrl: string, receiver: () => { enabled: boolean; host: string | null; port: number | null; maxBytes: number }) {
    this.db = db;
    this.baseUrl = baseUrl;
    this.receiver = receiver;
  }

  async settings(): Promise<EmailSettingsOut> {
    const s = await emailSettings.get(this.db);
    return { ...s, smtpReceiver: this.receiver(), outboundReady: !!(await messagingSettings.smtp(this.db)) };
  }

  async putSettings(actor: Actor, next: EmailSettings): Promise<EmailSettingsOut> {
    await this.db.transaction().execute(async (tx) => {
      const before = await emailSettings.get(tx);
      await emailSettings.put(tx, next);
      await audit.record(tx, actor, { action: 'support.email_settings_updated', entityType: 'settings', entityId: 'support.email', summary: `Support email settings changed (${next.inboundAddresses.join(', ') || 'no inbound address'})`, before, after: next });
    });
    this.onChange();
    return this.settings();
  }

  async webhook(): Promise<{ token: string; urls: Record<(typeof INBOUND_EMAIL_PROVIDERS)[number], string> }> {
    const token = await emailSettings.secret(this.db);
    const urls = Object.fromEntries(INBOUND_EMAIL_PROVIDERS.map((p) => [p, `${this.baseUrl}/api/support/inbound/email/${p}?token=${token}`])) as Record<(typeof INBOUND_EMAIL_PROVIDERS)[number], string>;
    return { token, urls };
  }

  async rotateWebhookSecret(actor: Actor): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      await emailSettings.rotateSecret(tx);
      await audit.record(tx, actor, { action: 'support.email_webhook_secret_rotated', entityType: 'settings', entityId: 'support.email.secret', summary: 'New inbound email webhook secret: update the URLs at your email provider' });
    });
  }

  async list(q: { status?: InboundStatus; cursor?: string; limit: number }): Promise<{ items: InboundEmailItem[]; nextCursor: string | null }> {
    const before = q.cursor ? decodeCursor(q.cursor, (v): v is { t: string; id: string } => typeof v === 'object' && v !== null && isDateString((v as { t?: unknown }).t) && isUuidString((v as { id?: unknown }).id)) : undefined;
    const rows = await emailRepo.listInbound(this.db, { status: q.status, before: before ? { t: new Date(before.t), id: before.id } : undefined, limit: q.limit + 1 });
    const page = rows.slice(0, q.limit);
    const last = page.at(-1);
    return { items: page.map(item), nextCursor: rows.length > q.limit && last ? encodeCursor({ t: last.received_at.toISOString(), id: last.id }) : null };
  }

  /** The stored original of a received email (MIME, or the provider's parsed fields as JSON). */
  async raw(id: string): Promise<{ body: Buffer; json: boolean }> {
    const r = await emailRepo.inbound(this.db, id);
    if (!r) throw notFound(`No received email ${id}.`);
    if (!r.raw) throw notFound('The original of this email is no longer kept.');
    return { body: r.raw, json: r.raw[0] === 0x7b };
  }

  /** The original email of a ticket message. */
  async original(ticketId: string, messageId: string): Promise<{ body: Buffer; json: boolean }> {
    const m = await this.db.selectFrom('ticket_messages').select('id').where('id', '=', messageId).where('ticket_id', '=', ticketId).executeTakeFirst();
    if (!m) throw notFound(`No message ${messageId} on ticket ${ticketId}.`);
    const raw = await emailRepo.rawOfMessage(this.db, messageId);
    if (!raw) throw notFound('This message did not come by email, or its original is no longer kept.');
    return { body: raw, json: raw[0] === 0x7b };
  }
}
