import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { Executor } from '../../platform/db/db.ts';
import { getSetting, putSetting } from '../../platform/settings.ts';

const address = z.email({ error: 'an email address such as support@yourstore.com' }).max(254).transform((s) => s.toLowerCase());

/** Settings → Support email. Stored in `settings` under 'support.email'. */
export const emailSettingsSchema = z.strictObject({
  /** Addresses customers write to (support@…). A bare domain entry ("@yourstore.com") accepts the whole domain. */
  inboundAddresses: z.array(z.union([address, z.string().regex(/^@[a-z0-9.-]+\.[a-z]{2,}$/i, 'a domain as @yourstore.com').transform((s) => s.toLowerCase())])).max(20).default([]),
  /** From of agents' replies; default the first inbound address. Its domain is the domain of our Message-IDs. */
  replyFrom: address.nullable().default(null),
  /** Display name of replies ("Acme Support"); default the agent's name + store name. */
  replyFromName: z.string().trim().max(100).nullable().default(null),
  /** Appended to every agent reply (plain text). */
  signature: z.string().max(2000).default(''),
  /** Remote images in received HTML: blocked (default: no tracking pixels reach agents' browsers) or shown. */
  remoteImages: z.enum(['block', 'allow']).default('block'),
  /** Flood limit: at most this many messages from one sender per window; more are held (kept, not ticketed). */
  floodMax: z.number().int().min(1).max(10_000).default(20),
  floodWindowMinutes: z.number().int().min(1).max(1440).default(10),
  /** Attachment limits (bytes). */
  maxAttachmentBytes: z.number().int().min(1024).max(100 * 1024 * 1024).default(10 * 1024 * 1024),
  maxMessageAttachmentBytes: z.number().int().min(1024).max(200 * 1024 * 1024).default(25 * 1024 * 1024),
});
export type EmailSettings = z.infer<typeof emailSettingsSchema>;

const KEY = 'support.email';
const SECRET_KEY = 'support.email.secret';

export const emailSettings = {
  async get(db: Executor): Promise<EmailSettings> {
    const p = emailSettingsSchema.safeParse((await getSetting(db, KEY)) ?? {});
    return p.success ? p.data : emailSettingsSchema.parse({});
  },
  async put(db: Executor, v: EmailSettings): Promise<void> {
    await putSetting(db, KEY, v);
  },
  /** The inbound webhook secret of this installation, made on first use. */
  async secret(db: Executor): Promise<string> {
    const v = await getSetting(db, SECRET_KEY);
    if (typeof v === 'string' && v.length >= 32) return v;
    const s = randomBytes(24).toString('hex');
    await db.insertInto('settings').values({ key: SECRET_KEY, value: JSON.stringify(s), updated_at: new Date() }).onConflict((oc) => oc.column('key').doNothing()).execute();
    return (await getSetting(db, SECRET_KEY)) as string;
  },
  async rotateSecret(db: Executor): Promise<string> {
    const s = randomBytes(24).toString('hex');
    await putSetting(db, SECRET_KEY, s);
    return s;
  },
};

/** Constant-time comparison of a presented token with the secret (hashes first: lengths never leak). */
export function tokenMatches(presented: string | undefined, secret: string): boolean {
  if (!presented) return false;
  const a = createHash('sha256').update(presented).digest();
  const b = createHash('sha256').update(secret).digest();
  return timingSafeEqual(a, b);
}

/** The domain our Message-IDs and reply addresses use. */
export function mailDomain(s: EmailSettings, baseUrl: string): string {
  const from = s.replyFrom ?? s.inboundAddresses.find((a) => !a.startsWith('@'));
  if (from) return from.split('@')[1]!;
  try {
    return new URL(baseUrl).hostname || 'localhost';
  } catch {
    return 'localhost';
  }
}

/** Whether `rcpt` is one of our inbound addresses (plus-addressing allowed), and the token after '+', if any. */
export function matchInbound(s: EmailSettings, rcpt: string): { ours: boolean; token: string | null } {
  const a = rcpt.trim().toLowerCase().replace(/^<|>$/g, '');
  const at = a.lastIndexOf('@');
  if (at < 1) return { ours: false, token: null };
  const local = a.slice(0, at);
  const domain = a.slice(at + 1);
  const plus = local.indexOf('+');
  const base = plus >= 0 ? local.slice(0, plus) : local;
  const tag = plus >= 0 ? local.slice(plus + 1) : null;
  const token = tag && /^[0-9a-f]{20}$/.test(tag) ? tag : null;
  for (const x of s.inboundAddresses) {
    if (x.startsWith('@') ? domain === x.slice(1) : x === `${base}@${domain}`) return { ours: true, token };
  }
  return { ours: false, token };
}

/** The reply address of a ticket: support+<token>@domain. */
export function replyAddress(s: EmailSettings, token: string, fallbackDomain: string): string {
  const base = s.inboundAddresses.find((a) => !a.startsWith('@')) ?? s.replyFrom ?? `support@${fallbackDomain}`;
  const [local, domain] = base.split('@');
  return `${local}+${token}@${domain}`;
}
