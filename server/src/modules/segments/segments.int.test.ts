import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../../platform/audit/audit.ts';
import { loginAs, startTestApp, type Session, type TestApp } from '../../testing/harness.ts';

let app: TestApp;
let s: Session;
const ids: Record<string, string> = {};

const inject = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown) =>
  app.patron.http!.inject({ method, url, headers: s.headers, ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }) });
const all = (...conditions: unknown[]) => ({ version: 1, root: { kind: 'group', match: 'all', conditions } });
const checkout = { kind: 'activity', activity: 'Checkout Started', count: { op: 'atLeast', value: 1 }, window: { type: 'inLast', amount: 30, unit: 'days' } };

async function track(customer: string, type: string, properties: Record<string, unknown> = {}) {
  await app.patron.dbh.db.transaction().execute((tx) => app.patron.activities.append(tx, [{ customerId: ids[customer]!, type, source: 'test', properties }]));
}

beforeAll(async () => {
  app = await startTestApp();
  s = await loginAs(app, 'marketer');
  for (const [name, country] of [['alice', 'GB'], ['bob', 'FR'], ['carol', 'GB']] as const) {
    const r = await app.patron.dbh.db.transaction().execute((tx) => app.patron.modules.customers.service.resolve(tx, {
      identities: [{ kind: 'email', value: `${name}@shop.test`, verified: true }], profile: { firstName: name, country }, source: 'test', actor: SYSTEM_ACTOR,
    }));
    ids[name] = r.customerId;
  }
});
afterAll(async () => app?.close());

describe('bad definitions get a 400 naming the node', () => {
  const pointerOf = async (definition: unknown) => {
    const r = await inject('POST', '/api/segments/preview', { definition });
    expect(r.statusCode).toBe(400);
    expect(r.headers['content-type']).toContain('application/problem+json');
    return (r.json() as { errors: { pointer: string; detail: string }[] }).errors;
  };

  it('unknown field, operator that does not fit, wrong value type, impossible range, unknown kind, bad shape', async () => {
    expect((await pointerOf(all({ kind: 'field', field: 'favouriteColour', op: 'is', value: 'red' })))[0]).toMatchObject({ pointer: '/body/definition/root/conditions/0/field', detail: expect.stringContaining('unknown field') });
    expect((await pointerOf(all({ kind: 'group', match: 'any', conditions: [{ kind: 'field', field: 'country', op: 'gt', value: 3 }] })))[0]).toMatchObject({ pointer: '/body/definition/root/conditions/0/conditions/0/op' });
    expect((await pointerOf(all({ kind: 'field', field: 'totalSpent', op: 'gt', value: 12.5 })))[0]).toMatchObject({ pointer: '/body/definition/root/conditions/0/value', detail: expect.stringContaining('minor units') });
    expect((await pointerOf(all({ kind: 'field', field: 'orderCount', op: 'gt', value: 'three' })))[0]!.pointer).toBe('/body/definition/root/conditions/0/value');
    expect((await pointerOf(all({ ...checkout, window: { type: 'between', from: '2026-05-01', to: '2026-04-01' } })))[0]).toMatchObject({ pointer: '/body/definition/root/conditions/0/window/to', detail: expect.stringContaining('before it starts') });
    expect((await pointerOf(all({ kind: 'field', field: 'createdAt', op: 'between', value: ['2026-02-30', '2026-03-01'] })))[0]!.pointer).toBe('/body/definition/root/conditions/0/value');
    expect((await pointerOf(all({ kind: 'magic' })))[0]).toMatchObject({ pointer: '/body/definition/root/conditions/0/kind' });
    expect((await pointerOf(all({ ...checkout, count: { op: 'atLeast', value: -1 } })))[0]!.pointer).toBe('/body/definition/root/conditions/0/count/value');
    expect((await pointerOf({ version: 2, root: { kind: 'group', match: 'all', conditions: [] } }))[0]!.pointer).toBe('/body/definition/version');
    expect((await pointerOf(all({ kind: 'segment', segmentId: '01890000-0000-7000-8000-000000000000', op: 'in' })))[0]).toMatchObject({ detail: expect.stringContaining('no segment') });
  });

  it('refuses cycles between segments', async () => {
    const a = (await inject('POST', '/api/segments', { name: 'A', definition: all({ kind: 'field', field: 'country', op: 'is', value: 'GB' }) })).json() as { id: string };
    const b = (await inject('POST', '/api/segments', { name: 'B', definition: all({ kind: 'segment', segmentId: a.id, op: 'in' }) })).json() as { id: string };
    const r = await inject('PATCH', `/api/segments/${a.id}`, { definition: all({ kind: 'segment', segmentId: b.id, op: 'notIn' }) });
    expect(r.statusCode).toBe(400);
    expect(r.json().errors[0]).toMatchObject({ pointer: '/body/definition/root/conditions/0/segmentId', detail: expect.stringContaining('cycle') });
    const self = await inject('PATCH', `/api/segments/${a.id}`, { definition: all({ kind: 'segment', segmentId: a.id, op: 'in' }) });
    expect(self.json().errors[0].detail).toContain('itself');
    for (const x of [b, a]) expect((await inject('DELETE', `/api/segments/${x.id}`)).statusCode).toBe(204);
  });

  it('treats hostile values as values', async () => {
    const r = await inject('POST', '/api/segments/preview', { definition: all({ kind: 'field', field: 'firstName', op: 'is', value: "x'; drop table customers; --" }) });
    expect(r.statusCode).toBe(200);
    expect(r.json().count).toBe(0);
    expect(Number((await sql<{ n: number }>`select count(*)::int as n from customers`.execute(app.patron.dbh.db)).rows[0]!.n)).toBeGreaterThan(0);
  });
});

