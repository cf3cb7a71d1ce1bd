import type { Logger } from 'pino';
import type { Config } from '../../config.ts';
import type { Activities } from '../../platform/activities/activities.ts';
import type { Db } from '../../platform/db/db.ts';
import type { Jobs } from '../../platform/jobs/jobs.ts';
import type { CommerceService } from '../commerce/index.ts';
import type { CustomersModule } from '../customers/index.ts';
import type { MessagingModule } from '../messaging/index.ts';
import type { SegmentsModule } from '../segments/index.ts';

/** What every part of the support module (tickets, email, chat, knowledge base, SLA) is built from. */
export interface SupportDeps {
  db: Db;
  config: Config;
  activities: Activities;
  jobs: Jobs;
  customers: CustomersModule;
  commerce: CommerceService;
  segments: SegmentsModule;
  messaging: MessagingModule;
  log: Logger;
  /** Public base URL for links in emails (help centre, CSAT, widget). */
  baseUrl: string;
  /** The database URL, for the realtime hub's LISTEN connection (live.hub.ts); the pool cannot hold one open. */
  databaseUrl: string;
}

/** What this process does: serves HTTP (and listeners such as the SMTP receiver) and/or runs background work. */
export interface SupportRole {
  http: boolean;
  worker: boolean;
}
