import { z } from 'zod';

// Shared with the web client and other modules: marketing consent (rules in docs/consent.md).

/** Marketing by email and SMS, and tracking (behaviour recorded by the browser snippet in consent mode). */
export const CONSENT_CHANNELS = ['email', 'sms', 'tracking'] as const;
export type ConsentChannel = (typeof CONSENT_CHANNELS)[number];
export const consentChannelSchema = z.enum(CONSENT_CHANNELS, { error: 'must be email, sms or tracking' });

export const CONSENT_STATUSES = ['subscribed', 'unsubscribed', 'pending'] as const;
export type ConsentStatus = (typeof CONSENT_STATUSES)[number];
export const consentStatusSchema = z.enum(CONSENT_STATUSES, { error: 'must be subscribed, unsubscribed or pending' });

/**
 * What a source says: a status, or `not_subscribed` ("this source holds no consent"), which never
 * creates a subscription and withdraws only one that the same source had given.
 */
export type ConsentSignalStatus = ConsentStatus | 'not_subscribed';

/** How the consent was collected or changed. */
// Messaging adds: the unsubscribe link in an email, the preference centre, a spam complaint reported by the mailbox provider.
// Tracking adds: the visitor's choice in the store's consent banner, sent by the snippet.
export const CONSENT_METHODS = ['single_opt_in', 'double_opt_in', 'import', 'admin', 'webhook', 'api', 'unsubscribe_link', 'preference_centre', 'spam_complaint', 'consent_banner'] as const;
export type ConsentMethod = (typeof CONSENT_METHODS)[number];

/** The state of one channel; `none` = no consent ever recorded. */
export const consentStateSchema = z.object({
  status: z.enum([...CONSENT_STATUSES, 'none']),
  source: z.string().nullable(),
  /** When the state took effect at its source. */
  updatedAt: z.date().nullable(),
});
export type ConsentState = z.infer<typeof consentStateSchema>;

export const customerConsentSchema = z.object({ email: consentStateSchema, sms: consentStateSchema, tracking: consentStateSchema });
export type CustomerConsent = z.infer<typeof customerConsentSchema>;

export const consentEventSchema = z.object({
  id: z.string(),
  channel: consentChannelSchema,
  status: consentStatusSchema,
  previousStatus: consentStatusSchema.nullable(),
  source: z.string(),
  method: z.string(),
  actorLabel: z.string(),
  reason: z.string().nullable(),
  evidence: z.record(z.string(), z.unknown()),
  /** False: a newer state already existed when this arrived, so it was kept as a record but not applied. */
  applied: z.boolean(),
  occurredAt: z.date(),
  recordedAt: z.date(),
});
export type ConsentEvent = z.infer<typeof consentEventSchema>;

export const consentViewSchema = z.object({ current: customerConsentSchema, history: z.array(consentEventSchema) });
export type ConsentView = z.infer<typeof consentViewSchema>;

export const consentParamsSchema = z.strictObject({ id: z.guid({ error: 'must be a UUID' }), channel: consentChannelSchema });

export const setConsentBodySchema = z.strictObject({
  status: consentStatusSchema,
  reason: z.string({ error: 'say why the consent changes (it is kept as proof)' }).trim().min(1, 'say why the consent changes (it is kept as proof)').max(1000),
});

/** `consent` on the REST upsert of a customer: per channel, the status the caller collected. */
export const upsertConsentSchema = z.strictObject({ email: consentStatusSchema.optional(), sms: consentStatusSchema.optional() });
