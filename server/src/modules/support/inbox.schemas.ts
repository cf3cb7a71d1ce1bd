import { z } from 'zod';
import { ticketChannelSchema, ticketPrioritySchema, ticketSchema, ticketStatusSchema } from './tickets.schemas.ts';

/** Inbox list, views and notifications (shared with the web app). */

const uuid = z.guid({ error: 'must be a UUID' });

/** What a view shows: every given condition must hold. Built-in views and saved views are both this. */
export const ticketFilterSchema = z.strictObject({
  /** 'working' = new, open, pending, on hold (not solved or closed). */
  status: z.union([z.literal('working'), z.array(ticketStatusSchema).min(1).max(6)]).optional(),
  /** 'me' = the caller, 'none' = unassigned. */
  assignee: z.union([z.literal('me'), z.literal('none'), uuid]).optional(),
  teamId: z.union([z.literal('none'), uuid]).optional(),
  /** Tickets carrying all of these tags. */
  tags: z.array(z.string().trim().min(1).max(60)).max(10).optional(),
  channel: z.array(ticketChannelSchema).min(1).max(6).optional(),
  priority: z.array(ticketPrioritySchema).min(1).max(4).optional(),
  /** Open tickets whose next SLA deadline is within the hour or past. */
  slaAtRisk: z.boolean().optional(),
  customerId: uuid.optional(),
});
export type TicketFilter = z.infer<typeof ticketFilterSchema>;

export const BUILTIN_VIEWS = ['mine', 'unassigned', 'open', 'sla', 'pending', 'solved', 'all'] as const;
export type BuiltinView = (typeof BUILTIN_VIEWS)[number];

export const listQuerySchema = z.strictObject({
  /** A built-in view (mine, unassigned, open, sla, pending, solved, all), `team:<id>`, `tag:<tag>` or a saved view's id. */
  view: z.string().trim().max(80).default('open'),
  /** Search words (subject, messages, requester) or a ticket number like 1042 or #1042. */
  q: z.string().trim().max(200).optional(),
  status: ticketStatusSchema.optional(),
  channel: ticketChannelSchema.optional(),
  priority: ticketPrioritySchema.optional(),
  tag: z.string().trim().max(60).optional(),
  teamId: uuid.optional(),
  assigneeId: uuid.optional(),
  customerId: uuid.optional(),
  sort: z.enum(['newest', 'oldest']).default('newest'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(400).optional(),
});
export type ListQuery = z.infer<typeof listQuerySchema>;

export const ticketListSchema = z.object({ items: z.array(ticketSchema), nextCursor: z.string().nullable() });
export type TicketList = z.infer<typeof ticketListSchema>;

export const viewCountsSchema = z.object({
  builtin: z.record(z.string(), z.number()),
  teams: z.array(z.object({ id: z.string(), name: z.string(), count: z.number() })),
  tags: z.array(z.object({ tag: z.string(), count: z.number() })),
  saved: z.array(z.object({ id: z.string(), name: z.string(), shared: z.boolean(), filters: ticketFilterSchema, count: z.number() })),
});
export type ViewCounts = z.infer<typeof viewCountsSchema>;

export const savedViewSchema = z.object({ id: z.string(), name: z.string(), shared: z.boolean(), filters: ticketFilterSchema, createdAt: z.date() });
export type SavedView = z.infer<typeof savedViewSchema>;
export const createViewBody = z.strictObject({
  name: z.string().trim().min(1, 'give the view a name').max(80),
  shared: z.boolean().default(false),
  filters: ticketFilterSchema,
});

export const bulkBody = z.strictObject({
  ids: z.array(uuid).min(1, 'select at least one ticket').max(500, 'at most 500 tickets at once'),
  status: ticketStatusSchema.optional(),
  priority: ticketPrioritySchema.optional(),
  assigneeId: uuid.nullable().optional(),
  teamId: uuid.nullable().optional(),
  addTags: z.array(z.string().trim().min(1).max(60)).max(20).optional(),
  removeTags: z.array(z.string().trim().min(1).max(60)).max(20).optional(),
}).refine((b) => b.status || b.priority || b.assigneeId !== undefined || b.teamId !== undefined || b.addTags?.length || b.removeTags?.length, {
  message: 'say what to change: status, priority, assigneeId, teamId, addTags or removeTags',
});
export const bulkResultSchema = z.object({ updated: z.number(), skipped: z.array(z.object({ id: z.string(), reason: z.string() })) });

export const notificationSchema = z.object({
  id: z.string(), type: z.string(), ticketId: z.string().nullable(), messageId: z.string().nullable(), text: z.string(), readAt: z.date().nullable(), createdAt: z.date(),
});
export const notificationListSchema = z.object({ items: z.array(notificationSchema), unread: z.number() });
export const markReadBody = z.strictObject({ ids: z.array(uuid).max(500).optional(), all: z.boolean().optional() });
