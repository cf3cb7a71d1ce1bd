import type { Logger } from 'pino';
import type { Activities } from '../../platform/activities/activities.ts';
import type { Db } from '../../platform/db/db.ts';
import type { ZodApp } from '../../platform/http/server.ts';
import type { Jobs } from '../../platform/jobs/jobs.ts';
import type { CustomersModule } from '../customers/index.ts';
import type { SegmentsModule } from '../segments/index.ts';
import { CustomerContexts } from './context.ts';
import { Dispatcher } from './dispatcher.ts';
import { Links } from './links.ts';
import { messagesRoutes } from './messages.routes.ts';
import { MessagesAdmin } from './messages.service.ts';
import { MessageSender } from './send.service.ts';
import { createTemplates } from './templates.module.ts';
import { createCampaigns } from './campaigns.module.ts';
import { createEngagement } from './engagement.ts';
import { createFlows } from './flows.module.ts';
import { TokenSigner } from './tokens.ts';
import { loadMessagingDemo } from './messaging.demo.ts';
import type { Actor } from '../../platform/audit/audit.ts';

export { MessageSender } from './send.service.ts';
export type { SendRequest } from './send.types.ts';
export { MessagingRoi } from './attribution.ts';
/** The store's name, address, colour and logo as templates and public pages show them. */
export { storeVars } from './context.ts';
/** Liquid rendering as templates use it (sandboxed, time- and memory-bounded): support macros reuse it. */
export { renderTemplate, checkTemplate, TemplateError, type TemplateIssue } from './render.ts';
/** SMTP as messaging configures it, for transactional mail sent outside the message queue (support replies). */
export { SmtpTransport, TransportError, classifySmtpError, cachedSmtp, type CachedTransport, type OutgoingEmail } from './transport.ts';
export { messagingSettings, type SmtpSettings } from './messaging.settings.ts';
/** Bounce reports (RFC 3464) into events for `engagement.bounces.apply` (support's inbound mail hands DSNs over). */
export { parseDsn } from './bounces.parse.ts';

export interface MessagingDeps {
  db: Db;
  activities: Activities;
  jobs: Jobs;
  customers: CustomersModule;
  segments: SegmentsModule;
  log: Logger;
  /** Public base URL for links in messages (PATRON_PUBLIC_URL, else http://localhost:PORT). */
  baseUrl: string;
  /** Outbound webhooks may target private addresses (flows' webhook step follows the same rule). */
  webhooksAllowPrivate: boolean;
}

/** The messaging module: templates, sending (SMTP / outbox / SMS), campaigns, flows, engagement, suppressions, attribution. */
export function createMessagingModule(deps: MessagingDeps) {
  const { db } = deps;
  const signer = new TokenSigner(db);
  const sender = new MessageSender();
  const contexts = new CustomerContexts();
  const links = new Links({ signer, publicUrl: deps.baseUrl });
  const dispatcher = new Dispatcher({ db, sender, activities: deps.activities, contexts, decorator: links, signer, log: deps.log, baseUrl: deps.baseUrl });
  const admin = new MessagesAdmin(db, signer, deps.baseUrl);
  admin.onTransportChange = () => dispatcher.invalidate();
  deps.customers.service.onMerge((tx, e) => sender.onMerge(tx, e));

  const templates = createTemplates({ db, contexts, sender });
  const campaigns = createCampaigns({ db, jobs: deps.jobs, sender, log: deps.log });
  const flows = createFlows({ db, activities: deps.activities, jobs: deps.jobs, sender, customers: deps.customers, segments: deps.segments, log: deps.log, baseUrl: deps.baseUrl, webhooksAllowPrivate: deps.webhooksAllowPrivate });
  const engagement = createEngagement({ db, activities: deps.activities, customers: deps.customers.service, consent: deps.customers.consent, sender, links });

  return {
    sender,
    /** Template context: other modules add their part (`recommendations`, `predictions`, `loyalty`) with addSection. */
    contexts,
    dispatcher,
    signer,
    links,
    admin,
    templates,
    campaigns,
    engagement,
    flows,
    /** `patron demo`: addresses and consent, a sender, starter templates, ready-made flows, a sent newsletter. */
    demo: (actor: Actor, log: (m: string) => void) =>
      loadMessagingDemo({ db, consent: deps.customers.consent, admin, templates: templates.service, campaigns: campaigns.service, gallery: flows.gallery }, actor, log),
    /** Loads the signing secret; call once before serving or sending. */
    async init() {
      await signer.init();
      await links.init(db);
    },
    /** Background work of a worker process: the dispatcher (and the flow engine). */
    async start() {
      await signer.init();
      await links.init(db);
      dispatcher.start();
      flows.start();
    },
    async stop() {
      await flows.stop();
      await dispatcher.stop();
    },
    routes(app: ZodApp) {
      messagesRoutes(app, admin);
      templates.routes(app);
      campaigns.routes(app);
      flows.routes(app);
      engagement.routes(app);
    },
  };
}
export type MessagingModule = ReturnType<typeof createMessagingModule>;
