import type { Activities } from '../../platform/activities/activities.ts';
import type { Db } from '../../platform/db/db.ts';
import type { Jobs } from '../../platform/jobs/jobs.ts';
import type { ZodApp } from '../../platform/http/server.ts';
import { attributeRoutes } from './attributes.routes.ts';
import { consentRoutes } from './consent.routes.ts';
import { ConsentService } from './consent.service.ts';
import { CustomerBulkService } from './customers.bulk.ts';
import { customerBulkRoutes } from './customers.bulk.routes.ts';
import { CustomerBulkTagJobs } from './customers.bulktag.ts';
import { CustomerEditService } from './customers.edit.service.ts';
import { customerRoutes } from './customers.routes.ts';
import { CustomersService } from './customers.service.ts';

export { CustomersService, type ResolveInput, type ResolveResult } from './customers.service.ts';
export { ConsentService, decideConsent, type ConsentChange, type ConsentResult, type ConsentSignal } from './consent.service.ts';
export type { ConsentChannel, ConsentMethod, ConsentSignalStatus, ConsentStatus } from './consent.schemas.ts';
export { CustomerBulkService, claimKey } from './customers.bulk.ts';
export { CustomerImportService, type ProfileImport } from './customers.import.ts';
export type { IdentityClaim } from './identity.ts';
export { normaliseClaims, type NormalisedIdentity } from './identity.ts';
export { csvCell } from './customers.query.ts';

/** The customers module: profiles, identities and resolution, merges, marketing consent, notes, tags, custom attributes. */
export function createCustomersModule(deps: { db: Db; activities: Activities; jobs: Jobs }) {
  const service = new CustomersService(deps.db, deps.activities);
  const edits = new CustomerEditService(deps.db, deps.activities, service);
  const consent = new ConsentService(deps.db, deps.activities, service);
  service.onMerge((tx, e) => consent.onMerge(tx, e));
  const bulkTags = new CustomerBulkTagJobs(deps.db, deps.jobs, edits);
  return {
    service,
    edits,
    /** Marketing consent per channel: every source records through it (docs/consent.md). */
    consent,
    /** Tagging everyone matching a filter, in chunks, as a background job. */
    bulkTags,
    /** Set-based identity lookups, creation and last-seen for high-volume ingestion (tracking). */
    bulk: new CustomerBulkService(),
    routes(app: ZodApp) {
      customerRoutes(app, { db: deps.db, customers: service, edits, consent, activities: deps.activities });
      consentRoutes(app, consent);
      customerBulkRoutes(app, { db: deps.db, edits, bulkTags });
      attributeRoutes(app, edits);
    },
  };
}
export type CustomersModule = ReturnType<typeof createCustomersModule>;
