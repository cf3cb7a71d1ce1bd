import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { putSetting } from '../../platform/settings.ts';
import { loginAs, startTestApp, type Session, type TestApp } from '../../testing/harness.ts';
import { KB_DEMO } from './kb.demo.ts';
import type { Article, Category, SearchResult, Suggestion } from './kb.schemas.ts';

let app: TestApp;
let agent: Session;
let analyst: Session;
const B = '/api/support/kb';
const http = () => app.patron.http!;
const kb = () => app.patron.modules.support.kb;

const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown, s: Session | null = agent) =>
  http().inject({ method, url, headers: s ? s.headers : {}, ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }) });
const json = async <T>(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown, status = 200): Promise<T> => {
  const r = await call(method, url, payload);
  expect(r.statusCode, r.body).toBe(status);
  return r.json() as T;
};
const TOTAL = KB_DEMO.reduce((n, c) => n + c.articles.length, 0);
const page = async (url: string) => http().inject({ method: 'GET', url });

beforeAll(async () => {
  app = await startTestApp();
  agent = await loginAs(app, 'support');
  analyst = await loginAs(app, 'analyst');
  await putSetting(app.patron.dbh.db, 'store', { name: 'Gift Shop', currency: 'GBP', timeZone: 'Europe/London', brandColor: '#0b7285', url: 'https://giftshop.test' });
  await kb().demo({ type: 'system', id: null, label: 'test' });
});
afterAll(async () => app?.close());

describe('articles', () => {
  it('the demo loaded its categories in order and every article', async () => {
    const cats = (await json<{ items: Category[] }>('GET', `${B}/categories`)).items;
    expect(cats.map((c) => c.name)).toEqual(KB_DEMO.map((c) => c.name));
    expect(cats.reduce((n, c) => n + c.articleCount, 0)).toBe(TOTAL);
    expect(cats.reduce((n, c) => n + c.publicCount, 0)).toBe(TOTAL - 2); // one internal, one draft
  });

  it('creates a draft, versions changes, publishes; only published public articles are public', async () => {
    const cat = await json<Category>('POST', `${B}/categories`, { name: 'Gift wrapping', description: 'Wrapping and gift notes' }, 201);
    const a = await json<Article>('POST', `${B}/articles`, { title: 'Can you gift wrap my order?', body: 'Yes! Gift wrapping costs **£2.50** per item.\n\n<script>alert(1)</script>', categoryId: cat.id }, 201);
    expect(a).toMatchObject({ status: 'draft', slug: 'can-you-gift-wrap-my-order', version: 1, url: null, internal: false, categoryName: 'Gift wrapping' });
    expect(a.html).toContain('<strong>£2.50</strong>');
    expect(a.html).not.toContain('script');
    expect((await page('/help/articles/can-you-gift-wrap-my-order')).statusCode).toBe(404);
    expect((await json<SearchResult>('GET', `/api/public/support/kb/search?q=gift%20wrap`)).items).toEqual([]);

    const v2 = await json<Article>('PATCH', `${B}/articles/${a.id}`, { body: 'Yes! Gift wrapping in recycled paper costs **£2.50** per item, with a handwritten note.', expectedVersion: 1 });
    expect(v2.version).toBe(2);
    const stale = await call('PATCH', `${B}/articles/${a.id}`, { title: 'Gift wrap', expectedVersion: 1 });
    expect(stale.statusCode).toBe(409);
    expect(stale.json()).toMatchObject({ type: '/problems/version-conflict' });
    const versions = await json<{ items: { version: number }[] }>('GET', `${B}/articles/${a.id}/versions`);
    expect(versions.items.map((v) => v.version)).toEqual([2, 1]);

    const pub = await json<Article>('POST', `${B}/articles/${a.id}/publish`);
    expect(pub.status).toBe('published');
    expect(pub.url).toMatch(/\/help\/articles\/can-you-gift-wrap-my-order$/);
    expect((await json<Article>('POST', `${B}/articles/${a.id}/publish`)).publishedAt).toEqual(pub.publishedAt); // idempotent
    const hp = await page('/help/articles/can-you-gift-wrap-my-order');
    expect(hp.statusCode).toBe(200);
    expect(hp.headers['content-security-policy']).toContain("default-src 'none'");
    expect(hp.body).toContain('recycled paper');
    expect(hp.body).toContain('Gift Shop');
    expect(hp.body).toContain('--brand:#0b7285');
    expect(hp.body).not.toContain('<script');
    const found = await json<SearchResult>('GET', `/api/public/support/kb/search?q=gift%20wrap`);
    expect(found.items[0]?.title).toBe('Can you gift wrap my order?');

    await json('POST', `${B}/articles/${a.id}/unpublish`);
    expect((await page('/help/articles/can-you-gift-wrap-my-order')).statusCode).toBe(404);
    expect((await call('DELETE', `${B}/articles/${a.id}`)).statusCode).toBe(204);
    expect((await call('GET', `${B}/articles/${a.id}`)).statusCode).toBe(404);
    expect((await call('DELETE', `${B}/categories/${cat.id}`)).statusCode).toBe(204);
  });

  it('lists newest first with a cursor, and filters', async () => {
    const p1 = await json<{ items: Article[]; nextCursor: string }>('GET', `${B}/articles?limit=10`);
    expect(p1.items).toHaveLength(10);
    const p2 = await json<{ items: Article[]; nextCursor: string | null }>('GET', `${B}/articles?limit=10&cursor=${p1.nextCursor}`);
    const p3 = await json<{ items: Article[]; nextCursor: string | null }>('GET', `${B}/articles?limit=10&cursor=${p2.nextCursor}`);
    expect(new Set([...p1.items, ...p2.items, ...p3.items].map((a) => a.id)).size).toBe(TOTAL);
    expect(p3.nextCursor).toBeNull();
    const internal = await json<{ items: Article[] }>('GET', `${B}/articles?internal=true`);
    expect(internal.items.map((a) => a.title)).toEqual(['Refund exceptions and goodwill credits (agents)']);
    const drafts = await json<{ items: Article[] }>('GET', `${B}/articles?status=draft`);
    expect(drafts.items.map((a) => a.title)).toEqual(['How do I delete my account and data?']);
  });

  it('reorders categories', async () => {
    const cats = (await json<{ items: Category[] }>('GET', `${B}/categories`)).items;
    const ids = cats.map((c) => c.id).reverse();
    const r = await json<{ items: Category[] }>('POST', `${B}/categories/reorder`, { ids });
    expect(r.items.map((c) => c.id)).toEqual(ids);
    await json('POST', `${B}/categories/reorder`, { ids: cats.map((c) => c.id) });
  });
});

