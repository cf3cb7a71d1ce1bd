import { z } from 'zod';
import type { Executor } from '../../platform/db/db.ts';
import { getSetting, putSetting } from '../../platform/settings.ts';

/** A marketing topic a customer can turn off in the preference centre (campaigns and flows name one). */
export const topicSchema = z.strictObject({
  key: z.string().trim().regex(/^[a-z0-9][a-z0-9_-]{0,49}$/, 'lower-case letters, digits, - and _ (up to 50), e.g. "newsletter"'),
  label: z.string().trim().min(1, 'a label customers understand').max(80),
  description: z.string().trim().max(300).default(''),
});
export type Topic = z.infer<typeof topicSchema>;

export const topicsSchema = z.array(topicSchema).max(30, 'at most 30 topics').superRefine((ts, ctx) => {
  const seen = new Set<string>();
  ts.forEach((t, i) => {
    if (seen.has(t.key)) ctx.addIssue({ code: 'custom', path: [i, 'key'], message: `the key "${t.key}" is used twice` });
    seen.add(t.key);
  });
});

/** Deliverability and engagement settings (stored under `messaging.engagement`). */
export const engagementSettingsSchema = z.strictObject({
  /** New email sign-ups from forms and the API arrive as `pending` and get a confirmation email. */
  doubleOptIn: z.boolean().default(false),
  /** The store's website: links to it get UTM parameters (product page hosts count too). */
  storeUrl: z.url({ protocol: /^https?$/, error: 'an http(s) URL, e.g. https://shop.example.com' }).nullable().default(null),
  /** The postal address marketing email must show (CAN-SPAM, and good practice everywhere); in every starter's footer. */
  physicalAddress: z.string().trim().max(300).nullable().default(null),
  /** Brand colour of buttons and headings in starter templates and the preference centre. */
  brandColor: z.string().trim().regex(/^#[0-9a-fA-F]{6}$/, 'a colour as #RRGGBB').nullable().default(null),
  /** A logo (https URL of an image) at the top of starter templates. */
  logoUrl: z.url({ protocol: /^https$/, error: 'an https URL of an image' }).nullable().default(null),
  /** Mailgun's "HTTP webhook signing key": its webhooks are verified by their HMAC signature. */
  mailgunSigningSecret: z.string().trim().max(200).nullable().default(null),
  /** SendGrid's Signed Event Webhook public key (base64 DER): its webhooks are verified by their ECDSA signature. */
  sendgridPublicKey: z.string().trim().max(2000).nullable().default(null),
  /** What one email / one SMS costs, in minor units of the store currency, for ROI on the analytics dashboard. */
  costPerEmailMinor: z.number().int().min(0).max(1_000_000).default(0),
  costPerSmsMinor: z.number().int().min(0).max(1_000_000).default(0),
});
export type EngagementSettings = z.infer<typeof engagementSettingsSchema>;

const KEY = 'messaging.engagement';
const TOPICS_KEY = 'messaging.topics';

export const DEFAULT_TOPICS: Topic[] = [
  { key: 'newsletter', label: 'Newsletter', description: 'News, stories and new arrivals.' },
  { key: 'offers', label: 'Offers and sales', description: 'Discounts, sales and special offers.' },
];

export const engagementSettings = {
  async get(db: Executor): Promise<EngagementSettings> {
    const p = engagementSettingsSchema.safeParse((await getSetting(db, KEY)) ?? {});
    return p.success ? p.data : engagementSettingsSchema.parse({});
  },
  async put(db: Executor, v: EngagementSettings): Promise<void> {
    await putSetting(db, KEY, v);
  },
  async topics(db: Executor): Promise<Topic[]> {
    const raw = await getSetting(db, TOPICS_KEY);
    if (raw === undefined) return DEFAULT_TOPICS;
    const p = topicsSchema.safeParse(raw);
    return p.success ? p.data : DEFAULT_TOPICS;
  },
  async putTopics(db: Executor, v: Topic[]): Promise<void> {
    await putSetting(db, TOPICS_KEY, v);
  },
};
