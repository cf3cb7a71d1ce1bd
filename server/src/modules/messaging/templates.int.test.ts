import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { firstInvoices, type Invoice } from '../../../../e2e/data.ts';
import { SYSTEM_ACTOR } from '../../platform/audit/audit.ts';
import { putSetting } from '../../platform/settings.ts';
import { loginAs, startTestApp, type Session, type TestApp } from '../../testing/harness.ts';
import { CustomerContexts } from './context.ts';
import { STARTERS } from './starters/index.ts';
import { missingVariables, templateIssues } from './templates.check.ts';
import { PREVIEW_LINKS } from './templates.preview.ts';
import type { Issue, Preview, Template, Warning } from './templates.schemas.ts';

let app: TestApp;
let s: Session;
let ann: string;
let invoice: Invoice;
const db = () => app.patron.dbh.db;
const BASE = '/api/messaging/templates';

const inject = (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: unknown, session: Session = s) =>
  app.patron.http!.inject({ method, url, headers: session.headers, ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }) });

beforeAll(async () => {
  app = await startTestApp({ worker: true });
  s = await loginAs(app, 'marketer', 'marketer@shop.test');
  await putSetting(db(), 'store', { name: 'Gift Shop', currency: 'GBP', timeZone: 'Europe/London', address: '12 High Street, London' });
  // A real customer: the first invoice of the UCI Online Retail file as her last order, and a cart she left with part of it.
  [invoice] = (await firstInvoices(1)) as [Invoice];
  const commerce = app.patron.modules.commerce.service;
  await commerce.upsertOrder(SYSTEM_ACTOR, {
    source: 'uci', externalId: invoice.number, number: invoice.number, customer: { email: 'ann@shop.test', firstName: 'Ann', country: 'GB' }, status: 'completed', currency: 'GBP',
    discountTotal: 0, taxTotal: 0, shippingTotal: 0, discountCodes: [], placedAt: new Date(invoice.placedAt),
    lines: invoice.lines.map((l) => ({ productExternalId: l.sku, sku: l.sku, title: l.title, quantity: l.quantity, unitPrice: l.unitPrice })),
  });
  await commerce.upsertCart(SYSTEM_ACTOR, {
    source: 'uci', externalId: 'cart-ann', customer: { email: 'ann@shop.test' }, status: 'abandoned', currency: 'GBP', checkoutUrl: 'https://giftshop.test/checkout/ann',
    items: invoice.lines.slice(0, 2).map((l) => ({ productExternalId: l.sku, sku: l.sku, title: l.title, quantity: 1, unitPrice: l.unitPrice, imageUrl: `https://cdn.giftshop.test/${l.sku}.jpg` })),
    checkoutStarted: true,
  });
  ann = (await db().selectFrom('customers').select('id').where('email', '=', 'ann@shop.test').executeTakeFirstOrThrow()).id;
});
afterAll(async () => app?.close());

