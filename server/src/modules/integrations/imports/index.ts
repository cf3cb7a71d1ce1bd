import { z } from 'zod';
import type { ZodApp } from '../../../platform/http/server.ts';
import { CommerceBulkService } from '../../commerce/index.ts';
import { CustomerBulkService, CustomerImportService } from '../../customers/index.ts';
import type { IntegrationsDeps } from '../deps.ts';
import { importRoutes } from './imports.routes.ts';
import { IMPORT_JOB, ImportsService } from './imports.service.ts';
import { ImportMappingsService } from './mappings.service.ts';

export { ImportsService } from './imports.service.ts';

const ATTEMPTS = 5;
/** Uploaded files are deleted this long after their import finished (they hold customers' personal data). */
const KEEP_FILES_DAYS = 30;

/** CSV imports of customers, products and orders: uploads, background runs, CLI runs, saved mappings. */
export function setupImports(deps: IntegrationsDeps) {
  // The writers live in the modules that own the tables; they are stateless, so the import makes its own.
  const commerceBulk = new CommerceBulkService(deps.activities);
  const service = new ImportsService(deps.db, deps.jobs, {
    customerImport: new CustomerImportService(deps.activities, deps.customers, new CustomerBulkService()),
    commerceBulk,
    consent: deps.consent,
    hasOrders: (tx) => commerceBulk.hasOrders(tx),
    refreshCustomerStats: (db) => deps.customers.refreshAllCommerceStats(db),
  });
  const mappings = new ImportMappingsService(deps.db);
  deps.jobs.register({
    name: IMPORT_JOB, payload: z.object({ importId: z.guid() }), maxAttempts: ATTEMPTS,
    handler: (p, ctx) => service.runQueued(p.importId, ctx.attempt, ATTEMPTS),
  });
  deps.jobs.register({ name: 'integrations.purge-import-files', payload: z.object({}).passthrough(), maxAttempts: 3, handler: async () => void (await service.purgeStoredFiles(KEEP_FILES_DAYS)) });
  deps.jobs.cron({ pattern: '41 3 * * *', job: 'integrations.purge-import-files' });
  return {
    service,
    mappings,
    routes(app: ZodApp) {
      importRoutes(app, service, mappings);
    },
  };
}
