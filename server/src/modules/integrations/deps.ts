import type { Logger } from 'pino';
import type { Config } from '../../config.ts';
import type { Activities } from '../../platform/activities/activities.ts';
import type { Db } from '../../platform/db/db.ts';
import type { Jobs } from '../../platform/jobs/jobs.ts';
import type { CommerceService } from '../commerce/commerce.service.ts';
import type { CustomersService } from '../customers/customers.service.ts';
import type { ConsentService } from '../customers/index.ts';

/** What the integrations module needs from the rest of Patron. */
export interface IntegrationsDeps {
  db: Db;
  config: Config;
  jobs: Jobs;
  activities: Activities;
  customers: CustomersService;
  /** Marketing consent from store webhooks and files goes through its rules. */
  consent: ConsentService;
  commerce: CommerceService;
  log?: Logger;
}
