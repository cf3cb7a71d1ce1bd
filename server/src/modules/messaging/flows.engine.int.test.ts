import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../../platform/audit/audit.ts';
import { newId } from '../../platform/ids.ts';
import { standardKey, verifyStandard } from '../integrations/webhooks/signatures.ts';
import { loginAs, startTestApp, type Session, type TestApp } from '../../testing/harness.ts';
import { randomBranch, type Step } from './flows.definition.ts';

let app: TestApp;
let s: Session;
let tpl: string;
const db = () => app.patron.dbh.db;
const flows = () => app.patron.modules.messaging.flows;
const engine = () => flows().engine;
const sec = (n: number) => n * 1000;
const later = (ms: number) => new Date(Date.now() + ms);

const inject = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown) =>
  app.patron.http!.inject({ method, url, headers: s.headers, ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }) });

let seq = 0;
async function customer(extra: { timeZone?: string; tags?: string[]; birthday?: string } = {}): Promise<string> {
  const n = ++seq;
  const r = await db().transaction().execute((tx) => app.patron.modules.customers.service.resolve(tx, {
    identities: [{ kind: 'email', value: `c${n}-${newId().slice(-6)}@shop.test`, verified: true }], profile: { firstName: `C${n}` }, source: 'test', actor: SYSTEM_ACTOR,
  }));
  await db().updateTable('customers').set({ time_zone: extra.timeZone ?? null, tags: extra.tags ?? [], birthday: extra.birthday ?? null }).where('id', '=', r.customerId).execute();
  return r.customerId;
}

async function track(customerId: string, type: string, properties: Record<string, unknown> = {}, occurredAt?: Date): Promise<void> {
  await db().transaction().execute((tx) => app.patron.activities.append(tx, [{ customerId, type, source: 'test', properties, ...(occurredAt ? { occurredAt } : {}) }]));
}

/** A live flow through the API; returns its id. */
async function liveFlow(definition: Record<string, unknown>, name = `Flow ${++seq}`): Promise<string> {
  const c = await inject('POST', '/api/messaging/flows', { name, definition: { version: 1, ...definition } });
  expect(c.statusCode, c.body).toBe(201);
  const id = (c.json() as { id: string }).id;
  const on = await inject('POST', `/api/messaging/flows/${id}/status`, { status: 'live' });
  expect(on.statusCode, on.body).toBe(200);
  return id;
}

const runOf = async (flowId: string, customerId: string) =>
  db().selectFrom('flow_runs').selectAll().where('flow_id', '=', flowId).where('customer_id', '=', customerId).orderBy('entered_at', 'desc').orderBy('id', 'desc').executeTakeFirstOrThrow();
const runsOf = (flowId: string, customerId: string) => db().selectFrom('flow_runs').selectAll().where('flow_id', '=', flowId).where('customer_id', '=', customerId).orderBy('entered_at').orderBy('id').execute();
const messagesOf = (runId: string) => db().selectFrom('messages').selectAll().where('flow_run_id', '=', runId).orderBy('created_at').execute();
const tagsOf = async (id: string) => (await db().selectFrom('customers').select('tags').where('id', '=', id).executeTakeFirstOrThrow()).tags;
const tagStep = (id: string, tag: string, next: string | null = null) => ({ id, type: 'tag', add: [tag], next });
const email = (id: string, next: string | null = null) => ({ id, type: 'email', templateId: tpl, next });
const wait = (id: string, amount: number, unit: string, next: string | null) => ({ id, type: 'wait', duration: { amount, unit }, next });
const onActivity = (activity: string) => ({ type: 'activity', activity });

beforeAll(async () => {
  app = await startTestApp();
  s = await loginAs(app, 'marketer');
  tpl = newId();
  await db().insertInto('message_templates').values({ id: tpl, name: 'Flow test', channel: 'email', kind: 'marketing', format: 'html', subject: 'Hi', preheader: '', body: '<p>Hi {{ customer.first_name }}</p>', sender_id: null, starter: null, archived_at: null, created_by: 'test' }).execute();
});
afterAll(async () => app?.close());

