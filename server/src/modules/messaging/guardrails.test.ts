import { describe, expect, it } from 'vitest';
import { decide, quietUntil, type RecipientFacts } from './guardrails.ts';
import { guardrailsSchema } from './messaging.settings.ts';

const now = new Date('2026-11-23T12:00:00Z');
const base: RecipientFacts = {
  channel: 'email', kind: 'marketing', purpose: 'campaign', address: 'ann@shop.test', suppressed: false, consent: 'subscribed',
  pausedUntil: null, topic: null, topicsOff: [], recentMarketing: 0, lastMarketingAt: null, timeZone: 'UTC',
};
const g = guardrailsSchema.parse({});

describe('decide', () => {
  it('sends marketing only with consent', () => {
    expect(decide(base, g, now)).toEqual({ action: 'send' });
    for (const consent of ['none', 'unsubscribed', 'pending'] as const) {
      expect(decide({ ...base, consent }, g, now)).toEqual({ action: 'skip', reason: 'no_consent' });
    }
  });

  it('sends transactional mail without consent but never to a suppressed address', () => {
    expect(decide({ ...base, kind: 'transactional', consent: 'unsubscribed' }, g, now)).toEqual({ action: 'send' });
    expect(decide({ ...base, kind: 'transactional', suppressed: true }, g, now)).toEqual({ action: 'skip', reason: 'suppressed' });
    expect(decide({ ...base, suppressed: true }, g, now)).toEqual({ action: 'skip', reason: 'suppressed' });
  });

  it('skips without an address; test sends ignore consent and limits', () => {
    expect(decide({ ...base, address: null }, g, now)).toEqual({ action: 'skip', reason: 'no_address' });
    expect(decide({ ...base, purpose: 'test', consent: 'none', suppressed: true, recentMarketing: 99 }, g, now)).toEqual({ action: 'send' });
  });

  it('honours pause and topics', () => {
    expect(decide({ ...base, pausedUntil: new Date('2026-12-01T00:00:00Z') }, g, now)).toEqual({ action: 'skip', reason: 'paused' });
    expect(decide({ ...base, pausedUntil: new Date('2026-11-01T00:00:00Z') }, g, now)).toEqual({ action: 'send' });
    expect(decide({ ...base, topic: 'news', topicsOff: ['news'] }, g, now)).toEqual({ action: 'skip', reason: 'topic_off' });
    expect(decide({ ...base, topic: 'offers', topicsOff: ['news'] }, g, now)).toEqual({ action: 'send' });
  });

  it('applies the frequency cap and smart sending', () => {
    const capped = { ...g, frequencyCap: { max: 3, days: 7 }, smartSendingHours: null };
    expect(decide({ ...base, recentMarketing: 2 }, capped, now)).toEqual({ action: 'send' });
    expect(decide({ ...base, recentMarketing: 3 }, capped, now)).toEqual({ action: 'skip', reason: 'frequency_cap' });
    expect(decide({ ...base, lastMarketingAt: new Date(now.getTime() - 15 * 3600_000) }, g, now)).toEqual({ action: 'skip', reason: 'smart_sending' });
    expect(decide({ ...base, lastMarketingAt: new Date(now.getTime() - 17 * 3600_000) }, g, now)).toEqual({ action: 'send' });
    expect(decide({ ...base, lastMarketingAt: new Date(now.getTime() - 3600_000) }, { ...g, smartSendingHours: 0 }, now)).toEqual({ action: 'send' });
  });

  it('holds marketing in the customer\'s quiet hours until they end, in their own zone', () => {
    const q = { ...g, quietHours: { start: '21:00', end: '08:00' } };
    // 12:00 UTC = 04:00 in Los Angeles (quiet) → 08:00 PST = 16:00 UTC.
    expect(decide({ ...base, timeZone: 'America/Los_Angeles' }, q, now)).toEqual({ action: 'defer', until: new Date('2026-11-23T16:00:00Z') });
    // 12:00 UTC = 13:00 in Paris: not quiet.
    expect(decide({ ...base, timeZone: 'Europe/Paris' }, q, now)).toEqual({ action: 'send' });
    // Transactional mail is never held.
    expect(decide({ ...base, kind: 'transactional', timeZone: 'America/Los_Angeles' }, q, now)).toEqual({ action: 'send' });
  });
});

describe('quietUntil', () => {
  it('handles windows within a day and across midnight, and DST', () => {
    expect(quietUntil(new Date('2026-11-23T13:30:00Z'), { start: '13:00', end: '14:00' }, 'UTC')?.toISOString()).toBe('2026-11-23T14:00:00.000Z');
    expect(quietUntil(new Date('2026-11-23T14:00:00Z'), { start: '13:00', end: '14:00' }, 'UTC')).toBeNull();
    expect(quietUntil(new Date('2026-11-23T23:30:00Z'), { start: '22:00', end: '07:00' }, 'UTC')?.toISOString()).toBe('2026-11-24T07:00:00.000Z');
    // Night of the London spring-forward: quiet from 22:00 GMT, ends 07:00 BST = 06:00 UTC.
    expect(quietUntil(new Date('2026-03-28T23:00:00Z'), { start: '22:00', end: '07:00' }, 'Europe/London')?.toISOString()).toBe('2026-03-29T06:00:00.000Z');
    expect(quietUntil(new Date('2026-03-28T23:00:00Z'), { start: '08:00', end: '08:00' }, 'UTC')).toBeNull();
  });
});