describe('search', () => {
  it('ranks title matches first, stems words and marks matches in safe snippets', async () => {
    const r = await json<SearchResult>('GET', `${B}/search?q=returns`);
    expect(r.items[0]?.title).toMatch(/return/i);
    expect(r.items.some((h) => h.snippet.includes('<mark>'))).toBe(true);
    expect(r.correctedQuery).toBeNull();
    expect(r.items.every((h) => h.score > 0 && h.score <= 1)).toBe(true);
  });

  it('tolerates typos', async () => {
    const r = await json<SearchResult>('GET', `${B}/search?q=${encodeURIComponent('refnd delivry')}`);
    expect(r.correctedQuery).toBe('refund delivery');
    expect(r.items.length).toBeGreaterThan(0);
    const one = await json<SearchResult>('GET', `/api/public/support/kb/search?q=pasword`);
    expect(one.items[0]?.title).toBe('How do I reset my password?');
  });

  it('agents find internal articles and drafts; visitors never do', async () => {
    const agentHits = await json<SearchResult>('GET', `${B}/search?q=goodwill%20credit`);
    expect(agentHits.items[0]).toMatchObject({ title: 'Refund exceptions and goodwill credits (agents)', internal: true, url: null });
    const pub = await json<SearchResult>('GET', `/api/public/support/kb/search?q=goodwill%20credit`);
    expect(pub.items.map((h) => h.title)).not.toContain('Refund exceptions and goodwill credits (agents)');
    const draft = await json<SearchResult>('GET', `/api/public/support/kb/search?q=delete%20account`);
    expect(draft.items.map((h) => h.title)).not.toContain('How do I delete my account and data?');
    const html = await page('/help/search?q=goodwill');
    expect(html.body).not.toContain('goodwill credits (agents)');
  });

  it('suggests articles for a ticket text (agents: internal too) and for a widget page (public only)', async () => {
    const s = await json<{ items: Suggestion[] }>('GET', `${B}/suggest?text=${encodeURIComponent('Hi, my parcel arrived and the mug inside is broken. Can I get a refund? Thanks, Ann')}`);
    expect(s.items.map((i) => i.title)).toContain('My item arrived damaged or faulty');
    const w = await http().inject({ method: 'GET', url: `/api/public/support/kb/suggest?url=${encodeURIComponent('https://giftshop.test/pages/shipping-and-delivery')}&title=Delivery` });
    expect(w.statusCode).toBe(200);
    expect(w.headers['access-control-allow-origin']).toBe('*');
    const items = (w.json() as { items: Suggestion[] }).items;
    expect(items.length).toBeGreaterThan(0);
    expect(items.every((i) => !i.internal)).toBe(true);
  });
});

describe('suggestions for a ticket', () => {
  it('reads the ticket’s subject and the customer’s messages', async () => {
    const { ticket } = await app.patron.modules.support.tickets.service.createTicket({ type: 'system', id: null, label: 'test' }, {
      channel: 'email', subject: 'Discount code not accepted', requester: { email: 'ann@shop.test', name: 'Ann' },
      message: { direction: 'inbound', authorType: 'customer', bodyText: 'Hello, the discount code from your newsletter is refused at checkout. Regards, Ann' },
    });
    const s = await json<{ items: Suggestion[] }>('GET', `${B}/suggest?ticketId=${ticket.id}`);
    expect(s.items[0]?.title).toBe('My discount code does not work');
    expect((await call('GET', `${B}/suggest?ticketId=0190a000-0000-7000-8000-000000000000`)).statusCode).toBe(404);
  });
});

