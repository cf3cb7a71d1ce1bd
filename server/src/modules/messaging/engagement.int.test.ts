import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../../platform/audit/audit.ts';
import { newId } from '../../platform/ids.ts';
import { loginAs, startTestApp, type Session, type TestApp } from '../../testing/harness.ts';
import type { MessageRow } from './messaging.tables.ts';

let app: TestApp;
let s: Session;
const db = () => app.patron.dbh.db;
const links = () => app.patron.modules.messaging.links;
const http = () => app.patron.http!;
const CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36';
const path = (url: string) => new URL(url).pathname + new URL(url).search;

async function customer(name: string, consent: 'subscribed' | 'unsubscribed' | null = 'subscribed'): Promise<string> {
  return db().transaction().execute(async (tx) => {
    const r = await app.patron.modules.customers.service.resolve(tx, { identities: [{ kind: 'email', value: `${name}@shop.test`, verified: true }], profile: { firstName: name }, source: 'test', actor: SYSTEM_ACTOR });
    if (consent) await app.patron.modules.customers.consent.set(tx, { customerId: r.customerId, channel: 'email', status: consent, method: 'admin', source: 'ui', actor: SYSTEM_ACTOR, occurredAt: new Date(Date.now() - 86_400_000) });
    return r.customerId;
  });
}

/** A message as the dispatcher leaves it once sent (the tests do not depend on the dispatcher). */
async function sent(customerId: string, o: Partial<MessageRow> = {}): Promise<string> {
  const id = newId();
  await db().insertInto('messages').values({
    id, customer_id: customerId, channel: 'email', kind: 'marketing', purpose: 'campaign', dedupe_key: `test:${id}`, status: 'sent', skip_reason: null, send_after: new Date(),
    template_id: null, template_version: null, sender_id: null, campaign_id: newId(), variant: 'A', flow_id: null, flow_version: null, flow_run_id: null, flow_step_id: null,
    vars: '{}', overrides: '{}', to_override: null, topic: null, last_error: null, claimed_at: null, transport: 'outbox', to_address: `${id.slice(-6)}@shop.test`, from_address: 'news@shop.test',
    subject: 'Spring sale', html: '<html><body><h1>Spring sale</h1><a href="https://shop.test/sale">Shop</a><script>alert(1)</script></body></html>', text_body: 'Spring sale', headers: null, provider_id: null,
    sent_at: new Date(Date.now() - 3600_000), delivered_at: null, opened_at: null, clicked_at: null, bounced_at: null, bounce_type: null, complained_at: null, unsubscribed_at: null,
    ...o,
  } as never).execute();
  return id;
}
const msg = (id: string) => db().selectFrom('messages').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const events = (id: string) => db().selectFrom('message_events').selectAll().where('message_id', '=', id).orderBy('occurred_at').execute();
const activities = (customerId: string, type: string) => db().selectFrom('activities').selectAll().where('customer_id', '=', customerId).where('type', '=', type).execute();
const consentOf = async (customerId: string) => (await app.patron.modules.customers.consent.get(customerId)).email.status;
const get = (url: string, ua = CHROME) => http().inject({ method: 'GET', url, headers: { 'user-agent': ua } });

beforeAll(async () => {
  app = await startTestApp();
  s = await loginAs(app, 'marketer');
});
afterAll(async () => app?.close());

