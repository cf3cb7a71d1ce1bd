import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { CLI_ACTOR } from '../../platform/audit/audit.ts';
import { newId } from '../../platform/ids.ts';
import { loginAs, startTestApp, type Session, type TestApp } from '../../testing/harness.ts';
import { identityHash } from './chat.tokens.ts';
import type { LiveEvent } from './live.hub.ts';

type Frame = { type: string; [k: string]: unknown };
type Msg = { id: string; seq: number; clientId: string | null; author: string; authorName: string | null; text: string; kind: string | null };

/** A visitor's widget connection: every frame the server sent, and a way to wait for the next matching one. */
class Visitor {
  readonly ws: WebSocket;
  readonly frames: Frame[] = [];
  closed: { code: number } | undefined;
  private waiters: { test: (f: Frame) => boolean; resolve: (f: Frame) => void }[] = [];
  constructor(url: string) {
    this.ws = new WebSocket(url.replace(/^http/, 'ws') + '/chat/ws');
    this.ws.on('message', (d) => {
      const f = JSON.parse(String(d)) as Frame;
      this.frames.push(f);
      this.waiters = this.waiters.filter((w) => (w.test(f) ? (w.resolve(f), false) : true));
    });
    this.ws.on('close', (code) => { this.closed = { code }; });
  }
  open(): Promise<void> {
    return new Promise((resolve, reject) => { this.ws.once('open', () => resolve()); this.ws.once('error', reject); });
  }
  send(f: unknown): void {
    this.ws.send(typeof f === 'string' ? f : JSON.stringify(f));
  }
  /** The first frame (already received or coming) matching `test`. */
  wait(test: (f: Frame) => boolean, ms = 5000): Promise<Frame> {
    const seen = this.frames.find(test);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`timeout; frames: ${JSON.stringify(this.frames.map((f) => ({ ...f, message: undefined, token: undefined, messages: undefined }))).slice(-2500)}`)), ms);
      this.waiters.push({ test, resolve: (f) => { clearTimeout(t); resolve(f); } });
    });
  }
  message(test: (m: Msg) => boolean, ms?: number): Promise<Msg> {
    return this.wait((f) => f.type === 'message' && test(f.message as Msg), ms).then((f) => f.message as Msg);
  }
  closedWith(): Promise<number> {
    return new Promise((resolve) => { if (this.closed) resolve(this.closed.code); else this.ws.once('close', (code) => resolve(code)); });
  }
  close(): void {
    this.ws.close();
  }
}

let app: TestApp;
let admin: Session;
let agent: Session;
const db = () => app.patron.dbh.db;
const chat = () => app.patron.modules.support.chat.service;

async function connect(hello: Record<string, unknown> = {}): Promise<{ v: Visitor; welcome: Frame }> {
  const v = new Visitor(app.url);
  await v.open();
  v.send({ type: 'hello', page: { url: 'https://shop.test/products/wool-socks', title: 'Wool socks' }, ...hello });
  const welcome = await v.wait((f) => f.type === 'welcome' || f.type === 'error');
  return { v, welcome };
}

async function setOnline(status: 'online' | 'away') {
  const res = await app.patron.http!.inject({ method: 'PUT', url: '/api/support/chat/status', headers: agent.headers, payload: { status } });
  expect(res.statusCode).toBe(200);
}

beforeAll(async () => {
  app = await startTestApp({ listen: true });
  admin = await loginAs(app, 'admin');
  agent = await loginAs(app, 'support', 'ada@shop.test');
});
afterAll(async () => app?.close());

