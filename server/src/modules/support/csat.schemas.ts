import { z } from 'zod';

/** Customer satisfaction surveys (shared with the web app). */

export const csatSettingsSchema = z.object({
  enabled: z.boolean().default(false),
  subject: z.string().trim().min(1).max(200).default('How did we do with your request #{{ ticket.number }}?'),
  intro: z.string().trim().min(1).max(2000).default('Your request "{{ ticket.subject }}" is solved. How would you rate the help you got? One click is enough.'),
  /** A customer may change their rating for this many days after the email. */
  windowDays: z.number().int().min(1).max(90).default(7),
});
export type CsatSettings = z.infer<typeof csatSettingsSchema>;

export const csatSettingsBody = z.strictObject({
  enabled: z.boolean(),
  subject: z.string().trim().min(1, 'give the email a subject').max(200),
  intro: z.string().trim().min(1, 'write a sentence above the rating links').max(2000),
  windowDays: z.number().int().min(1, 'must be at least 1 day').max(90, 'must be at most 90 days'),
});

export const csatSurveySchema = z.object({
  id: z.string(),
  ticketId: z.string(),
  sentAt: z.date(),
  rating: z.number().int().min(1).max(5).nullable(),
  comment: z.string().nullable(),
  ratedAt: z.date().nullable(),
  /** Until when the customer may still change it. */
  changeableUntil: z.date(),
});
export type CsatSurvey = z.infer<typeof csatSurveySchema>;

export const RATING_LABELS = ['', 'Very dissatisfied', 'Dissatisfied', 'Neutral', 'Satisfied', 'Very satisfied'] as const;
