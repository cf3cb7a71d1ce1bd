import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../../platform/audit/audit.ts';
import { putSetting } from '../../platform/settings.ts';
import { loginAs, startTestApp, type Session, type TestApp } from '../../testing/harness.ts';
import type { TicketList, ViewCounts } from './inbox.schemas.ts';
import type { Macro } from './macros.schemas.ts';
import type { Ticket, TicketDetail, TicketMessage } from './tickets.schemas.ts';
import type { Team } from './tickets.settings.schemas.ts';

let app: TestApp;
let admin: Session;
let ada: Session;
let bob: Session;
const http = () => app.patron.http!;

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
const call = async <T = unknown>(s: Session | null, method: Method, url: string, payload?: unknown, headers: Record<string, string> = {}) => {
  const r = await http().inject({ method, url, headers: { ...(s?.headers ?? {}), ...headers }, ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }) });
  return { status: r.statusCode, body: (r.body ? r.json() : null) as T, raw: r };
};

beforeAll(async () => {
  app = await startTestApp();
  admin = await loginAs(app, 'admin', 'boss@shop.test');
  ada = await loginAs(app, 'support', 'ada@shop.test');
  bob = await loginAs(app, 'support', 'bob@shop.test');
  await putSetting(app.patron.dbh.db, 'store', { name: 'Gift Shop', currency: 'GBP', timeZone: 'Europe/London' });
  await app.patron.modules.commerce.service.upsertOrder(SYSTEM_ACTOR, {
    source: 'shop', externalId: 'o-1042', number: '1042', customer: { email: 'ann@example.com', firstName: 'Ann', lastName: 'Lee' }, status: 'completed', currency: 'GBP',
    discountTotal: 0, taxTotal: 0, shippingTotal: 0, discountCodes: [], placedAt: new Date('2024-05-01T10:00:00Z'),
    lines: [{ productExternalId: 'mug', sku: 'MUG', title: 'Blue mug', quantity: 2, unitPrice: 1250 }],
  });
  await app.patron.modules.customers.service.refreshAllCommerceStats(app.patron.dbh.db);
});
afterAll(async () => app?.close());