describe('wait steps', () => {
  it('wait a duration: due exactly that long after the step is reached, and not a moment before', async () => {
    const f = await liveFlow({ trigger: onActivity('Wait Test'), start: 'w', steps: [wait('w', 1, 'hours', 'e'), email('e')] });
    const c = await customer();
    await track(c, 'Wait Test');
    const t = later(sec(5));
    await engine().runOnce(t);
    const r = await runOf(f, c);
    expect(r).toMatchObject({ status: 'waiting', step_id: 'w' });
    expect(r.due_at!.toISOString()).toBe(new Date(t.getTime() + 3600_000).toISOString());
    await engine().runOnce(new Date(t.getTime() + 3600_000 - 1));
    expect((await runOf(f, c)).status).toBe('waiting');
    await engine().runOnce(new Date(t.getTime() + 3600_000));
    const done = await runOf(f, c);
    expect(done).toMatchObject({ status: 'completed', step_id: 'e' });
    const msgs = await messagesOf(r.id);
    expect(msgs).toHaveLength(1);
    expect(msgs[0]).toMatchObject({ dedupe_key: `flow:${r.id}:e`, purpose: 'flow', flow_id: f, flow_step_id: 'e', flow_version: 1, status: 'queued', kind: 'marketing' });
    const step = await db().selectFrom('flow_run_steps').selectAll().where('run_id', '=', r.id).where('step_id', '=', 'w').executeTakeFirstOrThrow();
    expect(step).toMatchObject({ status: 'done', outcome: 'e' });
    expect(step.due_at!.getTime()).toBe(t.getTime() + 3600_000);
  });

  it.each([
    ['America/New_York', '2026-03-07T15:00:00Z', '2026-03-08T13:00:00.000Z'], // Sat 10:00 EST → Sun 09:00 EDT (clocks went forward at 02:00)
    ['Europe/Berlin', '2026-10-24T12:00:00Z', '2026-10-25T08:00:00.000Z'], // Sat 14:00 CEST → Sun 09:00 CET (clocks went back at 03:00)
  ])('wait until 09:00 in the customer\'s zone across DST (%s)', async (zone, at, due) => {
    const f = await liveFlow({ trigger: { type: 'manual' }, start: 'u', steps: [{ id: 'u', type: 'waitUntil', time: '09:00', next: 'e' }, email('e')] });
    const c = await customer({ timeZone: zone });
    expect((await inject('POST', `/api/messaging/flows/${f}/enrol`, { customerIds: [c] })).json()).toEqual({ enrolled: 1, skipped: 0 });
    await db().updateTable('flow_runs').set({ due_at: new Date(at) }).where('flow_id', '=', f).execute();
    await engine().runOnce(new Date(at));
    const r = await runOf(f, c);
    expect(r.status).toBe('waiting');
    expect(r.due_at!.toISOString()).toBe(due);
  });

  it('wait for an activity: the activity branch when it happens, the timeout branch when it does not', async () => {
    const f = await liveFlow({ trigger: onActivity('Viewed X'), start: 'w', steps: [
      { id: 'w', type: 'waitFor', activities: ['Added X'], timeout: { amount: 4, unit: 'hours' }, next: 'yes', timeoutNext: 'no' },
      tagStep('yes', 'added'), tagStep('no', 'timed-out'),
    ] });
    const [a, b, c] = [await customer(), await customer(), await customer()];
    for (const x of [a, b, c]) await track(x, 'Viewed X');
    const t0 = new Date();
    await engine().runOnce(t0);
    expect((await runOf(f, a)).wait_for).toEqual(['Added X']);
    await track(a, 'Added X');
    // The listener woke a's run: due now.
    await engine().runOnce(new Date());
    expect(await tagsOf(a)).toEqual(['added']);
    expect((await runOf(f, b)).status).toBe('waiting');
    // c's activity reaches the stream without the listener (as if it raced the wait being recorded): the stream decides.
    await sql`insert into activities (id, customer_id, type, occurred_at, source, properties) values (${newId()}, ${c}, 'Added X', now(), 'test', '{}')`.execute(db());
    await engine().runOnce(new Date(t0.getTime() + 4 * 3600_000 + 1000));
    expect(await tagsOf(b)).toEqual(['timed-out']);
    expect(await tagsOf(c)).toEqual(['added']);
    const branches = await db().selectFrom('flow_run_steps').select(['branch']).where('flow_id', '=', f).where('step_id', '=', 'w').orderBy('branch').execute();
    expect(branches.map((x) => x.branch)).toEqual(['happened', 'happened', 'timeout']);
  });
});

