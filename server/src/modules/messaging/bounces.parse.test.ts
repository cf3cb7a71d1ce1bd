import { createHmac, generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DSN_PATRON_ID, dsn } from './bounces.fixture.ts';
import { classifyStatus, parseDsn, postmarkJson, parseGeneric, parseMailgun, parsePostmark, parseSendgrid, verifyGenericSignature, verifyMailgun, verifySendgrid } from './bounces.parse.ts';

const PATRON_ID = DSN_PATRON_ID;

describe('classifyStatus', () => {
  it('5.x.x is hard, 4.x.x soft; a full mailbox and policy blocks are soft', () => {
    expect(classifyStatus('5.1.1')).toBe('hard');
    expect(classifyStatus('5.0.0')).toBe('hard');
    expect(classifyStatus('4.2.2')).toBe('soft');
    expect(classifyStatus('5.2.2')).toBe('soft');
    expect(classifyStatus('5.7.1')).toBe('soft');
    expect(classifyStatus('550')).toBe('hard');
    expect(classifyStatus('421')).toBe('soft');
    expect(classifyStatus(undefined, 'smtp; 550 5.1.1 user unknown')).toBe('hard');
    expect(classifyStatus(undefined, 'nothing useful')).toBeUndefined();
  });
});

describe('parseDsn', () => {
  it('reads a hard bounce: recipient, status, diagnostic, our message id and the Message-ID', async () => {
    const [e, ...rest] = await parseDsn(Buffer.from(dsn({ status: '5.1.1' })));
    expect(rest).toHaveLength(0);
    expect(e).toMatchObject({ provider: 'dsn', type: 'bounced', bounceType: 'hard', status: '5.1.1', recipient: 'nobody@example.net', messageId: PATRON_ID, providerMessageId: 'abc.123@shop.test', eventId: 'dsn-1@mx.example.net:nobody@example.net' });
    expect(e!.reason).toContain('User unknown');
    expect(e!.at.toISOString()).toBe('2026-03-01T10:00:05.000Z');
  });

  it('reads soft bounces, delays and header-only originals', async () => {
    expect((await parseDsn(Buffer.from(dsn({ status: '4.2.2' }))))[0]).toMatchObject({ type: 'bounced', bounceType: 'soft' });
    expect((await parseDsn(Buffer.from(dsn({ status: '4.4.7', action: 'delayed' }))))[0]).toMatchObject({ type: 'deferred' });
    const h = (await parseDsn(Buffer.from(dsn({ status: '5.1.1', headersOnly: true }))))[0]!;
    expect(h).toMatchObject({ messageId: PATRON_ID, providerMessageId: 'abc.123@shop.test' });
    expect((await parseDsn(Buffer.from(dsn({ status: '5.1.1', patronId: null }))))[0]!.messageId).toBeUndefined();
  });

  it('finds nothing in an ordinary email', async () => {
    expect(await parseDsn(Buffer.from('From: a@b.test\nTo: c@d.test\nSubject: hi\n\nAction: failed\n'))).toEqual([]);
  });
});

