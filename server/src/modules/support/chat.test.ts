import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { visitorFrame } from './chat.schemas.ts';
import { withinHours } from './chat.util.ts';
import { identityHash, signVisitor, verifyIdentity, verifyVisitor } from './chat.tokens.ts';

const ID = '01900000-0000-7000-8000-000000000001';

describe('visitor tokens', () => {
  it('verifies what it signed and nothing else', () => {
    const t = signVisitor('s3cret', ID);
    expect(verifyVisitor('s3cret', t)).toBe(ID);
    expect(verifyVisitor('other', t)).toBeNull();
    expect(verifyVisitor('s3cret', t.replace(ID, '01900000-0000-7000-8000-000000000002'))).toBeNull();
    expect(verifyVisitor('s3cret', `${t.slice(0, -1)}${t.endsWith('A') ? 'B' : 'A'}`)).toBeNull();
    for (const junk of [undefined, null, 42, '', 'v1..', `v2.${ID}.${t.split('.')[2]}`, 'x'.repeat(5000)]) expect(verifyVisitor('s3cret', junk)).toBeNull();
  });
});

describe('identity hash', () => {
  it('is the hex HMAC-SHA256 of the lower-cased email (what the store computes)', () => {
    const expected = createHmac('sha256', 'store-secret').update('ada@example.com').digest('hex');
    expect(identityHash('store-secret', ' Ada@Example.com ')).toBe(expected);
    expect(verifyIdentity('store-secret', 'ada@example.com', expected.toUpperCase())).toBe(true);
    expect(verifyIdentity('store-secret', 'eve@example.com', expected)).toBe(false);
    expect(verifyIdentity('store-secret', 'ada@example.com', 'abc')).toBe(false);
    expect(verifyIdentity('store-secret', 'ada@example.com', undefined)).toBe(false);
  });
});

describe('business hours', () => {
  const weekdays = { enabled: true, days: [1, 2, 3, 4, 5], start: '09:00', end: '17:00' };
  it('uses the store’s time zone and ISO weekdays', () => {
    // Monday 2026-11-23 08:30 UTC = 09:30 in Berlin (open), 08:30 in London (closed).
    const at = new Date('2026-11-23T08:30:00Z');
    expect(withinHours(weekdays, 'Europe/Berlin', at)).toBe(true);
    expect(withinHours(weekdays, 'Europe/London', at)).toBe(false);
    expect(withinHours(weekdays, 'UTC', new Date('2026-11-22T12:00:00Z'))).toBe(false); // Sunday
    expect(withinHours(weekdays, 'UTC', new Date('2026-11-23T17:00:00Z'))).toBe(false); // end is exclusive
  });
  it('spans midnight when the end is before the start', () => {
    const nights = { enabled: true, days: [5], start: '22:00', end: '02:00' };
    expect(withinHours(nights, 'UTC', new Date('2026-11-27T23:00:00Z'))).toBe(true); // Friday 23:00
    expect(withinHours(nights, 'UTC', new Date('2026-11-28T01:30:00Z'))).toBe(true); // Saturday 01:30, Friday's shift
    expect(withinHours(nights, 'UTC', new Date('2026-11-28T23:00:00Z'))).toBe(false); // Saturday 23:00
  });
});

describe('visitor frames', () => {
  it('accepts the widget’s frames and refuses bad ones with a reason', () => {
    expect(visitorFrame.parse({ type: 'message', clientId: 'a-1', text: ' hi ' })).toEqual({ type: 'message', clientId: 'a-1', text: 'hi' });
    expect(visitorFrame.safeParse({ type: 'message', clientId: 'a 1', text: 'hi' }).success).toBe(false);
    expect(visitorFrame.safeParse({ type: 'message', clientId: 'a', text: '   ' }).success).toBe(false);
    expect(visitorFrame.safeParse({ type: 'message', clientId: 'a', text: 'x'.repeat(4001) }).success).toBe(false);
    expect(visitorFrame.safeParse({ type: 'offline', clientId: 'a', email: 'not-an-email', text: 'hi' }).success).toBe(false);
    expect(visitorFrame.safeParse({ type: 'hello', conversationId: 'nope' }).success).toBe(false);
    expect(visitorFrame.safeParse({ type: 'shout' }).success).toBe(false);
  });
});
