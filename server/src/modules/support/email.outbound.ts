import type { Logger } from 'pino';
import type { Db, Tx } from '../../platform/db/db.ts';
import { getStoreSettings } from '../../platform/settings.ts';
import { cachedSmtp, TransportError, type CachedTransport, type OutgoingEmail, type SmtpSettings, type SmtpTransport } from '../messaging/index.ts';
import { PollLoop } from '../../platform/jobs/poll-loop.ts';
import { emailRepo } from './email.repo.ts';
import { emailSettings, mailDomain, matchInbound, replyAddress, type EmailSettings } from './email.settings.ts';
import type { OutboxRow } from './email.tables.ts';
import type { TicketService } from './tickets.service.ts';
import type { Ticket, TicketMessage } from './tickets.schemas.ts';

const MAX_ATTEMPTS = 6;
const STUCK_MS = 10 * 60_000;
const MAX_REFERENCES = 20;

/** Sends one email; the SMTP transport of messaging's settings by default. Tests and the bench may swap it. */
export interface MailTransport {
  send(m: OutgoingEmail): Promise<unknown>;
}

export interface EmailOutboundDeps {
  db: Db;
  tickets: TicketService;
  log: Logger;
  baseUrl: string;
  pollMs?: number;
}

/**
 * Agents' replies on email tickets, sent over messaging's SMTP server with our Message-ID, In-Reply-To,
 * References (the thread's chain) and a Reply-To carrying the ticket's token, so the customer's mail
 * client keeps one thread and their answer finds the ticket even when their client drops the headers.
 * At most once: a reply is committed as 'sending' before the hand-off; one whose process died there is
 * marked uncertain and never resent (the same rule as messaging's dispatcher).
 */
export class EmailOutbound {
  private readonly d: EmailOutboundDeps;
  private readonly poll: PollLoop;
  private readonly smtp: CachedTransport<SmtpSettings, SmtpTransport>;
  /** Replaces messaging's SMTP settings (tests). */
  transport: MailTransport | null | undefined;

  constructor(d: EmailOutboundDeps) {
    this.d = d;
    this.smtp = cachedSmtp(d.db);
    this.poll = new PollLoop({ tick: () => this.runOnce(), sweep: () => this.sweep(), pollMs: d.pollMs ?? 1000, log: d.log, label: 'support email' });
  }

  /**
   * Queues an outbound email message of a ticket, in the caller's transaction: fixes its Message-ID and
   * thread headers now (an answer can thread by them even before it is sent). Idempotent.
   */
  async enqueue(tx: Tx, ticket: Ticket, message: TicketMessage): Promise<void> {
    const s = await emailSettings.get(tx);
    const header = `<${message.id}@${mailDomain(s, this.d.baseUrl)}>`;
    const th = await emailRepo.thread(tx, ticket.id, message.createdAt);
    const chain = [...th.lastRefs, ...th.ids].filter((x) => x !== header);
    const references = [...new Set(chain)].slice(-MAX_REFERENCES);
    const inReplyTo = th.lastInbound ?? th.ids.filter((x) => x !== header).at(-1) ?? null;
    await emailRepo.setMessageIdHeader(tx, message.id, header, inReplyTo, references);
    await emailRepo.enqueueOutbox(tx, { message_id: message.id, ticket_id: ticket.id, message_id_header: header });
    // Wake the sender shortly after the transaction commits (other processes poll).
    setTimeout(() => this.poll.wake(), 50).unref();
  }

  /** Sends (again) an outbound message of a ticket by email: `replyByEmail` for other support parts. */
  async replyByEmail(ticketId: string, messageId: string): Promise<void> {
    await this.d.db.transaction().execute(async (tx) => {
      const ticket = await this.d.tickets.get(ticketId, tx);
      const message = await this.d.tickets.message(messageId, tx);
      if (message.ticketId !== ticket.id || message.direction !== 'outbound') throw new Error(`Message ${messageId} is not an outbound message of ticket ${ticketId}.`);
      await this.enqueue(tx, ticket, message);
    });
  }

  start(): void {
    this.poll.start();
  }

  async stop(): Promise<void> {
    await this.poll.stop();
    this.smtp.invalidate();
  }

  /** SMTP settings changed in this process: use the new server from the next batch (other processes within 10 s). */
  invalidate(): void {
    this.smtp.invalidate();
  }

