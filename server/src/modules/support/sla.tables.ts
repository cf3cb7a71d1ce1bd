import type { ColumnType } from 'kysely';

/** Tables of migration 0024_support_sla. */

type Json = ColumnType<unknown, string | undefined, string>;
type Now = ColumnType<Date, Date | undefined, Date>;
type Big = ColumnType<number | null, number | null | undefined, number | null>;

export interface SupportCalendarsTable {
  id: string;
  name: string;
  time_zone: string;
  hours: Json;
  holidays: Json;
  is_default: boolean;
  created_at: Now;
  updated_at: Now;
}

export interface SlaPoliciesTable {
  id: string;
  name: string;
  position: number;
  enabled: boolean;
  calendar_id: string | null;
  segment_id: string | null;
  channels: string[];
  targets: Json;
  created_at: Now;
  updated_at: Now;
}

export interface TicketSlaTable {
  ticket_id: string;
  policy_id: string | null;
  policy_name: string | null;
  calendar_id: string | null;
  priority: string;
  first_response_target: number | null;
  resolution_target: number | null;
  paused_at: Date | null;
  paused_ms: ColumnType<number, number | undefined, number>;
  first_response_due_at: Date | null;
  resolution_due_at: Date | null;
  first_response_warn_at: Date | null;
  resolution_warn_at: Date | null;
  first_response_ms: Big;
  resolution_ms: Big;
  first_response_breached_at: Date | null;
  resolution_breached_at: Date | null;
  first_response_warned: ColumnType<boolean, boolean | undefined, boolean>;
  resolution_warned: ColumnType<boolean, boolean | undefined, boolean>;
  updated_at: Now;
}

export interface CsatSurveysTable {
  id: string;
  ticket_id: string;
  customer_id: string;
  message_id: string | null;
  sent_at: Now;
  rating: number | null;
  comment: string | null;
  rated_at: Date | null;
  created_at: Now;
}

declare module '../../platform/db/types.ts' {
  interface Database {
    support_calendars: SupportCalendarsTable;
    sla_policies: SlaPoliciesTable;
    ticket_sla: TicketSlaTable;
    csat_surveys: CsatSurveysTable;
  }
}