describe('support API', () => {
  let ticket: Ticket;
  let team: Team;
  let macro: Macro;

  it('logs a phone ticket for an existing customer and shows the customer context', async () => {
    const r = await call<Ticket>(ada, 'POST', '/api/support/tickets', { channel: 'phone', subject: 'Mug arrived chipped', requester: { email: 'ANN@example.com', name: 'Ann' }, message: { body: 'Ann called: one of the two blue mugs is chipped.' }, tags: ['Damaged'] });
    expect(r.status).toBe(201);
    ticket = r.body;
    expect(ticket).toMatchObject({ channel: 'phone', status: 'new', tags: ['damaged'], customerName: 'Ann Lee' });
    const ctx = await call<{ customer: { lifetimeValue: number; url: string }; orders: { number: string; lines: unknown[] }[]; tickets: unknown[] }>(ada, 'GET', `/api/support/tickets/${ticket.id}/context`);
    expect(ctx.status).toBe(200);
    expect(ctx.body.customer).toMatchObject({ lifetimeValue: 2500, url: `/customers/${ticket.customerId}` });
    expect(ctx.body.orders[0]).toMatchObject({ number: '1042', lines: [expect.objectContaining({ title: 'Blue mug' })] });
  });

  it('refuses bad input with problem+json and field errors', async () => {
    const a = await call<{ type: string; errors: { pointer: string }[] }>(ada, 'POST', '/api/support/tickets', { subject: '', requester: { email: 'nope' }, message: { body: '' } });
    expect(a.status).toBe(400);
    expect(a.raw.headers['content-type']).toContain('application/problem+json');
    expect(a.body.errors.map((e) => e.pointer)).toEqual(expect.arrayContaining(['/body/subject', '/body/requester/email', '/body/message/body']));
    expect((await call(ada, 'GET', '/api/support/tickets?view=nonsense')).status).toBe(400);
    expect((await call(ada, 'GET', '/api/support/tickets?cursor=zzz')).status).toBe(400);
    expect((await call(ada, 'GET', '/api/support/tickets/not-a-uuid')).status).toBe(400);
    expect((await call(ada, 'GET', '/api/support/tickets/0190a0a0-0000-7000-8000-000000000000')).status).toBe(404);
    expect((await call(ada, 'PATCH', `/api/support/tickets/${ticket.id}`, { customFields: { nope: 1 } })).status).toBe(400);
    expect((await call(ada, 'POST', `/api/support/tickets/${ticket.id}/merge`, { intoId: ticket.id })).status).toBe(400);
    // Support agents cannot change routing rules or teams.
    expect((await call(ada, 'POST', '/api/support/teams', { name: 'X' })).status).toBe(403);
  });

  it('teams, assignment and the views (mine, unassigned, team, tag, search) with counts', async () => {
    team = (await call<Team>(admin, 'POST', '/api/support/teams', { name: 'Care', memberIds: [ada.userId, bob.userId] })).body;
    expect(team.members.map((m) => m.email).sort()).toEqual(['ada@shop.test', 'bob@shop.test']);
    expect((await call(admin, 'POST', '/api/support/teams', { name: 'care' })).status).toBe(409);
    const up = await call<Ticket>(ada, 'PATCH', `/api/support/tickets/${ticket.id}`, { assigneeId: ada.userId, teamId: team.id, priority: 'high' });
    expect(up.body).toMatchObject({ status: 'open', assigneeName: 'support', teamName: 'Care', priority: 'high' });
    const other = (await call<Ticket>(bob, 'POST', '/api/support/tickets', { channel: 'email', subject: 'Question about gift cards', requester: { email: 'gus@example.com' }, message: { body: 'Do gift cards expire?' } })).body;
    const list = async (qs: string, s = ada) => (await call<TicketList>(s, 'GET', `/api/support/tickets?${qs}`)).body.items.map((t) => t.id);
    expect(await list('view=mine')).toEqual([ticket.id]);
    expect(await list('view=unassigned')).toEqual([other.id]);
    expect(await list(`view=team:${team.id}`)).toEqual([ticket.id]);
    expect(await list('view=tag:damaged')).toEqual([ticket.id]);
    expect(await list('view=all&q=gift car')).toEqual([other.id]);
    expect(await list(`view=all&q=%23${other.number}`)).toEqual([other.id]);
    expect(await list('view=all&q=chipped')).toEqual([ticket.id]);
    expect(await list('view=all&q=gus%40example.com')).toEqual([other.id]);
    expect(await list("view=all&q=it's%20%26%20(broken)%20!")).toEqual([]);
    const page1 = (await call<TicketList>(ada, 'GET', '/api/support/tickets?view=all&limit=1')).body;
    expect(page1.items).toHaveLength(1);
    const page2 = (await call<TicketList>(ada, 'GET', `/api/support/tickets?view=all&limit=1&cursor=${page1.nextCursor}`)).body;
    expect(page2.items[0]!.id).not.toBe(page1.items[0]!.id);
    const counts = (await call<ViewCounts>(ada, 'GET', '/api/support/views')).body;
    expect(counts.builtin).toMatchObject({ mine: 1, unassigned: 1, open: 2 });
    expect(counts.teams).toEqual([expect.objectContaining({ name: 'Care', count: 1 })]);
    const saved = await call<{ id: string }>(ada, 'POST', '/api/support/views', { name: 'Urgent-ish', filters: { priority: ['high', 'urgent'], status: 'working' } });
    expect(saved.status).toBe(201);
    expect(await list(`view=${saved.body.id}`)).toEqual([ticket.id]);
    // Bob cannot see Ada's private view.
    expect((await call(bob, 'GET', `/api/support/tickets?view=${saved.body.id}`)).status).toBe(400);
  });

  it('macros render Liquid with the customer and last order; a reply with a macro applies its actions', async () => {
    const bad = await call<{ errors: { pointer: string }[] }>(admin, 'POST', '/api/support/macros', { name: 'Broken', body: 'Hi {{ customer.first_name' });
    expect(bad.status).toBe(400);
    macro = (await call<Macro>(ada, 'POST', '/api/support/macros', { name: 'Where is my order', body: 'Hi {{ customer.first_name }}, order {{ last_order.number }} is {{ last_order.status }}. — {{ agent.first_name }}', actions: { status: 'pending', addTags: ['shipping'] } })).body;
    const r = await call<{ body: string }>(ada, 'POST', `/api/support/macros/${macro.id}/render`, { ticketId: ticket.id });
    expect(r.body.body).toBe('Hi Ann, order 1042 is completed. — support');
    const sent = await call<{ ticket: Ticket; message: TicketMessage }>(ada, 'POST', `/api/support/tickets/${ticket.id}/reply`, { body: r.body.body, macroId: macro.id }, { 'idempotency-key': 'reply-1' });
    expect(sent.status).toBe(200);
    expect(sent.body.ticket).toMatchObject({ status: 'pending', tags: ['damaged', 'shipping'] });
    expect(sent.body.message).toMatchObject({ direction: 'outbound', channel: 'email', toAddresses: ['ann@example.com'], deliveryStatus: 'pending' });
    // A retried reply (same idempotency key) does not send twice.
    await call(ada, 'POST', `/api/support/tickets/${ticket.id}/reply`, { body: r.body.body, macroId: macro.id }, { 'idempotency-key': 'reply-1' });
    const detail = (await call<TicketDetail>(ada, 'GET', `/api/support/tickets/${ticket.id}`)).body;
    expect(detail.messages.filter((m) => m.direction === 'outbound')).toHaveLength(1);
    expect(detail.events.map((e) => e.type)).toEqual(expect.arrayContaining(['created', 'assigned', 'macro', 'status']));
  });

  it('notes notify mentioned agents; bulk actions; merge and follow-up', async () => {
    const n = await call(ada, 'POST', `/api/support/tickets/${ticket.id}/notes`, { body: '@bob can you ship a new mug?', mentions: [bob.userId] });
    expect(n.status).toBe(200);
    const notes = (await call<{ items: { text: string; ticketId: string }[]; unread: number }>(bob, 'GET', '/api/support/notifications')).body;
    expect(notes.unread).toBe(1);
    expect(notes.items[0]).toMatchObject({ ticketId: ticket.id });
    expect((await call(bob, 'POST', '/api/support/notifications/read', { all: true })).status).toBe(204);

    const dup = (await call<Ticket>(ada, 'POST', '/api/support/tickets', { channel: 'email', subject: 'Chipped mug again', requester: { email: 'ann@example.com' }, message: { body: 'Sent this twice, sorry' } })).body;
    const bulk = await call<{ updated: number }>(ada, 'POST', '/api/support/tickets/bulk', { ids: [dup.id, ticket.id], addTags: ['batch'], priority: 'urgent' });
    expect(bulk.body.updated).toBe(2);
    expect((await call(ada, 'POST', '/api/support/tickets/bulk', { ids: [dup.id] })).status).toBe(400);
    const merged = await call<Ticket>(ada, 'POST', `/api/support/tickets/${dup.id}/merge`, { intoId: ticket.id });
    expect(merged.status).toBe(200);
    // Phone message, reply, note + the duplicate's message.
    expect(merged.body.messageCount).toBe(4);
    const gone = (await call<TicketDetail>(ada, 'GET', `/api/support/tickets/${dup.id}`)).body.ticket;
    expect(gone).toMatchObject({ status: 'closed', mergedInto: ticket.id, messageCount: 0 });
    expect((await call(ada, 'POST', `/api/support/tickets/${dup.id}/merge`, { intoId: ticket.id })).status).toBe(409);
    // A customer replying to the merged duplicate lands on the survivor.
    const late = await app.patron.modules.support.tickets.service.addMessage(SYSTEM_ACTOR, dup.id, { direction: 'inbound', authorType: 'customer', bodyText: 'Any news?' });
    expect(late.ticket.id).toBe(ticket.id);

    expect((await call(ada, 'POST', `/api/support/tickets/${ticket.id}/follow-up`, {})).status).toBe(409);
    await call(ada, 'PATCH', `/api/support/tickets/${ticket.id}`, { status: 'closed' });
    const f = await call<Ticket>(ada, 'POST', `/api/support/tickets/${ticket.id}/follow-up`, { subject: 'Replacement mug feedback' });
    expect(f.status).toBe(201);
    expect(f.body).toMatchObject({ followUpOf: ticket.id, customerId: ticket.customerId, assigneeId: ada.userId });
  });

  it('accepts social messages from an integration with an API key, threaded and idempotent', async () => {
    const key = (await call<{ key: string }>(admin, 'POST', '/api/api-keys', { name: 'social', scopes: ['support:write'] })).body.key;
    const auth = { authorization: `Bearer ${key}` };
    const msg = { network: 'instagram', conversationId: 'c1', messageId: 'm1', from: { id: '998', name: 'Zoe Park', handle: '@zoe' }, text: 'Is the blue mug back in stock?' };
    const a = await call<{ ticketId: string; created: boolean }>(null, 'POST', '/api/support/inbound/social', msg, auth);
    expect(a.status).toBe(201);
    const again = await call<{ ticketId: string; created: boolean }>(null, 'POST', '/api/support/inbound/social', msg, auth);
    expect(again).toMatchObject({ status: 200, body: { ticketId: a.body.ticketId, created: false } });
    const next = await call<{ ticketId: string; created: boolean }>(null, 'POST', '/api/support/inbound/social', { ...msg, messageId: 'm2', text: 'Or green?' }, auth);
    expect(next.body).toMatchObject({ ticketId: a.body.ticketId, created: true });
    const t = (await call<TicketDetail>(ada, 'GET', `/api/support/tickets/${a.body.ticketId}`)).body;
    expect(t.ticket).toMatchObject({ channel: 'social', customerName: 'Zoe Park', messageCount: 2 });
    expect((await call(null, 'POST', '/api/support/inbound/social', { ...msg, network: 'bad net!' }, auth)).status).toBe(400);
    const readOnly = (await call<{ key: string }>(admin, 'POST', '/api/api-keys', { name: 'ro', scopes: ['support:read'] })).body.key;
    expect((await call(null, 'POST', '/api/support/inbound/social', msg, { authorization: `Bearer ${readOnly}` })).status).toBe(403);
  });

  it('the public web form makes a ticket; bad submissions show the form again with errors; bots are ignored', async () => {
    const page = await http().inject({ method: 'GET', url: '/support/form' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect((await http().inject({ method: 'GET', url: '/support/form?embed=1' })).headers['content-security-policy']).toContain('frame-ancestors *');
    expect((await http().inject({ method: 'GET', url: '/support/form.js' })).body).toContain('/support/form?embed=1');
    const form = (body: string) => http().inject({ method: 'POST', url: '/support/form', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: body });
    const bad = await form('email=nope&subject=&message=hi<script>');
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('Enter a valid email address');
    expect(bad.body).toContain('hi&lt;script&gt;');
    const ok = await form('name=Uma+Ray&email=uma%40example.com&order=1042&subject=Late+parcel&message=Where+is+it%3F');
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toMatch(/ticket #\d+/);
    const bot = await form('email=bot%40example.com&subject=x&message=y&website=http%3A%2F%2Fspam');
    expect(bot.statusCode).toBe(200);
    const found = (await call<TicketList>(ada, 'GET', '/api/support/tickets?view=all&channel=form')).body.items;
    expect(found.map((t) => t.requester.email)).toEqual(['uma@example.com']);
    expect(found[0]).toMatchObject({ subject: 'Late parcel', customerName: 'Uma Ray' });
  });
});
