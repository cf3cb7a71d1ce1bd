import { z } from 'zod';
import { ticketPrioritySchema, ticketStatusSchema } from './tickets.schemas.ts';

/** Macros: canned replies with Liquid variables plus ticket actions (shared with the web app). */

const uuid = z.guid({ error: 'must be a UUID' });
const tag = z.string().trim().min(1).max(60);

export const macroActionsSchema = z.strictObject({
  status: ticketStatusSchema.optional(),
  priority: ticketPrioritySchema.optional(),
  addTags: z.array(tag).max(20).optional(),
  removeTags: z.array(tag).max(20).optional(),
  /** A user id, or 'me' for whoever applies the macro. */
  assigneeId: z.union([z.literal('me'), uuid]).nullable().optional(),
  teamId: uuid.nullable().optional(),
});
export type MacroActions = z.infer<typeof macroActionsSchema>;

export const macroSchema = z.object({
  id: z.string(),
  name: z.string(),
  body: z.string(),
  actions: macroActionsSchema,
  usageCount: z.number(),
  createdBy: z.string(),
  createdAt: z.date(),
  updatedAt: z.date(),
});
export type Macro = z.infer<typeof macroSchema>;

export const createMacroBody = z.strictObject({
  name: z.string().trim().min(1, 'give the macro a name').max(120),
  body: z.string().max(20_000).default(''),
  actions: macroActionsSchema.default({}),
});
export const updateMacroBody = z.strictObject({
  name: z.string().trim().min(1).max(120).optional(),
  body: z.string().max(20_000).optional(),
  actions: macroActionsSchema.optional(),
});

export const renderedMacroSchema = z.object({ body: z.string(), actions: macroActionsSchema });
