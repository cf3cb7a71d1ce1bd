import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../../platform/audit/audit.ts';
import { loginAs, startTestApp, type Session, type TestApp } from '../../testing/harness.ts';
import { cartInputSchema } from '../commerce/commerce.schemas.ts';
import { CustomerContexts } from './context.ts';
import { BUILTIN_FLOWS } from './flows.builtins.ts';
import { renderTemplate } from './render.ts';
import { PREVIEW_LINKS } from './templates.preview.ts';

let app: TestApp;
let s: Session;
const db = () => app.patron.dbh.db;
const engine = () => app.patron.modules.messaging.flows.engine;
const inject = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown, session = s) =>
  app.patron.http!.inject({ method, url, headers: session.headers, ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }) });

async function customer(email: string): Promise<string> {
  const r = await db().transaction().execute((tx) => app.patron.modules.customers.service.resolve(tx, {
    identities: [{ kind: 'email', value: email, verified: true }], profile: { firstName: email.split('@')[0] }, source: 'test', actor: SYSTEM_ACTOR,
  }));
  return r.customerId;
}

beforeAll(async () => {
  app = await startTestApp();
  s = await loginAs(app, 'marketer');
});
afterAll(async () => app?.close());

describe('bad definitions: 400 naming the step', () => {
  const errorsOf = async (definition: unknown) => {
    const r = await inject('POST', '/api/messaging/flows', { name: 'Bad', definition });
    expect(r.statusCode).toBe(400);
    expect(r.headers['content-type']).toContain('application/problem+json');
    return (r.json() as { errors: { pointer: string; detail: string }[] }).errors;
  };

  it('unknown step type, missing target, unknown template, loops, bad percentages', async () => {
    const base = { version: 1, trigger: { type: 'activity', activity: 'Checkout Started' } };
    expect((await errorsOf({ ...base, start: 'a', steps: [{ id: 'a', type: 'teleport' }] }))[0]).toMatchObject({ pointer: '/body/definition/steps/0/type' });
    expect((await errorsOf({ ...base, start: 'a', steps: [{ id: 'a', type: 'wait', duration: { amount: 1, unit: 'hours' }, next: 'nowhere' }] }))[0]).toMatchObject({ pointer: '/body/definition/steps/0/next', detail: expect.stringContaining('"nowhere"') });
    expect((await errorsOf({ ...base, start: 'a', steps: [{ id: 'a', type: 'email', templateId: '01890000-0000-7000-8000-000000000000', next: null }] }))[0]).toMatchObject({ pointer: '/body/definition/steps/0/templateId', detail: expect.stringContaining('no template') });
    expect((await errorsOf({ ...base, start: 'a', steps: [{ id: 'a', type: 'tag', add: ['x'], next: 'b' }, { id: 'b', type: 'tag', add: ['y'], next: 'a' }] }))[0]!.detail).toContain('cannot loop');
    expect((await errorsOf({ ...base, start: 'r', steps: [{ id: 'r', type: 'random', branches: [{ label: 'A', percent: 70, next: null }, { label: 'B', percent: 20, next: null }] }] }))[0]!.detail).toContain('90 %');
    expect((await errorsOf({ version: 1, trigger: { type: 'segment', segmentId: '01890000-0000-7000-8000-000000000000', on: 'entered' }, start: null, steps: [] }))[0]).toMatchObject({ pointer: '/body/definition/trigger/segmentId' });
    expect((await errorsOf({ ...base, start: 'h', steps: [{ id: 'h', type: 'webhook', url: 'ftp://example.com', next: null }] }))[0]!.detail).toContain('https://');
  });

  it('an empty flow cannot go live; enrolling needs a live flow; other roles cannot write', async () => {
    const c = await inject('POST', '/api/messaging/flows', { name: 'Empty', definition: { version: 1, trigger: { type: 'manual' }, start: null, steps: [] } });
    expect(c.statusCode).toBe(201);
    const id = c.json().id as string;
    expect((await inject('POST', `/api/messaging/flows/${id}/status`, { status: 'live' })).json()).toMatchObject({ status: 409, type: '/problems/flow-empty' });
    const cust = await customer('nobody@shop.test');
    expect((await inject('POST', `/api/messaging/flows/${id}/enrol`, { customerIds: [cust] })).statusCode).toBe(409);
    const support = await loginAs(app, 'support');
    expect((await inject('POST', '/api/messaging/flows', { name: 'X', definition: { version: 1, trigger: { type: 'manual' }, start: null, steps: [] } }, support)).statusCode).toBe(403);
    expect((await inject('DELETE', `/api/messaging/flows/${id}`)).statusCode).toBe(204);
    expect((await inject('GET', '/api/messaging/flows')).json().items.map((f: { id: string }) => f.id)).not.toContain(id);
  });
});

