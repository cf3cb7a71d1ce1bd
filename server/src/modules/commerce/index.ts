import type { Activities } from '../../platform/activities/activities.ts';
import type { Db } from '../../platform/db/db.ts';
import type { ZodApp } from '../../platform/http/server.ts';
import type { CustomersService } from '../customers/customers.service.ts';
import { commerceRoutes } from './commerce.routes.ts';
import { CommerceService } from './commerce.service.ts';

export { CommerceService, claimsFor } from './commerce.service.ts';
export { CommerceBulkService } from './commerce.bulk.ts';
/** A customer's orders (with lines) and carts, as the 360° page shows them: support's customer context reads them too. */
export { customerOrders, customerCarts } from './commerce.query.ts';
export { orderSchema, orderLineSchema, cartSchema } from './commerce.schemas.ts';

/** The commerce module: products, orders, refunds and carts. */
export function createCommerceModule(deps: { db: Db; activities: Activities; customers: CustomersService }) {
  const service = new CommerceService(deps.db, deps.activities, deps.customers);
  deps.customers.onMerge((tx, e) => service.moveCustomer(tx, e));
  return {
    service,
    routes(app: ZodApp) {
      commerceRoutes(app, deps.db, service);
    },
  };
}
export type CommerceModule = ReturnType<typeof createCommerceModule>;
