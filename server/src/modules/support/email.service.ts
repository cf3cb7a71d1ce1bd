import type { Logger } from 'pino';
import { SYSTEM_ACTOR, audit, type Actor } from '../../platform/audit/audit.ts';
import type { Db, Tx } from '../../platform/db/db.ts';
import { conflict, notFound } from '../../platform/http/problem.ts';
import { newId } from '../../platform/ids.ts';
import { attachmentStore, screenAttachments, type RejectedAttachment } from './attachments.ts';
import { classify, trimQuotedHtml, trimQuotedText } from './email.filters.ts';
import { emailRepo } from './email.repo.ts';
import { emailSettings, matchInbound, type EmailSettings } from './email.settings.ts';
import type { InboundStatus } from './email.tables.ts';
import { contentId, htmlToText, loadParsed, MalformedEmailError, parseRaw, storeParsed, type InboundEmail } from './mime.ts';
import { sanitizeEmailHtml } from './sanitize.ts';
import type { TicketService } from './tickets.service.ts';

/** Where a message came from and what the SMTP envelope said (webhooks: what the provider told us). */
export interface InboundContext {
  /** 'smtp', 'webhook:raw', 'webhook:sendgrid', 'webhook:mailgun', 'webhook:postmark'. */
  source: string;
  /** SMTP MAIL FROM; '' is the null sender <> (bounces, auto-replies). */
  mailFrom?: string | null;
  rcptTo?: string[];
  /** Processing again by an admin: the flood limit does not apply. */
  skipFloodLimit?: boolean;
}

export interface InboundResult {
  id: string;
  status: InboundStatus;
  reason: string | null;
  ticketId: string | null;
  ticketNumber: number | null;
  messageId: string | null;
}

export interface EmailInboundDeps {
  db: Db;
  tickets: TicketService;
  log: Logger;
  /** Hands a bounce (raw DSN) to messaging's bounce handling; best effort. */
  onBounce?: (raw: Buffer) => Promise<void>;
}

