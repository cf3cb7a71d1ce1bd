import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { supportKeys } from './api.ts';
import { reread } from '../../../lib/reread.ts';

export interface LiveEvent {
  type: string;
  ticketId?: string;
  userId?: string;
  name?: string;
  state?: 'viewing' | 'typing' | 'left';
  text?: string;
  [k: string]: unknown;
}

type Listener = (topic: string, e: LiveEvent) => void;

/**
 * One WebSocket per tab to /api/support/live, shared by the inbox's hooks: subscriptions are
 * re-sent after a reconnect (with back-off), so a server restart or a flaky network heals itself.
 */
class LiveSocket {
  private ws: WebSocket | null = null;
  private topics = new Map<string, number>();
  private presence = new Map<string, 'viewing' | 'typing'>();
  private listeners = new Set<Listener>();
  private retry = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private ping: ReturnType<typeof setInterval> | null = null;
  private users = 0;
  connected = false;
  onStatus: ((connected: boolean) => void) | null = null;

  acquire(): void {
    this.users++;
    if (!this.ws) this.open();
  }

  release(): void {
    this.users--;
    if (this.users <= 0) {
      this.users = 0;
      if (this.timer) clearTimeout(this.timer);
      this.ws?.close();
      this.ws = null;
    }
  }

  private open(): void {
    const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/support/live`;
    const ws = new WebSocket(url);
    this.ws = ws;
    ws.onopen = () => {
      this.retry = 0;
      // Proxies close sockets that stay silent for a minute; a ping every 25 s keeps this one open.
      if (this.ping) clearInterval(this.ping);
      this.ping = setInterval(() => this.send({ type: 'ping' }), 25_000);
      this.connected = true;
      this.onStatus?.(true);
      if (this.topics.size) ws.send(JSON.stringify({ type: 'subscribe', topics: [...this.topics.keys()] }));
      for (const [ticketId, state] of this.presence) ws.send(JSON.stringify({ type: 'presence', ticketId, state }));
    };
    ws.onmessage = (m) => {
      try {
        const { topic, event } = JSON.parse(String(m.data)) as { topic: string; event: LiveEvent };
        for (const l of this.listeners) l(topic, event);
      } catch {
        // ignore a frame we cannot read
      }
    };
    ws.onclose = () => {
      if (this.ping) clearInterval(this.ping);
      this.connected = false;
      this.onStatus?.(false);
      if (this.ws !== ws || this.users <= 0) return;
      this.ws = null;
      const delay = Math.min(30_000, 1000 * 2 ** this.retry++);
      this.timer = setTimeout(() => this.users > 0 && this.open(), delay);
    };
  }

  send(msg: unknown): void {
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(msg));
  }

  /** Says this agent views or types on a ticket (re-said after a reconnect), or has left it. */
  setPresence(ticketId: string, state: 'viewing' | 'typing' | 'left'): void {
    if (state === 'left') this.presence.delete(ticketId);
    else this.presence.set(ticketId, state);
    this.send({ type: 'presence', ticketId, state });
  }

  subscribe(topic: string): void {
    const n = this.topics.get(topic) ?? 0;
    this.topics.set(topic, n + 1);
    if (n === 0) this.send({ type: 'subscribe', topics: [topic] });
  }

  unsubscribe(topic: string): void {
    const n = (this.topics.get(topic) ?? 1) - 1;
    if (n <= 0) {
      this.topics.delete(topic);
      this.send({ type: 'unsubscribe', topics: [topic] });
    } else this.topics.set(topic, n);
  }

  listen(l: Listener): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }
}

const live = new LiveSocket();

/** Keeps the inbox fresh: new tickets and messages refetch the lists and counts (debounced). */
export function useInboxLive(): boolean {
  const qc = useQueryClient();
  const [connected, setConnected] = useState(live.connected);
  useEffect(() => {
    live.onStatus = setConnected;
    live.acquire();
    live.subscribe('inbox');
    let t: ReturnType<typeof setTimeout> | null = null;
    const off = live.listen((topic, e) => {
      if (topic === 'inbox' || e.type === 'notification') {
        if (t) clearTimeout(t);
        t = setTimeout(() => {
          void reread(qc, supportKeys.lists);
          void reread(qc, supportKeys.views);
          if (e.type === 'notification') void reread(qc, supportKeys.notifications);
        }, 400);
      }
    });
    return () => {
      off();
      live.unsubscribe('inbox');
      live.release();
      live.onStatus = null;
    };
  }, [qc]);
  return connected;
}

export interface Presence {
  userId: string;
  name: string;
  state: 'viewing' | 'typing';
  at: number;
}

const PRESENCE_TTL = 45_000;
const HEARTBEAT = 20_000;

/**
 * Who else is on this ticket (viewing or typing): the collision warning. Announces this agent's own
 * presence, re-announces every 20 s and when someone new arrives, refetches the ticket on new messages.
 */
export function useTicketPresence(ticketId: string | undefined, me: string): { others: Presence[]; setTyping: (typing: boolean) => void } {
  const qc = useQueryClient();
  const [others, setOthers] = useState<Presence[]>([]);
  const state = useRef<'viewing' | 'typing'>('viewing');
  useEffect(() => {
    if (!ticketId) return;
    const topic = `ticket:${ticketId}`;
    setOthers([]);
    live.acquire();
    live.subscribe(topic);
    const announce = () => live.setPresence(ticketId, state.current);
    announce();
    const known = new Map<string, Presence>();
    const publish = () => setOthers([...known.values()].filter((p) => Date.now() - p.at < PRESENCE_TTL));
    const off = live.listen((t, e) => {
      if (t !== topic) return;
      if (e.type === 'presence' && e.userId && e.userId !== me) {
        if (e.state === 'left') known.delete(e.userId);
        else {
          const fresh = !known.has(e.userId);
          known.set(e.userId, { userId: e.userId, name: e.name ?? 'Someone', state: e.state ?? 'viewing', at: Date.now() });
          // Someone just arrived: tell them we are here too.
          if (fresh) announce();
        }
        publish();
      }
      if (e.type === 'message.created' || e.type === 'ticket.updated' || e.type === 'message.delivery' || e.type === 'ticket.merged') {
        void reread(qc, supportKeys.ticket(ticketId));
      }
    });
    const beat = setInterval(() => { announce(); publish(); }, HEARTBEAT);
    return () => {
      clearInterval(beat);
      off();
      live.setPresence(ticketId, 'left');
      live.unsubscribe(topic);
      live.release();
    };
  }, [ticketId, me, qc]);
  const setTyping = (typing: boolean) => {
    const next = typing ? 'typing' : 'viewing';
    if (next === state.current || !ticketId) return;
    state.current = next;
    live.setPresence(ticketId, next);
  };
  return { others, setTyping };
}
