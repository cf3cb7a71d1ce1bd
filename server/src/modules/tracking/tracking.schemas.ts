import { z } from 'zod';

// Shapes of the Segment-compatible tracking API (/v1/*) and the tracking settings (shared with web).

export const CALL_TYPES = ['identify', 'track', 'page', 'screen', 'group', 'alias'] as const;
export type CallType = (typeof CALL_TYPES)[number];

/** One validated Segment call, ready to store. */
export interface Message {
  /** Position in the request (0 for single calls). */
  index: number;
  type: CallType;
  messageId?: string;
  userId?: string;
  anonymousId?: string;
  previousId?: string;
  groupId?: string;
  event?: string;
  name?: string;
  category?: string;
  properties: Record<string, unknown>;
  traits: Record<string, unknown>;
  /** Segment context, plus ip (from the request when absent), sessionId and timestamp notes. */
  context: Record<string, unknown>;
  /** Skew-corrected event time. */
  occurredAt: Date;
}

/** A call that was refused, with where and why. */
export interface Rejection {
  index: number;
  messageId?: string | undefined;
  pointer: string;
  detail: string;
}

// Route schemas are deliberately loose: each call is validated by normaliseCall, so one bad call
// in a batch is reported without refusing the others, and ids may be numbers as some clients send.
const id = z.union([z.string(), z.number()]).optional().describe('string (numbers are accepted and turned into strings)');
const obj = z.record(z.string(), z.unknown());
const common = {
  messageId: id.describe('Unique id of the call; a repeated messageId is stored once'),
  userId: id.describe('Your id for the person (userId or anonymousId is required)'),
  anonymousId: id.describe('A device/cookie id for a visitor not yet known'),
  context: obj.nullish().describe('Segment context: ip, userAgent, page, campaign, locale, library, sessionId, …'),
  integrations: obj.nullish(),
  timestamp: z.unknown().optional().describe('When it happened (ISO 8601); corrected for clock skew with sentAt'),
  originalTimestamp: z.unknown().optional(),
  sentAt: z.unknown().optional(),
  writeKey: z.string().optional().describe('The write key, if not sent as HTTP Basic user name or Bearer token'),
  type: z.string().optional(),
};
export const callBodySchemas = {
  identify: z.looseObject({ ...common, traits: obj.nullish() }),
  track: z.looseObject({ ...common, event: z.unknown().optional().describe('The event name (required)'), properties: obj.nullish() }),
  page: z.looseObject({ ...common, name: z.unknown().optional(), category: z.unknown().optional(), properties: obj.nullish() }),
  screen: z.looseObject({ ...common, name: z.unknown().optional(), category: z.unknown().optional(), properties: obj.nullish() }),
  group: z.looseObject({ ...common, groupId: id.describe('The group (company, account) id (required)'), traits: obj.nullish() }),
  alias: z.looseObject({ ...common, previousId: id.describe('The previous id (required)') }),
} satisfies Record<CallType, z.ZodType>;

/** Segment's own limit on calls per batch. */
export const MAX_BATCH_CALLS = 2500;

export const batchBodySchema = z.looseObject({
  batch: z.array(z.unknown()).describe('Identify, track, page, screen, group and alias calls, each with its "type"'),
  context: obj.nullish().describe('Merged into each call’s context (the call’s own keys win)'),
  integrations: obj.nullish(),
  sentAt: z.unknown().optional(),
  writeKey: z.string().optional(),
});

export const ackSchema = z.object({
  success: z.literal(true),
  /** Valid calls stored (or already stored before: see duplicates). */
  accepted: z.number(),
  /** Calls whose messageId was already stored: nothing changed for them. */
  duplicates: z.number(),
  /** Invalid calls in a batch; the valid ones were stored. */
  rejected: z.number(),
  errors: z.array(z.object({ index: z.number(), messageId: z.string().optional(), pointer: z.string(), detail: z.string() })),
});
export type Ack = z.infer<typeof ackSchema>;

export const trackingSettingsSchema = z.object({
  /** Where the browser snippet is served. */
  scriptUrl: z.string(),
  /** The Tracking API base URL the snippet sends to. */
  host: z.string(),
  /** The HTML to paste before </head>; replace PUBLIC_WRITE_KEY with a public key (shown once when created). */
  snippet: z.string(),
  consentRequired: z.boolean(),
  publicKeys: z.array(z.object({ id: z.string(), name: z.string(), prefix: z.string(), createdAt: z.date(), lastUsedAt: z.date().nullable() })),
});
export const trackingSettingsBodySchema = z.strictObject({ consentRequired: z.boolean() });