describe('help centre', () => {
  it('shows categories in the store branding, category and search pages', async () => {
    const home = await page('/help');
    expect(home.statusCode).toBe(200);
    expect(home.headers['content-type']).toContain('text/html');
    for (const c of KB_DEMO) expect(home.body).toContain(c.name.replace(/&/g, '&amp;'));
    expect(home.body).not.toContain('goodwill');
    const art = await page('/help/articles/what-is-your-returns-policy');
    expect(art.body).toContain('<meta name="description" content="You can return any unused item');
    expect(art.body).toContain('<link rel="canonical" href="');
    expect(art.headers['x-robots-tag']).toBeUndefined(); // the help centre is for search engines too
    const cat = await page('/help/categories/returns-and-refunds');
    expect(cat.body).toContain('What is your returns policy?');
    const s = await page('/help/search?q=dishwasher');
    expect(s.body).toContain('<mark>dishwasher</mark>');
    const xss = await page(`/help/search?q=${encodeURIComponent('<script>alert(1)</script>')}`);
    expect(xss.statusCode).toBe(200);
    expect(xss.body).not.toContain('<script>alert');
    expect((await page('/help/articles/no-such-article')).statusCode).toBe(404);
    expect((await page('/help/categories/nope')).statusCode).toBe(404);
    const long = await page(`/help/articles/${'x'.repeat(190)}%00%3Cscript%3E`);
    expect(long.statusCode).toBe(404);
    expect(long.headers['content-type']).toContain('text/html');
  });
});

describe('bad input', () => {
  it('explains what to fix', async () => {
    const noTitle = await call('POST', `${B}/articles`, { body: 'x' });
    expect(noTitle.statusCode).toBe(400);
    expect(noTitle.json()).toMatchObject({ type: '/problems/validation-error', errors: [expect.objectContaining({ pointer: '/body/title' })] });
    const badSlug = await call('POST', `${B}/articles`, { title: 'X', slug: 'Not a slug!' });
    expect(badSlug.statusCode).toBe(400);
    const taken = await call('POST', `${B}/articles`, { title: 'X', slug: 'what-is-your-returns-policy' });
    expect(taken.statusCode).toBe(409);
    expect(taken.json()).toMatchObject({ type: '/problems/slug-taken', errors: [{ pointer: '/body/slug' }] });
    const noCat = await call('POST', `${B}/articles`, { title: 'X', categoryId: '0190a000-0000-7000-8000-000000000000' });
    expect(noCat.statusCode).toBe(400);
    expect(noCat.json()).toMatchObject({ errors: [{ pointer: '/body/categoryId' }] });
    const control = await call('POST', `${B}/articles`, { title: 'X\u0002' });
    expect(control.statusCode).toBe(400);
    expect((await call('GET', `${B}/articles/not-a-uuid`)).statusCode).toBe(400);
    expect((await call('POST', `${B}/categories/reorder`, { ids: ['0190a000-0000-7000-8000-000000000000'] })).statusCode).toBe(400);
    expect((await call('GET', `${B}/suggest`)).statusCode).toBe(400);
    expect((await call('GET', `${B}/suggest?text=${encodeURIComponent('refund\u0000 please')}`)).statusCode).toBe(200); // NUL is not text to Postgres
    expect((await call('GET', `/api/public/support/kb/suggest?q=${encodeURIComponent('\u0000')}&url=${encodeURIComponent('https://x/%00')}`, undefined, null)).statusCode).toBe(200);
    expect((await call('GET', `${B}/articles?cursor=garbage`)).statusCode).toBe(400);
    expect((await call('GET', `/api/public/support/kb/search?q=${'x'.repeat(300)}`, undefined, null)).statusCode).toBe(400);
    expect((await call('GET', `${B}/search?q=${encodeURIComponent("'&|!:*()")}`)).statusCode).toBe(200); // tsquery syntax is not injectable
  });

  it('is documented in the OpenAPI reference', async () => {
    const r = await http().inject({ method: 'GET', url: '/api/openapi.json' });
    expect(r.statusCode).toBe(200);
    const paths = Object.keys((r.json() as { paths: Record<string, unknown> }).paths);
    for (const p of ['/api/support/kb/articles', '/api/support/kb/suggest', '/api/support/kb/search', '/api/public/support/kb/suggest', '/api/support/kb/assistant/try']) expect(paths).toContain(p);
    expect(paths.some((p) => p.startsWith('/help'))).toBe(false);
  });

  it('needs support permissions to write, and a login to read', async () => {
    expect((await call('POST', `${B}/articles`, { title: 'X' }, analyst)).statusCode).toBe(403);
    expect((await call('GET', `${B}/articles`, undefined, null)).statusCode).toBe(401);
    expect((await call('GET', `${B}/articles`, undefined, analyst)).statusCode).toBe(200);
  });
});
