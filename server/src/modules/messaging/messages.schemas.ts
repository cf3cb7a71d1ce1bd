import { z } from 'zod';
import { guardrailsSchema, smsSettingsSchema, smtpSettingsSchema } from './messaging.settings.ts';

const STATUSES = ['queued', 'sending', 'sent', 'failed', 'skipped', 'cancelled', 'uncertain'] as const;

export const messagesQuery = z.strictObject({
  status: z.enum(STATUSES).optional(),
  channel: z.enum(['email', 'sms']).optional(),
  purpose: z.enum(['campaign', 'flow', 'test', 'transactional', 'system']).optional(),
  customerId: z.guid({ error: 'must be a UUID' }).optional(),
  campaignId: z.guid({ error: 'must be a UUID' }).optional(),
  flowId: z.guid({ error: 'must be a UUID' }).optional(),
  /** Recipient address or subject contains. */
  q: z.string().trim().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
});
export type MessagesQuery = z.infer<typeof messagesQuery>;

export const messageSummarySchema = z.object({
  id: z.string(),
  customerId: z.string().nullable(),
  customerName: z.string().nullable(),
  channel: z.enum(['email', 'sms']),
  kind: z.enum(['marketing', 'transactional']),
  purpose: z.string(),
  status: z.enum(STATUSES),
  skipReason: z.string().nullable(),
  lastError: z.string().nullable(),
  transport: z.string().nullable(),
  to: z.string().nullable(),
  subject: z.string().nullable(),
  campaignId: z.string().nullable(),
  flowId: z.string().nullable(),
  templateId: z.string().nullable(),
  createdAt: z.date(),
  sendAfter: z.date(),
  sentAt: z.date().nullable(),
  openedAt: z.date().nullable(),
  clickedAt: z.date().nullable(),
  bouncedAt: z.date().nullable(),
});

export const messagesPageSchema = z.object({ items: z.array(messageSummarySchema), nextCursor: z.string().nullable() });

export const messageDetailSchema = messageSummarySchema.extend({
  from: z.string().nullable(),
  html: z.string().nullable(),
  text: z.string().nullable(),
  headers: z.record(z.string(), z.string()),
  attempts: z.number(),
  variant: z.string().nullable(),
  flowStepId: z.string().nullable(),
  events: z.array(z.object({ type: z.string(), occurredAt: z.date(), url: z.string().nullable(), isBot: z.boolean() })),
});

export const senderSchema = z.object({
  id: z.string(),
  name: z.string(),
  fromName: z.string(),
  fromEmail: z.string(),
  replyTo: z.string().nullable(),
  isDefault: z.boolean(),
});
export const senderBody = z.strictObject({
  name: z.string().trim().min(1).max(200),
  fromName: z.string().trim().min(1).max(200),
  fromEmail: z.email({ error: 'an email address such as hello@yourstore.com' }),
  replyTo: z.email({ error: 'an email address' }).nullable().optional(),
  isDefault: z.boolean().optional(),
});

/** SMTP settings as shown: the password never leaves the server. */
export const smtpViewSchema = smtpSettingsSchema.omit({ password: true }).extend({ hasPassword: z.boolean() });
export const smtpBody = smtpSettingsSchema.extend({
  /** Omit to keep the stored password. */
  password: z.string().max(500).optional(),
});
export const smsViewSchema = smsSettingsSchema.omit({ authHeader: true }).extend({ hasAuthHeader: z.boolean() });

export const messagingSettingsSchema = z.object({
  /** outbox: no SMTP server, messages are kept for viewing; smtp: they go out. */
  emailMode: z.enum(['outbox', 'smtp']),
  smsMode: z.enum(['outbox', 'webhook']),
  smtp: smtpViewSchema.nullable(),
  sms: smsViewSchema.nullable(),
  guardrails: guardrailsSchema,
  /** Where SMS gateways post delivery receipts. */
  smsReceiptUrl: z.string(),
});

export const outboxStatsSchema = z.object({
  queued: z.number(),
  sentToday: z.number(),
  failed: z.number(),
  uncertain: z.number(),
  skippedToday: z.number(),
});