describe('splits', () => {
  it('conditional split: customers matching the condition go one way, the others the other', async () => {
    const f = await liveFlow({ trigger: { type: 'manual' }, start: 's', steps: [
      { id: 's', type: 'split', condition: { version: 1, root: { kind: 'group', match: 'all', conditions: [{ kind: 'field', field: 'tags', op: 'hasAny', value: ['vip'] }] } }, yes: 'y', no: 'n' },
      tagStep('y', 'split-yes'), tagStep('n', 'split-no'),
    ] });
    const vip = await customer({ tags: ['vip'] });
    const other = await customer();
    await inject('POST', `/api/messaging/flows/${f}/enrol`, { customerIds: [vip, other] });
    await engine().runOnce();
    expect((await tagsOf(vip)).sort()).toEqual(['split-yes', 'vip']);
    expect(await tagsOf(other)).toEqual(['split-no']);
  });

  it('random split: each run takes the branch its id hashes to; the control group exits without messages', async () => {
    const random = { id: 'r', type: 'random', branches: [{ label: 'A', percent: 40, next: 'a' }, { label: 'B', percent: 40, next: 'b' }, { label: 'Control', percent: 20, next: null, holdout: true }] };
    const f = await liveFlow({ trigger: { type: 'manual' }, start: 'r', steps: [random, email('a'), email('b')] });
    const ids = await Promise.all(Array.from({ length: 30 }, () => customer()));
    await inject('POST', `/api/messaging/flows/${f}/enrol`, { customerIds: ids });
    await engine().runOnce();
    const seen = new Set<string>();
    for (const c of ids) {
      const r = await runOf(f, c);
      const expected = random.branches[randomBranch(random as Extract<Step, { type: 'random' }>, r.id)]!;
      seen.add(expected.label);
      const msgs = await messagesOf(r.id);
      if (expected.holdout) {
        expect(r).toMatchObject({ status: 'exited', exit_reason: 'control group "Control" (holdout)' });
        expect(msgs).toHaveLength(0);
      } else {
        expect(r.status).toBe('completed');
        expect(msgs.map((m) => m.flow_step_id)).toEqual([expected.label.toLowerCase()]);
      }
    }
    expect(seen.size).toBeGreaterThan(1);
  });
});

