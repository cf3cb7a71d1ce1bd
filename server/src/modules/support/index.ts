import type { ZodApp } from '../../platform/http/server.ts';
import { createChat } from './chat.module.ts';
import { createEmail } from './email.module.ts';
import { createKb } from './kb.module.ts';
import { createSla } from './sla.module.ts';
import type { SupportDeps, SupportRole } from './support.deps.ts';
import { createTickets } from './tickets.module.ts';

export type { SupportDeps, SupportRole } from './support.deps.ts';

/** The support module: tickets and the agent inbox, email in/out, live chat, knowledge base, SLA, CSAT, reports. */
export function createSupportModule(deps: SupportDeps) {
  const tickets = createTickets(deps);
  const kb = createKb(deps, {
    // Suggestions by ticket: the subject and the customer's latest messages.
    ticketText: async (id) => {
      const d = await tickets.service.detail(id);
      return [d.ticket.subject, ...d.messages.filter((m) => m.direction === 'inbound').slice(-3).map((m) => m.bodyText)].join('\n\n');
    },
  });
  const email = createEmail(deps, tickets);
  const chat = createChat(deps, tickets, kb.assistant, email.outbound);
  const sla = createSla(deps, tickets);
  const parts = [tickets, kb, email, chat, sla];
  return {
    tickets,
    kb,
    email,
    chat,
    sla,
    routes(app: ZodApp): void {
      for (const p of parts) p.routes(app);
    },
    /** Everything support holds about a customer: tickets with their messages, chats, the email log, CSAT answers. */
    async exportCustomer(customerId: string) {
      return {
        tickets: await tickets.exportCustomer(customerId),
        chat: await chat.exportCustomer(customerId),
        email: await email.exportCustomer(customerId),
        csat: await sla.exportCustomer(customerId),
      };
    },
    /** Erases a customer's support data; the parts that point at tickets go first, the tickets last. */
    async eraseCustomer(customerId: string) {
      return {
        chat: await chat.eraseCustomer(customerId),
        csat: await sla.eraseCustomer(customerId),
        email: await email.eraseCustomer(customerId),
        tickets: await tickets.eraseCustomer(customerId),
      };
    },
    async start(role: SupportRole): Promise<void> {
      for (const p of parts) await p.start(role);
    },
    async stop(): Promise<void> {
      for (const p of [...parts].reverse()) await p.stop();
    },
  };
}

export type SupportModule = ReturnType<typeof createSupportModule>;
