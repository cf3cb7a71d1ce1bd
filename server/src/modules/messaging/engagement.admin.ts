import type { z } from 'zod';
import { audit, type Actor } from '../../platform/audit/audit.ts';
import type { Db } from '../../platform/db/db.ts';
import type { engagementSettingsBody, engagementSettingsOut, inboundInfoSchema } from './engagement.schemas.ts';
import { engagementSettings, engagementSettingsSchema, type Topic } from './engagement.settings.ts';
import type { Links } from './links.ts';

export const INBOUND_PROVIDERS = ['generic', 'sendgrid', 'mailgun', 'postmark'] as const;
export type InboundProvider = (typeof INBOUND_PROVIDERS)[number];

/** The team's side of engagement: topics, double opt-in and deliverability settings, the inbound webhook addresses. */
export class EngagementAdmin {
  private readonly db: Db;
  private readonly links: Links;
  /** Runs after settings change (Links re-reads the store's hosts). */
  afterChange: () => Promise<void> = async () => undefined;

  constructor(db: Db, links: Links) {
    this.db = db;
    this.links = links;
  }

  async settings(): Promise<z.infer<typeof engagementSettingsOut>> {
    const { mailgunSigningSecret, ...rest } = await engagementSettings.get(this.db);
    return { ...rest, mailgunSigningSecretSet: !!mailgunSigningSecret };
  }

  async updateSettings(actor: Actor, patch: z.infer<typeof engagementSettingsBody>): Promise<z.infer<typeof engagementSettingsOut>> {
    await this.db.transaction().execute(async (tx) => {
      const before = await engagementSettings.get(tx);
      const after = engagementSettingsSchema.parse({ ...before, ...patch });
      await engagementSettings.put(tx, after);
      const changed = Object.keys(patch).filter((k) => JSON.stringify(before[k as keyof typeof before]) !== JSON.stringify(after[k as keyof typeof after]));
      await audit.record(tx, actor, {
        action: 'messaging.engagement_settings_changed', entityType: 'settings', entityId: 'messaging.engagement',
        summary: `Changed messaging settings: ${changed.join(', ') || 'nothing'}`, before, after,
      });
    });
    await this.afterChange();
    return this.settings();
  }

  async topics(): Promise<Topic[]> {
    return engagementSettings.topics(this.db);
  }

  async putTopics(actor: Actor, topics: Topic[]): Promise<Topic[]> {
    await this.db.transaction().execute(async (tx) => {
      const before = await engagementSettings.topics(tx);
      await engagementSettings.putTopics(tx, topics);
      await audit.record(tx, actor, {
        action: 'messaging.topics_changed', entityType: 'settings', entityId: 'messaging.topics',
        summary: `Set the preference-centre topics: ${topics.map((t) => t.label).join(', ') || 'none'}`, before, after: topics,
      });
    });
    return this.topics();
  }

  /** Where bounce reports, provider webhooks and SMS receipts go (the token is the installation's, derived from its secret). */
  inboundInfo(): z.infer<typeof inboundInfoSchema> {
    const token = this.links.inboundToken();
    const base = `${this.links.publicUrl}/api/messaging/inbound`;
    return {
      token,
      dsnUrl: `${base}/dsn?token=${token}`,
      webhookUrls: Object.fromEntries(INBOUND_PROVIDERS.map((p) => [p, `${base}/${p}?token=${token}`])),
      smsReceiptUrl: this.links.smsReceiptUrl(),
    };
  }
}
