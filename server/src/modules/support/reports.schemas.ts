import { z } from 'zod';

/** Support reports (shared with the web app). Times are business minutes of each ticket's SLA calendar. */

const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD');
export const reportQuery = z.strictObject({
  from: date.describe('First day, in the store time zone'),
  to: date.describe('Last day (inclusive), in the store time zone'),
  teamId: z.guid({ error: 'must be a team id' }).optional().describe('Only tickets of this team'),
});
export type ReportQuery = z.infer<typeof reportQuery>;

const stat = z.object({ median: z.number().nullable(), p90: z.number().nullable(), count: z.number() });
export const metricsSchema = z.object({
  created: z.number(),
  solved: z.number(),
  firstResponse: stat.describe('Business minutes to the first public agent reply, of tickets first answered in the range'),
  resolution: stat.describe('Business minutes to solved, pauses excluded, of tickets solved in the range'),
  sla: z.object({ met: z.number(), missed: z.number(), attainment: z.number().nullable().describe('Share of SLA targets met (0–1) among targets met or missed in the range') }),
  csat: z.object({ responses: z.number(), average: z.number().nullable(), satisfied: z.number().nullable().describe('Share of ratings 4 or 5 (0–1)'), sent: z.number() }),
});
export type Metrics = z.infer<typeof metricsSchema>;

export const breakdownRowSchema = metricsSchema.extend({ id: z.string().nullable(), name: z.string() });
export type BreakdownRow = z.infer<typeof breakdownRowSchema>;

export const reportSchema = z.object({
  from: z.string(),
  to: z.string(),
  timeZone: z.string(),
  totals: metricsSchema,
  /** Tickets created per day and channel. */
  volume: z.array(z.object({ day: z.string(), total: z.number(), channels: z.record(z.string(), z.number()) })),
  /** Tickets not solved or closed at the end of each day. */
  backlog: z.array(z.object({ day: z.string(), open: z.number() })),
  agents: z.array(breakdownRowSchema),
  teams: z.array(breakdownRowSchema),
});
export type Report = z.infer<typeof reportSchema>;
