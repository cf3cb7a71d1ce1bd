import { z } from 'zod';

// Shared with the web client: message templates, their versions, previews and test sends.

export const channelSchema = z.enum(['email', 'sms']);
export const kindSchema = z.enum(['marketing', 'transactional']);
export const formatSchema = z.enum(['mjml', 'html', 'text']);

const name = z.string().trim().min(1, 'is required').max(200);
const subject = z.string().max(998, 'must be at most 998 characters (the limit of an email header line)');
const preheader = z.string().max(500);
const body = z.string().max(500_000, 'must be at most 500,000 characters');
const senderId = z.guid({ error: 'must be a sender id' }).nullable();

export const templateSummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  channel: channelSchema,
  kind: kindSchema,
  format: formatSchema,
  subject: z.string(),
  preheader: z.string(),
  senderId: z.string().nullable(),
  starter: z.string().nullable().describe('The gallery template it was made from'),
  version: z.number().int().describe('Goes up with every saved change of the content'),
  archivedAt: z.date().nullable(),
  createdBy: z.string(),
  createdAt: z.date(),
  updatedAt: z.date(),
});
export type TemplateSummary = z.infer<typeof templateSummarySchema>;

export const templateSchema = templateSummarySchema.extend({ body: z.string() });
export type Template = z.infer<typeof templateSchema>;

export const listQuery = z.strictObject({
  archived: z.enum(['true', 'false']).optional().transform((v) => v === 'true').describe('true: the archived ones instead'),
  channel: channelSchema.optional(),
  q: z.string().trim().max(200).optional(),
});

export const createTemplateBody = z.strictObject({
  starter: z.string().max(100).optional().describe('Start from this gallery template (GET /api/messaging/templates/starters); fields given here replace its own'),
  name: name.optional(),
  channel: channelSchema.optional(),
  kind: kindSchema.optional(),
  format: formatSchema.optional(),
  subject: subject.optional(),
  preheader: preheader.optional(),
  body: body.optional(),
  senderId: senderId.optional(),
});
export type CreateTemplateBody = z.infer<typeof createTemplateBody>;

export const updateTemplateBody = z.strictObject({
  name: name.optional(),
  kind: kindSchema.optional(),
  format: formatSchema.optional(),
  subject: subject.optional(),
  preheader: preheader.optional(),
  body: body.optional(),
  senderId: senderId.optional(),
  baseVersion: z.number().int().min(1).optional().describe('The version the edit started from: a 409 if someone saved a newer one meanwhile'),
});
export type UpdateTemplateBody = z.infer<typeof updateTemplateBody>;

export const versionSummarySchema = z.object({ version: z.number().int(), format: formatSchema, subject: z.string(), savedBy: z.string(), savedAt: z.date() });
export const versionSchema = versionSummarySchema.extend({ preheader: z.string(), body: z.string() });

/** A problem in a template: which part, where (1-based, as typed) and what. */
export const issueSchema = z.object({ part: z.enum(['subject', 'preheader', 'body']), line: z.number().int().nullable(), column: z.number().int().nullable(), message: z.string() });
export type Issue = z.infer<typeof issueSchema>;

export const warningSchema = issueSchema.extend({
  variable: z.string(),
  kind: z.enum(['missing', 'empty']).describe('missing: the name is not in the data; empty: this customer has none (no cart, no orders)'),
});
export type Warning = z.infer<typeof warningSchema>;

export const previewBody = z.strictObject({
  format: formatSchema,
  subject: subject.default(''),
  preheader: preheader.default(''),
  body,
  customerId: z.guid({ error: 'must be a customer id' }).optional().describe('Render for this customer; default: a real customer with an order (and a cart when the template uses one), else sample data'),
  vars: z.record(z.string(), z.unknown()).optional().describe('Extra variables a flow or campaign would hand the message, e.g. {"discount_code": "WELCOME10"}'),
});
export type PreviewBody = z.infer<typeof previewBody>;

export const previewSchema = z.object({
  subject: z.string(),
  html: z.string().nullable().describe('Null for SMS and plain-text templates'),
  text: z.string(),
  warnings: z.array(warningSchema),
  sample: z.boolean().describe('True when no real customer fits and the data is a sample made from the store’s products'),
  customer: z.object({ id: z.string(), name: z.string(), email: z.string().nullable() }).nullable(),
  sms: z.object({ characters: z.number().int(), parts: z.number().int(), unicode: z.boolean() }).nullable(),
});
export type Preview = z.infer<typeof previewSchema>;

export const starterSchema = z.object({
  key: z.string(),
  name: z.string(),
  description: z.string(),
  channel: channelSchema,
  kind: kindSchema,
  format: formatSchema,
  subject: z.string(),
  preheader: z.string(),
  body: z.string(),
  optionalVars: z.array(z.string()),
  preview: z.object({ subject: z.string(), html: z.string().nullable(), text: z.string() }).describe('Rendered on sample data for the gallery'),
});
export type StarterOut = z.infer<typeof starterSchema>;

export const testSendBody = z.strictObject({
  to: z.string().trim().max(320).optional().describe('Email address (or phone number for SMS); default: your own email'),
  customerId: z.guid({ error: 'must be a customer id' }).optional().describe('Whose data fills the template; default as for previews'),
  subject: subject.optional().describe('Unsaved content to send instead of the saved one'),
  preheader: preheader.optional(),
  body: body.optional(),
  vars: z.record(z.string(), z.unknown()).optional(),
});
export type TestSendBody = z.infer<typeof testSendBody>;

export const testSendSchema = z.object({ messageId: z.string(), to: z.string(), customerId: z.string(), status: z.string() });
