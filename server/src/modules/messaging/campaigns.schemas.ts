import { z } from 'zod';

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;

/** When a campaign goes out: at once, at one moment, or at the same wall-clock time in each recipient's zone on a date. */
export const scheduleSchema = z.discriminatedUnion('mode', [
  z.strictObject({ mode: z.literal('now') }),
  z.strictObject({ mode: z.literal('at'), sendAt: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time, e.g. 2026-06-01T09:00:00Z' }) }),
  z.strictObject({
    mode: z.literal('local'),
    date: z.string().regex(DAY, { error: 'must be a date YYYY-MM-DD' }).describe("The day D; each recipient gets it at `time` on D in their own zone (the store's when unknown)"),
    time: z.string().regex(HHMM, { error: 'must be a time HH:MM (24-hour)' }),
  }),
]);
export type Schedule = z.infer<typeof scheduleSchema>;

export const AB_METRICS = ['opens', 'clicks', 'revenue'] as const;
export type AbMetric = (typeof AB_METRICS)[number];

const variantInput = z.strictObject({
  subject: z.string().trim().min(1).max(300).optional().describe('Subject line of this variant (default: the template’s)'),
  templateId: z.guid({ error: 'must be a template id' }).optional().describe('Another template for this variant (default: the campaign’s)'),
});
/** A/B test: variants are labelled A, B, C… in the order given. */
export const abTestInput = z.strictObject({
  variants: z.array(variantInput).min(2, { error: 'needs at least 2 variants' }).max(5, { error: 'allows at most 5 variants' }),
  testPercent: z.number().int().min(1).max(100).describe('Share of the audience in the test, split evenly among the variants; 100 = no winner phase'),
  metric: z.enum(AB_METRICS).describe('How the winner is chosen: unique opens, unique clicks or attributed revenue per recipient'),
  waitHours: z.number().int().min(1).max(168).describe('Hours after the last test message before the winner is picked'),
});
export const abTestSchema = abTestInput.extend({ variants: z.array(variantInput.extend({ key: z.string() })) });
export type AbTest = z.infer<typeof abTestSchema>;

const fields = {
  name: z.string().trim().min(1).max(200),
  channel: z.enum(['email', 'sms']),
  kind: z.enum(['marketing', 'transactional']).describe('Marketing needs the channel’s marketing consent; transactional (rare for campaigns) does not'),
  topic: z.string().trim().min(1).max(100).nullable().describe('Preference-centre topic; customers who turned it off are skipped'),
  templateId: z.guid({ error: 'must be a template id' }).nullable(),
  senderId: z.guid({ error: 'must be a sender id' }).nullable(),
  include: z.array(z.guid({ error: 'must be a segment id' })).max(20).describe('Segments whose members receive it'),
  exclude: z.array(z.guid({ error: 'must be a segment id' })).max(20).describe('Segments whose members never receive it'),
  schedule: scheduleSchema,
  throttlePerHour: z.number().int().min(1).max(10_000_000).nullable().describe('At most this many messages per hour, spread evenly'),
  abTest: abTestInput.nullable(),
};

export const createCampaignBody = z.strictObject({
  name: fields.name,
  channel: fields.channel.default('email'),
  kind: fields.kind.default('marketing'),
  topic: fields.topic.default(null),
  templateId: fields.templateId.default(null),
  senderId: fields.senderId.default(null),
  include: fields.include.default([]),
  exclude: fields.exclude.default([]),
  schedule: fields.schedule.default({ mode: 'now' }),
  throttlePerHour: fields.throttlePerHour.default(null),
  abTest: fields.abTest.default(null),
});
export type CreateCampaign = z.infer<typeof createCampaignBody>;
export const updateCampaignBody = z.strictObject(fields).partial();
export type UpdateCampaign = z.infer<typeof updateCampaignBody>;

export const estimateBody = z.strictObject({
  include: fields.include.min(1, { error: 'needs at least one segment' }),
  exclude: fields.exclude.default([]),
  channel: fields.channel.default('email'),
  kind: fields.kind.default('marketing'),
});

export const estimateSchema = z.object({
  total: z.number().int().describe('Members of the included segments minus the excluded ones (live profiles, each once)'),
  withAddress: z.number().int().describe('…with an email address (or phone for SMS)'),
  consented: z.number().int().describe('…who gave marketing consent on the channel'),
  suppressed: z.number().int().describe('…whose address is on the suppression list'),
  recipients: z.number().int().describe('Who would be sent to now: an address, consent for marketing, not suppressed, one per address'),
});
export type Estimate = z.infer<typeof estimateSchema>;

export const audienceSnapshotSchema = estimateSchema.extend({
  test: z.number().int().describe('Recipients in the A/B test'),
  held: z.number().int().describe('Recipients held back for the winner'),
});
export type AudienceSnapshot = z.infer<typeof audienceSnapshotSchema>;

export const campaignSchema = z.object({
  id: z.string(),
  name: z.string(),
  status: z.enum(['draft', 'scheduled', 'sending', 'sent', 'cancelled', 'failed']),
  channel: z.enum(['email', 'sms']),
  kind: z.enum(['marketing', 'transactional']),
  topic: z.string().nullable(),
  templateId: z.string().nullable(),
  templateName: z.string().nullable(),
  senderId: z.string().nullable(),
  include: z.array(z.string()),
  exclude: z.array(z.string()),
  schedule: scheduleSchema,
  throttlePerHour: z.number().int().nullable(),
  abTest: abTestSchema.nullable(),
  winner: z.string().nullable(),
  winnerPickedAt: z.date().nullable(),
  testEndsAt: z.date().nullable(),
  startAt: z.date().nullable().describe('When the audience is (or was) frozen and sending starts'),
  startedAt: z.date().nullable(),
  finishedAt: z.date().nullable(),
  cancelledAt: z.date().nullable(),
  error: z.string().nullable(),
  audience: audienceSnapshotSchema.nullable(),
  stats: z.object({ recipients: z.number().int(), sent: z.number().int(), opened: z.number().int(), clicked: z.number().int(), orders: z.number().int() }),
  createdBy: z.string(),
  createdAt: z.date(),
  updatedAt: z.date(),
});
export type Campaign = z.infer<typeof campaignSchema>;

const rate = z.number().nullable().describe('0..1; null when there is nothing to divide by');
const engagement = {
  recipients: z.number().int(),
  sent: z.number().int(),
  delivered: z.number().int(),
  bounced: z.number().int(),
  opened: z.number().int().describe('Unique opens, machine opens excluded'),
  clicked: z.number().int().describe('Unique clickers, machine clicks excluded'),
  unsubscribed: z.number().int(),
  complained: z.number().int(),
  orders: z.number().int(),
  revenueMinor: z.number().int().describe('Attributed revenue in the store currency (minor units)'),
  openRate: rate,
  clickRate: rate,
  conversionRate: rate,
};

export const reportSchema = z.object({
  campaignId: z.string(),
  currency: z.string(),
  ...engagement,
  queued: z.number().int(),
  failed: z.number().int(),
  cancelled: z.number().int(),
  skipped: z.number().int(),
  skippedByReason: z.array(z.object({ reason: z.string(), count: z.number().int() })),
  otherCurrencies: z.array(z.object({ currency: z.string(), revenueMinor: z.number().int() })).describe('Attributed revenue of orders in other currencies'),
  rates: z.object({ delivery: rate, open: rate, click: rate, clickToOpen: rate, bounce: rate, unsubscribe: rate, complaint: rate, conversion: rate }),
  attributionAvailable: z.boolean().describe('False while no attribution data exists in this installation'),
  variants: z.array(z.object({ key: z.string(), subject: z.string().nullable(), templateId: z.string().nullable(), templateName: z.string().nullable(), winner: z.boolean(), ...engagement })),
  links: z.array(z.object({ url: z.string(), clicks: z.number().int(), uniqueClickers: z.number().int() })),
  timeline: z.object({
    bucket: z.enum(['hour', 'day']),
    points: z.array(z.object({ at: z.date(), sent: z.number().int(), opened: z.number().int(), clicked: z.number().int() })),
  }),
});
export type Report = z.infer<typeof reportSchema>;

export const performanceSchema = z.object({
  currency: z.string(),
  items: z.array(z.object({
    id: z.string(),
    name: z.string(),
    startedAt: z.date().nullable(),
    sent: z.number().int(),
    delivered: z.number().int(),
    orders: z.number().int(),
    revenueMinor: z.number().int(),
    conversionRate: rate.describe('Attributed orders per delivered message (per sent message when no delivery receipts arrive)'),
  })),
});
export type Performance = z.infer<typeof performanceSchema>;
