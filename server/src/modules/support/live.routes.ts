import type { FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import { z } from 'zod';
import { forbidden } from '../../platform/http/problem.ts';
import type { ZodApp } from '../../platform/http/server.ts';
import type { LiveEvent, LiveHub } from './live.hub.ts';

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
/** Topics an agent's socket may follow (its own `user:<id>` too). */
const TOPIC = new RegExp(`^(inbox|ticket:${UUID}|team:${UUID}|chat:[\\w-]{1,64})$`, 'i');
const MAX_TOPICS = 100;

const clientMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('subscribe'), topics: z.array(z.string().max(80)).max(MAX_TOPICS) }),
  z.object({ type: z.literal('unsubscribe'), topics: z.array(z.string().max(80)).max(MAX_TOPICS) }),
  z.object({ type: z.literal('presence'), ticketId: z.string().regex(new RegExp(`^${UUID}$`, 'i')), state: z.enum(['viewing', 'typing', 'left']) }),
  z.object({ type: z.literal('ping') }),
]);

/** A browser page of another site must not open an agent's socket with the agent's cookie. */
export function sameOrigin(req: Pick<FastifyRequest, 'headers'>, publicUrl?: string): boolean {
  const origin = req.headers.origin;
  if (!origin) return true;
  try {
    const host = new URL(origin).host;
    return host === req.headers.host || (!!publicUrl && host === new URL(publicUrl).host);
  } catch {
    return false;
  }
}

/**
 * The agents' WebSocket: subscribe to topics (inbox, ticket:<id>, user:<own id>), announce presence
 * (viewing / typing a ticket: the collision warning). Events come from the hub, so an agent on one API
 * process sees what happened on another.
 */
export function liveRoutes(app: ZodApp, live: LiveHub, publicUrl?: string): void {
  app.get('/api/support/live', { websocket: true, config: { access: 'support:read' }, preValidation: async (req) => {
    if (req.principal?.kind !== 'user') throw forbidden('The live socket is for people logged in to Patron, not API keys.');
    assertSameOrigin(req, publicUrl);
  }, schema: { tags: ['Support'], summary: 'Agents\' realtime socket (WebSocket): new tickets and messages, presence, notifications', hide: true } },
    (socket: WebSocket, req: FastifyRequest) => {
      const p = req.principal;
      if (p?.kind !== 'user') return socket.close(1008, 'agents only');
      const me = { userId: p.userId, name: p.name || p.email };
      const subs = new Map<string, () => void>();
      const viewing = new Set<string>();
      const send = (topic: string, event: LiveEvent) => {
        if (socket.readyState === socket.OPEN) socket.send(JSON.stringify({ topic, event }));
      };
      const follow = (topic: string) => {
        if (subs.has(topic) || subs.size >= MAX_TOPICS) return;
        subs.set(topic, live.subscribe(topic, send));
      };
      follow(`user:${me.userId}`);
      const presence = (ticketId: string, state: 'viewing' | 'typing' | 'left') =>
        live.publish(`ticket:${ticketId}`, { type: 'presence', ticketId, userId: me.userId, name: me.name, state }).catch((err: unknown) => req.log.warn({ err }, 'presence publish failed'));

      socket.on('message', (data) => {
        let msg: z.infer<typeof clientMessage>;
        try {
          msg = clientMessage.parse(JSON.parse(String(data)));
        } catch {
          send('error', { type: 'error', detail: 'Send JSON: {type:"subscribe"|"unsubscribe", topics:[…]} or {type:"presence", ticketId, state}.' });
          return;
        }
        if (msg.type === 'ping') return send('pong', { type: 'pong' });
        if (msg.type === 'subscribe') {
          for (const t of msg.topics) if (TOPIC.test(t)) follow(t.toLowerCase());
          // From here on the socket hears these topics: a client reads its lists again now, so nothing
          // that happened before (or while it reconnected) is missed.
          return send('subscribed', { type: 'subscribed', topics: msg.topics.filter((t) => subs.has(t.toLowerCase())) });
        }
        if (msg.type === 'unsubscribe') {
          for (const t of msg.topics) {
            subs.get(t.toLowerCase())?.();
            subs.delete(t.toLowerCase());
          }
          return;
        }
        const id = msg.ticketId.toLowerCase();
        if (msg.state === 'left') viewing.delete(id);
        else viewing.add(id);
        void presence(id, msg.state);
      });
      socket.on('close', () => {
        for (const off of subs.values()) off();
        subs.clear();
        for (const id of viewing) void presence(id, 'left');
      });
      send('hello', { type: 'hello', userId: me.userId });
    });
}

/** Origin-checked access for the socket (exported for tests). */
export function assertSameOrigin(req: Pick<FastifyRequest, 'headers'>, publicUrl?: string): void {
  if (!sameOrigin(req, publicUrl)) throw forbidden('This socket only accepts connections from Patron\'s own pages.', 'origin-not-allowed');
}
