import { z } from 'zod';
import type { Definition } from './segments.definition.ts';

/**
 * The definition travels as JSON and is parsed node by node (segments.validate.ts) so errors point
 * at the exact node; here it is documented, not validated.
 */
export const definitionBody = z
  .record(z.string(), z.unknown())
  .describe('A segment definition: {"version": 1, "root": {"kind": "group", "match": "all" | "any" | "none", "conditions": [...]}}. See docs/segments.md.');
/** What the routes hand the service: still to be parsed by parseDefinition. */
export type RawDefinition = Record<string, unknown> | Definition;

export const segmentSchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  definition: z.unknown().describe('The stored definition (see docs/segments.md)'),
  summary: z.string().describe('The definition in plain language'),
  revision: z.number().int(),
  builtIn: z.string().nullable().describe('Which built-in segment this started as, if any'),
  status: z.enum(['active', 'broken', 'computing']),
  brokenReason: z.string().nullable(),
  scheduled: z.boolean().describe('Membership also changes with time: re-evaluated every 15 minutes'),
  triggers: z.array(z.string()).describe('Activity types that re-evaluate a customer at once'),
  size: z.number().int(),
  trend: z.array(z.number().int()).describe('Size at the end of each of the last 30 days with data'),
  lastComputedAt: z.date().nullable(),
  lastDurationMs: z.number().nullable(),
  createdBy: z.string(),
  createdAt: z.date(),
  updatedAt: z.date(),
});
export type Segment = z.infer<typeof segmentSchema>;

export const createSegmentBody = z.strictObject({
  name: z.string().trim().min(1).max(200),
  description: z.string().max(2000).default(''),
  definition: definitionBody,
});
export const updateSegmentBody = z.strictObject({
  name: z.string().trim().min(1).max(200).optional(),
  description: z.string().max(2000).optional(),
  definition: definitionBody.optional(),
});

const memberSchema = z.object({
  id: z.string(),
  name: z.string(),
  email: z.string().nullable(),
  country: z.string().nullable(),
  orderCount: z.number().int(),
  totalSpent: z.number().int(),
  lastOrderAt: z.date().nullable(),
  enteredAt: z.date().nullable(),
});
export type SegmentMember = z.infer<typeof memberSchema>;

export const previewBody = z.strictObject({ definition: definitionBody, segmentId: z.uuid().optional().describe('The segment being edited (its own references are checked for cycles)') });
export const previewSchema = z.object({
  count: z.number().int(),
  sample: z.array(memberSchema),
  summary: z.string(),
  ms: z.number(),
});

export const membersQuery = z.strictObject({
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export const membersPageSchema = z.object({ items: z.array(memberSchema), nextCursor: z.string().nullable(), total: z.number().int() });

export const historySchema = z.object({ items: z.array(z.object({ day: z.string(), size: z.number().int(), entered: z.number().int(), exited: z.number().int() })) });

export const versionSchema = z.object({ revision: z.number().int(), name: z.string(), definition: z.unknown(), actorLabel: z.string(), createdAt: z.date() });

const fieldInfo = z.object({
  key: z.string(),
  label: z.string(),
  group: z.string(),
  type: z.string(),
  ops: z.array(z.string()),
  options: z.array(z.string()).optional(),
  recurring: z.boolean().optional(),
  help: z.string().optional(),
});
export const fieldsSchema = z.object({
  fields: z.array(fieldInfo),
  activities: z.array(z.object({ type: z.string(), seen: z.boolean(), properties: z.array(z.string()).describe('Property names seen on its latest activities') })).describe('Activity types: the known vocabulary plus every type seen in the store'),
  categories: z.array(z.string()),
  segments: z.array(z.object({ id: z.string(), name: z.string() })),
  rfmClasses: z.array(z.object({ key: z.string(), label: z.string() })),
  currency: z.string(),
});
export type FieldsCatalogue = z.infer<typeof fieldsSchema>;

export const customerSegmentsSchema = z.object({ items: z.array(z.object({ id: z.string(), name: z.string(), enteredAt: z.date(), builtIn: z.string().nullable() })) });
