import { nextLocalTime, parseHhmm, wallTime } from '../../platform/zoned.ts';
import type { Guardrails } from './messaging.settings.ts';
import type { Channel, MessageKind, MessagePurpose } from './messaging.tables.ts';

/** What the dispatcher knows about one message's recipient at the moment of sending. */
export interface RecipientFacts {
  channel: Channel;
  kind: MessageKind;
  purpose: MessagePurpose;
  /** The address to send to (customer's primary email/phone, or a test override); null if none. */
  address: string | null;
  suppressed: boolean;
  /** The customer's marketing consent on the channel ('none' when never given). */
  consent: 'subscribed' | 'unsubscribed' | 'pending' | 'none';
  pausedUntil: Date | null;
  topic: string | null;
  topicsOff: string[];
  /** Marketing messages sent to this customer since now − frequencyCap.days (including earlier ones in this batch). */
  recentMarketing: number;
  lastMarketingAt: Date | null;
  timeZone: string;
}

export type SkipReason = 'no_address' | 'suppressed' | 'no_consent' | 'paused' | 'topic_off' | 'frequency_cap' | 'smart_sending';

export type Decision = { action: 'send' } | { action: 'skip'; reason: SkipReason } | { action: 'defer'; until: Date };

/** Human wording of each skip reason (outbox, reports). */
export const SKIP_REASONS: Record<SkipReason, string> = {
  no_address: 'The customer has no address on this channel',
  suppressed: 'The address is on the suppression list',
  no_consent: 'No marketing consent on this channel',
  paused: 'The customer paused marketing messages',
  topic_off: 'The customer turned this topic off',
  frequency_cap: 'Frequency cap reached',
  smart_sending: 'Messaged recently (smart sending)',
};

/**
 * Whether to send now, skip, or hold a message. Order matters: an address problem or a suppression
 * applies to every kind; consent, preferences and the marketing limits only to marketing; test sends
 * to a team member's address skip everything but a missing address.
 */
export function decide(f: RecipientFacts, g: Guardrails, now: Date): Decision {
  if (!f.address) return { action: 'skip', reason: 'no_address' };
  if (f.purpose === 'test') return { action: 'send' };
  if (f.suppressed) return { action: 'skip', reason: 'suppressed' };
  if (f.kind === 'transactional') return { action: 'send' };
  if (f.consent !== 'subscribed') return { action: 'skip', reason: 'no_consent' };
  if (f.pausedUntil && f.pausedUntil.getTime() > now.getTime()) return { action: 'skip', reason: 'paused' };
  if (f.topic && f.topicsOff.includes(f.topic)) return { action: 'skip', reason: 'topic_off' };
  if (g.quietHours) {
    const until = quietUntil(now, g.quietHours, f.timeZone);
    if (until) return { action: 'defer', until };
  }
  if (g.frequencyCap && f.recentMarketing >= g.frequencyCap.max) return { action: 'skip', reason: 'frequency_cap' };
  if (g.smartSendingHours && f.lastMarketingAt && now.getTime() - f.lastMarketingAt.getTime() < g.smartSendingHours * 3600_000) {
    return { action: 'skip', reason: 'smart_sending' };
  }
  return { action: 'send' };
}

/** If `now` falls in the quiet hours of `tz`, the instant they end; otherwise null. Windows may span midnight. */
export function quietUntil(now: Date, q: { start: string; end: string }, tz: string): Date | null {
  const start = parseHhmm(q.start);
  const end = parseHhmm(q.end);
  if (start === end) return null;
  const w = wallTime(now, tz);
  const m = w.hour * 60 + w.minute;
  const inside = start < end ? m >= start && m < end : m >= start || m < end;
  return inside ? nextLocalTime(now, q.end, tz) : null;
}