describe('starters', () => {
  it('every starter renders on a real customer with no issues, no missing variables and a text part', async () => {
    const ctx = (await new CustomerContexts().build(db(), [ann])).get(ann)!;
    for (const st of STARTERS) {
      expect(await templateIssues(st), st.key).toEqual([]);
      const vars = { ...ctx, ...(st.channel === 'email' ? PREVIEW_LINKS : {}) };
      expect(await missingVariables(st, vars), st.key).toEqual([]);
      const r = await inject('POST', `${BASE}/preview`, { format: st.format, subject: st.subject, preheader: st.preheader, body: st.body, customerId: ann });
      expect(r.statusCode, `${st.key}: ${r.body}`).toBe(200);
      const p = r.json() as Preview;
      expect(p.warnings, st.key).toEqual([]);
      expect(p.sample).toBe(false);
      expect(p.text.trim().length, st.key).toBeGreaterThan(20);
      if (st.channel === 'email') {
        expect(p.subject.trim(), st.key).not.toBe('');
        expect(p.html, st.key).toContain('Gift Shop');
        if (st.kind === 'marketing') expect(p.html, st.key).toContain('href="#unsubscribe"');
        expect(p.html, st.key).toContain('12 High Street, London');
      } else {
        expect(p.html).toBeNull();
        expect(p.sms!.parts).toBeGreaterThan(0);
      }
    }
  });

  it('the abandoned cart and thank-you starters show this customer’s own items, money and links', async () => {
    const cart = STARTERS.find((x) => x.key === 'abandoned-cart')!;
    const p = (await inject('POST', `${BASE}/preview`, { ...pick(cart), customerId: ann, vars: { discount_code: 'COMEBACK-7F3K' } })).json() as Preview;
    const [a, b] = [invoice.lines[0]!, invoice.lines[1]!];
    expect(p.subject).toBe('Ann, you left something in your cart');
    expect(p.html).toContain(`https://cdn.giftshop.test/${a.sku}.jpg`);
    expect(p.html).toContain('href="https://giftshop.test/checkout/ann"');
    expect(p.html).toContain('COMEBACK-7F3K');
    expect(p.text).toContain(a.title);
    expect(p.text).toContain(b.title);
    const gbp = (minor: number) => new Intl.NumberFormat('en', { style: 'currency', currency: 'GBP' }).format(minor / 100);
    expect(p.text).toContain(gbp(a.unitPrice + b.unitPrice));
    // Without a code the block is left out.
    expect(((await inject('POST', `${BASE}/preview`, { ...pick(cart), customerId: ann })).json() as Preview).html).not.toContain('Your code');

    const thanks = (await inject('POST', `${BASE}/preview`, { ...pick(STARTERS.find((x) => x.key === 'order-thank-you')!), customerId: ann })).json() as Preview;
    expect(thanks.subject).toBe(`Thank you for your order ${invoice.number}`);
    expect(thanks.text).toContain(gbp(invoice.lines.reduce((n, l) => n + l.quantity * l.unitPrice, 0)));
    for (const l of invoice.lines) expect(thanks.text).toContain(l.title);
  });

  it('the gallery lists every starter with a preview rendered on sample data', async () => {
    const r = await inject('GET', `${BASE}/starters`);
    expect(r.statusCode).toBe(200);
    const items = r.json().items as { key: string; channel: string; preview: { html: string | null; text: string } }[];
    expect(items.map((i) => i.key)).toEqual(STARTERS.map((x) => x.key));
    for (const i of items) {
      expect(i.preview.text.length).toBeGreaterThan(20);
      if (i.channel === 'email') expect(i.preview.html).toContain('<html');
    }
  });
});

const pick = (t: { format: string; subject: string; preheader: string; body: string }) => ({ format: t.format, subject: t.subject, preheader: t.preheader, body: t.body });

