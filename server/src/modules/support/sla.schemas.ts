import { z } from 'zod';
import { isTimeZone } from '../../platform/zoned.ts';
import { DAYS } from './hours.ts';

/** SLA policies, business-hours calendars and each ticket's SLA clock (shared with the web app). */

const uuid = z.guid({ error: 'must be a UUID' });
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'must be a time "HH:MM" (00:00–24:00)');
export const spanSchema = z.strictObject({ start: hhmm, end: hhmm }).refine((s) => s.start !== '24:00', { message: 'a span cannot start at 24:00', path: ['start'] });
export const weekHoursSchema = z.strictObject(Object.fromEntries(DAYS.map((d) => [d, z.array(spanSchema).max(6)])) as Record<(typeof DAYS)[number], z.ZodArray<typeof spanSchema>>);
export const holidaySchema = z.strictObject({
  date: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, 'must be a date YYYY-MM-DD'),
  name: z.string().trim().max(100).default(''),
  yearly: z.boolean().default(false),
});
const timeZone = z.string().min(1).max(64).refine(isTimeZone, 'must be an IANA time zone such as Europe/Berlin');

export const calendarSchema = z.object({
  id: z.string(),
  name: z.string(),
  timeZone: z.string(),
  hours: weekHoursSchema,
  holidays: z.array(holidaySchema),
  isDefault: z.boolean(),
  /** Business hours a week, for the list. */
  weeklyMinutes: z.number(),
  createdAt: z.date(),
  updatedAt: z.date(),
});
export type Calendar = z.infer<typeof calendarSchema>;

export const calendarBody = z.strictObject({
  name: z.string().trim().min(1, 'give the calendar a name').max(100),
  timeZone,
  hours: weekHoursSchema,
  holidays: z.array(holidaySchema).max(500).default([]),
  isDefault: z.boolean().default(false),
});
export type CalendarBody = z.infer<typeof calendarBody>;

const minutes = z.number().int('must be whole minutes').min(1, 'must be at least 1 minute').max(525_600, 'must be at most a year').nullable();
export const targetSchema = z.strictObject({ firstResponse: minutes.default(null), resolution: minutes.default(null) });
export const PRIORITIES = ['urgent', 'high', 'normal', 'low'] as const;
export const targetsSchema = z.strictObject(Object.fromEntries(PRIORITIES.map((p) => [p, targetSchema.optional()])) as Record<(typeof PRIORITIES)[number], z.ZodOptional<typeof targetSchema>>);
export type Targets = z.infer<typeof targetsSchema>;

export const policySchema = z.object({
  id: z.string(),
  name: z.string(),
  position: z.number(),
  enabled: z.boolean(),
  calendarId: z.string().nullable(),
  calendarName: z.string().nullable(),
  segmentId: z.string().nullable(),
  segmentName: z.string().nullable(),
  channels: z.array(z.string()),
  targets: targetsSchema,
  createdAt: z.date(),
  updatedAt: z.date(),
});
export type Policy = z.infer<typeof policySchema>;

export const policyBody = z.strictObject({
  name: z.string().trim().min(1, 'give the policy a name').max(100),
  enabled: z.boolean().default(true),
  calendarId: uuid.nullable().default(null).describe('null: the default calendar'),
  segmentId: uuid.nullable().default(null).describe('Only customers in this segment; null: anyone'),
  channels: z.array(z.enum(['email', 'chat', 'form', 'phone', 'social', 'api'])).max(6).default([]).describe('Only these channels; empty: any'),
  targets: targetsSchema,
});
export type PolicyBody = z.infer<typeof policyBody>;

export const reorderBody = z.strictObject({ ids: z.array(uuid).min(1).max(200) });

/** One target of a ticket's clock. */
export const targetStateSchema = z.object({
  targetMinutes: z.number(),
  dueAt: z.date().nullable().describe('null while paused'),
  /** Business minutes left (negative once breached); null when achieved. */
  remainingMinutes: z.number().nullable(),
  state: z.enum(['running', 'at_risk', 'breached', 'paused', 'met', 'missed']),
  achievedMinutes: z.number().nullable(),
});
export type TargetState = z.infer<typeof targetStateSchema>;

export const ticketSlaSchema = z.object({
  ticketId: z.string(),
  policyId: z.string().nullable(),
  policyName: z.string().nullable(),
  calendarName: z.string().nullable(),
  paused: z.boolean(),
  firstResponse: targetStateSchema.nullable(),
  resolution: targetStateSchema.nullable(),
});
export type TicketSla = z.infer<typeof ticketSlaSchema>;

export const idParams = z.strictObject({ id: uuid });

/** Open tickets whose next SLA deadline is at risk or past, soonest first (the "SLA at risk" list). */
export const atRiskSchema = z.object({
  items: z.array(z.object({
    ticketId: z.string(), number: z.number(), subject: z.string(), status: z.string(), priority: z.string(),
    assigneeName: z.string().nullable(), teamName: z.string().nullable(),
    target: z.enum(['first_response', 'resolution']), dueAt: z.date(), breached: z.boolean(),
  })),
});
export type AtRisk = z.infer<typeof atRiskSchema>;