describe('the gallery', () => {
  it('switches the abandoned-cart flow on in one click; a started checkout waits on its first step', async () => {
    const g = await inject('GET', '/api/messaging/flows/gallery');
    expect(g.json().items.map((x: { key: string }) => x.key)).toEqual(BUILTIN_FLOWS.map((b) => b.key));
    const on = await inject('POST', '/api/messaging/flows/gallery/abandoned-cart');
    expect(on.statusCode, on.body).toBe(201);
    const flow = on.json() as { id: string; status: string; definition: { steps: { id: string; type: string; templateId?: string }[] }; triggerSummary: string };
    expect(flow).toMatchObject({ status: 'live', triggerSummary: 'When Checkout Started happens' });
    const tplIds = flow.definition.steps.filter((x) => x.type === 'email').map((x) => x.templateId!);
    expect(new Set(tplIds).size).toBe(3);
    expect((await db().selectFrom('message_templates').select('name').where('id', 'in', tplIds).execute()).map((t) => t.name).sort()).toEqual(['Abandoned cart: 10 % code', 'Abandoned cart: last reminder', 'Abandoned cart: reminder']);
    // Again: the same flow, not a second one.
    const again = await inject('POST', '/api/messaging/flows/gallery/abandoned-cart');
    expect(again.statusCode).toBe(200);
    expect(again.json().id).toBe(flow.id);
    expect((await inject('GET', '/api/messaging/flows/gallery')).json().items.find((x: { key: string }) => x.key === 'abandoned-cart').installed).toEqual({ flowId: flow.id, status: 'live' });

    const c = await customer('cart@shop.test');
    await app.patron.modules.commerce.service.upsertCart(SYSTEM_ACTOR, cartInputSchema.parse({ source: 'api', externalId: 'chk-1', customer: { email: 'cart@shop.test' }, currency: 'EUR', items: [{ title: 'Mug', quantity: 1, unitPrice: 1500 }], checkoutStarted: true, checkoutUrl: 'https://shop.test/c/1' }));
    await engine().runOnce();
    const detail = (await inject('GET', `/api/messaging/flows/${flow.id}`)).json();
    expect(detail.steps['wait-1h']).toMatchObject({ waiting: 1, passed: 0 });
    expect(detail.stats).toMatchObject({ inFlow: 1, entered: 1 });
    const runs = (await inject('GET', `/api/messaging/flows/${flow.id}/runs`)).json().items;
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ customerId: c, key: 'chk-1', status: 'waiting', stepId: 'wait-1h' });

    // An hour later the reminder is queued; the customer's journey shows it.
    await engine().runOnce(new Date(Date.now() + 3601_000));
    const j = (await inject('GET', `/api/messaging/flows/journeys?customerId=${c}`)).json().items;
    expect(j).toHaveLength(1);
    expect(j[0]).toMatchObject({ flowName: 'Abandoned cart', status: 'waiting', stepId: 'wait-23h', stepName: 'Wait until 24 hours' });
    expect(j[0].steps.map((x: { stepId: string; status: string }) => `${x.stepId}:${x.status}`)).toEqual(['wait-1h:done', 'reminder:done', 'wait-23h:waiting']);
    expect(j[0].messages).toHaveLength(1);
    expect((await inject('GET', `/api/messaging/flows/${flow.id}`)).json().steps.reminder).toMatchObject({ passed: 1 });

    // Archiving ends the run.
    expect((await inject('DELETE', `/api/messaging/flows/${flow.id}`)).statusCode).toBe(204);
    expect((await inject('GET', `/api/messaging/flows/journeys?customerId=${c}`)).json().items[0]).toMatchObject({ status: 'exited', exitReason: 'the flow was archived' });
  });

  it('every ready-made flow switches on (templates compile, definitions are valid)', async () => {
    for (const b of BUILTIN_FLOWS) {
      if (b.key === 'abandoned-cart') continue;
      const r = await inject('POST', `/api/messaging/flows/gallery/${b.key}`);
      expect(r.statusCode, `${b.key}: ${r.body}`).toBe(201);
      expect(r.json().status).toBe('live');
    }
    const list = (await inject('GET', '/api/messaging/flows')).json().items as { builtinKey: string | null; triggerSummary: string }[];
    expect(list.find((f) => f.builtinKey === 'birthday')!.triggerSummary).toBe('On their birthday, at 09:00 their time');
    expect(list.find((f) => f.builtinKey === 'win-back')!.triggerSummary).toBe('90 days after their last order, at 10:00 their time');
    expect(list.find((f) => f.builtinKey === 'vip-welcome')!.triggerSummary).toContain('enters the segment “VIP');
    expect((await inject('POST', '/api/messaging/flows/gallery/nope')).statusCode).toBe(404);
  });

  it('the templates the gallery made render for a real customer, with the run\'s variables', async () => {
    const c = await customer('render@shop.test');
    await app.patron.modules.commerce.service.upsertCart(SYSTEM_ACTOR, cartInputSchema.parse({ source: 'api', externalId: 'chk-r', customer: { email: 'render@shop.test' }, currency: 'EUR', items: [{ title: 'Teapot', quantity: 2, unitPrice: 2500 }], checkoutUrl: 'https://shop.test/c/r' }));
    const scope = (await new CustomerContexts().build(db(), [c])).get(c)!;
    const vars = {
      ...scope, ...PREVIEW_LINKS, trigger: { name: 'Teapot', price: 25, currency: 'EUR', url: 'https://shop.test/p/teapot', image_url: 'https://shop.test/teapot.jpg' },
      discount_code: 'CART-ABCDEFGH', discount: { code: 'CART-ABCDEFGH', kind: 'percent', value: 10, expires_at: '2026-12-01T00:00:00Z' },
    };
    const names = BUILTIN_FLOWS.flatMap((b) => b.templates.map((t) => t.name));
    const rows = await db().selectFrom('message_templates').selectAll().where('name', 'in', names).execute();
    expect(rows).toHaveLength(names.length);
    for (const t of rows) {
      const out = await renderTemplate(t, vars);
      expect(out.subject, t.name).not.toBe('');
      expect(out.text.length, t.name).toBeGreaterThan(80);
      if (t.kind === 'marketing') expect(out.html, t.name).toContain('#unsubscribe');
    }
    const browse = rows.find((t) => t.name === 'Browse abandonment')!;
    expect((await renderTemplate(browse, vars)).subject).toBe('Still thinking about Teapot?');
    expect((await renderTemplate(rows.find((t) => t.name === 'Birthday')!, vars)).text).toContain('CART-ABCDEFGH');
  });
});