describe('provider shapes', () => {
  it('SendGrid: bounce, blocked, dropped, spam report, delivered; custom arg names our message', () => {
    const base = { email: 'A@Example.com', timestamp: 1772359200, 'smtp-id': '<14c5d75ce93.dfd.64b469@ismtpd-555>', sg_message_id: '14c5d75ce93.dfd.64b469.filter0001.16648.5515E0B88.0', patron_message_id: PATRON_ID };
    const events = parseSendgrid([
      { ...base, event: 'processed', sg_event_id: 'e0' },
      { ...base, event: 'delivered', sg_event_id: 'e1', response: '250 OK' },
      { ...base, event: 'bounce', sg_event_id: 'e2', type: 'bounce', status: '5.1.1', reason: '550 5.1.1 unknown user' },
      { ...base, event: 'bounce', sg_event_id: 'e3', type: 'blocked', status: '5.7.1', reason: 'blocked' },
      { ...base, event: 'dropped', sg_event_id: 'e4', reason: 'Bounced Address' },
      { ...base, event: 'spamreport', sg_event_id: 'e5' },
      { ...base, event: 'open', sg_event_id: 'e6' },
    ]);
    expect(events.map((e) => [e.eventId, e.type, e.bounceType])).toEqual([['e1', 'delivered', undefined], ['e2', 'bounced', 'hard'], ['e3', 'bounced', 'soft'], ['e4', 'bounced', 'hard'], ['e5', 'complained', undefined]]);
    expect(events[0]).toMatchObject({ messageId: PATRON_ID, providerMessageId: '14c5d75ce93.dfd.64b469@ismtpd-555', recipient: 'a@example.com', at: new Date(1772359200_000) });
    expect(() => parseSendgrid({})).toThrow(/array/);
  });

  it('Mailgun: permanent and temporary failures, complaints', () => {
    const ev = (o: Record<string, unknown>) => ({ signature: {}, 'event-data': { id: 'mg-1', timestamp: 1772359200.5, recipient: 'b@example.com', message: { headers: { 'message-id': '20260301.abc@mg.shop.test' } }, 'user-variables': { patron_message_id: PATRON_ID }, ...o } });
    expect(parseMailgun(ev({ event: 'failed', severity: 'permanent', 'delivery-status': { code: 550, description: 'No such user' } }))[0]).toMatchObject({ type: 'bounced', bounceType: 'hard', status: '550', reason: 'No such user', providerMessageId: '20260301.abc@mg.shop.test', messageId: PATRON_ID });
    expect(parseMailgun(ev({ event: 'failed', severity: 'temporary' }))[0]).toMatchObject({ bounceType: 'soft' });
    expect(parseMailgun(ev({ event: 'complained' }))[0]!.type).toBe('complained');
    expect(parseMailgun(ev({ event: 'opened' }))).toEqual([]);
    expect(() => parseMailgun({ nope: 1 })).toThrow(/event-data/);
  });

  it('Postmark: bounce types, delivery, spam complaint', () => {
    // A 64-bit ID survives (JSON.parse alone would round it to …776000).
    expect(JSON.parse(postmarkJson('{"RecordType":"Bounce","ID": 4323372036854775807}'))).toEqual({ RecordType: 'Bounce', ID: '4323372036854775807' });
    expect(parsePostmark({ RecordType: 'Bounce', ID: '4323372036854775807', Type: 'HardBounce', MessageID: '883953f4-6105-42a2-a16a-77a8eac79483', Email: 'c@example.com', BouncedAt: '2026-03-01T10:00:00Z', Description: 'The server was unable to deliver your message' })[0])
      .toMatchObject({ type: 'bounced', bounceType: 'hard', eventId: 'bounce:4323372036854775807', providerMessageId: '883953f4-6105-42a2-a16a-77a8eac79483', recipient: 'c@example.com' });
    expect(parsePostmark({ RecordType: 'Bounce', ID: 2, Type: 'Transient', Email: 'c@example.com' })[0]!.bounceType).toBe('soft');
    expect(parsePostmark({ RecordType: 'Bounce', ID: 3, Type: 'AutoResponder', Email: 'c@example.com' })).toEqual([]);
    expect(parsePostmark({ RecordType: 'Delivery', MessageID: 'm1', Recipient: 'c@example.com', DeliveredAt: '2026-03-01T10:00:00Z' })[0]).toMatchObject({ type: 'delivered', eventId: 'delivery:m1' });
    expect(parsePostmark({ RecordType: 'SpamComplaint', ID: 9, MessageID: 'm1', Email: 'c@example.com', Metadata: { patron_message_id: PATRON_ID } })[0]).toMatchObject({ type: 'complained', messageId: PATRON_ID });
  });

  it('generic: validates ids, types and a way to find the message', () => {
    expect(parseGeneric({ events: [{ id: 'g1', type: 'bounced', email: 'D@example.com', status: '4.2.2' }] })[0]).toMatchObject({ bounceType: 'soft', recipient: 'd@example.com' });
    expect(() => parseGeneric({ events: [{ type: 'bounced', email: 'd@example.com' }] })).toThrow(/id is required/);
    expect(() => parseGeneric({ events: [{ id: 'x', type: 'exploded', email: 'd@example.com' }] })).toThrow(/type must be/);
    expect(() => parseGeneric({ events: [{ id: 'x', type: 'bounced' }] })).toThrow(/messageId, providerMessageId or email/);
  });
});

describe('signatures', () => {
  it('Mailgun HMAC over timestamp + token', () => {
    const key = 'key-3ax6xnjp29jd6fds4gc373sgvjxteol0';
    const body = { signature: { timestamp: '1772359200', token: 'a'.repeat(50), signature: createHmac('sha256', key).update(`1772359200${'a'.repeat(50)}`).digest('hex') } };
    expect(verifyMailgun(key, body)).toBe(true);
    expect(verifyMailgun('another-key', body)).toBe(false);
    expect(verifyMailgun(key, { signature: { ...body.signature, timestamp: '1772359201' } })).toBe(false);
    expect(verifyMailgun(key, {})).toBe(false);
  });

  it('SendGrid ECDSA over timestamp + raw body with the base64 DER public key', () => {
    const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const der = publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
    const raw = Buffer.from('[{"event":"bounce"}]');
    const ts = '1772359200';
    const sig = sign('sha256', Buffer.concat([Buffer.from(ts), raw]), privateKey).toString('base64');
    expect(verifySendgrid(der, raw, sig, ts)).toBe(true);
    expect(verifySendgrid(der, Buffer.from('[{"event":"delivered"}]'), sig, ts)).toBe(false);
    expect(verifySendgrid(der, raw, sig, '1772359201')).toBe(false);
    expect(verifySendgrid('not a key', raw, sig, ts)).toBe(false);
    expect(verifySendgrid(der, raw, undefined, ts)).toBe(false);
  });

  it('generic: sha256=<hex HMAC of the body>', () => {
    const raw = Buffer.from('{"events":[]}');
    const good = `sha256=${createHmac('sha256', 'tok').update(raw).digest('hex')}`;
    expect(verifyGenericSignature('tok', raw, good)).toBe(true);
    expect(verifyGenericSignature('tok', Buffer.from('{}'), good)).toBe(false);
    expect(verifyGenericSignature('tok', raw, 'sha1=abc')).toBe(false);
  });
});