const MAX_MESSAGE_ATTACHMENTS = 50;
const TOKEN_IN_SUBJECT = /\[#([0-9a-f]{20})\]/i;

/**
 * Turns received email into tickets and replies: parses, drops bounces and auto-replies, holds floods,
 * threads by Message-IDs (then the reply token), refuses spoofed threads, screens attachments and
 * sanitises HTML. Every message is recorded in support_inbound_emails with its original bytes,
 * whatever became of it; nothing is dropped silently.
 */
export class EmailInbound {
  private readonly d: EmailInboundDeps;
  private settingsCache: { at: number; s: EmailSettings } | undefined;

  constructor(d: EmailInboundDeps) {
    this.d = d;
  }

  /** Settings, cached for 5 s (the receiver asks on every RCPT TO). */
  async settings(): Promise<EmailSettings> {
    if (this.settingsCache && Date.now() - this.settingsCache.at < 5000) return this.settingsCache.s;
    const s = await emailSettings.get(this.d.db);
    this.settingsCache = { at: Date.now(), s };
    return s;
  }

  invalidate(): void {
    this.settingsCache = undefined;
  }

  /** A raw RFC 5322 message (SMTP, or a webhook that posts the whole MIME). */
  async receiveRaw(raw: Buffer, ctx: InboundContext): Promise<InboundResult> {
    let mail: InboundEmail;
    try {
      mail = await parseRaw(raw);
    } catch (e) {
      if (!(e instanceof MalformedEmailError)) throw e;
      return this.fail(raw, ctx, null, e.message);
    }
    return this.process(mail, raw, ctx);
  }

  /** An email a provider parsed for us (Mailgun, Postmark, SendGrid fields). */
  async receiveParsed(mail: InboundEmail, ctx: InboundContext): Promise<InboundResult> {
    return this.process(mail, storeParsed(mail), ctx);
  }

  /** Processes a failed or held message again (an admin's decision: the flood limit is not applied). */
  async retry(actor: Actor, inboundId: string): Promise<InboundResult> {
    const row = await emailRepo.inbound(this.d.db, inboundId);
    if (!row) throw notFound(`No received email ${inboundId}.`);
    if (row.status !== 'failed' && row.status !== 'rate_limited') throw conflict(`This email was already processed (${row.status}); only failed or held ones can be processed again.`, 'email-processed');
    if (!row.raw) throw conflict('The original of this email is no longer kept.', 'email-gone');
    const ctx: InboundContext = { source: row.source, mailFrom: row.mail_from, rcptTo: row.rcpt_to, skipFloodLimit: true };
    const res = row.raw[0] === 0x7b ? await this.process(loadParsed(row.raw), row.raw, ctx) : await this.receiveRaw(row.raw, ctx);
    await this.d.db.transaction().execute(async (tx) => {
      await tx.updateTable('support_inbound_emails').set({ status: 'ignored', reason: `processed again as ${res.id}`, raw: null, processed_at: new Date() }).where('id', '=', inboundId).execute();
      await audit.record(tx, actor, { action: 'support.email_reprocessed', entityType: 'support_inbound_email', entityId: inboundId, summary: `Processed a ${row.status === 'failed' ? 'failed' : 'held'} email from ${row.from_address ?? 'unknown'} again: ${res.status}` });
    });
    return res;
  }

  private async fail(raw: Buffer, ctx: InboundContext, mail: InboundEmail | null, reason: string): Promise<InboundResult> {
    const id = newId();
    await emailRepo.insertInbound(this.d.db, {
      id, source: ctx.source, status: 'failed', reason, mail_from: ctx.mailFrom ?? null, rcpt_to: ctx.rcptTo ?? [], from_address: mail?.from?.address ?? null,
      subject: mail?.subject.slice(0, 500) ?? null, message_id_header: mail?.messageId ?? null, size_bytes: raw.length, raw, processed_at: new Date(),
    });
    this.d.log.warn({ inboundEmail: id, source: ctx.source, reason }, 'support email: message could not be processed; kept for an admin');
    return { id, status: 'failed', reason, ticketId: null, ticketNumber: null, messageId: null };
  }

  private async process(mail: InboundEmail, raw: Buffer, ctx: InboundContext): Promise<InboundResult> {
    if (!mail.from) return this.fail(raw, ctx, mail, 'The message has no valid From address: there is nobody to answer.');
    const s = await this.settings();
    const id = newId();
    let bounceRaw: Buffer | null = null;
    try {
      const res = await this.d.db.transaction().execute(async (tx): Promise<InboundResult> => {
        // One row per received email, written with its outcome in the same transaction (a failure rolls it
        // back and `fail` below records the email instead).
        const done = async (status: InboundStatus, reason: string | null, t?: { ticketId: string; number: number; messageId: string }): Promise<InboundResult> => {
          await emailRepo.insertInbound(tx, {
            id, source: ctx.source, status, reason, mail_from: ctx.mailFrom ?? null, rcpt_to: ctx.rcptTo ?? [], from_address: mail.from!.address,
            // A duplicate delivery's bytes are already kept with the first one.
            subject: mail.subject.slice(0, 500), message_id_header: mail.messageId, size_bytes: raw.length, raw: status === 'duplicate' ? null : raw, ticket_id: t?.ticketId ?? null, message_id: t?.messageId ?? null,
            processed_at: new Date(),
          });
          return { id, status, reason, ticketId: t?.ticketId ?? null, ticketNumber: t?.number ?? null, messageId: t?.messageId ?? null };
        };
        const verdict = classify(mail, ctx.mailFrom);
        if (verdict.kind === 'bounce') {
          if (raw[0] !== 0x7b) bounceRaw = raw;
          return done('bounce', verdict.reason);
        }
        if (verdict.kind === 'auto_reply') return done('auto_reply', verdict.reason);
        const from = mail.from!.address;
        if (matchInbound(s, from).ours) return done('ignored', `sent from our own support address ${from} (a mail loop)`);
        if (!ctx.skipFloodLimit) {
          const n = await emailRepo.countSender(tx, from, s.floodWindowMinutes);
          if (n > s.floodMax) return done('rate_limited', `${n} messages from ${from} within ${s.floodWindowMinutes} min (limit ${s.floodMax}); held, not ticketed`);
        }
        const t = await this.ingest(tx, mail, ctx, s, id, raw);
        return done(t.status, t.reason, t);
      });
      if (res.status === 'rate_limited') this.d.log.warn({ inboundEmail: id, from: mail.from.address }, 'support email: flood limit reached; message held');
      else if (res.status === 'auto_reply' || res.status === 'bounce' || res.status === 'ignored') this.d.log.info({ inboundEmail: id, status: res.status, reason: res.reason }, 'support email: not turned into a ticket');
      if (bounceRaw && this.d.onBounce) await this.d.onBounce(bounceRaw).catch((e: unknown) => this.d.log.warn({ err: e }, 'support email: bounce hand-off to messaging failed'));
      return res;
    } catch (e) {
      // A rule or a bad value inside the ticket core refused it: keep it for an admin. Database trouble
      // also lands here; if even this insert fails, the caller answers "try again later" (SMTP 451 / HTTP 503).
      const msg = (e as Error).message ?? String(e);
      this.d.log.error({ err: e, inboundEmail: id }, 'support email: processing failed');
      return this.fail(raw, ctx, mail, `Processing failed: ${msg.slice(0, 500)}`);
    }
  }

  /** Finds the ticket a reply belongs to; refuses a thread whose sender takes no part in it. */
  private async thread(tx: Tx, mail: InboundEmail, ctx: InboundContext, s: EmailSettings): Promise<{ ticketId: string | null; via: string | null; refused: string | null }> {
    const from = mail.from!.address;
    const candidates: { ticketId: string; via: string }[] = [];
    const refs = [...(mail.inReplyTo ? [mail.inReplyTo] : []), ...mail.references];
    if (refs.length) {
      const hit = await this.d.tickets.findByMessageIds(refs, tx);
      if (hit) candidates.push({ ticketId: hit.ticketId, via: 'message-id' });
    }
    const tokens = new Set<string>();
    for (const a of [...(ctx.rcptTo ?? []), ...mail.to.map((x) => x.address), ...mail.cc.map((x) => x.address)]) {
      const m = matchInbound(s, a);
      if (m.ours && m.token) tokens.add(m.token);
    }
    const sub = TOKEN_IN_SUBJECT.exec(mail.subject)?.[1];
    if (sub) tokens.add(sub.toLowerCase());
    for (const token of tokens) {
      const t = await this.d.tickets.findByReplyToken(token, tx);
      if (t) candidates.push({ ticketId: t.mergedInto ?? t.id, via: 'reply-token' });
    }
    let refused: string | null = null;
    for (const c of candidates) {
      if (await emailRepo.isParticipant(tx, c.ticketId, from)) return { ticketId: c.ticketId, via: c.via, refused: null };
      const t = await this.d.tickets.get(c.ticketId, tx);
      refused ??= `refers to ticket #${t.number} (by ${c.via}) but ${from} is not a participant of it: opened as a new ticket`;
      this.d.log.warn({ from, ticketId: c.ticketId, via: c.via }, 'support email: reply from a non-participant refused (possible spoofed thread)');
    }
    return { ticketId: null, via: null, refused };
  }

  private async ingest(tx: Tx, mail: InboundEmail, ctx: InboundContext, s: EmailSettings, inboundId: string, raw: Buffer) {
    const from = mail.from!;
    const th = await this.thread(tx, mail, ctx, s);
    const { accepted, rejected } = screenAttachments(mail.attachments, { maxFileBytes: s.maxAttachmentBytes, maxMessageBytes: s.maxMessageAttachmentBytes, maxCount: MAX_MESSAGE_ATTACHMENTS });
    const text = trimQuotedText(mail.text);
    const html = mail.html ? trimQuotedHtml(mail.html) : null;
    const bodyHtml = html ? sanitizeEmailHtml(html.html, { remoteImages: s.remoteImages }) : null;
    const message = {
      direction: 'inbound' as const, authorType: 'customer' as const, authorName: from.name, fromAddress: from.address,
      toAddresses: mail.to.map((x) => x.address), ccAddresses: mail.cc.map((x) => x.address), subject: mail.subject || null,
      bodyText: text.text || (bodyHtml ? htmlToText(bodyHtml) : '') || '(empty message)', bodyHtml: bodyHtml || null,
      messageIdHeader: mail.messageId, inReplyTo: mail.inReplyTo, references: mail.references,
      externalId: mail.messageId ?? contentId(mail, raw[0] === 0x7b ? undefined : raw),
      // Stored at receipt time: the Date header is the sender's claim (kept in metadata), and SLA clocks must not trust it.
      metadata: { email: { inboundId, source: ctx.source, date: mail.date?.toISOString() ?? null, quotedTrimmed: text.quoted || !!html?.quoted, ...(rejected.length ? { blockedAttachments: rejected } : {}), ...(th.via ? { threadedBy: th.via } : {}) } },
    };
    const r = th.ticketId
      ? await this.d.tickets.addMessage(SYSTEM_ACTOR, th.ticketId, message, tx)
      : await this.d.tickets.createTicket(SYSTEM_ACTOR, { channel: 'email', subject: mail.subject.replace(TOKEN_IN_SUBJECT, '').trim(), requester: { email: from.address, name: from.name }, message, source: 'email' }, tx);
    const status: InboundStatus = !r.created ? 'duplicate' : th.ticketId && r.ticket.id === th.ticketId ? 'reply' : 'ticket';
    if (r.created) {
      const saved = await attachmentStore.save(tx, r.ticket.id, r.message.id, accepted);
      if (bodyHtml && /cid:/i.test(bodyHtml)) {
        const cidUrls = new Map(saved.filter((x) => x.file.contentId).map((x) => [x.file.contentId!, `/api/support/tickets/${r.ticket.id}/attachments/${x.id}`]));
        await emailRepo.setBodyHtml(tx, r.message.id, sanitizeEmailHtml(bodyHtml, { remoteImages: s.remoteImages, cidUrls }));
      }
      if (rejected.length) await this.d.tickets.event(tx, r.ticket.id, 'attachments_blocked', SYSTEM_ACTOR, { messageId: r.message.id, files: rejected });
      if (th.refused) await this.d.tickets.event(tx, r.ticket.id, 'email_thread_refused', SYSTEM_ACTOR, { messageId: r.message.id, reason: th.refused });
    }
    const reason = [th.refused, rejected.length ? `blocked attachments: ${describe(rejected)}` : null, !r.created ? 'already received (same Message-ID)' : null].filter(Boolean).join('; ') || null;
    return { status, reason, ticketId: r.ticket.id, number: r.ticket.number, messageId: r.message.id };
  }
}

function describe(r: RejectedAttachment[]): string {
  return r.map((x) => `${x.filename} (${x.reason})`).join(', ').slice(0, 500);
}