describe('templates CRUD', () => {
  let t: Template;

  it('creates from a starter, versions every content change, refuses a stale edit', async () => {
    const r = await inject('POST', BASE, { starter: 'welcome', name: 'Welcome series #1' });
    expect(r.statusCode, r.body).toBe(201);
    t = r.json() as Template;
    expect(t).toMatchObject({ name: 'Welcome series #1', channel: 'email', kind: 'marketing', format: 'mjml', starter: 'welcome', version: 1, archivedAt: null, createdBy: 'marketer@shop.test' });
    expect(t.body).toBe(STARTERS[0]!.body);

    const renamed = (await inject('PATCH', `${BASE}/${t.id}`, { name: 'Welcome 1', baseVersion: 1 })).json() as Template;
    expect(renamed).toMatchObject({ name: 'Welcome 1', version: 1 });
    const edited = await inject('PATCH', `${BASE}/${t.id}`, { subject: 'Hello {{ customer.first_name }}', baseVersion: 1 });
    expect(edited.json()).toMatchObject({ version: 2, subject: 'Hello {{ customer.first_name }}' });
    const stale = await inject('PATCH', `${BASE}/${t.id}`, { subject: 'Older edit', baseVersion: 1 });
    expect(stale.statusCode).toBe(409);
    expect(stale.json()).toMatchObject({ type: '/problems/template-version-conflict' });

    const versions = (await inject('GET', `${BASE}/${t.id}/versions`)).json().items as { version: number; subject: string }[];
    expect(versions.map((v) => [v.version, v.subject])).toEqual([[2, 'Hello {{ customer.first_name }}'], [1, 'Welcome to {{ store.name }}']]);
    expect((await inject('GET', `${BASE}/${t.id}/versions/1`)).json()).toMatchObject({ version: 1, body: STARTERS[0]!.body, savedBy: 'marketer@shop.test' });
    expect((await inject('GET', `${BASE}/${t.id}/versions/9`)).statusCode).toBe(404);
    const audit = await db().selectFrom('audit_log').select('action').where('entity_id', '=', t.id).execute();
    expect(audit.map((a) => a.action).sort()).toEqual(['template.created', 'template.updated', 'template.updated']);
  });

  it('refuses Liquid and MJML errors on save with a 400 listing part, line and column', async () => {
    const body = '<mjml><mj-body><mj-section><mj-column>\n<mj-text>Hi {{ customer.first_name }</mj-text>\n</mj-column></mj-section></mj-body></mjml>';
    const r = await inject('PATCH', `${BASE}/${t.id}`, { body, subject: 'Hi {% if x %}' });
    expect(r.statusCode).toBe(400);
    expect(r.headers['content-type']).toContain('application/problem+json');
    const p = r.json() as { type: string; detail: string; issues: Issue[]; errors: { pointer: string; detail: string }[] };
    expect(p.type).toBe('/problems/template-invalid');
    expect(p.issues).toEqual(expect.arrayContaining([
      expect.objectContaining({ part: 'subject', line: 1, column: expect.any(Number) }),
      expect.objectContaining({ part: 'body', line: 2, column: 13 }),
    ]));
    expect(p.errors.map((e) => e.pointer).sort()).toEqual(['/body/body', '/body/subject']);
    expect(p.detail).toContain('line 2');

    const mj = await inject('POST', BASE, { name: 'Broken', channel: 'email', subject: 'x', body: '<mjml><mj-body>\n<mj-section>\n<mj-text>Text straight in a section</mj-text>\n</mj-section></mj-body></mjml>' });
    expect(mj.statusCode).toBe(400);
    expect((mj.json() as { issues: Issue[] }).issues[0]).toMatchObject({ part: 'body', line: 3 });
    // Unchanged on a refused save.
    expect((await inject('GET', `${BASE}/${t.id}`)).json()).toMatchObject({ version: 2 });
  });

  it('validates what a template is', async () => {
    const bad = async (payload: unknown) => {
      const r = await inject('POST', BASE, payload);
      expect(r.statusCode, r.body).toBe(400);
      return (r.json() as { errors: { pointer: string }[] }).errors.map((e) => e.pointer);
    };
    expect(await bad({ name: 'x' })).toEqual(['/body/channel', '/body/body']);
    expect(await bad({ starter: 'nope' })).toEqual(['/body/starter']);
    expect(await bad({ name: 'x', channel: 'sms', format: 'mjml', body: 'hi' })).toEqual(['/body/format']);
    expect(await bad({ name: 'x', channel: 'email', body: '<mjml><mj-body></mj-body></mjml>' })).toEqual(['/body/subject']);
    expect(await bad({ name: 'x', channel: 'email', format: 'html', subject: 's', body: 'b', senderId: '01890000-0000-7000-8000-000000000000' })).toEqual(['/body/senderId']);
    expect(await bad({ name: 'x', channel: 'email', subject: 's', body: 'b', colour: 'red' })).toEqual(['/body']);
  });

  it('archives, lists, duplicates; a read-only role cannot write', async () => {
    const sms = (await inject('POST', BASE, { starter: 'order-shipped-sms' })).json() as Template;
    expect(sms).toMatchObject({ channel: 'sms', format: 'text', kind: 'transactional', name: 'Order shipped (SMS)' });
    expect((await inject('POST', `${BASE}/${sms.id}/archive`)).json().archivedAt).not.toBeNull();
    const live = (await inject('GET', BASE)).json().items as Template[];
    expect(live.map((x) => x.id)).toEqual([t.id]);
    expect(((await inject('GET', `${BASE}?archived=true`)).json().items as Template[]).map((x) => x.id)).toEqual([sms.id]);
    expect((await inject('POST', `${BASE}/${sms.id}/unarchive`)).json().archivedAt).toBeNull();
    expect(((await inject('GET', `${BASE}?channel=sms`)).json().items as Template[]).map((x) => x.id)).toEqual([sms.id]);
    expect(((await inject('GET', `${BASE}?q=welcome`)).json().items as Template[]).map((x) => x.id)).toEqual([t.id]);

    const copy = await inject('POST', `${BASE}/${t.id}/duplicate`);
    expect(copy.statusCode).toBe(201);
    expect(copy.json()).toMatchObject({ name: 'Welcome 1 (copy)', version: 1, starter: 'welcome', subject: 'Hello {{ customer.first_name }}' });

    const analyst = await loginAs(app, 'analyst');
    expect((await inject('GET', BASE, undefined, analyst)).statusCode).toBe(200);
    expect((await inject('POST', BASE, { starter: 'welcome' }, analyst)).statusCode).toBe(403);
    expect((await inject('POST', `${BASE}/${t.id}/test`, {}, analyst)).statusCode).toBe(403);
  });
});

