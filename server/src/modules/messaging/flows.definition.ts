import { z } from 'zod';
import { definitionSchema as segmentDefinitionSchema, propertyFilterSchema } from '../segments/segments.definition.ts';

/**
 * A flow definition: a trigger and a graph of steps, stored as JSON and frozen per version.
 * The shapes here are structural; flows.validate.ts checks the meaning (targets exist, no cycles,
 * every step reachable, templates and segments exist) and names the step that is wrong.
 * This file is plain data (no server imports beyond zod and the segment shapes): the web app uses it too.
 */

export const WAIT_UNITS = ['seconds', 'minutes', 'hours', 'days', 'weeks'] as const;
export type WaitUnit = (typeof WAIT_UNITS)[number];
export const durationSchema = z.strictObject({ amount: z.number().int().min(0).max(100_000), unit: z.enum(WAIT_UNITS) });
export type FlowDuration = z.infer<typeof durationSchema>;

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time of day as HH:MM (24-hour)');
const stepId = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/, 'step ids are letters, digits, _ and -');
/** The step to go to next, or null to end the run there. */
const target = stepId.nullable();

export const DATE_FIELDS = ['birthday', 'firstOrderAt', 'lastOrderAt', 'createdAt', 'attribute'] as const;

export const triggerSchema = z.discriminatedUnion('type', [
  /** An activity arrives (Checkout Started, Order Completed, Customer Created, a custom track event). */
  z.strictObject({ type: z.literal('activity'), activity: z.string().min(1).max(200), where: z.array(propertyFilterSchema).max(10).optional() }),
  /** A customer enters or leaves a segment. */
  z.strictObject({ type: z.literal('segment'), segmentId: z.uuid(), on: z.enum(['entered', 'exited']) }),
  /**
   * A date of the customer's: fires on that local day (+ offsetDays) at `time` in their time zone.
   * `yearly`: every year on the anniversary (birthday, first order); otherwise once.
   */
  z.strictObject({
    type: z.literal('date'), field: z.enum(DATE_FIELDS), attribute: z.string().min(1).max(100).optional(),
    offsetDays: z.number().int().min(-366).max(366).default(0), time: hhmm.default('09:00'), yearly: z.boolean().default(false),
  }),
  /** Only people enrolled by hand (or through the API). */
  z.strictObject({ type: z.literal('manual') }),
]);
export type Trigger = z.infer<typeof triggerSchema>;

const base = { id: stepId, name: z.string().max(200).optional() };

