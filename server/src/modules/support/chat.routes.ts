import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import websocket from '@fastify/websocket';
import type { FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import { z } from 'zod';
import { actorOf, baseUrl, personOf } from '../../platform/http/context.ts';
import type { ZodApp } from '../../platform/http/server.ts';
import {
  agentReplyBody, agentStatusBody, agentStatusView, agentTypingBody, CHAT_LIMITS, chatDetailSchema, chatListQuery, chatMessageSchema,
  chatSettingsBody, chatSettingsView, chatSummarySchema, widgetConfigSchema,
} from './chat.schemas.ts';
import type { ChatService } from './chat.service.ts';
import type { ChatSockets } from './chat.socket.ts';

const SDK_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../sdk');
export const CHAT_SCRIPT_PATH = '/sdk/chat.js';
export const CHAT_SOCKET_PATH = '/chat/ws';
const tags = ['Support'];
const idParam = z.strictObject({ id: z.guid({ error: 'must be a UUID' }) });
const CORS = { 'access-control-allow-origin': '*', 'cache-control': 'public, max-age=30' };

/** The copy-paste install snippet: loads the widget asynchronously from this server. */
export function chatSnippet(scriptUrl: string): string {
  return `<script>\n(function(w,d){var s=d.createElement('script');s.async=true;s.src=${JSON.stringify(scriptUrl)};d.head.appendChild(s);})(window,document);\n</script>\n`
    + '<!-- Optional, for a logged-in shopper: window.patronChatSettings = { email: "…", name: "…", hash: "<HMAC-SHA256 of the email with your identity secret>" }; -->\n';
}

/** The widget script, its config, the visitors' socket, settings, and the agents' chat API. */
export function chatRoutes(app: ZodApp, deps: { chat: ChatService; sockets: ChatSockets; publicUrl: string | undefined }): void {
  const { chat, sockets } = deps;
  const script = fs.readFileSync(path.join(SDK_DIR, 'chat.js'));
  const etag = `"${createHash('sha256').update(script).digest('base64url').slice(0, 27)}"`;
  app.get(CHAT_SCRIPT_PATH, { config: { access: 'public' }, schema: { hide: true } }, async (req, reply) => {
    reply.header('cache-control', 'public, max-age=3600, stale-while-revalidate=86400').header('etag', etag)
      .header('x-content-type-options', 'nosniff').header('access-control-allow-origin', '*');
    if (req.headers['if-none-match'] === etag) return reply.code(304).send();
    return reply.type('text/javascript; charset=utf-8').send(script);
  });

  app.get('/api/public/support/chat/config', {
    config: { access: 'public', rateLimit: { max: 120, timeWindow: '1 minute' } },
    schema: { tags, summary: 'What the chat widget shows before connecting: colours, texts, whether a person is online', response: { 200: widgetConfigSchema } },
  }, async (_req, reply) => reply.headers(CORS).send(await chat.widgetConfig()));

  // The socket plugin is registered once on the app by the tickets part; this stands in if it is not there.
  app.register(async (i) => {
    if (!i.hasDecorator('websocketServer')) await i.register(websocket, { options: { maxPayload: 64 * 1024 } });
    i.get(CHAT_SOCKET_PATH, {
      websocket: true, config: { access: 'public', rateLimit: { max: 300, timeWindow: '1 minute' } },
      schema: { tags, summary: `Visitors' chat socket (WebSocket, JSON frames ≤ ${CHAT_LIMITS.maxFrame} bytes); see docs/support.md`, hide: true },
    }, (socket: WebSocket, req: FastifyRequest) => sockets.accept(socket, req.ip ?? null));
  });

  const settingsView = async (req: FastifyRequest) => {
    const base = baseUrl(req, deps.publicUrl);
    const [s, secrets, a] = [await chat.settings(), await chat.secrets(), await chat.availability()];
    const scriptUrl = `${base}${CHAT_SCRIPT_PATH}`;
    return { ...s, scriptUrl, snippet: chatSnippet(scriptUrl), identitySecret: secrets.identitySecret, online: a.online, agentsOnline: a.agentsOnline };
  };
  app.get('/api/support/chat/settings', {
    config: { access: 'settings:write' },
    schema: { tags, summary: 'Live chat settings, the install snippet and the identity-verification secret', response: { 200: chatSettingsView } },
  }, async (req) => settingsView(req));

  app.put('/api/support/chat/settings', {
    config: { access: 'settings:write' },
    schema: { tags, summary: 'Turn live chat on or off; colours, texts, assistant, business hours', body: chatSettingsBody, response: { 200: chatSettingsView } },
  }, async (req) => {
    await chat.putSettings(actorOf(req), req.body);
    return settingsView(req);
  });

  app.get('/api/support/chat/status', {
    config: { access: 'support:read' },
    schema: { tags, summary: 'Whether visitors can reach a person now', response: { 200: agentStatusView.omit({ status: true }) } },
  }, async () => {
    const a = await chat.availability();
    return { online: a.online, agentsOnline: a.agentsOnline };
  });

  app.put('/api/support/chat/status', {
    config: { access: 'support:read' },
    schema: { tags, summary: 'The calling agent is online (the chat page repeats this every 30 s) or away', body: agentStatusBody, response: { 200: agentStatusView } },
  }, async (req) => chat.setAgentStatus(personOf(req).userId, req.body.status));

  app.get('/api/support/chats', {
    config: { access: 'support:read' },
    schema: { tags, summary: 'Chats, latest activity first (default: those with a person)', querystring: chatListQuery, response: { 200: z.object({ items: z.array(chatSummarySchema) }) } },
  }, async (req) => ({ items: await chat.list(req.query.mode, req.query.limit) }));

  app.get('/api/support/chats/:id', {
    config: { access: 'support:read' },
    schema: { tags, summary: 'A chat with its messages (the assistant\'s included)', params: idParam, response: { 200: chatDetailSchema } },
  }, async (req) => chat.detail(req.params.id));

  app.post('/api/support/chats/:id/messages', {
    config: { access: 'support:write' },
    schema: { tags, summary: 'Reply in a chat (also a ticket message); retry-safe with clientId', params: idParam, body: agentReplyBody, response: { 201: chatMessageSchema } },
  }, async (req, reply) => reply.status(201).send(await chat.reply(personOf(req).actor, req.params.id, req.body.text, req.body.clientId)));

  app.post('/api/support/chats/:id/read', {
    config: { access: 'support:read' },
    schema: { tags, summary: 'The agent has read the chat up to a message (read receipt in the widget)', params: idParam, body: z.strictObject({ seq: z.number().int().min(0) }), response: { 204: z.null() } },
  }, async (req, reply) => {
    await chat.agentRead(req.params.id, req.body.seq);
    return reply.status(204).send(null);
  });

  app.post('/api/support/chats/:id/typing', {
    config: { access: 'support:write' },
    schema: { tags, summary: 'The agent is typing (or stopped): shown in the widget', params: idParam, body: agentTypingBody, response: { 204: z.null() } },
  }, async (req, reply) => {
    await chat.agentTyping(personOf(req).actor, req.params.id, req.body.state);
    return reply.status(204).send(null);
  });
}
