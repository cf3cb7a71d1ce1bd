import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { buildPatron, type Patron } from '../../app.ts';
import { CLI_ACTOR } from '../../platform/audit/audit.ts';
import { createLogger } from '../../platform/log.ts';
import { createTestDatabase, testConfig } from '../../testing/harness.ts';

// Two API processes on one database: the visitor's socket on A, the agent working through B.
// Everything between them goes through Postgres LISTEN/NOTIFY.
let database: Awaited<ReturnType<typeof createTestDatabase>>;
let a: Patron;
let b: Patron;
let urlA = '';

beforeAll(async () => {
  database = await createTestDatabase();
  const log = createLogger(process.env.TEST_LOG_LEVEL ?? 'silent', false);
  a = await buildPatron(testConfig(), log, { http: true, worker: false, databaseUrl: database.url, skipMigrate: true });
  b = await buildPatron(testConfig(), log, { http: true, worker: false, databaseUrl: database.url, skipMigrate: true });
  urlA = await a.http!.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await a?.close();
  await b?.close();
  await database?.drop();
});

describe('live chat across API processes', () => {
  it('a visitor on process A and an agent on process B talk in real time', async () => {
    const chatB = b.modules.support.chat.service;
    await chatB.putSettings(CLI_ACTOR, { ...(await chatB.settings()), enabled: true, assistant: false });
    const agent = await b.modules.users.service.createFromCli({ email: 'ann@shop.test', name: 'Ann Agent', role: 'support', password: 'correct horse battery' }, CLI_ACTOR);
    await chatB.setAgentStatus(agent.id, 'online');

    const frames: { type: string; [k: string]: unknown }[] = [];
    const ws = new WebSocket(`${urlA.replace(/^http/, 'ws')}/chat/ws`);
    ws.on('message', (d) => frames.push(JSON.parse(String(d)) as { type: string }));
    await new Promise((r) => ws.once('open', r));
    const seen = (test: (f: { type: string; [k: string]: unknown }) => boolean) => expect.poll(() => frames.some(test), { timeout: 5000 }).toBe(true);
    ws.send(JSON.stringify({ type: 'hello', name: 'Vera Visitor' }));
    await seen((f) => f.type === 'welcome' && f.online === true);

    // B's hub hears what the visitor on A writes.
    const onB: string[] = [];
    const off = b.modules.support.tickets.live.subscribe('chat:*', (_t, e) => { if (e.type === 'message') onB.push((e.message as { text: string }).text); });
    ws.send(JSON.stringify({ type: 'message', clientId: 'c1', text: 'Is the blue scarf back in stock?' }));
    await seen((f) => f.type === 'status' && f.mode === 'human');
    await expect.poll(() => onB, { timeout: 5000 }).toContain('Is the blue scarf back in stock?');
    off();

    // The agent answers through B (typing first); the visitor on A gets both.
    const chatId = String(frames.find((f) => f.type === 'ack')!.chatId);
    await chatB.agentTyping({ type: 'user', id: agent.id, label: 'Ann Agent' }, chatId, true);
    await seen((f) => f.type === 'typing' && f.who === 'agent' && f.name === 'Ann Agent');
    await chatB.reply({ type: 'user', id: agent.id, label: 'Ann Agent' }, chatId, 'Yes, since this morning!');
    await seen((f) => f.type === 'message' && (f.message as { text: string; authorName: string }).text === 'Yes, since this morning!' && (f.message as { authorName: string }).authorName === 'Ann Agent');
    ws.close();
  });
});
