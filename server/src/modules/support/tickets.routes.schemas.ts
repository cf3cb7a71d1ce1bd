import { z } from 'zod';
import { customFieldsSchema, tagsSchema, ticketChannelSchema, ticketPrioritySchema, ticketStatusSchema } from './tickets.schemas.ts';

/** Request bodies of the ticket routes (shared with the web app). */

const uuid = z.guid({ error: 'must be a UUID' });
const body = z.string().trim().min(1, 'write something').max(100_000, 'at most 100,000 characters');

export const requesterSchema = z.strictObject({
  customerId: uuid.optional(),
  email: z.string().trim().toLowerCase().pipe(z.email({ error: 'must be an email address' })).optional(),
  phone: z.string().trim().min(5, 'must be a phone number').max(40).optional(),
  name: z.string().trim().max(200).optional(),
}).refine((r) => r.customerId || r.email || r.phone, { message: 'give a customer, an email address or a phone number' });

/** An agent logs a ticket: a phone call, a walk-in, an email they forward by hand. */
export const createTicketBody = z.strictObject({
  channel: z.enum(['phone', 'email', 'form', 'api', 'social', 'chat']).default('phone'),
  subject: z.string().trim().min(1, 'give the ticket a subject').max(500),
  requester: requesterSchema,
  /** What the customer said (inbound), a message to send them (outbound), or a note for agents only. */
  message: z.strictObject({ direction: z.enum(['inbound', 'outbound', 'internal']).default('inbound'), body }),
  status: ticketStatusSchema.optional(),
  priority: ticketPrioritySchema.optional(),
  tags: tagsSchema.optional(),
  assigneeId: uuid.nullable().optional(),
  teamId: uuid.nullable().optional(),
  customFields: customFieldsSchema.optional(),
});

export const updateTicketBody = z.strictObject({
  subject: z.string().trim().min(1).max(500).optional(),
  status: ticketStatusSchema.optional(),
  priority: ticketPrioritySchema.optional(),
  tags: tagsSchema.optional(),
  addTags: tagsSchema.optional(),
  removeTags: tagsSchema.optional(),
  assigneeId: uuid.nullable().optional(),
  teamId: uuid.nullable().optional(),
  customFields: customFieldsSchema.optional(),
  language: z.string().trim().min(2).max(35).nullable().optional(),
});

export const replyBody = z.strictObject({
  body,
  /** The status after the reply, e.g. pending (waiting for the customer) or solved. */
  status: ticketStatusSchema.optional(),
  /** The macro the reply came from: its actions (status, tags, assignee) are applied too. */
  macroId: uuid.optional(),
});

export const noteBody = z.strictObject({ body, mentions: z.array(uuid).max(20).default([]) });
export const mergeBody = z.strictObject({ intoId: uuid });
export const followUpBody = z.strictObject({ subject: z.string().trim().max(500).optional(), body: z.string().trim().max(100_000).optional() });

/** Social messages from an integration (a DM, a comment): one message, threaded by conversation id. */
export const socialInboundBody = z.strictObject({
  network: z.string().trim().min(2).max(40).regex(/^[a-z0-9_.-]+$/i, 'letters, digits, . _ - only, like instagram'),
  /** The conversation (thread) on the network: messages with the same id join one ticket while it is open. */
  conversationId: z.string().trim().min(1).max(200),
  /** The message's id on the network: sending it twice stores it once. */
  messageId: z.string().trim().min(1).max(200),
  from: z.strictObject({
    id: z.string().trim().min(1).max(200),
    name: z.string().trim().max(200).optional(),
    handle: z.string().trim().max(200).optional(),
    email: z.string().trim().toLowerCase().pipe(z.email({ error: 'must be an email address' })).optional(),
    phone: z.string().trim().max(40).optional(),
  }),
  text: body,
  subject: z.string().trim().max(500).optional(),
  sentAt: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 time like 2024-05-31T10:00:00Z' }).optional(),
  url: z.url({ error: 'must be a URL' }).optional(),
});
export const socialInboundResult = z.object({ ticketId: z.string(), messageId: z.string(), created: z.boolean(), ticketNumber: z.number() });

export const channelFilter = ticketChannelSchema;
