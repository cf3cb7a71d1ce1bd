import type { Actor } from '../../platform/audit/audit.ts';
import type { ZodApp } from '../../platform/http/server.ts';
import type { Assistant } from './assistant.ts';
import { loadChatDemo } from './chat.demo.ts';
import { chatRepo, toChatMessage } from './chat.repo.ts';
import { chatRoutes } from './chat.routes.ts';
import { ChatService, type ChatMailer } from './chat.service.ts';
import { ChatSockets } from './chat.socket.ts';
import type { SupportDeps, SupportRole } from './support.deps.ts';
import type { TicketsModule } from './tickets.module.ts';

/**
 * Live chat: the widget (sdk/chat.js) and its socket (/chat/ws), the assistant first and a person on request,
 * offline → email ticket, agents' chat API. Chat messages with a person are ticket messages (tickets part).
 */
export function createChat(deps: SupportDeps, tickets: TicketsModule, assistant?: Assistant, mailer?: ChatMailer) {
  const service = new ChatService(deps.db, tickets.service, tickets.live, assistant, deps.log, deps.customers);
  service.mailer = mailer;
  // Chat visitors follow their customer into the surviving profile of a merge.
  deps.customers.service.onMerge(async (tx, e) => ({ chatVisitors: await chatRepo.moveCustomer(tx, e.mergedId, e.survivorId) }));
  const sockets = new ChatSockets(service, tickets.live, deps.log);
  return {
    service,
    sockets,
    /** `patron demo`: chat on, with a few chats (after the knowledge base, so the assistant has answers). */
    demo: (actor: Actor, log: (m: string) => void = () => undefined) => loadChatDemo(deps.db, service, actor, log),
    /** Chat visitors (their claimed and verified emails) and chats of a customer, for a data export. */
    async exportCustomer(customerId: string) {
      const visitors = await chatRepo.visitorsOfCustomer(deps.db, customerId);
      const chats = await chatRepo.conversationsOfVisitors(deps.db, visitors.map((v) => v.id));
      const out = [];
      for (const c of chats) out.push({ id: c.id, mode: c.mode, ticketId: c.ticket_id, pageUrl: c.page_url, createdAt: c.created_at, messages: (await chatRepo.messages(deps.db, c.id, 0, 10_000)).map(toChatMessage) });
      return { visitors: visitors.map((v) => ({ id: v.id, anonymousId: v.anonymous_id, userId: v.user_id, email: v.email, emailVerified: v.email_verified, name: v.name, createdAt: v.created_at, lastSeenAt: v.last_seen_at })), chats: out };
    },
    /** Deletes the customer's chat visitors with their chats and chat messages (the ticket copies go with the tickets part's erase). */
    async eraseCustomer(customerId: string) {
      const visitors = await chatRepo.visitorsOfCustomer(deps.db, customerId);
      await chatRepo.deleteVisitors(deps.db, visitors.map((v) => v.id));
      return { visitors: visitors.length };
    },
    routes(app: ZodApp): void {
      chatRoutes(app, { chat: service, sockets, publicUrl: deps.config.publicUrl });
    },
    /** Listeners (role.http) and background work (role.worker), called once the process is up. */
    async start(role: SupportRole): Promise<void> {
      if (role.http) sockets.start();
    },
    async stop(): Promise<void> {
      sockets.stop();
    },
  };
}
export type ChatModule = ReturnType<typeof createChat>;