describe('segments through the API', () => {
  it('previews, creates (members computed, summary in plain words), lists members and exports them', async () => {
    const def = all({ kind: 'field', field: 'country', op: 'is', value: 'GB' });
    const p = await inject('POST', '/api/segments/preview', { definition: def });
    expect(p.json()).toMatchObject({ count: 2, summary: 'Customers whose country is “GB”' });
    expect(p.json().sample.map((m: { name: string }) => m.name).sort()).toEqual(['alice', 'carol']);
    const c = await inject('POST', '/api/segments', { name: 'UK', definition: def });
    expect(c.statusCode).toBe(201);
    expect(c.json()).toMatchObject({ name: 'UK', size: 2, status: 'active', revision: 1 });
    const seg = c.json() as { id: string };
    const m = await inject('GET', `/api/segments/${seg.id}/members?limit=1`);
    expect(m.json().items).toHaveLength(1);
    expect(m.json().total).toBe(2);
    const m2 = await inject('GET', `/api/segments/${seg.id}/members?limit=1&cursor=${m.json().nextCursor}`);
    expect(m2.json().items).toHaveLength(1);
    expect(m2.json().items[0].id).not.toBe(m.json().items[0].id);
    const csv = await inject('GET', `/api/segments/${seg.id}/members.csv`);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.body.trim().split('\n')).toHaveLength(3);
    expect((await inject('GET', `/api/customers/${ids.alice}/segments`)).json().items.map((x: { name: string }) => x.name)).toContain('UK');
    // A new revision moves people for real: alice and carol exit, bob enters (activities flows can act on).
    const u = await inject('PATCH', `/api/segments/${seg.id}`, { definition: all({ kind: 'field', field: 'country', op: 'is', value: 'FR' }) });
    expect(u.json()).toMatchObject({ size: 1, revision: 2 });
    expect((await inject('GET', `/api/segments/${seg.id}/versions`)).json().items.map((v: { revision: number }) => v.revision)).toEqual([2, 1]);
    const acts = await sql<{ type: string; customer_id: string }>`select type, customer_id from activities where type in ('Segment Entered', 'Segment Exited') order by type, customer_id`.execute(app.patron.dbh.db);
    expect(acts.rows.filter((a) => a.type === 'Segment Entered').map((a) => a.customer_id)).toEqual([ids.bob]);
    expect(acts.rows.filter((a) => a.type === 'Segment Exited').map((a) => a.customer_id).sort()).toEqual([ids.alice, ids.carol].sort());
    const h = (await inject('GET', `/api/segments/${seg.id}/history`)).json().items;
    expect(h).toHaveLength(1);
    expect(h[0]).toMatchObject({ size: 1, entered: 1, exited: 2 });
    expect((await inject('DELETE', `/api/segments/${seg.id}`)).statusCode).toBe(204);
  });

  it('keeps membership current after each relevant write, and ignores writes no segment cares about', async () => {
    const seg = (await inject('POST', '/api/segments', { name: 'Checkout starters', definition: all(checkout) })).json() as { id: string; size: number; triggers: string[] };
    expect(seg.size).toBe(0);
    expect(seg.triggers).toContain('Checkout Started');
    const chained = (await inject('POST', '/api/segments', { name: 'Starters in France', definition: all({ kind: 'segment', segmentId: seg.id, op: 'in' }, { kind: 'field', field: 'country', op: 'is', value: 'FR' }) })).json() as { id: string };

    await track('alice', 'Page Viewed');
    expect(Number((await sql<{ n: number }>`select count(*)::int as n from segment_dirty`.execute(app.patron.dbh.db)).rows[0]!.n)).toBe(0);

    await track('bob', 'Checkout Started', { value: 30 });
    await app.patron.modules.segments.watcher.drain();
    expect((await inject('GET', `/api/segments/${seg.id}`)).json().size).toBe(1);
    // bob's Segment Entered re-evaluated the segment built on it.
    expect((await inject('GET', `/api/segments/${chained.id}`)).json().size).toBe(1);
    const entered = await sql<{ type: string; properties: { segmentName: string } }>`select type, properties from activities where customer_id = ${ids.bob} and type = 'Segment Entered' order by occurred_at`.execute(app.patron.dbh.db);
    expect(entered.rows.map((r) => r.properties.segmentName).filter((n) => n !== 'UK')).toEqual(['Checkout starters', 'Starters in France']);
    for (const x of [chained, seg]) await inject('DELETE', `/api/segments/${x.id}`);
  });

  it('marks a segment broken when a custom attribute it uses is deleted, and keeps its members', async () => {
    const owner = await loginAs(app, 'owner');
    await app.patron.http!.inject({ method: 'POST', url: '/api/settings/attributes', headers: owner.headers, payload: { key: 'tier', label: 'Tier', type: 'text', options: [] } });
    await app.patron.http!.inject({ method: 'PATCH', url: `/api/customers/${ids.carol}`, headers: owner.headers, payload: { attributes: { tier: 'gold' } } });
    const seg = (await inject('POST', '/api/segments', { name: 'Gold', definition: all({ kind: 'field', field: 'custom.tier', op: 'is', value: 'gold' }) })).json() as { id: string; size: number };
    expect(seg.size).toBe(1);
    await app.patron.http!.inject({ method: 'DELETE', url: '/api/settings/attributes/tier', headers: owner.headers });
    const after = (await inject('GET', `/api/segments/${seg.id}`)).json();
    expect(after).toMatchObject({ status: 'broken', size: 1, brokenReason: expect.stringContaining('tier') });
    const refreshed = (await inject('POST', `/api/segments/${seg.id}/refresh`)).json();
    expect(refreshed).toMatchObject({ status: 'broken', size: 1 });
    expect((await inject('GET', `/api/segments/${seg.id}/members`)).json().items).toHaveLength(1);
    await inject('DELETE', `/api/segments/${seg.id}`);
  });

  it('installs the built-in segments once; a deleted one stays deleted', async () => {
    expect(await app.patron.modules.segments.service.ensureBuiltins(SYSTEM_ACTOR)).toBe(7);
    const list = (await inject('GET', '/api/segments')).json().items as { id: string; builtIn: string | null; status: string; name: string }[];
    expect(list.filter((x) => x.builtIn).map((x) => x.name).sort()).toEqual(['At risk', 'Cart abandoners', 'Lapsed', 'New customers', 'Repeat customers', 'Subscribers who never bought', 'VIP']);
    expect(list.every((x) => x.status === 'active')).toBe(true);
    const vip = list.find((x) => x.builtIn === 'vip')!;
    await inject('DELETE', `/api/segments/${vip.id}`);
    expect(await app.patron.modules.segments.service.ensureBuiltins(SYSTEM_ACTOR)).toBe(0);
  });

  it('offers the builder its catalogue', async () => {
    const f = (await inject('GET', '/api/segments/fields')).json();
    expect(f.fields.find((x: { key: string }) => x.key === 'totalSpent')).toMatchObject({ type: 'money', ops: expect.arrayContaining(['gt', 'topPercent']) });
    expect(f.fields.find((x: { key: string }) => x.key === 'country').options).toEqual(['FR', 'GB']);
    expect(f.activities.find((a: { type: string }) => a.type === 'Checkout Started')).toMatchObject({ seen: true });
  });
});