describe('exits, re-entry and keys', () => {
  it('an exit condition ends the run mid-wait and cancels its queued messages', async () => {
    const f = await liveFlow({ trigger: onActivity('Cart X'), exitOn: ['Order Completed'], start: 'e1', steps: [email('e1', 'w'), wait('w', 1, 'hours', 'e2'), email('e2')] });
    const c = await customer();
    await track(c, 'Cart X');
    await engine().runOnce();
    const r = await runOf(f, c);
    expect(r.status).toBe('waiting');
    expect((await messagesOf(r.id)).map((m) => m.status)).toEqual(['queued']);
    await track(c, 'Order Completed', { order_id: 'o-1' });
    const ended = await runOf(f, c);
    expect(ended).toMatchObject({ status: 'exited', exit_reason: 'exit condition: Order Completed' });
    expect((await messagesOf(r.id)).map((m) => m.status)).toEqual(['cancelled']);
    await engine().runOnce(later(2 * 3600_000));
    expect(await messagesOf(r.id)).toHaveLength(1);
  });

  it('an exit activity from before the trigger does not end the run', async () => {
    const f = await liveFlow({ trigger: onActivity('Cart Y'), exitOn: ['Order Completed'], start: 'w', steps: [wait('w', 1, 'hours', null)] });
    const c = await customer();
    const now = Date.now();
    await db().transaction().execute((tx) => app.patron.activities.append(tx, [
      { customerId: c, type: 'Order Completed', source: 'test', occurredAt: new Date(now - 60_000) },
      { customerId: c, type: 'Cart Y', source: 'test', occurredAt: new Date(now) },
    ]));
    expect((await runOf(f, c)).status).toBe('active');
  });

  it('re-entry: never, always (not while in the flow), once per N days', async () => {
    const def = (mode: Record<string, unknown>, activity: string) => ({ trigger: onActivity(activity), reentry: mode, start: 't', steps: [tagStep('t', 'x')] });
    const never = await liveFlow(def({ mode: 'never' }, 'Re Never'));
    const always = await liveFlow({ ...def({ mode: 'always' }, 'Re Always'), start: 'w', steps: [wait('w', 1, 'hours', null)] });
    const weekly = await liveFlow(def({ mode: 'afterDays', days: 7 }, 'Re Weekly'));
    const c = await customer();
    for (const a of ['Re Never', 'Re Always', 'Re Weekly']) await track(c, a);
    await engine().runOnce();
    for (const a of ['Re Never', 'Re Always', 'Re Weekly']) await track(c, a);
    expect(await runsOf(never, c)).toHaveLength(1);
    expect(await runsOf(always, c)).toHaveLength(1); // still waiting: not twice at once
    expect(await runsOf(weekly, c)).toHaveLength(1);
    await engine().runOnce(later(2 * 3600_000));
    await db().updateTable('flow_runs').set({ entered_at: new Date(Date.now() - 8 * 86_400_000) }).where('flow_id', '=', weekly).execute();
    for (const a of ['Re Never', 'Re Always', 'Re Weekly']) await track(c, a);
    expect(await runsOf(never, c)).toHaveLength(1);
    expect(await runsOf(always, c)).toHaveLength(2);
    expect(await runsOf(weekly, c)).toHaveLength(2);
  });

  it('keyed by cart: the same cart never starts a second run; a new cart exits the old run and starts over', async () => {
    const f = await liveFlow({ trigger: onActivity('Checkout Started'), keyBy: ['checkout_id', 'cart_id'], exitOn: ['Order Completed'], start: 'e1', steps: [email('e1', 'w'), wait('w', 1, 'days', null)] });
    const c = await customer();
    await track(c, 'Checkout Started', { checkout_id: 'k1' });
    await engine().runOnce();
    await track(c, 'Checkout Started', { checkout_id: 'k1', value: 10 });
    expect(await runsOf(f, c)).toHaveLength(1);
    const first = await runOf(f, c);
    await track(c, 'Checkout Started', { cart_id: 'k2' });
    const runs = await runsOf(f, c);
    expect(runs.map((r) => [r.key, r.status])).toEqual([['k1', 'exited'], ['k2', 'active']]);
    expect(runs[0]!.exit_reason).toContain('replaced');
    expect((runs[1]!.vars as { trigger: { cart_id: string } }).trigger.cart_id).toBe('k2');
    await track(c, 'Checkout Started', { checkout_id: 'k1' });
    expect(await runsOf(f, c)).toHaveLength(2);
    // The replaced run's reminder, still queued, is not sent for the old cart.
    expect((await messagesOf(first.id)).map((m) => m.status)).toEqual(['cancelled']);
  });
});

describe('at most once per (run, step)', () => {
  it('a step recorded by a transaction that committed (the worker then died) is not done again', async () => {
    const f = await liveFlow({ trigger: { type: 'manual' }, start: 'e', steps: [email('e', 't'), tagStep('t', 'after')] });
    const c = await customer();
    await inject('POST', `/api/messaging/flows/${f}/enrol`, { customerIds: [c] });
    const r = await runOf(f, c);
    // What a crashed worker left: the step row and its message committed, the run still at the step.
    await db().transaction().execute(async (tx) => {
      await tx.insertInto('flow_run_steps').values({ run_id: r.id, step_id: 'e', flow_id: f, status: 'done', outcome: 't', branch: 'next', done_at: new Date(), detail: null }).execute();
      await app.patron.modules.messaging.sender.enqueue(tx, { customerId: c, channel: 'email', kind: 'marketing', purpose: 'flow', dedupeKey: `flow:${r.id}:e`, templateId: tpl, flowId: f, flowRunId: r.id, flowStepId: 'e' });
    });
    await engine().runOnce();
    expect((await runOf(f, c)).status).toBe('completed');
    expect(await tagsOf(c)).toEqual(['after']);
    // And a batch retried after its run update was lost: still one message.
    await db().updateTable('flow_runs').set({ status: 'active', step_id: 'e', due_at: new Date(), exited_at: null }).where('id', '=', r.id).execute();
    await engine().runOnce();
    expect(await messagesOf(r.id)).toHaveLength(1);
  });
});