describe('open pixel', () => {
  it('returns a 43-byte uncacheable GIF, records the first human open once, and flags machine opens', async () => {
    const c = await customer('opal');
    const id = await sent(c);
    const url = path(links().openPixelUrl(id));
    const r = await get(url);
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toBe('image/gif');
    expect(r.rawPayload.length).toBe(43);
    expect(r.rawPayload.subarray(0, 6).toString()).toBe('GIF89a');
    expect(r.headers['cache-control']).toContain('no-store');
    const first = (await msg(id)).opened_at;
    expect(first).not.toBeNull();
    await get(url);
    expect((await msg(id)).opened_at).toEqual(first);
    expect(await activities(c, 'Email Opened')).toHaveLength(1);
    expect((await activities(c, 'Email Opened'))[0]!.properties).toMatchObject({ messageId: id, subject: 'Spring sale' });
    expect((await events(id)).filter((e) => e.type === 'opened')).toHaveLength(2);
  });

  it('keeps scanner, Apple-proxy, HEAD and just-sent opens as bots without setting opened_at', async () => {
    const c = await customer('bottom');
    const id = await sent(c);
    const url = path(links().openPixelUrl(id));
    await get(url, 'Barracuda Sentinel (EE)');
    await get(url, 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko)');
    await http().inject({ method: 'HEAD', url, headers: { 'user-agent': CHROME } });
    const fresh = await sent(c, { sent_at: new Date() });
    await get(path(links().openPixelUrl(fresh)));
    expect((await msg(id)).opened_at).toBeNull();
    expect((await msg(fresh)).opened_at).toBeNull();
    const ev = await events(id);
    expect(ev.map((e) => [e.is_bot, (e.data as { botReason: string }).botReason])).toEqual([[true, 'scanner_agent'], [true, 'apple_mpp'], [true, 'head_request']]);
    expect(((await events(fresh))[0]!.data as { botReason: string }).botReason).toBe('too_soon');
    expect(await activities(c, 'Email Opened')).toHaveLength(0);
  });

  it('a tampered pixel is a 400 and records nothing', async () => {
    const id = await sent(await customer('tamper'));
    const r = await get(`/m/o/${id}/${'A'.repeat(32)}.gif`);
    expect(r.statusCode).toBe(400);
    expect(await events(id)).toHaveLength(0);
  });
});

describe('click redirect', () => {
  it('redirects to the signed URL, records the click and the open it implies', async () => {
    const c = await customer('clara');
    const id = await sent(c);
    const r = await get(path(links().clickUrl(id, 'https://shop.test/p/1?utm_source=patron')));
    expect(r.statusCode).toBe(302);
    expect(r.headers.location).toBe('https://shop.test/p/1?utm_source=patron');
    const m = await msg(id);
    expect(m.clicked_at).not.toBeNull();
    expect(m.opened_at).toEqual(m.clicked_at);
    expect((await activities(c, 'Email Link Clicked'))[0]!.properties).toMatchObject({ messageId: id, url: 'https://shop.test/p/1?utm_source=patron' });
    expect(await activities(c, 'Email Opened')).toHaveLength(1);
  });

  it('refuses a tampered link, an open-redirect attempt and a missing URL with a 400 page', async () => {
    const id = await sent(await customer('mallory'));
    const good = new URL(links().clickUrl(id, 'https://shop.test/'));
    const sig = good.pathname.split('/')[4]!;
    for (const url of [
      `/m/c/${id}/${sig}?u=${encodeURIComponent('https://evil.test/')}`,
      `/m/c/${id}/${sig.replace(/^./, (x) => (x === 'a' ? 'b' : 'a'))}?u=${encodeURIComponent('https://shop.test/')}`,
      `/m/c/${id}/${sig}`,
      `/m/c/not-a-uuid/${sig}?u=${encodeURIComponent('https://shop.test/')}`,
      `/m/c/${id}/${sig}?u=${encodeURIComponent('javascript:alert(1)')}`,
    ]) {
      const r = await get(url);
      expect(r.statusCode, url).toBe(400);
      expect(r.headers.location).toBeUndefined();
      expect(r.headers['content-type']).toContain('text/html');
      expect(r.body).toContain('This link is not valid');
    }
    expect(await events(id)).toHaveLength(0);
  });

  it('flags a scanner that follows every link within seconds, and undoes the opens and clicks it caused', async () => {
    const c = await customer('scanny');
    const id = await sent(c);
    for (const n of [1, 2, 3]) await get(path(links().clickUrl(id, `https://shop.test/p/${n}`)));
    const m = await msg(id);
    expect(m.clicked_at).toBeNull();
    expect(m.opened_at).toBeNull();
    expect((await events(id)).every((e) => e.is_bot)).toBe(true);
  });
});

