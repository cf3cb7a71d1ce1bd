import type { Logger } from 'pino';
import type { RawData, WebSocket } from 'ws';
import { ZodError } from 'zod';
import { CHAT_LIMITS, visitorFrame, type ChatMessage, type VisitorFrame } from './chat.schemas.ts';
import { ChatRejected, type ChatService, type Session } from './chat.service.ts';
import type { LiveEvent, LiveHub } from './live.hub.ts';

interface Client {
  socket: WebSocket;
  ip: string | null;
  session: Session | undefined;
  chatId: string | undefined;
  ticketId: string | undefined;
  page: { url?: string | undefined; title?: string | undefined } | undefined;
  lastSeq: number;
  frames: number;
  windowStart: number;
  malformed: number;
  alive: boolean;
  chain: Promise<void>;
}

/** Server → widget frames are small JSON objects with a `type`. */
type Out = { type: string; [k: string]: unknown };

const HELLO_TIMEOUT_MS = 10_000;
const PING_MS = 30_000;

/**
 * The visitors' sockets of this process. Events reach them from the support hub (one subscription for all
 * sockets), so a visitor on this process hears an agent working on another. Bad input (oversize, floods,
 * malformed or forged frames) is answered with an error frame and logged; persistent abuse closes the socket.
 */
export class ChatSockets {
  private readonly service: ChatService;
  private readonly live: LiveHub;
  private readonly log: Logger;
  private readonly byChat = new Map<string, Set<Client>>();
  private readonly byTicket = new Map<string, Set<Client>>();
  private readonly all = new Set<Client>();
  /** Messages per visitor per window, across the visitor's connections to this process. */
  private readonly visitorRate = new Map<string, { n: number; start: number }>();
  private offs: (() => void)[] = [];
  private pinger: NodeJS.Timeout | undefined;

  constructor(service: ChatService, live: LiveHub, log: Logger) {
    this.service = service;
    this.live = live;
    this.log = log;
  }

  get size(): number {
    return this.all.size;
  }

  start(): void {
    this.offs.push(this.live.subscribe('chat:*', (topic, e) => this.onChatEvent(topic.slice(5), e)));
    this.offs.push(this.live.subscribe('ticket:*', (topic, e) => this.onTicketEvent(topic.slice(7), e)));
    this.pinger = setInterval(() => {
      for (const c of this.all) {
        if (!c.alive) { c.socket.terminate(); continue; }
        c.alive = false;
        c.socket.ping();
      }
      const now = Date.now();
      for (const [k, v] of this.visitorRate) if (now - v.start > CHAT_LIMITS.windowMs) this.visitorRate.delete(k);
    }, PING_MS);
    this.pinger.unref();
  }

  stop(): void {
    for (const off of this.offs) off();
    this.offs = [];
    if (this.pinger) clearInterval(this.pinger);
    for (const c of this.all) c.socket.close(1001, 'server stopping');
  }

  /** A new visitor connection: it must say hello (with its token, if it has one) first. */
  accept(socket: WebSocket, ip: string | null): void {
    const c: Client = { socket, ip, session: undefined, chatId: undefined, ticketId: undefined, page: undefined, lastSeq: 0, frames: 0, windowStart: Date.now(), malformed: 0, alive: true, chain: Promise.resolve() };
    this.all.add(c);
    const helloTimer = setTimeout(() => { if (!c.session) socket.close(4408, 'hello expected'); }, HELLO_TIMEOUT_MS);
    socket.on('pong', () => { c.alive = true; });
    socket.on('message', (data, isBinary) => {
      c.alive = true;
      c.chain = c.chain.then(() => this.onFrame(c, data, isBinary)).catch((err: unknown) => {
        this.log.error({ err, ip: c.ip }, 'support chat: frame failed');
        this.send(c, { type: 'error', code: 'server-error', detail: 'That did not work; please try again.' });
      });
    });
    socket.on('close', () => {
      clearTimeout(helloTimer);
      this.all.delete(c);
      this.detach(c);
    });
    socket.on('error', (err) => this.log.debug({ err }, 'support chat: socket error'));
  }

