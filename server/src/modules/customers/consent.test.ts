import { describe, expect, it } from 'vitest';
import { decideConsent } from './consent.service.ts';

const T1 = new Date('2025-01-01T00:00:00Z');
const T2 = new Date('2025-02-01T00:00:00Z');
const T3 = new Date('2025-03-01T00:00:00Z');
const state = (status: 'subscribed' | 'unsubscribed' | 'pending', source = 'shopify', at = T2) => ({ status, source, updated_at: at });

describe('consent rules', () => {
  it('a first status is applied; the same status again changes nothing', () => {
    expect(decideConsent(undefined, { status: 'subscribed', source: 'api', occurredAt: T1 })).toEqual({ outcome: 'applied', status: 'subscribed' });
    expect(decideConsent(state('subscribed'), { status: 'subscribed', source: 'api', occurredAt: T3 })).toEqual({ outcome: 'unchanged' });
    // Even an older message with the same status: nothing to record.
    expect(decideConsent(state('subscribed'), { status: 'subscribed', source: 'shopify', occurredAt: T1 })).toEqual({ outcome: 'unchanged' });
  });

  it('a newer change applies; an older one is kept as stale and never overwrites', () => {
    expect(decideConsent(state('subscribed'), { status: 'unsubscribed', source: 'shopify', occurredAt: T3 })).toEqual({ outcome: 'applied', status: 'unsubscribed' });
    expect(decideConsent(state('unsubscribed'), { status: 'subscribed', source: 'shopify', occurredAt: T1 })).toEqual({ outcome: 'stale', status: 'subscribed' });
    // The same instant: the message that arrives later wins.
    expect(decideConsent(state('subscribed'), { status: 'unsubscribed', source: 'ui', occurredAt: T2 })).toEqual({ outcome: 'applied', status: 'unsubscribed' });
    expect(decideConsent(state('pending'), { status: 'subscribed', source: 'api', occurredAt: T3 })).toEqual({ outcome: 'applied', status: 'subscribed' });
  });

  it('not_subscribed never creates consent and only withdraws what the same source gave, if not newer', () => {
    expect(decideConsent(undefined, { status: 'not_subscribed', source: 'shopify', occurredAt: T3 })).toEqual({ outcome: 'ignored' });
    expect(decideConsent(state('unsubscribed'), { status: 'not_subscribed', source: 'shopify', occurredAt: T3 })).toEqual({ outcome: 'ignored' });
    expect(decideConsent(state('subscribed', 'shopify'), { status: 'not_subscribed', source: 'shopify', occurredAt: T3 })).toEqual({ outcome: 'applied', status: 'unsubscribed' });
    expect(decideConsent(state('pending', 'shopify'), { status: 'not_subscribed', source: 'shopify', occurredAt: T3 })).toEqual({ outcome: 'applied', status: 'unsubscribed' });
    // A sign-up through the API is not cancelled by a store that does not know of it.
    expect(decideConsent(state('subscribed', 'api'), { status: 'not_subscribed', source: 'shopify', occurredAt: T3 })).toEqual({ outcome: 'ignored' });
    // Older than the subscription: says nothing about it.
    expect(decideConsent(state('subscribed', 'shopify'), { status: 'not_subscribed', source: 'shopify', occurredAt: T1 })).toEqual({ outcome: 'ignored' });
  });
});