describe('unsubscribe', () => {
  it('GET shows a confirmation page and changes nothing (mail scanners follow links)', async () => {
    const c = await customer('ursula');
    const id = await sent(c);
    const r = await get(path(links().unsubscribeUrl(id)));
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toContain('text/html');
    expect(r.body).toContain('<form method="post"');
    expect(r.body).toContain('u•••@shop.test');
    expect(await consentOf(c)).toBe('subscribed');
  });

  it('RFC 8058 one-click POST unsubscribes, records the proof, cancels queued marketing and answers 200 without a page', async () => {
    const c = await customer('oliver');
    const id = await sent(c);
    const queuedMarketing = await sent(c, { status: 'queued', sent_at: null });
    const queuedReceipt = await sent(c, { status: 'queued', sent_at: null, kind: 'transactional', purpose: 'transactional', campaign_id: null });
    const r = await http().inject({ method: 'POST', url: path(links().unsubscribeUrl(id)), headers: { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': 'Gmail' }, payload: 'List-Unsubscribe=One-Click' });
    expect(r.statusCode).toBe(200);
    expect(r.body).toBe('');
    expect(await consentOf(c)).toBe('unsubscribed');
    const ledger = await app.patron.modules.customers.consent.history(c);
    expect(ledger[0]).toMatchObject({ status: 'unsubscribed', method: 'unsubscribe_link', source: 'email', evidence: { messageId: id, via: 'one_click', userAgent: 'Gmail' } });
    expect((await msg(id)).unsubscribed_at).not.toBeNull();
    expect((await events(id)).map((e) => e.type)).toEqual(['unsubscribed']);
    expect(await activities(c, 'Unsubscribed')).toHaveLength(1);
    expect((await msg(queuedMarketing)).status).toBe('cancelled');
    expect((await msg(queuedReceipt)).status).toBe('queued');
    // Again (providers retry): nothing more happens.
    await http().inject({ method: 'POST', url: path(links().unsubscribeUrl(id)), headers: { 'content-type': 'multipart/form-data; boundary=x' }, payload: '--x\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n\r\nOne-Click\r\n--x--\r\n' });
    expect(await activities(c, 'Unsubscribed')).toHaveLength(1);
  });

  it('the confirm page button unsubscribes and shows a page', async () => {
    const c = await customer('ulla');
    const id = await sent(c);
    const r = await http().inject({ method: 'POST', url: path(links().unsubscribeUrl(id)), headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'confirm=yes' });
    expect(r.statusCode).toBe(200);
    expect(r.body).toContain('You are unsubscribed');
    expect(await consentOf(c)).toBe('unsubscribed');
  });

  it('a forged signature is refused and nothing changes; a test send never unsubscribes its customer', async () => {
    const c = await customer('forge');
    const id = await sent(c);
    const forged = await http().inject({ method: 'POST', url: `/m/u/${id}/${'x'.repeat(32)}`, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'List-Unsubscribe=One-Click' });
    expect(forged.statusCode).toBe(400);
    const other = await sent(c);
    const moved = await http().inject({ method: 'POST', url: `/m/u/${id}/${new URL(links().unsubscribeUrl(other)).pathname.split('/')[4]}`, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'List-Unsubscribe=One-Click' });
    expect(moved.statusCode).toBe(400);
    const test = await sent(c, { purpose: 'test', to_override: 'marketer@shop.test' });
    const t = await http().inject({ method: 'POST', url: path(links().unsubscribeUrl(test)), headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'confirm=yes' });
    expect(t.body).toContain('This was a test email');
    expect(await consentOf(c)).toBe('subscribed');
    expect(await events(id)).toHaveLength(0);
  });
});

describe('preference centre', () => {
  it('shows topics and pause in the store’s name, saves them, unsubscribes and resubscribes', async () => {
    await http().inject({ method: 'PUT', url: '/api/messaging/topics', headers: s.headers, payload: { topics: [{ key: 'news', label: 'Newsletter', description: 'Monthly news' }, { key: 'offers', label: 'Offers & <sales>' }] } });
    const c = await customer('petra');
    const id = await sent(c);
    const url = path(links().preferencesUrl(id));
    const page = await get(url);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('My store');
    expect(page.body).toContain('Offers &amp; &lt;sales&gt;');
    expect(page.body).not.toMatch(/<script|https?:\/\/(?!shop\.test)/);
    expect(page.headers['content-security-policy']).toContain("default-src 'none'");

    const save = await http().inject({ method: 'POST', url, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'action=save&topic=news&pause=30' });
    expect(save.statusCode).toBe(303);
    expect(save.headers.location).toBe(`${new URL(links().preferencesUrl(id)).pathname}?done=saved`);
    const prefs = await db().selectFrom('email_preferences').selectAll().where('customer_id', '=', c).executeTakeFirstOrThrow();
    expect(prefs.topics_off).toEqual(['offers']);
    expect(prefs.paused_until!.getTime()).toBeGreaterThan(Date.now() + 29 * 86_400_000);
    const after = await get(`${url}?done=saved`);
    expect(after.body).toContain('Your preferences are saved.');
    expect(after.body).toMatch(/value="news" checked/);
    expect(after.body).not.toMatch(/value="offers" checked/);

    await http().inject({ method: 'POST', url, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'action=save&topic=news&topic=offers&pause=resume' });
    expect((await db().selectFrom('email_preferences').selectAll().where('customer_id', '=', c).executeTakeFirstOrThrow()).paused_until).toBeNull();

    await http().inject({ method: 'POST', url, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'action=unsubscribe' });
    expect(await consentOf(c)).toBe('unsubscribed');
    expect((await get(url)).body).toContain('Subscribe again');
    await http().inject({ method: 'POST', url, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'action=resubscribe' });
    expect(await consentOf(c)).toBe('subscribed');
    expect((await app.patron.modules.customers.consent.history(c))[0]).toMatchObject({ status: 'subscribed', method: 'preference_centre' });
  });

  it('a forged preference link is a 400; view in browser shows the stored email without running scripts', async () => {
    const id = await sent(await customer('vera'));
    expect((await get(`/m/p/${id}/${'y'.repeat(32)}`)).statusCode).toBe(400);
    const v = await get(path(links().viewUrl(id)));
    expect(v.statusCode).toBe(200);
    expect(v.body).toContain('<h1>Spring sale</h1>');
    expect(v.headers['content-security-policy']).toMatch(/default-src 'none'/);
    expect(v.headers['content-security-policy']).not.toContain('script-src');
    expect((await get(`/m/v/${id}/${'y'.repeat(32)}`)).statusCode).toBe(400);
  });
});

describe('double opt-in', () => {
  it('off: a sign-up is subscribed at once', async () => {
    const r = await http().inject({ method: 'POST', url: '/api/messaging/subscribe', headers: s.headers, payload: { email: 'single@shop.test', form: 'footer' } });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ status: 'subscribed', confirmationSent: false });
  });

  it('on: a sign-up is pending with a confirmation email; GET shows a button, POST confirms with method double_opt_in', async () => {
    expect((await http().inject({ method: 'PATCH', url: '/api/messaging/engagement-settings', headers: s.headers, payload: { doubleOptIn: true } })).json()).toMatchObject({ doubleOptIn: true });
    const r = await http().inject({ method: 'POST', url: '/api/messaging/subscribe', headers: s.headers, payload: { email: 'double@shop.test', form: 'footer', ip: '198.51.100.4' } });
    expect(r.json()).toMatchObject({ status: 'pending', confirmationSent: true });
    const customerId = (r.json() as { customerId: string }).customerId;
    expect(await consentOf(customerId)).toBe('pending');
    const queued = await db().selectFrom('messages').selectAll().where('customer_id', '=', customerId).execute();
    expect(queued).toHaveLength(1);
    expect(queued[0]).toMatchObject({ kind: 'transactional', purpose: 'system', status: 'queued' });
    const confirmUrl = (queued[0]!.vars as { confirm_url: string }).confirm_url;
    const tpl = await db().selectFrom('message_templates').selectAll().where('id', '=', queued[0]!.template_id!).executeTakeFirstOrThrow();
    expect(tpl.body).toContain('{{ confirm_url }}');
    // Signing up again the same day sends no second email.
    await http().inject({ method: 'POST', url: '/api/messaging/subscribe', headers: s.headers, payload: { email: 'double@shop.test' } });
    expect(await db().selectFrom('messages').select('id').where('customer_id', '=', customerId).execute()).toHaveLength(1);

    const page = await get(path(confirmUrl));
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Yes, subscribe me');
    expect(await consentOf(customerId)).toBe('pending');
    const forged = await http().inject({ method: 'POST', url: path(confirmUrl).replace(/[^/]{4}$/, 'AAAA') });
    expect(forged.statusCode).toBe(400);
    const done = await http().inject({ method: 'POST', url: path(confirmUrl) });
    expect(done.statusCode).toBe(200);
    expect(done.body).toContain('You are subscribed');
    expect(await consentOf(customerId)).toBe('subscribed');
    expect((await app.patron.modules.customers.consent.history(customerId))[0]).toMatchObject({ method: 'double_opt_in', status: 'subscribed' });

    // An API client that collected a sign-up sends "pending": Patron confirms it the same way.
    const viaApi = await http().inject({ method: 'POST', url: '/api/customers', headers: s.headers, payload: { email: 'api-signup@shop.test', consent: { email: 'pending' } } });
    expect(viaApi.statusCode).toBe(201);
    const apiMessages = await db().selectFrom('messages').select(['purpose', 'template_id']).where('customer_id', '=', (viaApi.json() as { id: string }).id).execute();
    expect(apiMessages).toEqual([{ purpose: 'system', template_id: queued[0]!.template_id }]);
    await http().inject({ method: 'PATCH', url: '/api/messaging/engagement-settings', headers: s.headers, payload: { doubleOptIn: false } });
  });
});

describe('SMS delivery receipts', () => {
  it('a signed receipt marks delivery once; a failure marks the message failed; a bad signature is refused', async () => {
    const c = await customer('sam');
    const ok = await sent(c, { channel: 'sms', provider_id: 'SM123', html: null, to_address: '+441234567890' });
    const bad = await sent(c, { channel: 'sms', provider_id: 'SM456', html: null, to_address: '+441234567890' });
    const url = path(links().smsReceiptUrl());
    const r1 = await http().inject({ method: 'POST', url, headers: { 'content-type': 'application/json' }, payload: { messageId: ok, status: 'delivered' } });
    expect(r1.json()).toEqual({ result: 'applied' });
    expect((await http().inject({ method: 'POST', url, headers: { 'content-type': 'application/json' }, payload: { providerId: 'SM123', status: 'delivered' } })).json()).toEqual({ result: 'unchanged' });
    expect((await msg(ok)).delivered_at).not.toBeNull();
    expect(await activities(c, 'SMS Delivered')).toHaveLength(1);
    const r2 = await http().inject({ method: 'POST', url, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'MessageSid=SM456&MessageStatus=undelivered&ErrorCode=30003' });
    expect(r2.json()).toEqual({ result: 'applied' });
    expect(await msg(bad)).toMatchObject({ status: 'failed', last_error: 'Carrier receipt: undelivered: 30003' });
    expect(await activities(c, 'SMS Failed')).toHaveLength(1);
    const interim = await http().inject({ method: 'POST', url, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'MessageSid=SM456&MessageStatus=sent' });
    expect(interim.json()).toMatchObject({ result: 'ignored' });
    const forged = await http().inject({ method: 'POST', url: `/m/sms/receipt/${'z'.repeat(32)}`, headers: { 'content-type': 'application/json' }, payload: { messageId: ok, status: 'failed' } });
    expect(forged.statusCode).toBe(401);
    expect((await msg(ok)).status).toBe('sent');
  });
});
