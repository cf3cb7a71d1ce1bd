import type { ColumnType, Generated, Selectable } from 'kysely';

/** Tables of migration 0015_flows (flows, their versions, runs, step executions, tasks, discount codes). */

export type FlowStatus = 'draft' | 'live' | 'paused' | 'archived';
export type RunStatus = 'active' | 'waiting' | 'completed' | 'exited' | 'failed';
export type RunStepStatus = 'waiting' | 'started' | 'done' | 'failed';

type Json = ColumnType<unknown, string, string>;
type Now = ColumnType<Date, Date | undefined, Date>;

export interface FlowsTable {
  id: string;
  name: string;
  description: Generated<string>;
  status: Generated<FlowStatus>;
  version: Generated<number>;
  builtin_key: string | null;
  trigger_type: 'activity' | 'segment' | 'date' | 'manual';
  trigger_activity: string | null;
  trigger_segment_id: string | null;
  webhook_secret: string;
  created_by: string;
  created_at: Now;
  updated_at: Now;
  enabled_at: Date | null;
}

export interface FlowVersionsTable {
  flow_id: string;
  version: number;
  definition: Json;
  created_by: string;
  created_at: Now;
}

export interface FlowRunsTable {
  id: string;
  flow_id: string;
  version: number;
  customer_id: string;
  key: string | null;
  status: RunStatus;
  step_id: string | null;
  due_at: Date | null;
  entered_at: Now;
  triggered_at: Now;
  exited_at: Date | null;
  exit_reason: string | null;
  goal_at: Date | null;
  wait_for: string[] | null;
  wait_since: Date | null;
  wait_matched: Generated<boolean>;
  vars: ColumnType<unknown, string | undefined, string>;
  last_error: string | null;
  updated_at: Now;
}

export interface FlowRunStepsTable {
  run_id: string;
  step_id: string;
  flow_id: string;
  status: RunStepStatus;
  outcome: string | null;
  branch: string | null;
  started_at: Now;
  due_at: Date | null;
  done_at: Date | null;
  detail: Json | null;
}

export interface FlowTasksTable {
  id: string;
  flow_id: string;
  run_id: string;
  step_id: string;
  customer_id: string;
  title: string;
  body: Generated<string>;
  assignee_id: string | null;
  status: Generated<'open' | 'done'>;
  created_at: Now;
  done_at: Date | null;
  done_by: string | null;
}

export interface DiscountCodesTable {
  id: string;
  code: string;
  flow_id: string | null;
  run_id: string | null;
  step_id: string | null;
  customer_id: string | null;
  kind: 'percent' | 'amount';
  value: number;
  currency: string | null;
  expires_at: Date;
  used_at: Date | null;
  order_id: string | null;
  created_at: Now;
}

declare module '../../platform/db/types.ts' {
  interface Database {
    flows: FlowsTable;
    flow_versions: FlowVersionsTable;
    flow_runs: FlowRunsTable;
    flow_run_steps: FlowRunStepsTable;
    flow_tasks: FlowTasksTable;
    discount_codes: DiscountCodesTable;
  }
}

export type FlowRow = Selectable<FlowsTable>;
export type FlowRunRow = Selectable<FlowRunsTable>;
export type FlowTaskRow = Selectable<FlowTasksTable>;
