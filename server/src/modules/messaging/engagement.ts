import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Activities } from '../../platform/activities/activities.ts';
import type { Db } from '../../platform/db/db.ts';
import type { ZodApp } from '../../platform/http/server.ts';
import type { ConsentService, CustomersService } from '../customers/index.ts';
import { Attribution, MessagingRoi } from './attribution.ts';
import { BounceService } from './bounces.ts';
import { DoubleOptIn, type Enqueuer } from './double-opt-in.ts';
import { EngagementAdmin } from './engagement.admin.ts';
import { engagementApiRoutes } from './engagement.api.routes.ts';
import { publicRoutes } from './engagement.routes.ts';
import { TrackingService } from './engagement.service.ts';
import { inboundRoutes } from './inbound.routes.ts';
import type { Links } from './links.ts';
import { PreferencesService } from './preferences.service.ts';
import { brandLoader } from './public-http.ts';
import { SuppressionsService } from './suppressions.service.ts';
import type { QueuedMessages } from './unsubscribe.ts';

export { MessagingRoi } from './attribution.ts';

export interface EngagementDeps {
  db: Db;
  activities: Activities;
  customers: CustomersService;
  consent: ConsentService;
  /** MessageSender: enqueue (double opt-in email) and cancel (queued marketing after an unsubscribe). */
  sender: QueuedMessages & Enqueuer;
  /** The same Links instance the dispatcher decorates email with. */
  links: Links;
  /** Largest bounce email or webhook body accepted (bytes). */
  bodyLimit?: number;
}

/**
 * Engagement and deliverability: open and click tracking, unsubscribe and the preference centre,
 * double opt-in, bounces and complaints, suppressions, SMS receipts, attribution.
 */
export function createEngagement(deps: EngagementDeps) {
  const { db, activities, links } = deps;
  const tracking = new TrackingService(db, activities);
  const preferences = new PreferencesService({ db, activities, consent: deps.consent, queued: deps.sender });
  const bounces = new BounceService({ db, activities, consent: deps.consent, queued: deps.sender });
  const doubleOptIn = new DoubleOptIn({ db, consent: deps.consent, customers: deps.customers, sender: deps.sender, links });
  const attribution = new Attribution(db);
  const suppressions = new SuppressionsService(db);
  const admin = new EngagementAdmin(db, links);
  admin.afterChange = () => links.init(db);

  activities.onBatch(attribution.onActivities);
  activities.on('Consent Changed', doubleOptIn.onConsentChanged);

  return {
    tracking, preferences, bounces, doubleOptIn, attribution, suppressions, admin,
    /** Revenue per campaign and flow for the analytics dashboard (stateless: can be built before this module). */
    roi: new MessagingRoi(db),
    routes(app: ZodApp) {
      engagementApiRoutes(app, { admin, suppressions, doubleOptIn });
      // Recipients' pages and inbound webhooks keep raw bodies: signatures are over exact bytes, forms come in several encodings.
      const brand = brandLoader(db);
      void app.register(async (scope) => {
        scope.removeAllContentTypeParsers();
        scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: deps.bodyLimit ?? 2 * 1024 * 1024 }, (_req, body, done) => done(null, body));
        const r = scope.withTypeProvider<ZodTypeProvider>();
        publicRoutes(r, { links, tracking, preferences, doubleOptIn, bounces, brand });
        inboundRoutes(r, { db, links, bounces });
      });
    },
  };
}
export type Engagement = ReturnType<typeof createEngagement>;
