import { createHash } from 'node:crypto';
import type { Activities } from '../../platform/activities/activities.ts';
import type { Db, Tx } from '../../platform/db/db.ts';
import { BURST_WINDOW_MS, clickBotReason, openBotReason, type Hit } from './bots.ts';
import { engagementRepo, messageProps, type TrackedMessage } from './engagement.repo.ts';

/** What a tracked open or click did. */
export interface TrackResult {
  known: boolean;
  bot: string | null;
  first: boolean;
}

/**
 * Opens (the pixel) and clicks (the signed redirect). Every hit is an event; people's hits set the
 * message's first open / click and append `Email Opened` (once per message) and `Email Link Clicked`
 * (once per message and link). A click implies an open. Machine hits are kept, flagged, and count for nothing.
 */
export class TrackingService {
  private readonly db: Db;
  private readonly activities: Activities;

  constructor(db: Db, activities: Activities) {
    this.db = db;
    this.activities = activities;
  }

  async open(messageId: string, hit: Hit): Promise<TrackResult> {
    return this.db.transaction().execute(async (tx) => {
      const m = await engagementRepo.message(tx, messageId);
      if (!m || m.channel !== 'email') return { known: false, bot: null, first: false };
      const bot = openBotReason({ ...hit, sentAt: m.sent_at });
      await engagementRepo.insertEvent(tx, { messageId, customerId: m.customer_id, type: 'opened', at: hit.at, isBot: !!bot, data: hitData(hit, bot) });
      if (bot) return { known: true, bot, first: false };
      const first = await this.humanOpen(tx, m, hit.at);
      return { known: true, bot: null, first };
    });
  }

  /** Records a click on a link we signed; the caller redirects whatever this returns. */
  async click(messageId: string, url: string, hit: Hit): Promise<TrackResult> {
    return this.db.transaction().execute(async (tx) => {
      // The row lock serialises one message's clicks, so a scanner's burst is seen whole.
      const m = await engagementRepo.message(tx, messageId, true);
      if (!m) return { known: false, bot: null, first: false };
      const since = new Date(hit.at.getTime() - BURST_WINDOW_MS);
      const bot = clickBotReason({ ...hit, sentAt: m.sent_at }, url, await engagementRepo.recentClicks(tx, messageId, since));
      await engagementRepo.insertEvent(tx, { messageId, customerId: m.customer_id, type: 'clicked', at: hit.at, url, isBot: !!bot, data: hitData(hit, bot) });
      if (bot === 'link_burst') await engagementRepo.flagBurst(tx, messageId, since);
      if (bot) return { known: true, bot, first: false };
      if (!m.opened_at) {
        await engagementRepo.insertEvent(tx, { messageId, customerId: m.customer_id, type: 'opened', at: hit.at, data: { implied: true } });
        await this.humanOpen(tx, m, hit.at);
      }
      const first = await engagementRepo.markFirst(tx, messageId, 'clicked_at', hit.at);
      if (m.customer_id) {
        await this.activities.append(tx, [{
          customerId: m.customer_id, type: 'Email Link Clicked', source: 'messaging', occurredAt: hit.at,
          dedupeKey: `email-clicked:${messageId}:${createHash('sha256').update(url).digest('base64url').slice(0, 22)}`, properties: { ...messageProps(m), url },
        }]);
      }
      return { known: true, bot: null, first };
    });
  }

  private async humanOpen(tx: Tx, m: TrackedMessage, at: Date): Promise<boolean> {
    const first = await engagementRepo.markFirst(tx, m.id, 'opened_at', at);
    await engagementRepo.resetStreak(tx, m.channel, m.to_address);
    if (first && m.customer_id) {
      await this.activities.append(tx, [{ customerId: m.customer_id, type: 'Email Opened', source: 'messaging', occurredAt: at, dedupeKey: `email-opened:${m.id}`, properties: messageProps(m) }]);
    }
    return first;
  }

  /** The stored HTML of an email for "view in browser" (null: not an email or not rendered yet). */
  async view(messageId: string): Promise<{ html: string; subject: string } | null> {
    const r = await engagementRepo.html(this.db, messageId);
    if (!r || r.channel !== 'email' || !r.html) return null;
    return { html: r.html, subject: r.subject ?? '' };
  }
}

function hitData(hit: Hit, bot: string | null): Record<string, unknown> {
  return { ip: hit.ip ?? null, userAgent: hit.userAgent?.slice(0, 500) ?? null, ...(hit.method === 'HEAD' ? { method: 'HEAD' } : {}), ...(bot ? { botReason: bot } : {}) };
}