describe('live chat', () => {
  it('refuses visitors while chat is off', async () => {
    const { v, welcome } = await connect();
    expect(welcome).toMatchObject({ type: 'error', code: 'chat-disabled' });
    expect(await v.closedWith()).toBe(4404);
  });

  it('settings: turn chat on; the snippet and an identity secret are shown; bad input is a problem', async () => {
    const bad = await app.patron.http!.inject({ method: 'PUT', url: '/api/support/chat/settings', headers: admin.headers, payload: { enabled: true, color: 'red' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.headers['content-type']).toContain('application/problem+json');
    const res = await app.patron.http!.inject({ method: 'PUT', url: '/api/support/chat/settings', headers: admin.headers, payload: { enabled: true, color: '#0b7285', title: 'Ask Acme', greeting: 'Hello there!' } });
    expect(res.statusCode).toBe(200);
    const s = res.json() as { snippet: string; identitySecret: string; scriptUrl: string };
    expect(s.snippet).toContain('/sdk/chat.js');
    expect(s.identitySecret).toMatch(/^[0-9a-f]{64}$/);
    const agentView = await app.patron.http!.inject({ url: '/api/support/chat/settings', headers: agent.headers });
    expect(agentView.statusCode).toBe(403);
    const js = await app.patron.http!.inject({ url: '/sdk/chat.js' });
    expect(js.statusCode).toBe(200);
    expect(js.headers['content-type']).toContain('javascript');
    const cfg = await app.patron.http!.inject({ url: '/api/public/support/chat/config' });
    expect(cfg.json()).toMatchObject({ enabled: true, color: '#0b7285', title: 'Ask Acme', online: false });
    expect(cfg.body).not.toContain(s.identitySecret);
  });

  it('agents\' chat API: bad input is a problem, never a 500', async () => {
    const missing = await app.patron.http!.inject({ method: 'POST', url: '/api/support/chats/01900000-0000-7000-8000-000000000000/messages', headers: agent.headers, payload: { text: 'hi' } });
    expect(missing.statusCode).toBe(404);
    const badId = await app.patron.http!.inject({ url: '/api/support/chats/not-a-uuid', headers: agent.headers });
    expect(badId.statusCode).toBe(400);
    const empty = await app.patron.http!.inject({ method: 'POST', url: '/api/support/chats/01900000-0000-7000-8000-000000000000/messages', headers: agent.headers, payload: { text: '  ' } });
    expect(empty.statusCode).toBe(400);
    expect(empty.headers['content-type']).toContain('application/problem+json');
    const tooLong = await app.patron.http!.inject({ method: 'POST', url: '/api/support/chats/01900000-0000-7000-8000-000000000000/messages', headers: agent.headers, payload: { text: 'x'.repeat(4001) } });
    expect(tooLong.statusCode).toBe(400);
    // A chat the assistant still holds cannot be answered by a person yet.
    const { v } = await connect();
    v.send({ type: 'message', clientId: 'q1', text: 'hello?' });
    const ack = await v.wait((f) => f.type === 'ack' && f.clientId === 'q1');
    const early = await app.patron.http!.inject({ method: 'POST', url: `/api/support/chats/${String(ack.chatId)}/messages`, headers: agent.headers, payload: { text: 'hi' } });
    expect(early.statusCode).toBe(409);
    expect(early.json()).toMatchObject({ type: '/problems/chat-not-handed-over' });
    const anon = await app.patron.http!.inject({ url: '/api/support/chats' });
    expect(anon.statusCode).toBe(401);
    v.close();
  });

  it('visitor ↔ agent round trip: assistant first, handover with the transcript, messages both ways, typing', async () => {
    await setOnline('online');
    const events: { topic: string; event: LiveEvent }[] = [];
    const off = app.patron.modules.support.tickets.live.subscribe('ticket:*', (topic, event) => events.push({ topic, event }));
    const inbox: LiveEvent[] = [];
    const offInbox = app.patron.modules.support.tickets.live.subscribe('chat:inbox', (_topic, event) => inbox.push(event));
    const { v, welcome } = await connect({ anonymousId: 'anon-123' });
    expect(welcome).toMatchObject({ type: 'welcome', online: true, chatId: null, verified: false });
    expect(String(welcome.token)).toMatch(/^v1\./);

    v.send({ type: 'message', clientId: 'm1', text: 'Do you ship to Norway?' });
    await v.wait((f) => f.type === 'ack' && f.clientId === 'm1');
    await v.message((m) => m.kind === 'greeting' && m.text === 'Hello there!');
    const bot = await v.message((m) => m.author === 'assistant');
    expect(bot.text.length).toBeGreaterThan(0);

    v.send({ type: 'handover', clientId: 'h1' });
    await v.message((m) => m.kind === 'handover');
    const status = await v.wait((f) => f.type === 'status' && f.mode === 'human');
    const chatId = String(status.chatId);
    const detail = await app.patron.http!.inject({ url: `/api/support/chats/${chatId}`, headers: agent.headers });
    const { chat: summary } = detail.json() as { chat: { ticketId: string; mode: string } };
    expect(summary.mode).toBe('human');
    const t = await app.patron.modules.support.tickets.service.detail(summary.ticketId);
    expect(t.ticket).toMatchObject({ channel: 'chat', subject: 'Chat: Do you ship to Norway?' });
    expect(t.messages.map((m) => [m.direction, m.authorType])).toEqual([['inbound', 'customer'], ['outbound', 'bot']]);

    // Visitor → agent: a ticket message, announced on the ticket's topic (what the inbox listens to).
    v.send({ type: 'message', clientId: 'm2', text: 'My order is #1001' });
    await v.wait((f) => f.type === 'ack' && f.clientId === 'm2');
    await expect.poll(() => events.some((e) => e.topic === `ticket:${summary.ticketId}` && e.event.type === 'message.created' && e.event.preview === 'My order is #1001')).toBe(true);
    // Agents' chat lists (latest message, order) follow every message, not only new chats and handovers.
    await expect.poll(() => inbox.filter((e) => e.type === 'chat.message' && e.chatId === chatId).length).toBeGreaterThanOrEqual(1);

    v.send({ type: 'typing', state: true });
    await expect.poll(() => events.some((e) => e.event.type === 'presence' && e.event.state === 'typing' && e.event.visitor === true)).toBe(true);

    // Agent → visitor: typing, then the reply with the agent's name.
    const read = await app.patron.http!.inject({ method: 'POST', url: `/api/support/chats/${chatId}/read`, headers: agent.headers, payload: { seq: 5 } });
    expect(read.statusCode).toBe(204);
    await v.wait((f) => f.type === 'read' && f.seq === 5);
    const typing = await app.patron.http!.inject({ method: 'POST', url: `/api/support/chats/${chatId}/typing`, headers: agent.headers, payload: { state: true } });
    expect(typing.statusCode).toBe(204);
    await v.wait((f) => f.type === 'typing' && f.who === 'agent' && f.state === true);
    const reply = await app.patron.http!.inject({ method: 'POST', url: `/api/support/chats/${chatId}/messages`, headers: agent.headers, payload: { text: 'Yes, 3–5 days.', clientId: 'a1' } });
    expect(reply.statusCode).toBe(201);
    const got = await v.message((m) => m.author === 'agent');
    expect(got).toMatchObject({ text: 'Yes, 3–5 days.', authorName: 'support' });
    // A reply from the inbox (the tickets part's reply route) reaches the widget too.
    const fromInbox = await app.patron.http!.inject({ method: 'POST', url: `/api/support/tickets/${summary.ticketId}/reply`, headers: agent.headers, payload: { body: 'Tracking link coming by email.' } });
    expect(fromInbox.statusCode).toBe(200);
    await v.message((m) => m.author === 'agent' && m.text === 'Tracking link coming by email.');
    // A retried reply is not sent twice.
    await app.patron.http!.inject({ method: 'POST', url: `/api/support/chats/${chatId}/messages`, headers: agent.headers, payload: { text: 'Yes, 3–5 days.', clientId: 'a1' } });
    const after = await app.patron.modules.support.tickets.service.detail(summary.ticketId);
    expect(after.messages.map((m) => [m.direction, m.authorType, m.bodyText])).toEqual([
      ['inbound', 'customer', 'Do you ship to Norway?'], ['outbound', 'bot', bot.text], ['inbound', 'customer', 'My order is #1001'], ['outbound', 'agent', 'Yes, 3–5 days.'],
      ['outbound', 'agent', 'Tracking link coming by email.'],
    ]);
    expect(after.ticket.firstResponseAt).not.toBeNull();
    const acts = await db().selectFrom('activities').select('type').where('customer_id', '=', after.ticket.customerId).execute();
    expect(acts.map((a) => a.type)).toEqual(expect.arrayContaining(['Ticket Created', 'Ticket Message Received', 'Ticket Replied']));
    const list = await app.patron.http!.inject({ url: '/api/support/chats', headers: agent.headers });
    expect((list.json() as { items: { id: string }[] }).items.map((c) => c.id)).toContain(chatId);
    off();
    offInbox();
    v.close();
  });

  it('resumes after a reconnect: missed messages arrive, a resent message is acknowledged, not stored twice', async () => {
    await setOnline('online');
    const first = await connect();
    const token = String(first.welcome.token);
    first.v.send({ type: 'handover' });
    const st = await first.v.wait((f) => f.type === 'status' && f.mode === 'human');
    const chatId = String(st.chatId);
    first.v.send({ type: 'message', clientId: 'r1', text: 'Hello?' });
    await first.v.wait((f) => f.type === 'ack' && f.clientId === 'r1');
    const lastSeq = Math.max(...first.v.frames.filter((f) => f.type === 'message' || f.type === 'ack').map((f) => (f.message as Msg).seq));
    first.v.close();
    await first.v.closedWith();

    // While the visitor is away, the agent answers.
    await app.patron.http!.inject({ method: 'POST', url: `/api/support/chats/${chatId}/messages`, headers: agent.headers, payload: { text: 'Still there?' } });

    const again = await connect({ token, conversationId: chatId, afterSeq: lastSeq });
    expect(again.welcome).toMatchObject({ type: 'welcome', chatId, mode: 'human' });
    expect((again.welcome.messages as Msg[]).map((m) => m.text)).toEqual(['Still there?']);
    again.v.send({ type: 'message', clientId: 'r1', text: 'Hello?' });
    const ack = await again.v.wait((f) => f.type === 'ack' && f.clientId === 'r1');
    expect(ack.duplicate).toBe(true);
    const rows = await db().selectFrom('support_chat_messages').select('id').where('conversation_id', '=', chatId).where('client_id', '=', 'r1').execute();
    expect(rows).toHaveLength(1);
    const ticketId = (await chat().detail(chatId)).chat.ticketId!;
    const ticketMsgs = (await app.patron.modules.support.tickets.service.detail(ticketId)).messages.filter((m) => m.bodyText === 'Hello?');
    expect(ticketMsgs).toHaveLength(1);
    again.v.close();
  });

  it('a message stored but not yet copied to the ticket (a crash in between) is copied on reconnect', async () => {
    await setOnline('online');
    const { v, welcome } = await connect();
    v.send({ type: 'handover' });
    const chatId = String((await v.wait((f) => f.type === 'status' && f.mode === 'human')).chatId);
    v.close();
    await v.closedWith();
    await db().insertInto('support_chat_messages').values({ id: newId(), conversation_id: chatId, client_id: 'lost', author_type: 'visitor', author_name: null, body: 'Written just before a crash', sources: '[]', created_at: new Date() }).execute();
    const again = await connect({ token: String(welcome.token), conversationId: chatId });
    expect(again.welcome.type).toBe('welcome');
    const ticketId = (await chat().detail(chatId)).chat.ticketId!;
    const texts = (await app.patron.modules.support.tickets.service.detail(ticketId)).messages.map((m) => m.bodyText);
    expect(texts.filter((t) => t === 'Written just before a crash')).toHaveLength(1);
    again.v.close();
  });

  it('refuses forged tokens, visitor ids and other visitors’ chats, and says so in the log', async () => {
    const warn = vi.spyOn((app.patron.modules.support.chat.sockets as unknown as { log: { warn: (...a: unknown[]) => void } }).log, 'warn');
    const a = await connect();
    const token = String(a.welcome.token);
    a.v.close();
    const forgedId = token.replace(/^v1\.[0-9a-f-]{36}/, 'v1.01900000-0000-7000-8000-000000000000');
    const f1 = await connect({ token: forgedId });
    expect(f1.welcome).toMatchObject({ type: 'error', code: 'forged-token' });
    expect(await f1.v.closedWith()).toBe(4403);
    const f2 = await connect({ visitorId: '01900000-0000-7000-8000-000000000000' });
    expect(f2.welcome).toMatchObject({ type: 'error', code: 'forged-visitor' });
    const f3 = await connect({ token: 'v1.garbage' });
    expect(f3.welcome).toMatchObject({ code: 'forged-token' });

    // A real visitor claiming someone else's id inside a message.
    const b = await connect();
    b.v.send({ type: 'message', clientId: 'x1', text: 'hi', visitorId: '01900000-0000-7000-8000-000000000000' });
    await b.v.wait((f) => f.type === 'error' && f.code === 'forged-visitor');
    expect(await b.v.closedWith()).toBe(4403);

    // Someone else's chat.
    await setOnline('online');
    const owner = await connect();
    owner.v.send({ type: 'handover' });
    const st = await owner.v.wait((f) => f.type === 'status' && !!f.chatId);
    const thief = await connect();
    const t2 = await connect({ token: String(thief.welcome.token), conversationId: String(st.chatId) });
    expect(t2.welcome).toMatchObject({ type: 'error', code: 'forged-conversation' });
    const logged = warn.mock.calls.map((c) => String(c[1]));
    expect(logged.filter((m) => /visitor token was not issued/.test(m))).toHaveLength(2);
    expect(logged.some((m) => /forged visitor id in a message/.test(m))).toBe(true);
    expect(logged.some((m) => /belongs to another visitor/.test(m))).toBe(true);
    warn.mockRestore();
    for (const x of [owner.v, thief.v]) x.close();
  });

  it('verifies identity by the store’s hash; a wrong hash leaves the visitor anonymous', async () => {
    const { identitySecret } = await chat().secrets();
    const good = await connect({ email: 'Dana@Example.com', name: 'Dana', hash: identityHash(identitySecret, 'dana@example.com') });
    expect(good.welcome).toMatchObject({ verified: true, email: 'dana@example.com' });
    const bad = await connect({ email: 'dana@example.com', hash: identityHash('not-the-secret', 'dana@example.com') });
    expect(bad.welcome).toMatchObject({ verified: false, email: null });
    good.v.close();
    bad.v.close();
  });

  it('offline: no agent online → the widget asks for an email and the message becomes a chat ticket', async () => {
    await setOnline('away');
    const { v, welcome } = await connect();
    expect(welcome.online).toBe(false);
    v.send({ type: 'handover' });
    await v.message((m) => m.kind === 'offline-form');
    v.send({ type: 'offline', clientId: 'o1', email: 'Eve@Example.com', name: 'Eve', text: 'Can I change my delivery address?' });
    await v.wait((f) => f.type === 'ack' && f.clientId === 'o1');
    const thanks = await v.message((m) => m.kind === 'offline');
    expect(thanks.text).toContain('eve@example.com');
    const st = await v.wait((f) => f.type === 'status' && f.mode === 'offline');
    const d = await chat().detail(String(st.chatId));
    const t = await app.patron.modules.support.tickets.service.get(d.chat.ticketId!);
    expect(t).toMatchObject({ channel: 'chat', status: 'new', requester: { email: 'eve@example.com' } });
    expect(d.chat.visitor).toMatchObject({ email: 'eve@example.com', emailVerified: false });

    // The agent's answer to an offline chat goes by email too; the visitor can ask for the transcript.
    const reply = await app.patron.http!.inject({ method: 'POST', url: `/api/support/chats/${d.chat.id}/messages`, headers: agent.headers, payload: { text: 'Yes — reply with the new address.' } });
    expect(reply.statusCode).toBe(201);
    v.send({ type: 'transcript' });
    const sent = await v.message((m) => m.kind === 'transcript');
    expect(sent.text).toBe('Transcript sent to eve@example.com.');
    const td = await app.patron.modules.support.tickets.service.detail(d.chat.ticketId!);
    const mail = td.messages.find((m) => m.channel === 'email')!;
    expect(mail).toMatchObject({ direction: 'outbound', toAddresses: ['eve@example.com'], subject: expect.stringContaining('Your chat with') });
    expect(mail.bodyText).toContain('Can I change my delivery address?');
    expect(mail.bodyText).toContain('Yes — reply with the new address.');
    const outbox = await db().selectFrom('support_email_outbox').select('message_id').where('ticket_id', '=', d.chat.ticketId!).execute();
    expect(outbox).toHaveLength(2);
    v.close();
  });

  it('bad input: oversize, malformed and too-long frames, floods — answered, logged, nothing crashes', async () => {
    await setOnline('online');
    const { v } = await connect();
    v.send('x'.repeat(20_000));
    await v.wait((f) => f.type === 'error' && f.code === 'too-large');
    v.send('{not json');
    await v.wait((f) => f.type === 'error' && f.code === 'invalid' && String(f.detail).includes('JSON'));
    v.send({ type: 'message', clientId: 'long', text: 'y'.repeat(4001) });
    const long = await v.wait((f) => f.type === 'error' && f.clientId === 'long');
    expect(String(long.detail)).toContain('4000');
    v.send({ type: 'nonsense' });
    await v.wait((f) => f.type === 'error' && f.code === 'invalid' && String(f.detail).includes('type'));
    v.send({ type: 'handover' });
    await v.wait((f) => f.type === 'status' && f.mode === 'human');
    for (let i = 0; i < 30; i++) v.send({ type: 'message', clientId: `f${i}`, text: `flood ${i}` });
    const limited = await v.wait((f) => f.type === 'error' && f.code === 'rate-limited');
    expect(limited.retryAfterMs).toBeGreaterThan(0);
    await v.wait((f) => f.type === 'error' && f.clientId === 'f29');
    const acks = v.frames.filter((f) => f.type === 'ack' && String(f.clientId).startsWith('f'));
    expect(acks.length).toBeGreaterThan(10);
    expect(acks.length).toBeLessThan(20);
    // The server still serves others.
    const other = await connect();
    expect(other.welcome.type).toBe('welcome');
    other.v.close();
    v.close();
  });

  it('demo chats; a customer\'s chats are exported and erased', async () => {
    expect(await app.patron.modules.support.chat.demo(CLI_ACTOR)).toEqual({ chats: 3 });
    const all = await chat().list('all', 100);
    const mia = all.find((c) => c.visitor.name === 'Mia Jensen')!;
    expect(mia).toMatchObject({ mode: 'human' });
    expect((await chat().detail(mia.id)).messages.map((m) => m.author)).toEqual(['system', 'visitor', 'assistant', 'system', 'visitor', 'agent']);
    expect(all.find((c) => c.visitor.email === 'liam.offline@example.com')).toMatchObject({ mode: 'offline' });
    const customerId = mia.visitor.customerId!;
    const exported = await app.patron.modules.support.chat.exportCustomer(customerId);
    expect(exported.chats[0]!.messages.map((m) => m.text)).toContain('Is the wool blanket machine washable?');
    expect(await app.patron.modules.support.chat.eraseCustomer(customerId)).toEqual({ visitors: 1 });
    expect((await chat().list('all', 100)).map((c) => c.id)).not.toContain(mia.id);
  });
});
