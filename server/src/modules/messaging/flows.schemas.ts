import { z } from 'zod';

/**
 * Request and response shapes of /api/messaging/flows (shared with the web app). The definition
 * travels as JSON and is parsed step by step (flows.validate.ts) so errors name the step.
 */

export const definitionBody = z.record(z.string(), z.unknown())
  .describe('A flow definition: {"version": 1, "trigger": {...}, "start": "<step id>", "steps": [...]}. See docs/messaging.md, "Flows".');

export const FLOW_STATUSES = ['draft', 'live', 'paused', 'archived'] as const;
export const RUN_STATUSES = ['active', 'waiting', 'completed', 'exited', 'failed'] as const;

export const flowStatsSchema = z.object({
  inFlow: z.number().int().describe('Runs active or waiting now'),
  entered: z.number().int(),
  completed: z.number().int(),
  exited: z.number().int(),
  conversions: z.number().int().describe('Runs whose goal activity happened in time'),
  sent: z.number().int(),
  opened: z.number().int(),
  clicked: z.number().int(),
  revenue: z.number().int().describe('Attributed order revenue, minor units of the store currency'),
});

export const flowSummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  status: z.enum(FLOW_STATUSES),
  version: z.number().int(),
  builtinKey: z.string().nullable(),
  trigger: z.unknown().describe('The current version\'s trigger'),
  triggerSummary: z.string().describe('The trigger in plain words'),
  stepCount: z.number().int(),
  stats: flowStatsSchema,
  currency: z.string(),
  createdBy: z.string(),
  createdAt: z.date(),
  updatedAt: z.date(),
  enabledAt: z.date().nullable(),
});
export type FlowSummary = z.infer<typeof flowSummarySchema>;

export const stepStatsSchema = z.object({
  waiting: z.number().int().describe('Runs at this step now'),
  passed: z.number().int().describe('Runs that finished this step'),
  exited: z.number().int().describe('Runs that ended at this step (exit condition, holdout, failure)'),
  failed: z.number().int(),
  branches: z.record(z.string(), z.number().int()).describe('Runs per branch taken (splits, waits for an activity)'),
  sent: z.number().int(),
  opened: z.number().int(),
  clicked: z.number().int(),
  revenue: z.number().int(),
});
export type StepStats = z.infer<typeof stepStatsSchema>;

export const flowDetailSchema = flowSummarySchema.extend({
  definition: z.unknown(),
  webhookSecret: z.string().describe('Signs the webhook steps\' requests (Standard Webhooks)'),
  steps: z.record(z.string(), stepStatsSchema),
  versions: z.array(z.object({ version: z.number().int(), createdBy: z.string(), createdAt: z.date(), inFlow: z.number().int() })),
});
export type FlowDetail = z.infer<typeof flowDetailSchema>;

export const createFlowBody = z.strictObject({
  name: z.string().trim().min(1).max(200),
  description: z.string().max(2000).default(''),
  definition: definitionBody,
});
export const updateFlowBody = z.strictObject({
  name: z.string().trim().min(1).max(200).optional(),
  description: z.string().max(2000).optional(),
  definition: definitionBody.optional(),
  moveInFlight: z.boolean().default(false).describe('Move customers in flight to the new version (by step id); those at a step that no longer exists exit'),
});
export const statusBody = z.strictObject({ status: z.enum(['live', 'paused']) });
export const enrolBody = z.strictObject({ customerIds: z.array(z.guid({ error: 'must be a customer id (UUID)' })).min(1).max(1000) });
export const enrolResultSchema = z.object({ enrolled: z.number().int(), skipped: z.number().int().describe('Already in the flow, or kept out by its re-entry rule') });
export const moveResultSchema = z.object({ moved: z.number().int(), exited: z.number().int() });

export const runSchema = z.object({
  id: z.string(),
  customerId: z.string(),
  customerName: z.string(),
  email: z.string().nullable(),
  version: z.number().int(),
  key: z.string().nullable(),
  status: z.enum(RUN_STATUSES),
  stepId: z.string().nullable(),
  dueAt: z.date().nullable(),
  enteredAt: z.date(),
  exitedAt: z.date().nullable(),
  exitReason: z.string().nullable(),
  goalAt: z.date().nullable(),
});
export const runsQuery = z.strictObject({
  status: z.enum(RUN_STATUSES).optional(),
  stepId: z.string().max(64).optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export const runsPageSchema = z.object({ items: z.array(runSchema), nextCursor: z.string().nullable() });

export const journeySchema = z.object({
  runId: z.string(),
  flowId: z.string(),
  flowName: z.string(),
  version: z.number().int(),
  status: z.enum(RUN_STATUSES),
  stepId: z.string().nullable(),
  stepName: z.string().nullable(),
  dueAt: z.date().nullable(),
  enteredAt: z.date(),
  exitedAt: z.date().nullable(),
  exitReason: z.string().nullable(),
  goalAt: z.date().nullable(),
  steps: z.array(z.object({
    stepId: z.string(), name: z.string(), type: z.string(), status: z.string(), branch: z.string().nullable(),
    startedAt: z.date(), dueAt: z.date().nullable(), doneAt: z.date().nullable(), detail: z.unknown(),
  })),
  messages: z.array(z.object({
    id: z.string(), stepId: z.string().nullable(), channel: z.string(), status: z.string(), skipReason: z.string().nullable(), subject: z.string().nullable(),
    createdAt: z.date(), sentAt: z.date().nullable(), openedAt: z.date().nullable(), clickedAt: z.date().nullable(),
  })),
});
export type Journey = z.infer<typeof journeySchema>;
export const journeysQuery = z.strictObject({ customerId: z.guid({ error: 'must be a customer id (UUID)' }) });

export const galleryItemSchema = z.object({
  key: z.string(),
  name: z.string(),
  description: z.string(),
  triggerSummary: z.string(),
  steps: z.array(z.object({ type: z.string(), name: z.string() })),
  templates: z.array(z.string()).describe('Templates it creates when switched on (editable afterwards)'),
  installed: z.object({ flowId: z.string(), status: z.enum(FLOW_STATUSES) }).nullable(),
});

export const taskSchema = z.object({
  id: z.string(),
  flowId: z.string(),
  flowName: z.string(),
  customerId: z.string(),
  customerName: z.string(),
  title: z.string(),
  body: z.string(),
  assigneeId: z.string().nullable(),
  assigneeName: z.string().nullable(),
  status: z.enum(['open', 'done']),
  createdAt: z.date(),
  doneAt: z.date().nullable(),
  doneBy: z.string().nullable(),
});
export const tasksQuery = z.strictObject({ status: z.enum(['open', 'done']).default('open'), limit: z.coerce.number().int().min(1).max(200).default(100) });

export const discountCodeSchema = z.object({
  code: z.string(), kind: z.enum(['percent', 'amount']), value: z.number().int(), currency: z.string().nullable(),
  flowId: z.string().nullable(), customerId: z.string().nullable(), expiresAt: z.date(), usedAt: z.date().nullable(), orderId: z.string().nullable(), createdAt: z.date(),
});
export const discountCodesQuery = z.strictObject({
  since: z.coerce.date().optional().describe('Only codes made after this time (a store integration syncing new codes)'),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});