describe('preview', () => {
  it('lists missing variables as warnings with the line they are on (MJML lines as typed), and empty parts of this customer', async () => {
    const body = '<mjml><mj-body><mj-section><mj-column>\n<mj-text>Hi {{ customer.first_name }}</mj-text>\n<mj-text>Size: {{ customer.shoe_size }}</mj-text>\n<mj-raw>{% if coupon %}</mj-raw><mj-text>{{ coupon }}</mj-text><mj-raw>{% endif %}</mj-raw>\n</mj-column></mj-section></mj-body></mjml>';
    const r = await inject('POST', `${BASE}/preview`, { format: 'mjml', subject: 'For {{ customer.first_name }} {{ shop.name }}', body, customerId: ann });
    expect(r.statusCode, r.body).toBe(200);
    const p = r.json() as Preview;
    expect(p.customer).toEqual({ id: ann, name: 'Ann', email: 'ann@shop.test' });
    expect(p.subject).toBe('For Ann');
    expect(p.warnings).toEqual([
      expect.objectContaining({ part: 'subject', line: 1, column: 34, variable: 'shop', kind: 'missing' }),
      expect.objectContaining({ part: 'body', line: 3, column: 19, variable: 'customer.shoe_size', kind: 'missing' }),
    ]);

    const bob = await app.patron.dbh.db.transaction().execute((tx) => app.patron.modules.customers.service.resolve(tx, {
      identities: [{ kind: 'email', value: 'bob@shop.test', verified: true }], profile: { firstName: 'Bob' }, source: 'test', actor: SYSTEM_ACTOR,
    }));
    const nocart = (await inject('POST', `${BASE}/preview`, { format: 'html', subject: 'x', body: '<p>\n{% for i in cart.items %}{{ i.name }}{% endfor %}</p>', customerId: bob.customerId })).json() as Preview;
    expect(nocart.warnings).toEqual([expect.objectContaining<Partial<Warning>>({ part: 'body', line: 2, variable: 'cart', kind: 'empty' })]);
  });

  it('picks a real customer by default, a cart holder when the template uses the cart', async () => {
    const p = (await inject('POST', `${BASE}/preview`, { format: 'text', body: '{{ customer.first_name }}: {{ cart.checkout_url }}' })).json() as Preview;
    expect(p).toMatchObject({ sample: false, customer: { id: ann }, text: 'Ann: https://giftshop.test/checkout/ann', html: null, sms: { parts: 1, unicode: false } });
  });

  it('answers a template that cannot render with a 422 naming the line, and escapes values', async () => {
    const r = await inject('POST', `${BASE}/preview`, { format: 'html', subject: 'x', body: '<p>ok</p>\n<p>{% for x in %}</p>' });
    expect(r.statusCode).toBe(422);
    expect((r.json() as { issues: Issue[] }).issues[0]).toMatchObject({ part: 'body', line: 2 });
    const filter = await inject('POST', `${BASE}/preview`, { format: 'html', subject: 'x', body: '<p>{{ customer.first_name | no_such_filter }}</p>' });
    expect(filter.statusCode).toBe(422);
    expect(filter.json().detail).toContain('no_such_filter');
    const x = (await inject('POST', `${BASE}/preview`, { format: 'html', subject: 'x', body: '<p>{{ evil }}{{ evil | raw }}</p>', customerId: ann, vars: { evil: '<script>x</script>' } })).json() as Preview;
    expect(x.html).toContain('&lt;script&gt;x&lt;/script&gt;<script>x</script>');
  });

  it('is sandboxed: no files, no includes from disk', async () => {
    const r = await inject('POST', `${BASE}/preview`, { format: 'html', subject: 'x', body: "{% include '/etc/passwd' %}{% render '../../package.json' %}", customerId: ann });
    expect(r.statusCode).toBe(422);
    expect(r.body).not.toContain('root:');
    expect(r.body).not.toContain('"dependencies"');
  });

  it('404s for an unknown customer', async () => {
    expect((await inject('POST', `${BASE}/preview`, { format: 'text', body: 'x', customerId: '01890000-0000-7000-8000-000000000000' })).statusCode).toBe(404);
  });
});

