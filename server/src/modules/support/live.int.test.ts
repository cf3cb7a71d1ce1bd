import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { SYSTEM_ACTOR } from '../../platform/audit/audit.ts';
import { loginAs, startTestApp, type Session, type TestApp } from '../../testing/harness.ts';

let app: TestApp;
let ada: Session;
let bob: Session;

beforeAll(async () => {
  app = await startTestApp({ listen: true });
  ada = await loginAs(app, 'support', 'ada@shop.test');
  bob = await loginAs(app, 'support', 'bob@shop.test');
});
afterAll(async () => app?.close());

interface Frame { topic: string; event: { type: string; [k: string]: unknown } }

/** A real WebSocket client against the listening server, collecting frames. */
async function connect(s: Session | null, headers: Record<string, string> = {}): Promise<{ ws: WebSocket; frames: Frame[]; send: (m: unknown) => void; status?: number }> {
  const url = app.url.replace(/^http/, 'ws') + '/api/support/live';
  const ws = new WebSocket(url, { headers: { ...(s ? { cookie: s.cookie } : {}), origin: app.url, ...headers } });
  const frames: Frame[] = [];
  ws.on('message', (d) => frames.push(JSON.parse(String(d)) as Frame));
  const status = await new Promise<number | undefined>((resolve, reject) => {
    ws.once('open', () => resolve(undefined));
    ws.once('unexpected-response', (req, res) => {
      resolve(res.statusCode);
      req.destroy();
      res.destroy();
    });
    ws.once('error', reject);
  });
  return { ws, frames, send: (m) => ws.send(JSON.stringify(m)), status };
}

describe('agents\' live socket', () => {
  it('refuses people who are not logged in, other sites\' pages and API keys', async () => {
    expect((await connect(null)).status).toBe(401);
    expect((await connect(ada, { origin: 'https://evil.example' })).status).toBe(403);
  });

  it('delivers new messages, presence (viewing, typing, left) and mentions, across the hub', async () => {
    const { ticket } = await app.patron.modules.support.tickets.service.createTicket(SYSTEM_ACTOR, { channel: 'email', subject: 'Live one', requester: { email: 'live@example.com' }, message: { direction: 'inbound', authorType: 'customer', bodyText: 'hi' } });
    const a = await connect(ada);
    const b = await connect(bob);
    await expect.poll(() => a.frames.some((f) => f.event.type === 'hello') && b.frames.some((f) => f.event.type === 'hello')).toBe(true);
    a.send({ type: 'subscribe', topics: ['inbox', `ticket:${ticket.id}`, 'user:someone-else', 'nonsense'] });
    b.send({ type: 'subscribe', topics: [`ticket:${ticket.id}`] });
    // Each subscribe is acknowledged with the topics now heard (the pages read their lists again then).
    await expect.poll(() => a.frames.find((f) => f.topic === 'subscribed')?.event.topics).toEqual(['inbox', `ticket:${ticket.id}`]);
    await expect.poll(() => b.frames.some((f) => f.topic === 'subscribed')).toBe(true);
    b.send({ type: 'presence', ticketId: ticket.id, state: 'typing' });
    await expect.poll(() => a.frames.find((f) => f.event.type === 'presence')?.event, { timeout: 3000 }).toMatchObject({ userId: bob.userId, state: 'typing', name: 'support' });
    await app.patron.modules.support.tickets.service.addMessage(SYSTEM_ACTOR, ticket.id, { direction: 'inbound', authorType: 'customer', bodyText: 'are you there?' });
    await expect.poll(() => a.frames.map((f) => `${f.topic} ${f.event.type}`), { timeout: 3000 }).toEqual(expect.arrayContaining([`ticket:${ticket.id} message.created`, 'inbox ticket.updated']));
    // Bob is notified of a mention on his own topic, without subscribing to it.
    await app.patron.modules.support.tickets.service.addMessage({ type: 'user', id: ada.userId, label: 'ada' }, ticket.id, { direction: 'internal', authorType: 'agent', bodyText: 'bob?', mentions: [bob.userId] });
    await expect.poll(() => b.frames.find((f) => f.event.type === 'notification')?.topic, { timeout: 3000 }).toBe(`user:${bob.userId}`);
    // Nobody subscribed Ada to someone else's topic; junk frames get an error, not a crash.
    expect(a.frames.some((f) => f.topic === 'user:someone-else')).toBe(false);
    a.ws.send('not json');
    await expect.poll(() => a.frames.some((f) => f.event.type === 'error')).toBe(true);
    // Closing Bob's socket tells the others he left.
    b.ws.close();
    await expect.poll(() => a.frames.some((f) => f.event.type === 'presence' && f.event.state === 'left'), { timeout: 3000 }).toBe(true);
    a.ws.close();
  });
});