export const waitStep = z.strictObject({ ...base, type: z.literal('wait'), duration: durationSchema, next: target });
/** Until the next `time` on the customer's clock (their time zone, else the store's), on one of `days` (0 = Sunday) if given. */
export const waitUntilStep = z.strictObject({ ...base, type: z.literal('waitUntil'), time: hhmm, days: z.array(z.number().int().min(0).max(6)).min(1).max(7).optional(), next: target });
/** Until one of `activities` happens (→ `next`) or `timeout` passes (→ `timeoutNext`). */
export const waitForStep = z.strictObject({
  ...base, type: z.literal('waitFor'), activities: z.array(z.string().min(1).max(200)).min(1).max(10), timeout: durationSchema, next: target, timeoutNext: target,
});
/** Customers matching the condition (the segment condition language, evaluated for this customer now) → `yes`, others → `no`. */
export const splitStep = z.strictObject({ ...base, type: z.literal('split'), condition: segmentDefinitionSchema, yes: target, no: target });
/** Random branches by percentage (deterministic per run); a `holdout` branch is a control group that exits without messages. */
export const randomStep = z.strictObject({
  ...base, type: z.literal('random'),
  branches: z.array(z.strictObject({ label: z.string().min(1).max(60), percent: z.number().int().min(0).max(100), next: target, holdout: z.boolean().optional() })).min(2).max(10),
});
export const emailStep = z.strictObject({ ...base, type: z.literal('email'), templateId: z.uuid(), kind: z.enum(['marketing', 'transactional']).default('marketing'), topic: z.string().max(60).optional(), next: target });
export const smsStep = z.strictObject({ ...base, type: z.literal('sms'), templateId: z.uuid(), kind: z.enum(['marketing', 'transactional']).default('marketing'), next: target });
const tag = z.string().trim().min(1).max(100);
export const tagStep = z.strictObject({ ...base, type: z.literal('tag'), add: z.array(tag).max(20).default([]), remove: z.array(tag).max(20).default([]), next: target });
/** Sets (or with null, removes) a custom attribute. */
export const attributeStep = z.strictObject({
  ...base, type: z.literal('attribute'), key: z.string().min(1).max(100).regex(/^[a-z][a-z0-9_]*$/, 'attribute keys are lower-case letters, digits and _'),
  value: z.union([z.string().max(1000), z.number().finite(), z.boolean(), z.null()]), next: target,
});
/** POSTs the run (flow, customer, trigger properties) as a signed Standard Webhooks request; at most once. */
export const webhookStep = z.strictObject({ ...base, type: z.literal('webhook'), url: z.string().min(1).max(2000), next: target });
/** A task for the team (shown on the Flows page), optionally assigned to one person. */
export const taskStep = z.strictObject({ ...base, type: z.literal('task'), title: z.string().trim().min(1).max(200), body: z.string().max(2000).default(''), assigneeId: z.uuid().optional(), next: target });
/** A single-use discount code for this run, given to later messages as {{ discount_code }}. */
export const discountStep = z.strictObject({
  ...base, type: z.literal('discount'), kind: z.enum(['percent', 'amount']), value: z.number().int().min(1).max(10_000_000),
  expiresInDays: z.number().int().min(1).max(365).default(7), prefix: z.string().regex(/^[A-Z0-9]{0,12}$/, 'up to 12 capital letters and digits').default('SAVE'), next: target,
});

export const stepSchema = z.discriminatedUnion('type', [waitStep, waitUntilStep, waitForStep, splitStep, randomStep, emailStep, smsStep, tagStep, attributeStep, webhookStep, taskStep, discountStep]);
export type Step = z.infer<typeof stepSchema>;
export type StepType = Step['type'];
export const reentrySchema = z.discriminatedUnion('mode', [
  /** Once per customer, ever. */
  z.strictObject({ mode: z.literal('never') }),
  /** Every time the trigger fires, unless the customer is in the flow already. */
  z.strictObject({ mode: z.literal('always') }),
  /** Again only once `days` have passed since they last entered. */
  z.strictObject({ mode: z.literal('afterDays'), days: z.number().int().min(1).max(3650) }),
]);
export type Reentry = z.infer<typeof reentrySchema>;

export const MAX_STEPS = 60;

export const flowDefinitionSchema = z.strictObject({
  version: z.literal(1),
  trigger: triggerSchema,
  /**
   * Trigger properties that key the run (the first present one): the same key never starts a second
   * run, and a new key for the same customer exits their current run and starts a new one (a new cart).
   */
  keyBy: z.array(z.string().min(1).max(100).regex(/^[A-Za-z0-9_$-]+(\.[A-Za-z0-9_$-]+)*$/)).max(5).optional(),
  reentry: reentrySchema.default({ mode: 'always' }),
  /** Activity types that end a run at once (and cancel its queued messages): e.g. Order Completed. */
  exitOn: z.array(z.string().min(1).max(200)).max(10).default([]),
  /** The conversion: this activity within `withinDays` of entering. */
  goal: z.strictObject({ activity: z.string().min(1).max(200), withinDays: z.number().int().min(1).max(365) }).optional(),
  /** The first step, or null for a flow that does nothing yet. */
  start: target,
  steps: z.array(stepSchema).max(MAX_STEPS),
});
export type FlowDefinition = z.infer<typeof flowDefinitionSchema>;
export type FlowDefinitionInput = z.input<typeof flowDefinitionSchema>;


export { describeTrigger, durationMs, matchesFilter, outline, propertyAt, randomBranch, runKey, STEP_TYPES, stepTargets, WAIT_TYPES } from './flows.graph.ts';
