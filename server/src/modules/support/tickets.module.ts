import websocket from '@fastify/websocket';
import type { Actor } from '../../platform/audit/audit.ts';
import type { ZodApp } from '../../platform/http/server.ts';
import { ContextService } from './context.service.ts';
import { formRoutes } from './forms.routes.ts';
import { FormsService } from './forms.service.ts';
import { inboxRoutes } from './inbox.routes.ts';
import { InboxService } from './inbox.service.ts';
import { LiveHub } from './live.hub.ts';
import { liveRoutes } from './live.routes.ts';
import { macroRoutes } from './macros.routes.ts';
import { MacrosService } from './macros.service.ts';
import { ruleRoutes } from './rules.routes.ts';
import { RulesService } from './rules.service.ts';
import type { SupportDeps, SupportRole } from './support.deps.ts';
import { AgentActions } from './tickets.agent.service.ts';
import { loadTicketsDemo } from './tickets.demo.ts';
import { TicketsPrivacy } from './tickets.privacy.ts';
import { ticketsRepo } from './tickets.repo.ts';
import { ticketRoutes } from './tickets.routes.ts';
import { supportSettingsRoutes } from './tickets.settings.routes.ts';
import { SupportSettingsService } from './tickets.settings.service.ts';
import { TicketService } from './tickets.service.ts';

/**
 * Tickets, messages, the agent inbox, macros, rules, customer context, web form / phone / social intake
 * and the realtime hub. Other support parts use `service` (TicketService) and `live` (LiveHub).
 */
export function createTickets(deps: SupportDeps) {
  const live = new LiveHub(deps.db, deps.databaseUrl, deps.log);
  const service = new TicketService(deps.db, deps.activities, deps.customers, live);
  const settings = new SupportSettingsService(deps.db);
  const macros = new MacrosService(deps.db, service, deps.messaging);
  const rules = new RulesService(deps.db, service, macros, deps.messaging, deps.log);
  rules.attach();
  const inbox = new InboxService(deps.db, service);
  const context = new ContextService(deps.db, service, deps.customers, deps.segments);
  const agent = new AgentActions(deps.db, service, settings, macros);
  const forms = new FormsService(deps.db, service);
  const privacy = new TicketsPrivacy(deps.db);

  // Tickets follow their customer into the surviving profile of a merge.
  deps.customers.service.onMerge(async (tx, e) => ({ tickets: await ticketsRepo.moveCustomer(tx, e.mergedId, e.survivorId) }));

  return {
    service,
    live,
    inbox,
    macros,
    rules,
    settings,
    context,
    agent,
    /** Personal data: `exportCustomer(id)`, `eraseCustomer(id)`, `onErase` (attachments' files). */
    privacy,
    exportCustomer: (customerId: string) => privacy.exportCustomer(customerId),
    eraseCustomer: (customerId: string) => privacy.eraseCustomer(customerId),
    /** `patron demo`: teams, macros, rules and a few dozen conversations over the demo customers. */
    demo: (actor: Actor, log: (m: string) => void) => loadTicketsDemo({ db: deps.db, tickets: service, settings, macros, rules }, actor, log),
    routes(app: ZodApp): void {
      // The one WebSocket plugin of the app (other support parts declare their socket routes in a child
      // plugin, registered after this, so the plugin is loaded first).
      void app.register(websocket, { options: { maxPayload: 64 * 1024 } });
      // A refused upgrade (401, 403, 429) is answered on the raw socket, which nothing reads or closes after:
      // without this, every refused attempt would hold a socket open (and keep the server from closing).
      app.addHook('onResponse', async (req, reply) => {
        if (reply.statusCode >= 400 && req.headers.upgrade?.toLowerCase() === 'websocket') req.raw.socket?.destroy();
      });
      void app.register(async (scope) => liveRoutes(scope as unknown as ZodApp, live, deps.config.publicUrl));
      ticketRoutes(app, { db: deps.db, tickets: service, agent, context });
      inboxRoutes(app, inbox);
      macroRoutes(app, macros);
      ruleRoutes(app, rules);
      supportSettingsRoutes(app, settings);
      formRoutes(app, forms);
    },
    /** Listeners (role.http) and background work (role.worker), called once the process is up. */
    async start(role: SupportRole): Promise<void> {
      if (role.http) await live.start();
    },
    async stop(): Promise<void> {
      await live.stop();
    },
  };
}
export type TicketsModule = ReturnType<typeof createTickets>;
