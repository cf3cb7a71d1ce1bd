import type { ColumnType, Selectable } from 'kysely';
import type { Channel } from './messaging.tables.ts';

/** Tables of migration 0016_messaging_engagement (attribution, applied provider events, soft-bounce streaks). */

type Now = ColumnType<Date, Date | undefined, Date>;

export type Touch = 'click' | 'open';

export interface MessageAttributionsTable {
  order_id: string;
  message_id: string;
  customer_id: string | null;
  campaign_id: string | null;
  flow_id: string | null;
  flow_step_id: string | null;
  variant: string | null;
  touch: Touch;
  touched_at: Date;
  revenue_minor: ColumnType<number, number, number>;
  currency: string;
  ordered_at: Date;
  attributed_at: Now;
}

export interface MessageInboundEventsTable {
  provider: string;
  event_id: string;
  message_id: string | null;
  type: string;
  received_at: Now;
}

export interface BounceStreaksTable {
  channel: Channel;
  address: string;
  soft_count: number;
  last_message_id: string | null;
  last_at: Date;
}

declare module '../../platform/db/types.ts' {
  interface Database {
    message_attributions: MessageAttributionsTable;
    message_inbound_events: MessageInboundEventsTable;
    bounce_streaks: BounceStreaksTable;
  }
}

export type AttributionRow = Selectable<MessageAttributionsTable>;
