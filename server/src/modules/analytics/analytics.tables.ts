import type { Generated } from 'kysely';

/** The rollups' bookkeeping (one row). */
export interface AnalyticsStateTable {
  id: Generated<number>;
  time_zone: string;
  currency: string;
  built_at: Date;
  scan_from: Date;
  refreshed_at: Date;
}

export interface MarketingSpendTable {
  id: string;
  channel: string;
  /** The first day of the month, 'YYYY-MM-01'. */
  month: string;
  amount: number;
  currency: string;
  note: string | null;
  created_by: Generated<string>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface AnalyticsDirtyTable {
  id: Generated<number>;
  customer_id: string;
  kind: Generated<'o' | 's'>;
}

declare module '../../platform/db/types.ts' {
  interface Database {
    analytics_state: AnalyticsStateTable;
    analytics_dirty: AnalyticsDirtyTable;
    marketing_spend: MarketingSpendTable;
  }
}