  private async onFrame(c: Client, data: RawData, isBinary: boolean): Promise<void> {
    const size = Array.isArray(data) ? data.reduce((n, b) => n + b.length, 0) : (data as Buffer).byteLength;
    if (!this.allowFrame(c)) return;
    if (isBinary || size > CHAT_LIMITS.maxFrame) {
      this.log.warn({ ip: c.ip, size, visitorId: c.session?.visitor.id }, 'support chat: oversize or binary frame refused');
      return this.bad(c, 'too-large', `Frames are JSON text of at most ${CHAT_LIMITS.maxFrame} bytes; messages at most ${CHAT_LIMITS.maxText} characters.`);
    }
    let frame: VisitorFrame;
    let raw: unknown;
    try {
      raw = JSON.parse(String(data));
      frame = visitorFrame.parse(raw);
    } catch (err) {
      const clientId = raw && typeof raw === 'object' && typeof (raw as { clientId?: unknown }).clientId === 'string' ? (raw as { clientId: string }).clientId.slice(0, 64) : undefined;
      const detail = err instanceof ZodError ? err.issues.map((i) => `${i.path.join('.') || 'frame'} ${i.message}`).join('; ') : 'Frames must be JSON.';
      this.log.warn({ ip: c.ip, visitorId: c.session?.visitor.id, detail }, 'support chat: malformed frame');
      return this.bad(c, 'invalid', detail, clientId);
    }
    if (frame.type === 'ping') return this.send(c, { type: 'pong' });
    if (frame.type === 'hello') return this.hello(c, frame);
    const s = c.session;
    if (!s) return this.bad(c, 'hello-first', 'Send {type:"hello"} first.');
    if (frame.type === 'message' && frame.visitorId !== undefined && frame.visitorId !== s.visitor.id) {
      this.log.warn({ ip: c.ip, visitorId: s.visitor.id, claimed: frame.visitorId }, 'support chat: forged visitor id in a message; refused');
      this.send(c, { type: 'error', code: 'forged-visitor', detail: 'The visitor id does not match this connection.', clientId: frame.clientId });
      c.socket.close(4403, 'forged visitor');
      return;
    }
    switch (frame.type) {
      case 'message': {
        if (!this.allowVisitor(c, frame.clientId)) return;
        const was = c.chatId;
        const mode = s.conversation?.mode;
        const r = await this.service.visitorMessage(s, frame.clientId, frame.text, c.page);
        this.send(c, { type: 'ack', clientId: frame.clientId, chatId: s.conversation?.id, message: r.message, duplicate: r.duplicate });
        await this.follow(c, was);
        for (const m of r.replies) this.deliver(c, m);
        if (s.conversation?.mode !== mode) await this.status(c);
        return;
      }
      case 'handover': {
        if (!this.allowVisitor(c, frame.clientId)) return;
        const was = c.chatId;
        const replies = await this.service.handover(s, 'visitor');
        await this.follow(c, was);
        for (const m of replies) this.deliver(c, m);
        return this.status(c);
      }
      case 'offline': {
        if (!this.allowVisitor(c, frame.clientId)) return;
        const was = c.chatId;
        const r = await this.service.offline(s, frame);
        this.send(c, { type: 'ack', clientId: frame.clientId, chatId: s.conversation?.id, message: r.message });
        await this.follow(c, was);
        for (const m of r.replies) this.deliver(c, m);
        return this.status(c);
      }
      case 'typing':
        return this.service.typing(s, frame.state);
      case 'read':
        return this.service.read(s, frame.seq);
      case 'transcript': {
        if (!this.allowVisitor(c)) return;
        const r = await this.service.transcript(s, frame.email);
        if (r.ok) return this.deliver(c, r.message);
        return this.send(c, { type: 'error', code: r.code, detail: r.detail });
      }
    }
  }

  private async hello(c: Client, f: Extract<VisitorFrame, { type: 'hello' }>): Promise<void> {
    if (c.session) return this.bad(c, 'already-hello', 'This connection already said hello.');
    const settings = await this.service.settings();
    if (!settings.enabled) {
      this.send(c, { type: 'error', code: 'chat-disabled', detail: 'Live chat is turned off for this store.' });
      c.socket.close(4404, 'chat disabled');
      return;
    }
    try {
      c.session = await this.service.hello(f);
    } catch (err) {
      if (!(err instanceof ChatRejected)) throw err;
      this.log.warn({ ip: c.ip, code: err.code, claimed: f.visitorId, conversationId: f.conversationId }, `support chat: ${err.message} Refused.`);
      this.send(c, { type: 'error', code: err.code, detail: err.message });
      c.socket.close(4403, err.code);
      return;
    }
    c.page = f.page;
    const s = c.session;
    this.attach(c);
    const a = await this.service.availability();
    this.send(c, {
      type: 'welcome', token: s.token, visitorId: s.visitor.id, chatId: s.conversation?.id ?? null, mode: s.conversation?.mode ?? null,
      online: a.online, verified: s.visitor.email_verified, email: s.visitor.email, messages: s.messages,
    });
    for (const m of s.messages) c.lastSeq = Math.max(c.lastSeq, m.seq);
  }

  private async status(c: Client): Promise<void> {
    const a = await this.service.availability();
    this.send(c, { type: 'status', online: a.online, mode: c.session?.conversation?.mode ?? null, chatId: c.chatId ?? null });
  }

  /** Follows the session's chat (and its ticket, for agents typing in the inbox). */
  private attach(c: Client): void {
    const conv = c.session?.conversation;
    if (!conv) return;
    if (c.chatId !== conv.id || c.ticketId !== (conv.ticket_id ?? undefined)) {
      this.detach(c);
      c.chatId = conv.id;
      c.ticketId = conv.ticket_id ?? undefined;
      add(this.byChat, c.chatId, c);
      if (c.ticketId) add(this.byTicket, c.ticketId, c);
    }
  }

