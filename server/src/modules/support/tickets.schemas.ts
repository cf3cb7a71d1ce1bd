import { z } from 'zod';

/** Ticket and message shapes of the support API (shared with the web app). */

export const ticketStatusSchema = z.enum(['new', 'open', 'pending', 'on_hold', 'solved', 'closed'], { error: 'must be one of new, open, pending, on_hold, solved, closed' });
export const ticketPrioritySchema = z.enum(['low', 'normal', 'high', 'urgent'], { error: 'must be one of low, normal, high, urgent' });
export const ticketChannelSchema = z.enum(['email', 'chat', 'form', 'phone', 'social', 'api'], { error: 'must be one of email, chat, form, phone, social, api' });

const tag = z.string().trim().min(1, 'must not be empty').max(60, 'must be at most 60 characters').transform((t) => t.toLowerCase());
export const tagsSchema = z.array(tag).max(50, 'at most 50 tags');
export const customFieldValue = z.union([z.string().max(2000), z.number(), z.boolean(), z.null()]);
export const customFieldsSchema = z.record(z.string().max(50), customFieldValue);

export const ticketSchema = z.object({
  id: z.string(),
  number: z.number(),
  subject: z.string(),
  status: ticketStatusSchema,
  priority: ticketPrioritySchema,
  channel: ticketChannelSchema,
  customerId: z.string(),
  customerName: z.string().nullable(),
  requester: z.object({ name: z.string().nullable(), email: z.string().nullable(), phone: z.string().nullable(), handle: z.string().nullable() }),
  assigneeId: z.string().nullable(),
  assigneeName: z.string().nullable(),
  teamId: z.string().nullable(),
  teamName: z.string().nullable(),
  tags: z.array(z.string()),
  customFields: z.record(z.string(), z.unknown()),
  language: z.string().nullable(),
  replyToken: z.string(),
  mergedInto: z.string().nullable(),
  followUpOf: z.string().nullable(),
  externalThread: z.string().nullable(),
  messageCount: z.number(),
  preview: z.string(),
  lastMessageAt: z.date(),
  lastCustomerMessageAt: z.date().nullable(),
  firstResponseAt: z.date().nullable(),
  lastAgentReplyAt: z.date().nullable(),
  solvedAt: z.date().nullable(),
  closedAt: z.date().nullable(),
  slaDueAt: z.date().nullable(),
  slaFirstResponseDueAt: z.date().nullable(),
  slaResolutionDueAt: z.date().nullable(),
  createdAt: z.date(),
  updatedAt: z.date(),
});
export type Ticket = z.infer<typeof ticketSchema>;

export const attachmentSchema = z.object({
  id: z.string(),
  messageId: z.string(),
  filename: z.string(),
  contentType: z.string(),
  size: z.number(),
  inline: z.boolean(),
  contentId: z.string().nullable(),
  /** Served to agents only (GET, support:read). */
  url: z.string(),
});
export type TicketAttachment = z.infer<typeof attachmentSchema>;

export const messageSchema = z.object({
  id: z.string(),
  ticketId: z.string(),
  direction: z.enum(['inbound', 'outbound', 'internal']),
  channel: ticketChannelSchema,
  authorType: z.enum(['customer', 'agent', 'system', 'bot']),
  authorUserId: z.string().nullable(),
  authorCustomerId: z.string().nullable(),
  authorName: z.string().nullable(),
  fromAddress: z.string().nullable(),
  toAddresses: z.array(z.string()),
  ccAddresses: z.array(z.string()),
  subject: z.string().nullable(),
  bodyText: z.string(),
  bodyHtml: z.string().nullable(),
  messageIdHeader: z.string().nullable(),
  inReplyTo: z.string().nullable(),
  references: z.array(z.string()),
  externalId: z.string().nullable(),
  mentions: z.array(z.string()),
  deliveryStatus: z.enum(['pending', 'sent', 'failed']).nullable(),
  deliveryError: z.string().nullable(),
  sentAt: z.date().nullable(),
  metadata: z.record(z.string(), z.unknown()),
  attachments: z.array(attachmentSchema),
  createdAt: z.date(),
});
export type TicketMessage = z.infer<typeof messageSchema>;

export const ticketEventSchema = z.object({
  id: z.string(),
  type: z.string(),
  actorLabel: z.string(),
  data: z.record(z.string(), z.unknown()),
  createdAt: z.date(),
});
export type TicketEvent = z.infer<typeof ticketEventSchema>;

export const ticketDetailSchema = z.object({
  ticket: ticketSchema,
  messages: z.array(messageSchema),
  events: z.array(ticketEventSchema),
});
export type TicketDetail = z.infer<typeof ticketDetailSchema>;
