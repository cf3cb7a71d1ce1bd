import { z } from 'zod';
import { engagementSettingsSchema, topicsSchema } from './engagement.settings.ts';

// Shared with the web client: suppressions, topics, engagement settings, sign-ups, inbound webhooks.

export const SUPPRESSION_REASONS = ['hard_bounce', 'complaint', 'manual', 'invalid'] as const;

export const suppressionSchema = z.object({
  channel: z.enum(['email', 'sms']),
  address: z.string(),
  reason: z.enum(SUPPRESSION_REASONS),
  detail: z.string().nullable(),
  /** Where it came from: dsn, sendgrid, mailgun, postmark, generic, ui, api. */
  source: z.string(),
  customerId: z.string().nullable(),
  customerName: z.string().nullable(),
  createdBy: z.string(),
  createdAt: z.date(),
});
export type Suppression = z.infer<typeof suppressionSchema>;

export const suppressionsQuery = z.strictObject({
  q: z.string().trim().max(200).optional().describe('Part of an address'),
  reason: z.enum(SUPPRESSION_REASONS, { error: `must be one of ${SUPPRESSION_REASONS.join(', ')}` }).optional(),
  channel: z.enum(['email', 'sms'], { error: 'must be email or sms' }).optional(),
  cursor: z.string().max(500).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const suppressionsPageSchema = z.object({
  items: z.array(suppressionSchema),
  nextCursor: z.string().nullable(),
  /** Counts per reason over the whole list (not just this page). */
  counts: z.record(z.string(), z.number()),
});

export const addSuppressionBody = z.strictObject({
  channel: z.enum(['email', 'sms'], { error: 'must be email or sms' }).default('email'),
  address: z.string({ error: 'the email address (or phone number) to stop sending to' }).trim().min(3, 'the email address (or phone number) to stop sending to').max(320),
  detail: z.string().trim().max(500).optional(),
});

export const suppressionParams = z.strictObject({
  channel: z.enum(['email', 'sms'], { error: 'must be email or sms' }),
  address: z.string().min(1).max(320),
});

export const topicsBody = z.strictObject({ topics: topicsSchema });
export const topicsOut = z.object({ topics: z.array(z.object({ key: z.string(), label: z.string(), description: z.string() })) });

/** Secrets are write-only: the API says whether one is set. */
export const engagementSettingsOut = engagementSettingsSchema.omit({ mailgunSigningSecret: true }).extend({ mailgunSigningSecretSet: z.boolean() });
export const engagementSettingsBody = engagementSettingsSchema.partial().strict();

export const inboundInfoSchema = z.object({
  /** Token that authenticates inbound webhooks (`?token=`), derived from the installation's secret. */
  token: z.string(),
  dsnUrl: z.string(),
  webhookUrls: z.record(z.string(), z.string()),
  smsReceiptUrl: z.string(),
});

export const subscribeBody = z.strictObject({
  email: z.string({ error: 'the email address that signed up' }).trim().toLowerCase().pipe(z.email({ error: 'must be an email address' })),
  firstName: z.string().trim().max(200).optional(),
  lastName: z.string().trim().max(200).optional(),
  /** Which form it was (kept as proof in the consent ledger). */
  form: z.string().trim().max(200).optional(),
  /** The signing-up person's IP and browser, when a back end relays the form. */
  ip: z.string().trim().max(100).optional(),
  userAgent: z.string().trim().max(500).optional(),
});
export const subscribeOut = z.object({ customerId: z.string(), status: z.string(), confirmationSent: z.boolean() });

export const inboundReportSchema = z.object({ received: z.number(), applied: z.number(), duplicates: z.number(), unmatched: z.number() });