  /** After a frame that may have started the chat: follow it, and send what was said before we followed (the greeting). */
  private async follow(c: Client, was: string | undefined): Promise<void> {
    this.attach(c);
    if (!was && c.chatId) await this.catchUp(c);
  }

  private detach(c: Client): void {
    if (c.chatId) remove(this.byChat, c.chatId, c);
    if (c.ticketId) remove(this.byTicket, c.ticketId, c);
    c.chatId = undefined;
    c.ticketId = undefined;
  }

  private onChatEvent(chatId: string, e: LiveEvent): void {
    const clients = this.byChat.get(chatId);
    if (!clients) return;
    for (const c of clients) {
      if (e.type === 'message') {
        if (e.truncated) void this.catchUp(c);
        else this.deliver(c, e.message as ChatMessage);
      } else if (e.type === 'typing' && e.who === 'agent') {
        this.send(c, { type: 'typing', who: 'agent', name: e.name, state: e.state });
      } else if (e.type === 'read' && e.who === 'agent') {
        this.send(c, { type: 'read', seq: e.seq });
      } else if (e.type === 'mode' && c.session?.conversation) {
        c.session.conversation = { ...c.session.conversation, mode: e.mode as 'human', ticket_id: (e.ticketId as string | undefined) ?? c.session.conversation.ticket_id };
        this.attach(c);
        this.send(c, { type: 'status', mode: e.mode, chatId });
      }
    }
  }

  /** Agents typing in the inbox announce presence on the ticket's topic. */
  private onTicketEvent(ticketId: string, e: LiveEvent): void {
    if (e.type !== 'presence' || e.visitor) return;
    for (const c of this.byTicket.get(ticketId) ?? []) this.send(c, { type: 'typing', who: 'agent', name: e.name, state: e.state === 'typing' });
  }

  /** A truncated event (too big for NOTIFY) says "refetch": send what this socket has not seen yet. */
  private async catchUp(c: Client): Promise<void> {
    if (!c.chatId) return;
    for (const m of await this.service.messagesAfter(c.chatId, c.lastSeq)) this.deliver(c, m);
  }

  private deliver(c: Client, m: ChatMessage): void {
    c.lastSeq = Math.max(c.lastSeq, m.seq);
    this.send(c, { type: 'message', message: m });
  }

  private send(c: Client, o: Out): void {
    if (c.socket.readyState === c.socket.OPEN) c.socket.send(JSON.stringify(o));
  }

  private bad(c: Client, code: string, detail: string, clientId?: string): void {
    this.send(c, { type: 'error', code, detail, ...(clientId ? { clientId } : {}) });
    if (++c.malformed > CHAT_LIMITS.maxMalformed) {
      this.log.warn({ ip: c.ip, visitorId: c.session?.visitor.id }, 'support chat: too many bad frames; closing');
      c.socket.close(1008, 'too many bad frames');
    }
  }

  /** Any frame: a per-connection budget. Far over it, the connection is closed. */
  private allowFrame(c: Client): boolean {
    const now = Date.now();
    if (now - c.windowStart > CHAT_LIMITS.windowMs) { c.windowStart = now; c.frames = 0; }
    c.frames++;
    if (c.frames <= CHAT_LIMITS.connectionBurst) return true;
    if (c.frames === CHAT_LIMITS.connectionBurst + 1) {
      this.log.warn({ ip: c.ip, visitorId: c.session?.visitor.id }, 'support chat: frame flood; dropping frames');
      this.send(c, { type: 'error', code: 'rate-limited', detail: 'Too many frames; slow down.', retryAfterMs: CHAT_LIMITS.windowMs - (now - c.windowStart) });
    }
    if (c.frames > CHAT_LIMITS.connectionBurst * 3) c.socket.close(1008, 'flood');
    return false;
  }

  /** Messages: a per-visitor budget shared by the visitor's connections (tabs). */
  private allowVisitor(c: Client, clientId?: string): boolean {
    const id = c.session!.visitor.id;
    const now = Date.now();
    let r = this.visitorRate.get(id);
    if (!r || now - r.start > CHAT_LIMITS.windowMs) this.visitorRate.set(id, r = { n: 0, start: now });
    if (++r.n <= CHAT_LIMITS.visitorBurst) return true;
    if (r.n === CHAT_LIMITS.visitorBurst + 1) this.log.warn({ ip: c.ip, visitorId: id }, 'support chat: message flood from a visitor; refusing');
    this.send(c, { type: 'error', code: 'rate-limited', detail: 'You are sending messages too fast; wait a few seconds.', clientId, retryAfterMs: CHAT_LIMITS.windowMs - (now - r.start) });
    return false;
  }
}

function add<T>(m: Map<string, Set<T>>, k: string, v: T): void {
  const s = m.get(k) ?? new Set<T>();
  s.add(v);
  m.set(k, s);
}

function remove<T>(m: Map<string, Set<T>>, k: string, v: T): void {
  const s = m.get(k);
  if (!s) return;
  s.delete(v);
  if (!s.size) m.delete(k);
}
