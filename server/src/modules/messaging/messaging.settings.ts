import { z } from 'zod';
import type { Executor } from '../../platform/db/db.ts';
import { deleteSetting, getSetting, putSetting } from '../../platform/settings.ts';

/** SMTP server for outgoing mail. Without one, messages stay in the built-in outbox. */
export const smtpSettingsSchema = z.strictObject({
  host: z.string().trim().min(1, 'the SMTP host name').max(255),
  port: z.number().int().min(1).max(65535).default(587),
  /** tls: TLS from the first byte (port 465); starttls: upgrade required (587); none: plain (local relays only). */
  security: z.enum(['tls', 'starttls', 'none']).default('starttls'),
  username: z.string().max(500).optional(),
  password: z.string().max(500).optional(),
  /** Connections kept open to the server. */
  poolSize: z.number().int().min(1).max(50).default(5),
  /** Messages per second at most, per sending process. */
  ratePerSecond: z.number().int().min(1).max(10_000).default(50),
});
export type SmtpSettings = z.infer<typeof smtpSettingsSchema>;

const DEFAULT_SMS_BODY = '{"to": {{ to | json }}, "from": {{ from | json }}, "body": {{ body | json }}, "reference": {{ message_id | json }}, "status_callback": {{ receipt_url | json }}}';

/** An SMS gateway reached by an HTTP request Patron builds from a template, so any provider fits. */
export const smsSettingsSchema = z.strictObject({
  url: z.url({ protocol: /^https?$/, error: 'an http(s) URL of the gateway' }),
  /** Sent as the Authorization header, e.g. "Bearer …" or "Basic …". */
  authHeader: z.string().max(2000).optional(),
  from: z.string().max(50).default(''),
  contentType: z.enum(['application/json', 'application/x-www-form-urlencoded']).default('application/json'),
  /** Liquid over to, from, body, message_id and receipt_url. */
  bodyTemplate: z.string().min(1).max(10_000).default(DEFAULT_SMS_BODY),
  /** Where the provider's message id is in its JSON answer (dot path), to match delivery receipts. */
  providerIdPath: z.string().max(200).default('id'),
});
export type SmsSettings = z.infer<typeof smsSettingsSchema>;

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time as HH:MM (24 h)');

/** Limits on marketing messages, across campaigns and flows. Transactional mail is exempt. */
export const guardrailsSchema = z.strictObject({
  /** At most `max` marketing messages per customer per `days` days. Null: no cap. */
  frequencyCap: z.strictObject({ max: z.number().int().min(1).max(100), days: z.number().int().min(1).max(90) }).nullable().default(null),
  /** No marketing between `start` and `end` in the customer's local time: held until `end`. Null: none. */
  quietHours: z.strictObject({ start: hhmm, end: hhmm }).nullable().default(null),
  /** Skip a customer who received a marketing message in the last H hours. Null or 0: off. */
  smartSendingHours: z.number().int().min(0).max(168).nullable().default(16),
  /** Attribution windows: an order within N days of a click, or 1 day of an open, is credited to that message. */
  attributionClickDays: z.number().int().min(1).max(90).default(5),
  attributionOpenDays: z.number().int().min(0).max(30).default(1),
});
export type Guardrails = z.infer<typeof guardrailsSchema>;

const KEYS = { smtp: 'messaging.smtp', sms: 'messaging.sms', guardrails: 'messaging.guardrails' } as const;

export const messagingSettings = {
  async smtp(db: Executor): Promise<SmtpSettings | null> {
    const v = await getSetting(db, KEYS.smtp);
    const p = smtpSettingsSchema.safeParse(v);
    return p.success ? p.data : null;
  },
  async putSmtp(db: Executor, v: SmtpSettings | null): Promise<void> {
    if (v) await putSetting(db, KEYS.smtp, v);
    else await deleteSetting(db, KEYS.smtp);
  },
  async sms(db: Executor): Promise<SmsSettings | null> {
    const p = smsSettingsSchema.safeParse(await getSetting(db, KEYS.sms));
    return p.success ? p.data : null;
  },
  async putSms(db: Executor, v: SmsSettings | null): Promise<void> {
    if (v) await putSetting(db, KEYS.sms, v);
    else await deleteSetting(db, KEYS.sms);
  },
  async guardrails(db: Executor): Promise<Guardrails> {
    const p = guardrailsSchema.safeParse((await getSetting(db, KEYS.guardrails)) ?? {});
    return p.success ? p.data : guardrailsSchema.parse({});
  },
  async putGuardrails(db: Executor, v: Guardrails): Promise<void> {
    await putSetting(db, KEYS.guardrails, v);
  },
};