describe('failures', () => {
  it('a run that cannot go on fails alone, with its error; the rest of its batch goes on', async () => {
    const gone = newId();
    await db().insertInto('message_templates').values({ id: gone, name: 'Soon gone', channel: 'email', kind: 'marketing', format: 'html', subject: 'x', preheader: '', body: '<p>x</p>', sender_id: null, starter: null, archived_at: null, created_by: 'test' }).execute();
    const broken = await liveFlow({ trigger: { type: 'manual' }, start: 'e', steps: [{ id: 'e', type: 'email', templateId: gone, next: null }] });
    const fine = await liveFlow({ trigger: { type: 'manual' }, start: 't', steps: [tagStep('t', 'fine')] });
    await db().deleteFrom('message_templates').where('id', '=', gone).execute();
    const [a, b] = [await customer(), await customer()];
    await inject('POST', `/api/messaging/flows/${broken}/enrol`, { customerIds: [a] });
    await inject('POST', `/api/messaging/flows/${fine}/enrol`, { customerIds: [b] });
    await engine().runOnce();
    const failed = await runOf(broken, a);
    expect(failed.status).toBe('failed');
    expect(failed.last_error).toContain('foreign key');
    expect(await runOf(fine, b)).toMatchObject({ status: 'completed' });
    expect(await tagsOf(b)).toEqual(['fine']);
  });
});

describe('versions', () => {
  it('runs stay on their version unless moved; moved runs at a step that is gone exit', async () => {
    const f = await liveFlow({ trigger: { type: 'manual' }, start: 'w1', steps: [wait('w1', 1, 'hours', 'w2'), wait('w2', 1, 'hours', 'e1'), email('e1')] });
    const [a, b, c] = [await customer(), await customer(), await customer()];
    await inject('POST', `/api/messaging/flows/${f}/enrol`, { customerIds: [a, b] });
    await engine().runOnce();
    await db().updateTable('flow_runs').set({ due_at: new Date() }).where('customer_id', '=', b).execute();
    await engine().runOnce();
    expect([(await runOf(f, a)).step_id, (await runOf(f, b)).step_id]).toEqual(['w1', 'w2']);

    // v2 without moving: both stay on v1.
    const v2 = { version: 1, trigger: { type: 'manual' }, start: 'w1', steps: [wait('w1', 1, 'hours', 'e2'), { ...email('e2'), name: 'New email' }] };
    const u2 = await inject('PATCH', `/api/messaging/flows/${f}`, { definition: v2 });
    expect(u2.statusCode, u2.body).toBe(200);
    expect(u2.json()).toMatchObject({ version: 2, moved: null });
    expect([(await runOf(f, a)).version, (await runOf(f, b)).version]).toEqual([1, 1]);
    await inject('POST', `/api/messaging/flows/${f}/enrol`, { customerIds: [c] });
    expect((await runOf(f, c)).version).toBe(2);

    // v3, moving: a (at w1, still there) moves; b (at w2, gone) exits.
    const v3 = { ...v2, steps: [wait('w1', 2, 'hours', 'e3'), email('e3')] };
    const u3 = await inject('PATCH', `/api/messaging/flows/${f}`, { definition: v3, moveInFlight: true });
    expect(u3.json()).toMatchObject({ version: 3, moved: { moved: 2, exited: 1 } });
    expect(await runOf(f, a)).toMatchObject({ version: 3, step_id: 'w1', status: 'waiting' });
    expect(await runOf(f, b)).toMatchObject({ version: 1, status: 'exited' });
    expect((await runOf(f, b)).exit_reason).toContain('not moved to version 3');
    await engine().runOnce(later(3 * 3600_000));
    const ra = await runOf(f, a);
    expect(ra).toMatchObject({ status: 'completed', step_id: 'e3' });
    expect((await messagesOf(ra.id)).map((m) => [m.flow_step_id, m.flow_version])).toEqual([['e3', 3]]);
    expect((await inject('GET', `/api/messaging/flows/${f}/versions/1`)).json().definition.steps.map((x: { id: string }) => x.id)).toEqual(['w1', 'w2', 'e1']);
  });
});

