import type { Logger } from 'pino';
import type { Activities } from '../../platform/activities/activities.ts';
import type { Db } from '../../platform/db/db.ts';
import type { Jobs } from '../../platform/jobs/jobs.ts';
import type { CommerceService } from '../commerce/index.ts';
import type { CustomersModule } from '../customers/index.ts';

/** What every part of the predict module (CLV/churn, recommendations, forecast) is built from. */
export interface PredictDeps {
  db: Db;
  activities: Activities;
  jobs: Jobs;
  customers: CustomersModule;
  commerce: CommerceService;
  log: Logger;
}
