import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { CLI_ACTOR } from '../server/src/platform/audit/audit.ts';
import { installSnippet } from '../server/src/modules/tracking/index.ts';
import { startTestApp, type TestApp } from '../server/src/testing/harness.ts';
import { hasBrowser, launch } from './browser.ts';

// A "store" on its own origin installs the snippet (as the settings API gives it, with a real
// public key) and talks to Patron on another origin, as in production.
let app: TestApp;
let browser: Browser;
let shop: http.Server;
let shopUrl = '';
let key = '';

function pageHtml(title: string, consentRequired: boolean): string {
  const snippet = installSnippet({ scriptUrl: `${app.url}/sdk/patron.js`, host: app.url, writeKey: key, consentRequired });
  return `<!doctype html><html><head><title>${title}</title>${snippet}</head><body><h1>${title}</h1><a href="/other">other page</a></body></html>`;
}

async function waitFor<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 10_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

const db = () => app.patron.dbh.db;
async function activitiesOf(kind: 'anonymous' | 'user_id', value: string) {
  const row = await db().selectFrom('customer_identities').select('customer_id').where('kind', '=', kind).where('value', '=', value).executeTakeFirst();
  if (!row) return [];
  const id = await app.patron.modules.customers.service.liveId(db(), row.customer_id);
  return db().selectFrom('activities').selectAll().where('customer_id', '=', id).orderBy('occurred_at').orderBy('id').execute();
}
const hasTypes = (kind: 'anonymous' | 'user_id', value: string, types: string[]) => async () => {
  const acts = await activitiesOf(kind, value);
  return types.every((t) => acts.some((a) => a.type === t)) ? acts : undefined;
};

