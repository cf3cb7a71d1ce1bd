import type { Activities } from '../../platform/activities/activities.ts';
import type { Db } from '../../platform/db/db.ts';
import type { ZodApp } from '../../platform/http/server.ts';
import { attributeRoutes } from './attributes.routes.ts';
import { CustomerEditService } from './customers.edit.service.ts';
import { customerRoutes } from './customers.routes.ts';
import { CustomersService } from './customers.service.ts';

export { CustomersService } from './customers.service.ts';
export type { IdentityClaim } from './identity.ts';

/** The customers module: profiles, identities and resolution, merges, notes, tags, custom attributes. */
export function createCustomersModule(deps: { db: Db; activities: Activities }) {
  const service = new CustomersService(deps.db, deps.activities);
  const edits = new CustomerEditService(deps.db, deps.activities, service);
  return {
    service,
    edits,
    routes(app: ZodApp) {
      customerRoutes(app, { db: deps.db, customers: service, edits, activities: deps.activities });
      attributeRoutes(app, edits);
    },
  };
}
export type CustomersModule = ReturnType<typeof createCustomersModule>;
