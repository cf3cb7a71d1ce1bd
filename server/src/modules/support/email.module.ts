import { parseDsn } from '../messaging/index.ts';
import type { Actor } from '../../platform/audit/audit.ts';
import type { ZodApp } from '../../platform/http/server.ts';
import { emailPrivacy } from './email.privacy.ts';
import { EmailAdmin } from './email.admin.ts';
import { EmailOutbound } from './email.outbound.ts';
import { SmtpReceiver } from './email.receiver.ts';
import { loadEmailDemo } from './email.demo.ts';
import { emailRoutes } from './email.routes.ts';
import { EmailInbound } from './email.service.ts';
import type { SupportDeps, SupportRole } from './support.deps.ts';
import type { TicketsModule } from './tickets.module.ts';

/**
 * Email for support: the built-in SMTP receiver (processes that serve HTTP, when PATRON_SUPPORT_SMTP_PORT
 * is set), inbound-parse webhooks, threading, attachments, sanitising, and agents' replies sent over
 * messaging's SMTP server (worker processes). See docs/support.md#email.
 */
export function createEmail(deps: SupportDeps, tickets: TicketsModule) {
  const { db, log } = deps;
  const bounces = deps.messaging.engagement.bounces;
  const inbound = new EmailInbound({
    db, tickets: tickets.service, log,
    onBounce: async (raw) => {
      const events = await parseDsn(raw);
      if (!events.length) return;
      await bounces.apply(events);
      // A bounced support reply: the agent sees it failed on the message itself.
      for (const e of events) {
        if (e.type !== 'bounced' || !e.providerMessageId) continue;
        const m = await db.selectFrom('ticket_messages').select('id').where('message_id_header', '=', `<${e.providerMessageId}>`).where('direction', '=', 'outbound').executeTakeFirst();
        if (m) await tickets.service.markDelivery(m.id, { status: 'failed', error: `Bounced by ${e.recipient ?? 'the recipient'}'s mail server: ${e.status ?? ''} ${e.reason ?? ''}`.trim() });
      }
    },
  });
  const outbound = new EmailOutbound({ db, tickets: tickets.service, log, baseUrl: deps.baseUrl });
  // Messaging's SMTP settings changed in this process: replies use the new server at once.
  const previousChange = deps.messaging.admin.onTransportChange;
  deps.messaging.admin.onTransportChange = () => {
    previousChange();
    outbound.invalidate();
  };
  const cfg = deps.config.supportSmtp;
  let receiver: SmtpReceiver | undefined;
  let receiverPort: number | null = null;
  const admin = new EmailAdmin(db, deps.baseUrl, () => ({ enabled: receiverPort !== null, host: receiverPort !== null ? cfg.host : null, port: receiverPort, maxBytes: cfg.maxBytes }));
  admin.onChange = () => inbound.invalidate();

  // The ticket core erases a customer's tickets: their received originals and attachment contents go first.
  tickets.privacy.onErase(async (tx, e) => void (await emailPrivacy.erase(tx, e.customerId)));

  // Every outbound message on an email ticket (agent reply, macro, rule auto-reply) is queued for sending in its own transaction.
  tickets.service.onAgentReply(async (tx, e) => {
    if (e.message.channel === 'email' && e.message.direction === 'outbound') await outbound.enqueue(tx, e.ticket, e.message);
  });

  return {
    inbound,
    outbound,
    admin,
    /** Sends (again) an outbound message of a ticket by email (CSAT, transcripts and other parts use it). */
    replyByEmail: (ticketId: string, messageId: string) => outbound.replyByEmail(ticketId, messageId),
    /** `patron demo`: a support address and a few received emails (tickets, and the outcomes that are not). */
    demo: (actor: Actor, log: (m: string) => void) => loadEmailDemo({ db, inbound }, actor, log),
    /** The port the SMTP receiver listens on in this process, or null. */
    smtpPort: () => receiverPort,
    /** The email part's personal data: received emails of the customer's tickets and from their addresses (originals not included). */
    async exportCustomer(customerId: string) {
      return { supportInboundEmails: await emailPrivacy.export(db, customerId) };
    },
    /** Deletes received originals of the customer's tickets and from their addresses, and their attachments' contents. */
    eraseCustomer: (customerId: string) => db.transaction().execute((tx) => emailPrivacy.erase(tx, customerId)),
    routes(app: ZodApp): void {
      emailRoutes(app, { db, inbound, admin });
    },
    /** The SMTP receiver runs where HTTP is served (role.http); sending runs in workers (role.worker). */
    async start(role: SupportRole): Promise<void> {
      if (role.http && cfg.port !== null) {
        receiver = new SmtpReceiver({ port: cfg.port, host: cfg.host, maxBytes: cfg.maxBytes, inbound, log });
        try {
          receiverPort = await receiver.start();
        } catch (e) {
          receiver = undefined;
          log.error({ err: e }, `support email: the SMTP receiver could not listen on ${cfg.host}:${cfg.port}; inbound email by SMTP is off in this process`);
        }
      }
      if (role.worker) outbound.start();
    },
    async stop(): Promise<void> {
      await receiver?.stop();
      receiver = undefined;
      receiverPort = null;
      await outbound.stop();
    },
  };
}
export type EmailModule = ReturnType<typeof createEmail>;
