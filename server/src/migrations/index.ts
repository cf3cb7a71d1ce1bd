import type { Migration } from 'kysely';
import * as m0001 from './0001_platform.ts';
import * as m0002 from './0002_idempotency.ts';
import * as m0003 from './0003_customers.ts';
import * as m0004 from './0004_commerce.ts';
import * as m0005 from './0005_tracking.ts';
import * as m0006 from './0006_imports.ts';
import * as m0007 from './0007_webhooks.ts';
import * as m0008 from './0008_consent.ts';
import * as m0009 from './0009_segments.ts';
import * as m0010 from './0010_segments_rfm.ts';
import * as m0011 from './0011_analytics.ts';
import * as m0012 from './0012_messaging.ts';
import * as m0013 from './0013_consent_tracking.ts';
import * as m0014 from './0014_campaigns.ts';
import * as m0015 from './0015_flows.ts';
import * as m0016 from './0016_messaging_engagement.ts';
import * as m0017 from './0017_predict_clv.ts';
import * as m0018 from './0018_predict_recs.ts';
import * as m0019 from './0019_predict_forecast.ts';
import * as m0020 from './0020_support.ts';
import * as m0021 from './0021_support_kb.ts';
import * as m0022 from './0022_support_email.ts';
import * as m0023 from './0023_support_chat.ts';
import * as m0024 from './0024_support_sla.ts';
import * as m0025 from './0025_support_inbox_sla.ts';
import * as m0026 from './0026_activities_customer_check.ts';

/** Every migration, in order. Append only: a shipped migration is never edited or removed. */
export const migrations: Record<string, Migration> = {
  '0001_platform': m0001,
  '0002_idempotency': m0002,
  '0003_customers': m0003,
  '0004_commerce': m0004,
  '0005_tracking': m0005,
  '0006_imports': m0006,
  '0007_webhooks': m0007,
  '0008_consent': m0008,
  '0009_segments': m0009,
  '0010_segments_rfm': m0010,
  '0011_analytics': m0011,
  '0012_messaging': m0012,
  '0013_consent_tracking': m0013,
  '0014_campaigns': m0014,
  '0015_flows': m0015,
  '0016_messaging_engagement': m0016,
  '0017_predict_clv': m0017,
  '0018_predict_recs': m0018,
  '0019_predict_forecast': m0019,
  '0020_support': m0020,
  '0021_support_kb': m0021,
  '0022_support_email': m0022,
  '0023_support_chat': m0023,
  '0024_support_sla': m0024,
  '0025_support_inbox_sla': m0025,
  '0026_activities_customer_check': m0026,
};
