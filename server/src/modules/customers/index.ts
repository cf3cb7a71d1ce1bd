import type { Activities } from '../../platform/activities/activities.ts';
import type { Db } from '../../platform/db/db.ts';
import type { ZodApp } from '../../platform/http/server.ts';
import { attributeRoutes } from './attributes.routes.ts';
import { CustomerBulkService } from './customers.bulk.ts';
import { CustomerEditService } from './customers.edit.service.ts';
import { customerRoutes } from './customers.routes.ts';
import { CustomersService } from './customers.service.ts';

export { CustomersService } from './customers.service.ts';
export { CustomerBulkService, claimKey } from './customers.bulk.ts';
export { CustomerImportService, type ProfileImport } from './customers.import.ts';
export type { IdentityClaim } from './identity.ts';
export { normaliseClaims, type NormalisedIdentity } from './identity.ts';

/** The customers module: profiles, identities and resolution, merges, notes, tags, custom attributes. */
export function createCustomersModule(deps: { db: Db; activities: Activities }) {
  const service = new CustomersService(deps.db, deps.activities);
  const edits = new CustomerEditService(deps.db, deps.activities, service);
  return {
    service,
    edits,
    /** Set-based identity lookups, creation and last-seen for high-volume ingestion (tracking). */
    bulk: new CustomerBulkService(),
    routes(app: ZodApp) {
      customerRoutes(app, { db: deps.db, customers: service, edits, activities: deps.activities });
      attributeRoutes(app, edits);
    },
  };
}
export type CustomersModule = ReturnType<typeof createCustomersModule>;