describe('work steps', () => {
  it('attribute, task and discount code steps; the code reaches the next message', async () => {
    const f = await liveFlow({ trigger: { type: 'manual' }, start: 'a', steps: [
      { id: 'a', type: 'attribute', key: 'flow_stage', value: 'nurtured', next: 't' },
      { id: 't', type: 'task', title: 'Call them', next: 'd' },
      { id: 'd', type: 'discount', kind: 'percent', value: 10, prefix: 'CART', next: 'e' },
      email('e'),
    ] });
    const c = await customer();
    await inject('POST', `/api/messaging/flows/${f}/enrol`, { customerIds: [c] });
    await engine().runOnce();
    const cust = await db().selectFrom('customers').select('attributes').where('id', '=', c).executeTakeFirstOrThrow();
    expect(cust.attributes).toMatchObject({ flow_stage: 'nurtured' });
    const r = await runOf(f, c);
    const code = await db().selectFrom('discount_codes').selectAll().where('run_id', '=', r.id).executeTakeFirstOrThrow();
    expect(code.code).toMatch(/^CART-[A-Z2-9]{8}$/);
    expect((await messagesOf(r.id))[0]!.vars).toMatchObject({ discount_code: code.code });
    const tasks = (await inject('GET', '/api/messaging/flows/tasks')).json().items as { id: string; title: string; customerId: string }[];
    const task = tasks.find((x) => x.customerId === c)!;
    expect(task.title).toBe('Call them');
    expect((await inject('POST', `/api/messaging/flows/tasks/${task.id}/done`)).statusCode).toBe(204);
    // An order with the code marks it used.
    await track(c, 'Order Completed', { order_id: 'o-9', coupon: code.code.toLowerCase() });
    expect((await db().selectFrom('discount_codes').select(['used_at', 'order_id']).where('id', '=', code.id).executeTakeFirstOrThrow()).order_id).toBe('o-9');
  });

  describe('webhook step', () => {
    let server: Server;
    const got: { headers: IncomingHttpHeaders; body: string }[] = [];
    beforeAll(async () => {
      server = createServer((req, res) => {
        let body = '';
        req.on('data', (d: Buffer) => (body += d.toString()));
        req.on('end', () => {
          got.push({ headers: req.headers, body });
          res.writeHead(200).end('ok');
        });
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    });
    afterAll(() => new Promise<void>((r) => server.close(() => r())));

    it('posts a signed request once, then the run goes on; an interrupted call is not made again', async () => {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
      const f = await liveFlow({ trigger: { type: 'manual' }, start: 'h', steps: [{ id: 'h', type: 'webhook', url, next: 't' }, tagStep('t', 'hooked')] });
      const [a, b] = [await customer(), await customer()];
      await inject('POST', `/api/messaging/flows/${f}/enrol`, { customerIds: [a] });
      await engine().runOnce();
      expect(got).toHaveLength(1);
      const secret = (await inject('GET', `/api/messaging/flows/${f}`)).json().webhookSecret as string;
      const h = got[0]!.headers;
      expect(verifyStandard(standardKey(secret), { id: h['webhook-id'] as string, timestamp: h['webhook-timestamp'] as string, signature: h['webhook-signature'] as string }, Buffer.from(got[0]!.body))).toEqual({ ok: true });
      expect(JSON.parse(got[0]!.body)).toMatchObject({ type: 'flow.step', data: { flow: { id: f }, customer: { id: a } } });
      await engine().runOnce();
      expect(await tagsOf(a)).toEqual(['hooked']);

      // b: the call was recorded as started and the worker died before finishing.
      await inject('POST', `/api/messaging/flows/${f}/enrol`, { customerIds: [b] });
      const rb = await runOf(f, b);
      await db().insertInto('flow_run_steps').values({ run_id: rb.id, step_id: 'h', flow_id: f, status: 'started', outcome: null, branch: null, done_at: null, detail: null }).execute();
      await engine().runOnce();
      expect(got).toHaveLength(1);
      expect(await tagsOf(b)).toEqual(['hooked']);
      const st = await db().selectFrom('flow_run_steps').selectAll().where('run_id', '=', rb.id).where('step_id', '=', 'h').executeTakeFirstOrThrow();
      expect(st.status).toBe('failed');
      expect(JSON.stringify(st.detail)).toContain('at most once');
    });
  });
});

describe('triggers beyond activities', () => {
  it('date trigger: on the customer\'s own day at the flow\'s local time, once per day; 29 February in other years on the 28th', async () => {
    const f = await liveFlow({ trigger: { type: 'date', field: 'birthday', time: '09:00', yearly: true }, start: 'e', steps: [email('e')] });
    const tokyo = await customer({ timeZone: 'Asia/Tokyo', birthday: '1990-06-15' });
    const leap = await customer({ timeZone: 'Europe/London', birthday: '2000-02-29' });
    const other = await customer({ birthday: '1990-06-16' });
    await db().updateTable('customers').set({ attributes: JSON.stringify({ renewal: 'not a date' }) }).where('id', '=', other).execute();
    // 15 June 2027 00:30 in Tokyo is 14 June 15:30 UTC.
    expect(await flows().triggers.fireDates(new Date('2027-06-14T15:30:00Z'))).toBeGreaterThanOrEqual(1);
    const r = await runOf(f, tokyo);
    expect(r.key).toBe('date:2027-06-15');
    expect(r.due_at!.toISOString()).toBe('2027-06-15T00:00:00.000Z'); // 09:00 JST
    await flows().triggers.fireDates(new Date('2027-06-14T16:30:00Z'));
    expect(await runsOf(f, tokyo)).toHaveLength(1);
    expect(await runsOf(f, other)).toHaveLength(0);
    await flows().triggers.fireDates(new Date('2027-02-28T12:00:00Z'));
    expect((await runOf(f, leap)).key).toBe('date:2027-02-28');
  });

  it('segment trigger: entering a segment starts a run; a merge ends the merged profile\'s run', async () => {
    const seg = await inject('POST', '/api/segments', { name: 'Flows UK', definition: { version: 1, root: { kind: 'group', match: 'all', conditions: [{ kind: 'field', field: 'country', op: 'is', value: 'GB' }] } } });
    const segId = (seg.json() as { id: string }).id;
    const f = await liveFlow({ trigger: { type: 'segment', segmentId: segId, on: 'entered' }, start: 'w', steps: [wait('w', 1, 'days', null)] });
    const [a, b] = [await customer(), await customer()];
    for (const x of [a, b]) expect((await inject('PATCH', `/api/customers/${x}`, { country: 'GB' })).statusCode).toBe(200);
    await app.patron.modules.segments.watcher.drain();
    expect((await runOf(f, a)).vars).toMatchObject({ segment: { id: segId, name: 'Flows UK' } });
    await app.patron.modules.customers.service.merge(SYSTEM_ACTOR, a, b, {});
    expect(await runOf(f, b)).toMatchObject({ status: 'exited', exit_reason: 'the profile was merged into another' });
    expect((await runOf(f, a)).status).not.toBe('exited');
  });

  it('activities older than a day (imports, backfills) start nothing', async () => {
    const f = await liveFlow({ trigger: onActivity('Old News'), start: 't', steps: [tagStep('t', 'old')] });
    const c = await customer();
    await track(c, 'Old News', {}, new Date(Date.now() - 3 * 86_400_000));
    expect(await runsOf(f, c)).toHaveLength(0);
  });
});
