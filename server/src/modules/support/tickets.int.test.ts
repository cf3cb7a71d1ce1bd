import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR, type Actor } from '../../platform/audit/audit.ts';
import { loginAs, startTestApp, type Session, type TestApp } from '../../testing/harness.ts';
import { LiveHub, type LiveEvent } from './live.hub.ts';
import type { TicketService } from './tickets.service.ts';

let app: TestApp;
let agent: Session;
let other: Session;
let tickets: TicketService;
let me: Actor;
const db = () => app.patron.dbh.db;

beforeAll(async () => {
  app = await startTestApp();
  agent = await loginAs(app, 'support', 'ada@shop.test');
  other = await loginAs(app, 'support', 'bob@shop.test');
  tickets = app.patron.modules.support.tickets.service;
  me = { type: 'user', id: agent.userId, label: 'ada@shop.test' };
});
afterAll(async () => app?.close());

const activitiesOf = async (customerId: string) =>
  (await db().selectFrom('activities').select(['type', 'properties']).where('customer_id', '=', customerId).orderBy('occurred_at').orderBy('id').execute()).map((a) => a.type);

describe('ticket core', () => {
  it('creates a ticket from an email, finding or creating the customer, and puts it on the timeline', async () => {
    const { ticket, message, created } = await tickets.createTicket(SYSTEM_ACTOR, {
      channel: 'email', subject: 'Where is my parcel?', requester: { email: 'Carol@Example.com', name: 'Carol Jones' },
      message: { direction: 'inbound', authorType: 'customer', bodyText: 'Ordered last week, nothing yet.', bodyHtml: '<p onclick="x()">Ordered <script>alert(1)</script>last week</p>', messageIdHeader: '<a1@example.com>', externalId: '<a1@example.com>' },
    });
    expect(created).toBe(true);
    expect(ticket).toMatchObject({ status: 'new', channel: 'email', subject: 'Where is my parcel?', requester: { email: 'carol@example.com' }, messageCount: 1, customerName: 'Carol Jones' });
    expect(ticket.replyToken).toMatch(/^[0-9a-f]{20}$/);
    expect(message.bodyHtml).toBe('<p>Ordered last week</p>');
    expect(message.authorCustomerId).toBe(ticket.customerId);
    const customer = await app.patron.modules.customers.service.get(ticket.customerId);
    expect(customer).toMatchObject({ email: 'carol@example.com', firstName: 'Carol', lastName: 'Jones' });
    expect(await activitiesOf(ticket.customerId)).toEqual(['Customer Created', 'Ticket Created']);

    // A retried delivery of the same email stores nothing new.
    const again = await tickets.createTicket(SYSTEM_ACTOR, { channel: 'email', subject: 'Where is my parcel?', requester: { email: 'carol@example.com' }, message: { direction: 'inbound', authorType: 'customer', bodyText: 'dup', externalId: '<a1@example.com>' } });
    expect(again).toMatchObject({ created: false, ticket: { id: ticket.id } });
    expect((await tickets.findByMessageIds(['<zz@x>', '<a1@example.com>']))?.ticketId).toBe(ticket.id);
    // Her next email, and one from a profile a store platform created (verified email), join the existing profiles.
    const second = await tickets.createTicket(SYSTEM_ACTOR, { channel: 'email', subject: 'Also', requester: { email: 'carol@example.com', name: 'Someone Else' }, message: { direction: 'inbound', authorType: 'customer', bodyText: 'x' } });
    expect(second.ticket.customerId).toBe(ticket.customerId);
    const shop = await db().transaction().execute((tx) => app.patron.modules.customers.service.resolve(tx, { identities: [{ kind: 'email', value: 'vip@example.com', verified: true }], profile: { firstName: 'Vera' }, source: 'shopify', actor: SYSTEM_ACTOR }));
    const third = await tickets.createTicket(SYSTEM_ACTOR, { channel: 'email', subject: 'Hi', requester: { email: 'VIP@example.com', name: 'V' }, message: { direction: 'inbound', authorType: 'customer', bodyText: 'x' } });
    expect(third.ticket).toMatchObject({ customerId: shop.customerId, customerName: 'Vera' });
    expect((await tickets.findByReplyToken(ticket.replyToken.toUpperCase()))?.id).toBe(ticket.id);
  });

  it('runs a conversation: reply (first response, onAgentReply), note with mention, customer writes, solve, reopen, close → follow-up', async () => {
    const { ticket } = await tickets.createTicket(SYSTEM_ACTOR, { channel: 'form', subject: 'Broken mug', requester: { email: 'dan@example.com' }, message: { direction: 'inbound', authorType: 'customer', bodyText: 'Arrived in pieces' } });
    const replies: string[] = [];
    tickets.onAgentReply(async (_tx, e) => void replies.push(e.message.id));
    const reply = await tickets.addMessage(me, ticket.id, { direction: 'outbound', authorType: 'agent', bodyText: 'Sorry! A new one is on its way.' });
    expect(reply.ticket).toMatchObject({ status: 'open', messageCount: 2 });
    expect(reply.ticket.firstResponseAt).not.toBeNull();
    expect(reply.message).toMatchObject({ authorUserId: agent.userId, authorName: 'support', deliveryStatus: 'sent' });
    expect(replies).toEqual([reply.message.id]);

    const note = await tickets.addMessage(me, ticket.id, { direction: 'internal', authorType: 'agent', bodyText: '@bob can you check stock?', mentions: [other.userId, '00000000-0000-7000-8000-000000000000'] });
    expect(note.message.mentions).toEqual([other.userId]);
    expect(note.ticket.preview).toBe('Sorry! A new one is on its way.');
    const notes = await db().selectFrom('support_notifications').selectAll().where('user_id', '=', other.userId).execute();
    expect(notes).toHaveLength(1);
    expect(notes[0]!.text).toContain('mentioned you on ticket');

    const solved = await tickets.setStatus(me, ticket.id, 'solved');
    expect(solved.solvedAt).not.toBeNull();
    const back = await tickets.addMessage(SYSTEM_ACTOR, ticket.id, { direction: 'inbound', authorType: 'customer', bodyText: 'Still broken' });
    expect(back.ticket).toMatchObject({ status: 'open', solvedAt: null });
    await tickets.setStatus(me, ticket.id, 'closed');
    const follow = await tickets.addMessage(SYSTEM_ACTOR, ticket.id, { direction: 'inbound', authorType: 'customer', bodyText: 'One more thing' });
    expect(follow.ticket.id).not.toBe(ticket.id);
    expect(follow.ticket).toMatchObject({ followUpOf: ticket.id, status: 'new', customerId: ticket.customerId });
    await expect(tickets.setStatus(me, ticket.id, 'open')).rejects.toMatchObject({ status: 409 });
    expect(await activitiesOf(ticket.customerId)).toEqual(['Customer Created', 'Ticket Created', 'Ticket Replied', 'Ticket Solved', 'Ticket Message Received', 'Ticket Solved', 'Ticket Created']);
  });

  it('finds a customer by phone or social handle, and rejects a requester with no identity', async () => {
    const a = await tickets.createTicket(me, { channel: 'phone', subject: 'Call about returns', requester: { phone: '+44 20 7946 0000', name: 'Eve' }, message: { direction: 'internal', authorType: 'agent', bodyText: 'Customer called about a return.' } });
    const b = await tickets.createTicket(SYSTEM_ACTOR, { channel: 'social', subject: 'DM', requester: { handle: { network: 'Instagram', id: 'eve.shop' } }, message: { direction: 'inbound', authorType: 'customer', bodyText: 'hi', externalId: 'ig-1' } });
    expect(a.ticket.customerId).not.toBe(b.ticket.customerId);
    expect(b.ticket.requester.handle).toBe('Instagram:eve.shop');
    await expect(tickets.createTicket(SYSTEM_ACTOR, { channel: 'api', subject: 'x', requester: {}, message: { direction: 'inbound', authorType: 'customer', bodyText: 'x' } })).rejects.toMatchObject({ status: 400 });
  });

  it('exports and erases a customer\'s tickets, and follows a profile merge', async () => {
    const a = await tickets.createTicket(SYSTEM_ACTOR, { channel: 'email', subject: 'Mine', requester: { email: 'gdpr@example.com' }, message: { direction: 'inbound', authorType: 'customer', bodyText: 'my data' } });
    const b = await tickets.createTicket(SYSTEM_ACTOR, { channel: 'phone', subject: 'Other profile', requester: { phone: '+44 7700 900123' }, message: { direction: 'inbound', authorType: 'customer', bodyText: 'call' } });
    // The phone profile is merged into the email one: its ticket follows.
    await app.patron.modules.customers.service.merge(me, a.ticket.customerId, b.ticket.customerId, {});
    expect((await tickets.get(b.ticket.id)).customerId).toBe(a.ticket.customerId);
    const part = app.patron.modules.support.tickets;
    const exported = await part.exportCustomer(a.ticket.customerId);
    expect(exported.tickets.map((t) => t.subject).sort()).toEqual(['Mine', 'Other profile']);
    expect(exported.tickets.find((t) => t.subject === 'Mine')!.messages[0]!.bodyText).toBe('my data');
    const keys: string[][] = [];
    part.privacy.onErase(async (_tx, e) => void keys.push(e.storageKeys));
    expect(await part.eraseCustomer(a.ticket.customerId)).toEqual({ tickets: 2, attachments: 0 });
    expect(keys).toEqual([[]]);
    await expect(tickets.get(a.ticket.id)).rejects.toMatchObject({ status: 404 });
  });

  it('delivers realtime events through Postgres NOTIFY once the transaction commits', async () => {
    const got: [string, LiveEvent][] = [];
    const off = tickets.live.subscribe('inbox', (topic, e) => got.push([topic, e]));
    const offAll = tickets.live.subscribe('ticket:*', (topic, e) => got.push([topic, e]));
    const { ticket } = await tickets.createTicket(SYSTEM_ACTOR, { channel: 'api', subject: 'Live', requester: { email: 'live@example.com' }, message: { direction: 'inbound', authorType: 'customer', bodyText: 'ping' } });
    await expect.poll(() => got.map(([t, e]) => `${t} ${e.type}`), { timeout: 3000 }).toEqual(expect.arrayContaining(['inbox ticket.created', `ticket:${ticket.id} message.created`]));
    // Rolled back: nothing is published.
    got.length = 0;
    await db().transaction().execute(async (tx) => {
      await tickets.live.publish('inbox', { type: 'never' }, tx);
      throw new Error('rollback');
    }).catch(() => undefined);
    await tickets.live.publish('inbox', { type: 'after', big: 'x'.repeat(10_000) });
    await expect.poll(() => got.some(([, e]) => e.type === 'after'), { timeout: 3000 }).toBe(true);
    expect(got.find(([, e]) => e.type === 'after')![1]).toEqual({ type: 'after', truncated: true });
    expect(got.some(([, e]) => e.type === 'never')).toBe(false);
    off();
    offAll();
  });

  it('fans events out to other processes: a second hub on the same database hears them', async () => {
    const other = new LiveHub(db(), app.patron.dbh.url, app.patron.log);
    await other.start();
    try {
      const heard: LiveEvent[] = [];
      other.subscribe('ticket:*', (_t, e) => heard.push(e));
      const { ticket } = await tickets.createTicket(SYSTEM_ACTOR, { channel: 'chat', subject: 'Cross-process', requester: { email: 'xp@example.com' }, message: { direction: 'inbound', authorType: 'customer', bodyText: 'hello' } });
      await expect.poll(() => heard.find((e) => e.ticketId === ticket.id)?.type, { timeout: 3000 }).toBe('message.created');
    } finally {
      await other.stop();
    }
  });
});
