import type { Logger } from 'pino';
import type { Activities } from '../../platform/activities/activities.ts';
import type { Db } from '../../platform/db/db.ts';
import type { ZodApp } from '../../platform/http/server.ts';
import type { CommerceService } from '../commerce/commerce.service.ts';
import type { CustomersModule } from '../customers/index.ts';
import type { UsersService } from '../users/users.service.ts';
import { trackingSettingsRoutes } from './settings.routes.ts';
import { trackingRoutes } from './tracking.routes.ts';
import { TrackingService } from './tracking.service.ts';

export { TrackingService } from './tracking.service.ts';
export { installSnippet } from './settings.routes.ts';

/**
 * Tracking transactions one process writes at once (requests arriving meanwhile share the next one).
 * About four in all keeps a small server's cores busy without the writers contending; several HTTP
 * processes share them (two processes: two each, measured 12% faster than four each on two cores).
 */
export const ingestParallelism = (processes: number) => Math.max(2, Math.ceil(4 / processes));

/** The tracking module: Segment-compatible event ingestion (/v1/*), the browser script and its install settings. */
export function createTrackingModule(deps: { db: Db; activities: Activities; customers: CustomersModule; commerce: CommerceService; users: UsersService; log: Logger; publicUrl: string | undefined; processes: number }) {
  const service = new TrackingService(
    { db: deps.db, activities: deps.activities, customers: deps.customers.service, bulk: deps.customers.bulk, commerce: deps.commerce, consent: deps.customers.consent, log: deps.log },
    { parallel: ingestParallelism(deps.processes), maxGroupCalls: 2500 },
  );
  return {
    service,
    routes(app: ZodApp) {
      trackingRoutes(app, service);
      trackingSettingsRoutes(app, { db: deps.db, users: deps.users, publicUrl: deps.publicUrl });
    },
  };
}
export type TrackingModule = ReturnType<typeof createTrackingModule>;