describe('test send', () => {
  it('queues a test to your own address rendered on a customer, and it reaches the outbox', async () => {
    const t = (await inject('POST', BASE, { starter: 'abandoned-cart' })).json() as Template;
    const r = await inject('POST', `${BASE}/${t.id}/test`, { customerId: ann, subject: 'TEST {{ customer.first_name }}' });
    expect(r.statusCode, r.body).toBe(202);
    const out = r.json() as { messageId: string; to: string; customerId: string };
    expect(out).toMatchObject({ to: 'marketer@shop.test', customerId: ann });
    const row = await db().selectFrom('messages').selectAll().where('id', '=', out.messageId).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ purpose: 'test', to_override: 'marketer@shop.test', template_id: t.id, template_version: 1, kind: 'marketing', customer_id: ann });
    expect(row.dedupe_key).toMatch(/^test:[0-9a-f-]{36}$/);
    expect(row.overrides).toEqual({ subject: 'TEST {{ customer.first_name }}' });
    // The dispatcher (worker) renders and keeps it in the outbox: no SMTP server is configured.
    let sent = row;
    for (let i = 0; i < 200 && (sent.status === 'queued' || sent.status === 'sending'); i++) {
      await new Promise((res) => setTimeout(res, 50));
      sent = await db().selectFrom('messages').selectAll().where('id', '=', out.messageId).executeTakeFirstOrThrow();
    }
    expect(sent).toMatchObject({ status: 'sent', to_address: 'marketer@shop.test', subject: 'TEST Ann' });
    // Rendered on Ann's cart (its links are rewritten for click tracking, so look at the items).
    expect(sent.html).toContain(invoice.lines[0]!.title);
    expect(sent.text_body).toContain(invoice.lines[1]!.title);
    const listed = await inject('GET', '/api/messaging/messages');
    expect(JSON.stringify(listed.json())).toContain(out.messageId);
    const audit = await db().selectFrom('audit_log').select('summary').where('action', '=', 'template.test_sent').execute();
    expect(audit.map((a) => a.summary)).toContain(`Sent a test of "Abandoned cart" to marketer@shop.test`);
  });

  it('refuses a bad address, broken unsaved content and an SMS without a number', async () => {
    const t = (await inject('POST', BASE, { starter: 'welcome' })).json() as Template;
    expect((await inject('POST', `${BASE}/${t.id}/test`, { to: 'not-an-address' })).json().errors[0].pointer).toBe('/body/to');
    const broken = await inject('POST', `${BASE}/${t.id}/test`, { body: '<mjml><mj-body>{% if %}</mj-body></mjml>' });
    expect(broken.statusCode).toBe(400);
    expect(broken.json().type).toBe('/problems/template-invalid');
    const sms = (await inject('POST', BASE, { starter: 'abandoned-cart-sms' })).json() as Template;
    expect((await inject('POST', `${BASE}/${sms.id}/test`, {})).json().errors[0].pointer).toBe('/body/to');
    expect((await inject('POST', `${BASE}/${sms.id}/test`, { to: '+44 7700 900123', customerId: ann })).statusCode).toBe(202);
  });
});

describe('a store without customers', () => {
  let empty: TestApp;
  beforeAll(async () => {
    empty = await startTestApp();
  });
  afterAll(async () => empty?.close());

  it('previews on sample data made from the store’s products, flagged as sample; a test send asks for a customer', async () => {
    const owner = await loginAs(empty, 'owner');
    await empty.patron.modules.commerce.service.upsertProduct(SYSTEM_ACTOR, {
      source: 'api', externalId: 'mug', title: 'Stoneware mug', sku: 'MUG-1', categories: [], price: 1800, currency: 'USD', imageUrl: 'https://cdn.test/mug.jpg', status: 'active', variants: [],
    });
    const cart = STARTERS.find((x) => x.key === 'abandoned-cart')!;
    const r = await empty.patron.http!.inject({ method: 'POST', url: `${BASE}/preview`, headers: owner.headers, payload: pick(cart) });
    expect(r.statusCode, r.body).toBe(200);
    const p = r.json() as Preview;
    expect(p).toMatchObject({ sample: true, customer: null });
    expect(p.html).toContain('Stoneware mug');
    expect(p.html).toContain('https://cdn.test/mug.jpg');
    const t = await empty.patron.http!.inject({ method: 'POST', url: BASE, headers: owner.headers, payload: { starter: 'welcome' } });
    const test = await empty.patron.http!.inject({ method: 'POST', url: `${BASE}/${(t.json() as Template).id}/test`, headers: owner.headers, payload: {} });
    expect(test.statusCode).toBe(400);
    expect(test.json().detail).toContain('no customers');
  });
});
