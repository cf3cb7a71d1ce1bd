import { z } from 'zod';
import { emailSettingsSchema } from './email.settings.ts';
import { INBOUND_STATUSES } from './email.tables.ts';
import { INBOUND_EMAIL_PROVIDERS } from './email.webhooks.ts';

/** Settings → Support email (shared with the web app). */
export const emailSettingsBody = emailSettingsSchema;
export const emailSettingsOut = z.object({
  inboundAddresses: z.array(z.string()),
  replyFrom: z.string().nullable(),
  replyFromName: z.string().nullable(),
  signature: z.string(),
  remoteImages: z.enum(['block', 'allow']),
  floodMax: z.number().int(),
  floodWindowMinutes: z.number().int(),
  maxAttachmentBytes: z.number().int(),
  maxMessageAttachmentBytes: z.number().int(),
  /** The built-in SMTP receiver of this process, if it is on. */
  smtpReceiver: z.object({ enabled: z.boolean(), host: z.string().nullable(), port: z.number().int().nullable(), maxBytes: z.number().int() }),
  /** Whether replies can go out (an SMTP server is set under Settings → Messaging). */
  outboundReady: z.boolean(),
});
export type EmailSettingsOut = z.infer<typeof emailSettingsOut>;

export const webhookInfoSchema = z.object({
  token: z.string(),
  urls: z.record(z.enum(INBOUND_EMAIL_PROVIDERS), z.string()),
});

export const inboundStatusSchema = z.enum(INBOUND_STATUSES);

export const inboundEmailSchema = z.object({
  id: z.string(),
  receivedAt: z.date(),
  source: z.string(),
  status: inboundStatusSchema,
  reason: z.string().nullable(),
  mailFrom: z.string().nullable(),
  rcptTo: z.array(z.string()),
  fromAddress: z.string().nullable(),
  subject: z.string().nullable(),
  messageIdHeader: z.string().nullable(),
  ticketId: z.string().nullable(),
  messageId: z.string().nullable(),
  sizeBytes: z.number().int(),
  processedAt: z.date().nullable(),
});
export type InboundEmailItem = z.infer<typeof inboundEmailSchema>;

export const inboundListQuery = z.strictObject({
  status: inboundStatusSchema.optional(),
  cursor: z.string().max(500).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export const inboundListSchema = z.object({ items: z.array(inboundEmailSchema), nextCursor: z.string().nullable() });

export const inboundResultSchema = z.object({
  id: z.string(),
  status: inboundStatusSchema,
  reason: z.string().nullable(),
  ticketId: z.string().nullable(),
  ticketNumber: z.number().int().nullable(),
  messageId: z.string().nullable(),
});
