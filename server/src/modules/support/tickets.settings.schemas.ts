import { z } from 'zod';

/** Support settings: teams, agents' availability, custom ticket fields (shared with the web app). */

const uuid = z.guid({ error: 'must be a UUID' });

export const teamSchema = z.object({
  id: z.string(),
  name: z.string(),
  members: z.array(z.object({ userId: z.string(), name: z.string(), email: z.string(), available: z.boolean() })),
  openTickets: z.number(),
  createdAt: z.date(),
});
export type Team = z.infer<typeof teamSchema>;
export const teamBody = z.strictObject({
  name: z.string().trim().min(1, 'give the team a name').max(80),
  memberIds: z.array(uuid).max(200).optional(),
});
export const updateTeamBody = z.strictObject({
  name: z.string().trim().min(1).max(80).optional(),
  memberIds: z.array(uuid).max(200).optional(),
});

export const agentSchema = z.object({
  id: z.string(), name: z.string(), email: z.string(), role: z.string(), available: z.boolean(), teamIds: z.array(z.string()), openTickets: z.number(),
});
export type Agent = z.infer<typeof agentSchema>;
export const availabilityBody = z.strictObject({ available: z.boolean() });

export const fieldTypeSchema = z.enum(['text', 'number', 'boolean', 'date', 'select'], { error: 'must be one of text, number, boolean, date, select' });
export const fieldSchema = z.object({
  id: z.string(), key: z.string(), label: z.string(), type: fieldTypeSchema, options: z.array(z.string()), required: z.boolean(), position: z.number(),
});
export type TicketField = z.infer<typeof fieldSchema>;
export const fieldBody = z.strictObject({
  key: z.string().trim().regex(/^[a-z][a-z0-9_]{0,49}$/, 'must be lower case letters, digits and _ (starting with a letter), like order_number'),
  label: z.string().trim().min(1, 'give the field a label').max(80),
  type: fieldTypeSchema,
  options: z.array(z.string().trim().min(1).max(100)).max(100).default([]),
  required: z.boolean().default(false),
  position: z.number().int().min(0).max(1000).default(0),
}).refine((f) => f.type !== 'select' || f.options.length > 0, { message: 'a select field needs options', path: ['options'] });