describe.skipIf(!hasBrowser)('tracking snippet in a real browser', () => {
  beforeAll(async () => {
    app = await startTestApp({ listen: true });
    key = (await app.patron.modules.users.service.createApiKey(CLI_ACTOR, { name: 'store site', kind: 'public', scopes: [] })).key;
    shop = http.createServer((req, res) => {
      const consent = req.url?.startsWith('/consent') ?? false;
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(pageHtml(consent ? 'Consent page' : `Shop ${req.url}`, consent));
    });
    await new Promise<void>((r) => shop.listen(0, '127.0.0.1', r));
    shopUrl = `http://127.0.0.1:${(shop.address() as AddressInfo).port}`;
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
    await new Promise((r) => shop?.close(r));
    await app?.close();
  });

  async function open(path: string): Promise<{ page: Page; posts: { url: string; type: string; body: string }[] }> {
    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    const posts: { url: string; type: string; body: string }[] = [];
    // On the context: a beacon sent while the page unloads is no longer the page's request.
    ctx.on('request', (r) => {
      if (r.url().startsWith(`${app.url}/v1/`)) posts.push({ url: r.url(), type: r.resourceType(), body: r.postData() ?? '' });
    });
    await page.goto(`${shopUrl}${path}`);
    await page.waitForFunction("typeof window.patron?.version === 'string'");
    return { page, posts };
  }
  const anonymousIdOf = async (page: Page) => (await page.context().cookies(shopUrl)).find((c) => c.name === 'patron_aid');

  it('page views (also SPA navigation), identify and track arrive as activities of one customer', async () => {
    const { page } = await open('/products?utm_source=newsletter&utm_campaign=spring');
    const cookie = await anonymousIdOf(page);
    expect(cookie).toBeDefined();
    expect(cookie!.sameSite).toBe('Lax');
    expect(cookie!.expires * 1000).toBeGreaterThan(Date.now() + 360 * 86400_000);
    expect(await page.evaluate("localStorage.getItem('patron_aid')")).toBe(cookie!.value);
    const anon = cookie!.value;

    const first = await waitFor(hasTypes('anonymous', anon, ['Page Viewed']), 'the first page view');
    expect(first[0]!.properties).toMatchObject({ path: '/products', title: 'Shop /products?utm_source=newsletter&utm_campaign=spring' });
    expect(first[0]!.context).toMatchObject({ campaign: { source: 'newsletter', name: 'spring' }, library: { name: 'patron.js' }, page: { path: '/products' } });
    const sessionId = (first[0]!.context as { sessionId: string }).sessionId;
    expect(sessionId).toMatch(/^[0-9a-f-]{36}$/);

    await page.evaluate(`
      history.pushState({}, '', '/products/mug');
      patron.identify('shopper-1', { email: 'shopper@example.com', firstName: 'Sam' });
      patron.track('Product Added', { product_id: 'mug', name: 'Mug', price: 12.5, quantity: 1 });
    `);
    const acts = await waitFor(hasTypes('user_id', 'shopper-1', ['Identified', 'Product Added']), 'identify and track');
    const pages = acts.filter((a) => a.type === 'Page Viewed').map((a) => (a.properties as { path: string }).path);
    expect(pages).toEqual(['/products', '/products/mug']);
    // Same session and campaign for the whole visit; the profile is no longer anonymous.
    expect(new Set(acts.map((a) => (a.context as { sessionId: string }).sessionId))).toEqual(new Set([sessionId]));
    const c = await app.patron.modules.customers.service.get(acts[0]!.customer_id);
    expect(c).toMatchObject({ anonymous: false, firstName: 'Sam', email: 'shopper@example.com' });
    const cart = await db().selectFrom('carts').selectAll().where('customer_id', '=', c.id).executeTakeFirstOrThrow();
    expect(cart).toMatchObject({ status: 'open', value: 1250 });
    await page.context().close();
  });

  it('flushes with sendBeacon when the page is hidden', async () => {
    const { page, posts } = await open('/beacon');
    const anon = (await anonymousIdOf(page))!.value;
    await waitFor(hasTypes('anonymous', anon, ['Page Viewed']), 'the page view');
    // The tab goes to the background: queued calls go at once, by sendBeacon (a "ping" request).
    await page.evaluate(`
      patron.track('Tab Hidden');
      Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
      document.dispatchEvent(new Event('visibilitychange'));
    `);
    await waitFor(hasTypes('anonymous', anon, ['Tab Hidden']), 'the beaconed event');
    expect(posts.find((p) => p.body.includes('Tab Hidden'))?.type).toBe('ping');
    // The visitor leaves before the flush timer (a few seconds) fires: pagehide hands the call to the browser.
    await page.evaluate("patron.track('Left Quickly')");
    await page.goto('about:blank');
    await waitFor(hasTypes('anonymous', anon, ['Left Quickly']), 'the event sent on page hide');
    await page.context().close();
  });

  it('keeps calls the server did not take (503) in localStorage and sends them on the next page load', async () => {
    const { page } = await open('/offline');
    const anon = (await anonymousIdOf(page))!.value;
    await waitFor(hasTypes('anonymous', anon, ['Page Viewed']), 'the page view');
    const ctx = page.context();
    let refused = 0;
    await ctx.route(`${app.url}/v1/**`, (r) => {
      refused++;
      return r.fulfill({ status: 503, body: 'down', headers: { 'access-control-allow-origin': '*' } });
    });
    await page.evaluate("patron.track('While Down')");
    await waitFor(async () => (refused > 0 ? true : undefined), 'a refused send');
    const stored = String(await page.evaluate("localStorage.getItem('patron_queue')"));
    expect(stored).toContain('While Down');
    await ctx.unroute(`${app.url}/v1/**`);
    // No beacon on the way out either (as if the browser refused it): only the stored copy is left.
    await page.evaluate("Object.defineProperty(navigator, 'sendBeacon', { value: () => false })");
    await page.goto(`${shopUrl}/back-again`);
    const acts = await waitFor(hasTypes('anonymous', anon, ['While Down']), 'the stored call after the next page load');
    expect(acts.filter((a) => a.type === 'While Down')).toHaveLength(1);
    await ctx.close();
  });

  it('in consent mode stores and sends nothing until consent is granted, then sends what was queued', async () => {
    const { page, posts } = await open('/consent');
    await page.evaluate("patron.track('Before Consent')");
    await page.waitForTimeout(4000);
    expect(posts).toEqual([]);
    expect(await anonymousIdOf(page)).toBeUndefined();
    expect(await page.evaluate("Object.keys(localStorage).filter((k) => k.startsWith('patron_'))")).toEqual([]);

    await page.evaluate('patron.consent.grant()');
    const anon = await waitFor(async () => (await anonymousIdOf(page))?.value, 'the anonymous id cookie after consent');
    const acts = await waitFor(hasTypes('anonymous', anon, ['Page Viewed', 'Before Consent', 'Segment Consent Preference Updated']), 'the queued calls after consent');
    expect(acts.map((a) => a.type)).toEqual(['Page Viewed', 'Before Consent', 'Segment Consent Preference Updated', 'Consent Changed']);
    // The grant is on the visitor's consent ledger, with the page it was given on.
    const customerId = acts[0]!.customer_id;
    const consent = () => app.patron.modules.customers.consent.view(customerId);
    expect((await consent()).current.tracking).toMatchObject({ status: 'subscribed', source: 'tracking' });
    expect((await consent()).history[0]).toMatchObject({ channel: 'tracking', method: 'consent_banner', evidence: { page: expect.stringContaining('/consent') } });

    // Revoking sends the withdrawal, removes what was stored and stops sending.
    const before = posts.length;
    await page.evaluate('patron.consent.revoke()');
    // The snippet deletes its cookie at once; the browser's cookie store (what the test reads) follows a moment later.
    await waitFor(async () => ((await anonymousIdOf(page)) === undefined ? true : undefined), 'the anonymous id cookie gone after revoking');
    await waitFor(async () => ((await consent()).current.tracking.status === 'unsubscribed' ? true : undefined), 'the withdrawal on the ledger');
    const sent = posts.length;
    expect(sent).toBe(before + 1);
    await page.evaluate("patron.track('After Revoke')");
    await page.waitForTimeout(3500);
    expect(posts.length).toBe(sent);
    await page.context().close();
  });
});