  async sweep(): Promise<void> {
    const ids = await emailRepo.sweepStuck(this.d.db, new Date(Date.now() - STUCK_MS));
    for (const id of ids) await this.d.tickets.markDelivery(id, { status: 'failed', error: 'Delivery uncertain: the sending process stopped during the hand-off; not resent, to never send twice' });
    await emailRepo.pruneRates(this.d.db);
  }

  /** Sends one batch of due replies; returns how many were claimed. */
  async runOnce(limit = 20): Promise<number> {
    const claimed = await emailRepo.claim(this.d.db, limit);
    if (!claimed.length) return 0;
    const s = await emailSettings.get(this.d.db);
    const store = await getStoreSettings(this.d.db);
    const transport = this.transport !== undefined ? this.transport : await this.smtp.get();
    await Promise.all(claimed.map((row) => this.sendOne(row, s, store.name, transport).catch((e: unknown) => this.d.log.error({ err: e, messageId: row.message_id }, 'support email: recording a send failed'))));
    return claimed.length;
  }

  private async sendOne(row: OutboxRow, s: EmailSettings, storeName: string, transport: MailTransport | null): Promise<void> {
    const fail = async (error: string, status: 'failed' | 'uncertain' = 'failed') => {
      await emailRepo.settle(this.d.db, row.message_id, status, error);
      await this.d.tickets.markDelivery(row.message_id, { status: 'failed', error: status === 'uncertain' ? `Delivery uncertain (the server may have accepted it; not resent): ${error}` : error });
    };
    const ticket = await this.d.tickets.get(row.ticket_id);
    const m = await this.d.tickets.message(row.message_id);
    const to = m.toAddresses.length ? m.toAddresses : ticket.requester.email ? [ticket.requester.email] : [];
    if (!to.length) return fail('The ticket has no email address to reply to.');
    if (!transport) return fail('No SMTP server is configured: set one under Settings → Messaging, then send the reply again.');
    const domain = mailDomain(s, this.d.baseUrl);
    const fromEmail = s.replyFrom ?? s.inboundAddresses.find((a) => !a.startsWith('@')) ?? `support@${domain}`;
    const name = s.replyFromName ?? (m.authorName ? `${m.authorName} (${storeName})` : storeName);
    const subject = m.subject ?? (/^re:/i.test(ticket.subject) ? ticket.subject : `Re: ${ticket.subject}`);
    const signature = s.signature.trim();
    const text = signature ? `${m.bodyText}\n\n-- \n${signature}` : m.bodyText;
    const html = `${m.bodyHtml ?? `<div>${escapeHtml(m.bodyText).replace(/\n/g, '<br>')}</div>`}${signature ? `<p>-- <br>${escapeHtml(signature).replace(/\n/g, '<br>')}</p>` : ''}`;
    const headers: Record<string, string> = { 'X-Patron-Ticket': String(ticket.number) };
    if (m.inReplyTo) headers['In-Reply-To'] = m.inReplyTo;
    if (m.references.length) headers.References = m.references.join(' ');
    // RFC 3834: replies no person wrote are marked so the customer's auto-responder stays quiet.
    if (m.authorType !== 'agent') headers['Auto-Submitted'] = 'auto-replied';
    // Reply all: people the customer copied in stay on the thread (never our own addresses).
    const cc = m.ccAddresses.filter((a) => !to.includes(a) && !matchInbound(s, a).ours && a !== fromEmail);
    const mail: OutgoingEmail = {
      from: `${quoteName(name)} <${fromEmail}>`, to: to.join(', '), ...(cc.length ? { cc: cc.join(', ') } : {}), replyTo: replyAddress(s, ticket.replyToken, domain), subject, text, html, messageId: row.message_id_header, headers,
    };
    try {
      await transport.send(mail);
    } catch (e) {
      const err = e instanceof TransportError ? e : new TransportError((e as Error).message, 'uncertain');
      if (err.outcome === 'retry' && row.attempts < MAX_ATTEMPTS) {
        await emailRepo.settle(this.d.db, row.message_id, 'queued', err.message, new Date(Date.now() + 60_000 * 2 ** (row.attempts - 1)));
        return;
      }
      return fail(err.message, err.outcome === 'uncertain' ? 'uncertain' : 'failed');
    }
    await emailRepo.settle(this.d.db, row.message_id, 'sent', null);
    await this.d.tickets.markDelivery(row.message_id, { status: 'sent', messageIdHeader: row.message_id_header, inReplyTo: m.inReplyTo, references: m.references });
  }
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function quoteName(name: string): string {
  return /^[\w .-]*$/.test(name) ? name : `"${name.replace(/["\\\r\n]/g, '')}"`;
}
