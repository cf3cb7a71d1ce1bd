import type { ColumnType, Generated, Selectable } from 'kysely';
import type { Channel, MessageKind } from './messaging.tables.ts';

/** Tables of migration 0014_campaigns. */

export type CampaignStatus = 'draft' | 'scheduled' | 'sending' | 'sent' | 'cancelled' | 'failed';

type Json = ColumnType<unknown, string, string>;
type Now = ColumnType<Date, Date | undefined, Date>;

export interface CampaignsTable {
  id: string;
  name: string;
  status: Generated<CampaignStatus>;
  channel: Channel;
  kind: MessageKind;
  topic: string | null;
  template_id: string | null;
  sender_id: string | null;
  include_segment_ids: string[];
  exclude_segment_ids: string[];
  schedule: Json;
  start_at: Date | null;
  throttle_per_hour: number | null;
  ab_test: ColumnType<unknown, string | null, string | null>;
  winner: string | null;
  winner_picked_at: Date | null;
  test_ends_at: Date | null;
  started_at: Date | null;
  handed_over_at: Date | null;
  finished_at: Date | null;
  cancelled_at: Date | null;
  error: string | null;
  audience: ColumnType<unknown, string | null, string | null>;
  created_by: string;
  created_at: Now;
  updated_at: Now;
}

export interface CampaignRecipientsTable {
  campaign_id: string;
  customer_id: string;
  variant: string | null;
  held: Generated<boolean>;
  send_after: Date | null;
}

declare module '../../platform/db/types.ts' {
  interface Database {
    campaigns: CampaignsTable;
    campaign_recipients: CampaignRecipientsTable;
  }
}

export type CampaignRow = Selectable<CampaignsTable>;
