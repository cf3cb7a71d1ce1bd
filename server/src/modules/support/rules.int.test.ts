import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR, type Actor } from '../../platform/audit/audit.ts';
import { loginAs, startTestApp, type Session, type TestApp } from '../../testing/harness.ts';
import type { TicketsModule } from './tickets.module.ts';

let app: TestApp;
let agents: Session[];
let t: TicketsModule;
let admin: Actor;
const db = () => app.patron.dbh.db;

beforeAll(async () => {
  app = await startTestApp();
  agents = [await loginAs(app, 'support', 'a@shop.test'), await loginAs(app, 'support', 'b@shop.test'), await loginAs(app, 'support', 'c@shop.test')];
  t = app.patron.modules.support.tickets;
  admin = { type: 'user', id: agents[0]!.userId, label: 'a@shop.test' };
});
afterAll(async () => app?.close());

const inbound = (subject: string, body: string, email = 'shopper@example.com') =>
  t.service.createTicket(SYSTEM_ACTOR, { channel: 'email', subject, requester: { email }, message: { direction: 'inbound', authorType: 'customer', bodyText: body } });

describe('rules on new tickets', () => {
  it('round-robins among available team members in turn, skipping agents who are away, also under concurrency', async () => {
    const [a, b, c] = agents.map((s) => s.userId) as [string, string, string];
    const team = await t.settings.createTeam(admin, { name: 'Wholesale', memberIds: [a, b, c] });
    await t.settings.setAvailability({ type: 'user', id: c, label: 'c' }, false);
    await t.rules.create(admin, { name: 'Wholesale RR', enabled: true, trigger: 'created', stopProcessing: false, conditions: { match: 'any', conditions: [{ field: 'text', op: 'contains_any', value: ['wholesale'] }] }, actions: [{ type: 'round_robin', teamId: team.id }] });
    const got: (string | null)[] = [];
    for (let i = 0; i < 4; i++) got.push((await inbound(`Wholesale order ${i}`, 'prices please')).ticket.assigneeId);
    // a and b alternate; c is away.
    expect(new Set(got)).toEqual(new Set([a, b]));
    expect(got[0]).not.toBe(got[1]);
    expect(got[2]).toBe(got[0]);
    expect(got[3]).toBe(got[1]);
    // Ten tickets at once: still an even split (the team row serialises the picks).
    const many = await Promise.all(Array.from({ length: 10 }, (_, i) => inbound(`Wholesale batch ${i}`, 'bulk', `w${i}@example.com`)));
    const counts = new Map<string | null, number>();
    for (const r of many) counts.set(r.ticket.assigneeId, (counts.get(r.ticket.assigneeId) ?? 0) + 1);
    expect([...counts.values()]).toEqual([5, 5]);
    // Not matching: no assignment.
    expect((await inbound('Hello', 'a question')).ticket.assigneeId).toBeNull();
  });

  it('routes by words and segment, sets priority and tags, auto-replies with a macro, and records each rule', async () => {
    const returns = await t.settings.createTeam(admin, { name: 'Returns' });
    const macro = await t.macros.create(admin, { name: 'Got it', body: 'Hi {{ customer.first_name | default: "there" }}, ticket #{{ ticket.number }} is with us.', actions: { addTags: ['auto-replied'] } });
    await t.rules.create(admin, { name: 'Returns', enabled: true, trigger: 'created', stopProcessing: false, conditions: { match: 'all', conditions: [{ field: 'text', op: 'contains_any', value: ['refund', 'return'] }, { field: 'channel', op: 'is', value: 'email' }] }, actions: [{ type: 'assign_team', teamId: returns.id }, { type: 'set_priority', priority: 'high' }, { type: 'add_tags', tags: ['returns'] }, { type: 'auto_reply', macroId: macro.id }] });
    const { ticket } = await inbound('I want a refund', 'Please refund order 77');
    expect(ticket).toMatchObject({ teamId: returns.id, priority: 'high' });
    expect(ticket.tags).toEqual(expect.arrayContaining(['returns', 'auto-replied']));
    const d = await t.service.detail(ticket.id);
    const reply = d.messages.find((m) => m.direction === 'outbound')!;
    expect(reply).toMatchObject({ authorType: 'system', bodyText: `Hi there, ticket #${ticket.number} is with us.`, toAddresses: ['shopper@example.com'], metadata: { autoReply: true } });
    // An auto-reply is not the team's first response.
    expect(d.ticket.firstResponseAt).toBeNull();
    expect(d.events.filter((e) => e.type === 'rule').map((e) => e.data.name)).toContain('Returns');
  });

  it('a broken rule never loses the customer\'s message: its actions roll back, the failure is recorded', async () => {
    const macro = await t.macros.create(admin, { name: 'Will break', body: 'fine for now', actions: {} });
    await t.rules.create(admin, { name: 'Breaks', enabled: true, trigger: 'created', stopProcessing: false, conditions: { match: 'all', conditions: [{ field: 'subject', op: 'contains_any', value: ['fragile'] }] }, actions: [{ type: 'add_tags', tags: ['should-not-stay'] }, { type: 'auto_reply', macroId: macro.id }] });
    // Make the macro fail at render time (an unknown filter passes the syntax check only when written to the table directly).
    await db().updateTable('support_macros').set({ body: '{{ customer.first_name | nosuchfilter }}' }).where('id', '=', macro.id).execute();
    const { ticket } = await inbound('Fragile parcel', 'The vase broke');
    expect(ticket.tags).not.toContain('should-not-stay');
    const d = await t.service.detail(ticket.id);
    expect(d.messages).toHaveLength(1);
    expect(d.events.find((e) => e.type === 'rule_failed')).toMatchObject({ data: expect.objectContaining({ name: 'Breaks' }) });
  });

  it('runs "updated" rules on a customer\'s new message, not on agents\' replies', async () => {
    await t.rules.create(admin, { name: 'Angry → urgent', enabled: true, trigger: 'updated', stopProcessing: false, conditions: { match: 'all', conditions: [{ field: 'body', op: 'contains_any', value: ['unacceptable'] }] }, actions: [{ type: 'set_priority', priority: 'urgent' }] });
    const { ticket } = await inbound('Late', 'Where is it?');
    expect((await t.service.addMessage(admin, ticket.id, { direction: 'outbound', authorType: 'agent', bodyText: 'This is unacceptable, sorry!' })).ticket.priority).toBe('normal');
    expect((await t.service.addMessage(SYSTEM_ACTOR, ticket.id, { direction: 'inbound', authorType: 'customer', bodyText: 'Unacceptable.' })).ticket.priority).toBe('urgent');
  });

  it('refuses rules that point at things that do not exist', async () => {
    await expect(t.rules.create(admin, { name: 'x', enabled: true, trigger: 'created', stopProcessing: false, conditions: { match: 'all', conditions: [{ field: 'segment', op: 'in', value: '0190a0a0-0000-7000-8000-000000000001' }] }, actions: [{ type: 'assign_team', teamId: '0190a0a0-0000-7000-8000-000000000002' }] }))
      .rejects.toMatchObject({ status: 400, extras: { errors: [{ pointer: '/body/actions/0/teamId' }, { pointer: '/body/conditions/conditions/0/value' }] } });
  });
});
