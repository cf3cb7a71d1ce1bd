import { z } from 'zod';

/** Limits of the visitor's socket (documented in docs/support.md). */
export const CHAT_LIMITS = {
  /** Characters in one message. */
  maxText: 4000,
  /** Bytes in one WebSocket frame; bigger frames are refused without being parsed. */
  maxFrame: 16 * 1024,
  /** Messages per visitor per window, across all of the visitor's connections in this process. */
  visitorBurst: 20,
  /** Frames of any kind per connection per window (typing included). */
  connectionBurst: 60,
  windowMs: 10_000,
  /** Malformed frames tolerated on one connection before it is closed. */
  maxMalformed: 10,
} as const;

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM (24h)');
const colour = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'must be a colour like #1c7ed6');

/** Settings → Live chat. Business hours are in the store's time zone. */
export const chatSettingsSchema = z.object({
  enabled: z.boolean().default(false),
  color: colour.default('#1c7ed6'),
  title: z.string().trim().min(1).max(80).default('Chat with us'),
  greeting: z.string().trim().max(500).default('Hi! Ask us anything — we usually reply in a few minutes.'),
  offlineMessage: z.string().trim().max(500).default('We are away right now. Leave your email and message and we will answer by email.'),
  /** The self-service assistant answers first (from the knowledge base); the visitor can always ask for a person. */
  assistant: z.boolean().default(true),
  businessHours: z.object({
    enabled: z.boolean().default(false),
    /** ISO weekdays, 1 = Monday … 7 = Sunday. */
    days: z.array(z.number().int().min(1).max(7)).max(7).default([1, 2, 3, 4, 5]),
    start: hhmm.default('09:00'),
    end: hhmm.default('17:00'),
  }).default({ enabled: false, days: [1, 2, 3, 4, 5], start: '09:00', end: '17:00' }),
});
export type ChatSettings = z.infer<typeof chatSettingsSchema>;
export const chatSettingsBody = chatSettingsSchema;

export const chatSettingsView = chatSettingsSchema.extend({
  scriptUrl: z.string(),
  snippet: z.string(),
  /** Secret for identity hashes (HMAC-SHA256 of the email); keep it in the store's backend. */
  identitySecret: z.string(),
  online: z.boolean(),
  agentsOnline: z.number().int(),
});

/** What the widget needs before connecting (public). */
export const widgetConfigSchema = z.object({
  enabled: z.boolean(),
  color: z.string(),
  title: z.string(),
  greeting: z.string(),
  offlineMessage: z.string(),
  assistant: z.boolean(),
  online: z.boolean(),
  storeName: z.string(),
});

const text = z.string().trim().min(1, 'is empty').max(CHAT_LIMITS.maxText, `must be at most ${CHAT_LIMITS.maxText} characters`);
const clientId = z.string().min(1).max(64).regex(/^[\w-]+$/, 'letters, digits, - and _ only');
const optEmail = z.string().trim().toLowerCase().email().max(254);

/** Frames the widget sends. */
export const visitorFrame = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('hello'),
    token: z.string().max(200).optional(),
    anonymousId: z.string().max(100).optional(),
    userId: z.string().max(200).optional(),
    email: optEmail.optional(),
    name: z.string().trim().max(120).optional(),
    /** Identity hash from the store's backend for `email`. */
    hash: z.string().max(128).optional(),
    page: z.object({ url: z.string().max(2000).optional(), title: z.string().max(300).optional() }).optional(),
    /** Resume this chat (after a reconnect): messages after `afterSeq` are sent again. */
    conversationId: z.string().uuid().optional(),
    afterSeq: z.number().int().min(0).optional(),
    /** Claimed visitor id: must match the token's (a mismatch is a forgery). */
    visitorId: z.string().max(100).optional(),
  }),
  z.object({ type: z.literal('message'), clientId, text, visitorId: z.string().max(100).optional() }),
  z.object({ type: z.literal('typing'), state: z.boolean() }),
  z.object({ type: z.literal('handover'), clientId: clientId.optional() }),
  z.object({ type: z.literal('offline'), clientId, email: optEmail, name: z.string().trim().max(120).optional(), text }),
  z.object({ type: z.literal('transcript'), email: optEmail.optional() }),
  z.object({ type: z.literal('read'), seq: z.number().int().min(0) }),
  z.object({ type: z.literal('ping') }),
]);
export type VisitorFrame = z.infer<typeof visitorFrame>;

export const chatSourceSchema = z.object({ articleId: z.string(), title: z.string(), url: z.string().nullable() });

export const chatMessageSchema = z.object({
  id: z.string(),
  seq: z.number().int(),
  clientId: z.string().nullable(),
  author: z.enum(['visitor', 'assistant', 'agent', 'system']),
  authorName: z.string().nullable(),
  authorUserId: z.string().nullable(),
  text: z.string(),
  kind: z.string().nullable(),
  sources: z.array(chatSourceSchema),
  ticketMessageId: z.string().nullable(),
  createdAt: z.string(),
});
export type ChatMessage = z.infer<typeof chatMessageSchema>;

export const chatSummarySchema = z.object({
  id: z.string(),
  mode: z.enum(['bot', 'human', 'offline', 'ended']),
  ticketId: z.string().nullable(),
  ticketNumber: z.number().int().nullable(),
  ticketStatus: z.string().nullable(),
  visitor: z.object({ id: z.string(), name: z.string().nullable(), email: z.string().nullable(), emailVerified: z.boolean(), customerId: z.string().nullable() }),
  pageUrl: z.string().nullable(),
  pageTitle: z.string().nullable(),
  preview: z.string().nullable(),
  createdAt: z.string(),
  lastMessageAt: z.string(),
});
export type ChatSummary = z.infer<typeof chatSummarySchema>;

export const chatDetailSchema = z.object({ chat: chatSummarySchema, messages: z.array(chatMessageSchema) });

export const chatListQuery = z.strictObject({
  mode: z.enum(['bot', 'human', 'offline', 'ended', 'all']).default('human'),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});

export const agentReplyBody = z.strictObject({
  text,
  /** The agent's client id for this message (retries are answered with the first result). */
  clientId: clientId.optional(),
});

export const agentStatusBody = z.strictObject({ status: z.enum(['online', 'away']) });
export const agentStatusView = z.object({ status: z.enum(['online', 'away']), online: z.boolean(), agentsOnline: z.number().int() });

export const agentTypingBody = z.strictObject({ state: z.boolean() });
