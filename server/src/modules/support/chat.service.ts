import type { Logger } from 'pino';
import { audit, type Actor } from '../../platform/audit/audit.ts';
import type { Db, Executor, Tx } from '../../platform/db/db.ts';
import { conflict, notFound } from '../../platform/http/problem.ts';
import { newId } from '../../platform/ids.ts';
import { getSetting, getStoreSettings, putSetting } from '../../platform/settings.ts';
import { zoneOr } from '../../platform/zoned.ts';
import type { CustomersModule } from '../customers/index.ts';
import type { Assistant, AssistantTurn } from './assistant.ts';
import { chatRepo, toChatMessage } from './chat.repo.ts';
import { ChatTicketWriter, visitorActor } from './chat.ticket.ts';
import { chatSettingsSchema, type ChatMessage, type ChatSettings, type VisitorFrame } from './chat.schemas.ts';
import type { ChatMessageRow, ConversationRow, VisitorRow } from './chat.tables.ts';
import { newSecret, signVisitor, verifyIdentity, verifyVisitor } from './chat.tokens.ts';
import { Semaphore, transcriptLines, withinHours } from './chat.util.ts';
import type { LiveHub } from './live.hub.ts';
import type { Ticket, TicketMessage } from './tickets.schemas.ts';
import type { TicketService } from './tickets.service.ts';

/** Queues an outbound ticket message for sending by email (the email part's outbox), in the caller's transaction. */
export interface ChatMailer {
  enqueue(tx: Tx, ticket: Ticket, message: TicketMessage): Promise<void>;
}

const MAX_TRANSCRIPTS = 3;
/** Ticket copies written at once per process (see mirror()). */
const MIRRORS = 4;


type Hello = Extract<VisitorFrame, { type: 'hello' }>;
type Secrets = { tokenSecret: string; identitySecret: string };

/** A visitor frame the server refuses on purpose (forged token or id, someone else's chat): logged, never trusted. */
export class ChatRejected extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}


export interface Session {
  visitor: VisitorRow;
  token: string;
  conversation: ConversationRow | undefined;
  messages: ChatMessage[];
}

/**
 * Live chat: visitors (signed tokens, verified or claimed identity), conversations (assistant first, then a
 * person), messages that are ticket messages once a person is involved, offline → email ticket, agents'
 * availability. Realtime fan-out goes through the support hub (topic `chat:<id>`, list updates on `chat:inbox`).
 */
export class ChatService {
  private readonly db: Db;
  private readonly tickets: TicketService;
  private readonly live: LiveHub;
  private readonly assistant: Assistant | undefined;
  private readonly log: Logger;
  private readonly writer: ChatTicketWriter;
  private secretsCache: Secrets | undefined;
  private readonly mirrors = new Semaphore(MIRRORS);
  /** Set when the email part is there: offline chats' replies and transcripts go by email. */
  mailer: ChatMailer | undefined;

  constructor(db: Db, tickets: TicketService, live: LiveHub, assistant: Assistant | undefined, log: Logger, customers: Pick<CustomersModule, 'service' | 'bulk'>) {
    this.db = db;
    this.writer = new ChatTicketWriter(tickets, customers);
    this.tickets = tickets;
    this.live = live;
    this.assistant = assistant;
    this.log = log;
    tickets.onAgentReply((tx, e) => this.deliverAgentReply(tx, e.ticket, e.message));
  }

  // ---- settings and availability ----

  async settings(db: Executor = this.db): Promise<ChatSettings> {
    return chatSettingsSchema.parse((await getSetting(db, 'support_chat')) ?? {});
  }

  async putSettings(actor: Actor, s: ChatSettings): Promise<ChatSettings> {
    await this.db.transaction().execute(async (tx) => {
      const before = await this.settings(tx);
      await putSetting(tx, 'support_chat', s);
      await audit.record(tx, actor, { action: 'support.chat_settings_updated', entityType: 'settings', entityId: 'support_chat', summary: `Live chat ${s.enabled ? 'on' : 'off'}`, before, after: s });
    });
    return s;
  }

  /** What the widget shows before connecting (public: no secrets). */
  async widgetConfig() {
    const [s, a, store] = [await this.settings(), await this.availability(), await getStoreSettings(this.db)];
    return { enabled: s.enabled, color: s.color, title: s.title, greeting: s.greeting, offlineMessage: s.offlineMessage, assistant: s.assistant && !!this.assistant, online: a.online, storeName: store.name };
  }

  /** Signing secrets, made on first use and kept in settings (never sent to a visitor). */
  async secrets(): Promise<Secrets> {
    if (this.secretsCache) return this.secretsCache;
    await this.db.insertInto('settings').values({ key: 'support_chat_secret', value: JSON.stringify({ tokenSecret: newSecret(), identitySecret: newSecret() }), updated_at: new Date() })
      .onConflict((oc) => oc.column('key').doNothing()).execute();
    this.secretsCache = (await getSetting(this.db, 'support_chat_secret')) as Secrets;
    return this.secretsCache;
  }

  /** Whether a person can answer now: chat on, inside business hours (if used) and at least one agent online. */
  async availability(now = new Date()): Promise<{ online: boolean; agentsOnline: number; inHours: boolean }> {
    const s = await this.settings();
    const agentsOnline = await chatRepo.agentsOnline(this.db);
    const inHours = !s.businessHours.enabled || withinHours(s.businessHours, zoneOr((await getStoreSettings(this.db)).timeZone, 'UTC'), now);
    return { online: s.enabled && inHours && agentsOnline > 0, agentsOnline, inHours };
  }

  async setAgentStatus(userId: string, status: 'online' | 'away'): Promise<{ status: 'online' | 'away'; online: boolean; agentsOnline: number }> {
    await chatRepo.setAgent(this.db, userId, status);
    const a = await this.availability();
    await this.live.publish('chat:inbox', { type: 'availability', online: a.online, agentsOnline: a.agentsOnline });
    return { status, online: a.online, agentsOnline: a.agentsOnline };
  }

  // ---- visitors ----

  /**
   * Opens a visitor's session. A token is the only proof of a visitor id: a bad token, or an id or chat
   * claimed without one, is a forgery (ChatRejected). The snippet's ids are kept as claims; an email counts as
   * verified only with the store's identity hash.
   */
  async hello(f: Hello): Promise<Session> {
    const { tokenSecret, identitySecret } = await this.secrets();
    let visitor: VisitorRow | undefined;
    if (f.token !== undefined) {
      const id = verifyVisitor(tokenSecret, f.token);
      if (!id) throw new ChatRejected('forged-token', 'The visitor token was not issued by this server.');
      if (f.visitorId !== undefined && f.visitorId !== id) throw new ChatRejected('forged-visitor', 'The visitor id does not match the token.');
      visitor = await chatRepo.visitor(this.db, id);
    } else if (f.visitorId !== undefined || f.conversationId !== undefined) {
      throw new ChatRejected('forged-visitor', 'A visitor id or chat was claimed without a token.');
    }
    const verified = !!f.email && verifyIdentity(identitySecret, f.email, f.hash);
    if (f.email && f.hash && !verified) this.log.warn({ email: f.email }, 'support chat: identity hash does not match; email ignored');
    const now = new Date();
    if (!visitor) {
      visitor = await chatRepo.insertVisitor(this.db, {
        id: newId(), anonymous_id: f.anonymousId ?? null, user_id: f.userId ?? null, email: verified ? f.email! : null, email_verified: verified,
        name: f.name ?? null, customer_id: null, created_at: now, last_seen_at: now,
      });
    } else {
      const set: Parameters<typeof chatRepo.updateVisitor>[2] = { last_seen_at: now };
      if (verified && (visitor.email !== f.email || !visitor.email_verified)) Object.assign(set, { email: f.email, email_verified: true, customer_id: null });
      if (f.name && !visitor.name) set.name = f.name;
      if (f.anonymousId && !visitor.anonymous_id) set.anonymous_id = f.anonymousId;
      if (f.userId && !visitor.user_id) set.user_id = f.userId;
      visitor = await chatRepo.updateVisitor(this.db, visitor.id, set);
    }
    let conversation: ConversationRow | undefined;
    if (f.conversationId) {
      conversation = await chatRepo.conversation(this.db, f.conversationId);
      if (conversation && conversation.visitor_id !== visitor.id) throw new ChatRejected('forged-conversation', 'That chat belongs to another visitor.');
    }
    conversation ??= await chatRepo.currentConversation(this.db, visitor.id);
    if (conversation?.ticket_id) await this.mirror(visitor, conversation.id).catch((err: unknown) => this.log.error({ err, chatId: conversation!.id }, 'support chat: mirroring to the ticket failed'));
    const messages = conversation ? (await chatRepo.messages(this.db, conversation.id, f.afterSeq ?? 0)).map(toChatMessage) : [];
    return { visitor, token: signVisitor(tokenSecret, visitor.id), conversation, messages };
  }

  /**
   * A visitor's message. Idempotent on the widget's clientId (a resend after a reconnect returns the stored
   * message). While the assistant holds the chat it answers; once a person does, the message is a ticket message.
   */
  async visitorMessage(s: Session, clientId: string, text: string, page?: { url?: string | undefined; title?: string | undefined }): Promise<{ message: ChatMessage; duplicate: boolean; replies: ChatMessage[] }> {
    const conv = s.conversation ?? await this.startConversation(s, page);
    if (conv.mode === 'bot') {
      // With a person the insert below dedupes by itself; here a resend must not reach the assistant twice.
      const seen = await chatRepo.messageByClientId(this.db, conv.id, clientId);
      if (seen) return { message: toChatMessage(seen), duplicate: true, replies: [] };
    }
    if (conv.mode === 'bot' && this.assistant && (await this.settings()).assistant) return this.askAssistant(s, conv, clientId, text);
    if (conv.mode === 'bot') {
      // No assistant: the first message goes straight to a person (or, offline, the widget asks for an email).
      const stored = await this.store(this.db, conv, { client_id: clientId, author_type: 'visitor', body: text });
      if (!(await this.availability()).online) return { message: stored, duplicate: false, replies: [await this.offlinePrompt(conv)] };
      const h = await this.handover(s, 'first message');
      return { message: stored, duplicate: false, replies: h };
    }
    // Fast path: the chat message is stored and announced at once (the agent sees it now); its ticket copy
    // (rules, SLA, timeline, search: the slow part) follows in a second transaction before the ack. A crash
    // in between leaves it unmirrored; the next message or reconnect of the chat mirrors it (mirror()).
    const { row, created } = await this.db.transaction().execute(async (tx) => {
      const r = await chatRepo.insertMessage(tx, { id: newId(), conversation_id: conv.id, client_id: clientId, author_type: 'visitor', author_name: s.visitor.name, body: text, sources: '[]', created_at: new Date() });
      if (r.created) {
        await this.publish(conv.id, { type: 'message', message: toChatMessage(r.row) }, tx);
        // Agents' chat lists show each chat's latest message and order by it: they follow too.
        await this.live.publish('chat:inbox', { type: 'chat.message', chatId: conv.id }, tx);
      }
      return r;
    });
    if (created) await this.mirror(s.visitor, conv.id);
    return { message: toChatMessage(row), duplicate: !created, replies: [] };
  }

  /**
   * Copies the chat's visitor messages that are not on its ticket yet onto it, in order (idempotent). At most
   * MIRRORS at a time per process, so the slow ticket writes never take every pool connection from the fast path.
   */
  async mirror(visitor: VisitorRow, chatId: string): Promise<number> {
    await this.mirrors.acquire();
    try {
      return await this.mirrorNow(visitor, chatId);
    } finally {
      this.mirrors.release();
    }
  }

  private mirrorNow(visitor: VisitorRow, chatId: string): Promise<number> {
    return this.db.transaction().execute(async (tx) => {
      let c = await chatRepo.lockConversation(tx, chatId);
      if (!c?.ticket_id) return 0;
      const pending = await chatRepo.unmirrored(tx, chatId);
      for (const row of pending) c = await this.writer.toTicket(tx, visitor, c, row);
      if (pending.length) await chatRepo.updateConversation(tx, chatId, { last_message_at: pending.at(-1)!.created_at });
      return pending.length;
    });
  }

  /** "Talk to a person": the chat becomes a ticket carrying the whole transcript (assistant turns included). */
  async handover(s: Session, reason: string, opts: { evenIfOffline?: boolean } = {}): Promise<ChatMessage[]> {
    const conv = s.conversation ?? await this.startConversation(s);
    if (conv.mode !== 'bot') return [];
    if (!opts.evenIfOffline && !(await this.availability()).online) return [await this.offlinePrompt(conv)];
    const out = await this.db.transaction().execute(async (tx) => {
      const c = (await chatRepo.lockConversation(tx, conv.id))!;
      if (c.mode !== 'bot') return [];
      const transcript = await chatRepo.messages(tx, c.id, 0, 500);
      const ticketId = await this.writer.openTicket(tx, s.visitor, c, transcript, null);
      const updated = await chatRepo.updateConversation(tx, c.id, { mode: 'human', ticket_id: ticketId });
      s.conversation = updated;
      const sys = await this.store(tx, updated, { author_type: 'system', body: 'You are now chatting with our team. Someone will answer here shortly.', kind: 'handover' });
      await this.live.publish('chat:inbox', { type: 'chat.handover', chatId: c.id, ticketId, reason }, tx);
      await this.publish(c.id, { type: 'mode', chatId: c.id, mode: 'human', ticketId }, tx);
      return [sys];
    });
    return out;
  }

  /** Offline: the visitor's message and email become an email-answered ticket (channel chat). */
  async offline(s: Session, f: Extract<VisitorFrame, { type: 'offline' }>): Promise<{ message: ChatMessage; replies: ChatMessage[] }> {
    const conv = s.conversation ?? await this.startConversation(s);
    const seen = await chatRepo.messageByClientId(this.db, conv.id, f.clientId);
    if (seen) return { message: toChatMessage(seen), replies: [] };
    return this.db.transaction().execute(async (tx) => {
      const c = (await chatRepo.lockConversation(tx, conv.id))!;
      // A typed address is a claim: it matches a profile for the ticket, it never verifies one.
      const visitor = s.visitor.email_verified ? s.visitor : await chatRepo.updateVisitor(tx, s.visitor.id, { email: f.email, name: s.visitor.name ?? f.name ?? null });
      s.visitor = visitor;
      const { row } = await chatRepo.insertMessage(tx, { id: newId(), conversation_id: c.id, client_id: f.clientId, author_type: 'visitor', author_name: visitor.name, body: f.text, sources: '[]', created_at: new Date() });
      let ticketId = c.ticket_id;
      if (ticketId) await this.writer.toTicket(tx, visitor, c, row);
      else ticketId = await this.writer.openTicket(tx, visitor, c, await chatRepo.messages(tx, c.id, 0, 500), f.email);
      const updated = await chatRepo.updateConversation(tx, c.id, { mode: 'offline', ticket_id: ticketId, last_message_at: row.created_at });
      s.conversation = updated;
      const sys = await this.store(tx, updated, { author_type: 'system', body: `Thanks! We will answer by email at ${visitor.email ?? f.email}.`, kind: 'offline' });
      await this.live.publish('chat:inbox', { type: 'chat.offline', chatId: c.id, ticketId }, tx);
      return { message: toChatMessage(row), replies: [sys] };
    });
  }

  /**
   * Emails the chat so far to the visitor (their verified email, else the one given): an outbound email on the
   * chat's ticket, sent by the email part. Only for chats with a ticket; at most 3 per chat.
   */
  async transcript(s: Session, email: string | undefined): Promise<{ ok: true; message: ChatMessage } | { ok: false; code: string; detail: string }> {
    const c = s.conversation ? await chatRepo.conversation(this.db, s.conversation.id) : undefined;
    if (!c?.ticket_id || !this.mailer) return { ok: false, code: 'transcript-unavailable', detail: 'Transcripts can be emailed once you have chatted with our team.' };
    const to = s.visitor.email_verified ? s.visitor.email! : (email ?? s.visitor.email);
    if (!to) return { ok: false, code: 'email-required', detail: 'Say which email address to send the transcript to.' };
    const all = await chatRepo.messages(this.db, c.id, 0, 1000);
    if (all.filter((m) => m.kind === 'transcript').length >= MAX_TRANSCRIPTS) return { ok: false, code: 'rate-limited', detail: `At most ${MAX_TRANSCRIPTS} transcripts per chat.` };
    const store = (await getStoreSettings(this.db)).name;
    const lines = transcriptLines(all, store);
    const message = await this.db.transaction().execute(async (tx) => {
      await this.tickets.addMessage(visitorActor(s.visitor), c.ticket_id!, {
        direction: 'outbound', authorType: 'system', channel: 'email', toAddresses: [to], subject: `Your chat with ${store}`,
        bodyText: `Here is your chat with ${store}.\n\n${lines.join('\n\n')}`, metadata: { chatId: c.id, transcript: true },
      }, tx);
      return this.store(tx, c, { author_type: 'system', body: `Transcript sent to ${to}.`, kind: 'transcript' });
    });
    return { ok: true, message };
  }

  async typing(s: Session, state: boolean): Promise<void> {
    const c = s.conversation;
    if (!c) return;
    const name = s.visitor.name ?? 'Visitor';
    await this.publish(c.id, { type: 'typing', chatId: c.id, who: 'visitor', name, state });
    // In the inbox the visitor shows like a colleague's presence while typing, and leaves when done.
    if (c.ticket_id) await this.live.publish(`ticket:${c.ticket_id}`, { type: 'presence', ticketId: c.ticket_id, userId: `visitor:${s.visitor.id}`, name, state: state ? 'typing' : 'left', visitor: true });
  }

  async read(s: Session, seq: number): Promise<void> {
    if (s.conversation) await this.publish(s.conversation.id, { type: 'read', chatId: s.conversation.id, who: 'visitor', seq });
  }

  async messagesAfter(conversationId: string, afterSeq: number): Promise<ChatMessage[]> {
    return (await chatRepo.messages(this.db, conversationId, afterSeq)).map(toChatMessage);
  }

  // ---- agents ----

  async list(mode: ConversationRow['mode'] | 'all', limit: number) {
    return chatRepo.list(this.db, mode, limit);
  }

  async detail(id: string) {
    const chat = await chatRepo.summary(this.db, id);
    if (!chat) throw notFound(`No chat ${id}.`);
    return { chat, messages: (await chatRepo.messages(this.db, id, 0, 500)).map(toChatMessage) };
  }

  /** An agent's reply from the chat page; the inbox's reply route takes the same path (onAgentReply). */
  async reply(actor: Actor & { id: string }, chatId: string, text: string, clientId?: string): Promise<ChatMessage> {
    const c = await chatRepo.conversation(this.db, chatId);
    if (!c) throw notFound(`No chat ${chatId}.`);
    if (!c.ticket_id) throw conflict('The assistant still has this chat; a person can answer once the visitor asks for one.', 'chat-not-handed-over');
    const res = await this.tickets.addMessage(actor, c.ticket_id, {
      direction: 'outbound', authorType: 'agent', channel: 'chat', bodyText: text, externalId: clientId ? `chat-agent:${chatId}:${clientId}` : undefined,
    });
    const row = await chatRepo.messageByTicketMessage(this.db, res.message.id);
    if (!row) throw conflict('The reply was stored on the ticket but not in the chat.', 'chat-reply-lost');
    if (res.created) await audit.record(this.db, actor, { action: 'support.chat_replied', entityType: 'ticket', entityId: res.ticket.id, summary: `Chat reply on ticket #${res.ticket.number}` });
    return toChatMessage(row);
  }

  /** The agent has read the chat up to `seq`: the widget shows "Seen" under the visitor's messages. */
  async agentRead(chatId: string, seq: number): Promise<void> {
    await this.publish(chatId, { type: 'read', chatId, who: 'agent', seq });
  }

  async agentTyping(actor: Actor & { id: string }, chatId: string, state: boolean): Promise<void> {
    await this.publish(chatId, { type: 'typing', chatId, who: 'agent', name: actor.label, userId: actor.id, state });
  }

  /** onAgentReply: an outbound chat message on a chat's ticket (from here or the inbox) reaches the widget. */
  private async deliverAgentReply(tx: Tx, ticket: Ticket, m: TicketMessage): Promise<void> {
    if (m.channel !== 'chat' || typeof m.metadata.chatMessageId === 'string') return;
    const c = await chatRepo.byTicket(tx, m.ticketId);
    if (!c) return;
    // The visitor left an email and the widget: the answer goes there too.
    if (c.mode === 'offline' && this.mailer) await this.mailer.enqueue(tx, ticket, m);
    const { row, created } = await chatRepo.insertMessage(tx, {
      id: newId(), conversation_id: c.id, client_id: `tm-${m.id}`, author_type: m.authorType === 'agent' ? 'agent' : m.authorType === 'bot' ? 'assistant' : 'system',
      author_user_id: m.authorUserId, author_name: m.authorName, body: m.bodyText, ticket_message_id: m.id, sources: '[]', created_at: new Date(),
    });
    if (!created) return;
    await chatRepo.updateConversation(tx, c.id, { last_message_at: row.created_at });
    await this.publish(c.id, { type: 'message', message: toChatMessage(row) }, tx);
    await this.live.publish('chat:inbox', { type: 'chat.message', chatId: c.id }, tx);
  }

  // ---- internals ----

  private async startConversation(s: Session, page?: { url?: string | undefined; title?: string | undefined }): Promise<ConversationRow> {
    const c = await chatRepo.insertConversation(this.db, { id: newId(), visitor_id: s.visitor.id, mode: 'bot', page_url: page?.url ?? null, page_title: page?.title ?? null });
    s.conversation = c;
    const settings = await this.settings();
    if (settings.greeting) await this.store(this.db, c, { author_type: 'system', body: settings.greeting, kind: 'greeting' });
    await this.live.publish('chat:inbox', { type: 'chat.started', chatId: c.id });
    return c;
  }

  private async askAssistant(s: Session, conv: ConversationRow, clientId: string, text: string) {
    const stored = await this.store(this.db, conv, { client_id: clientId, author_type: 'visitor', body: text });
    const history = await chatRepo.messages(this.db, conv.id, 0, 50);
    const conversation: AssistantTurn[] = history.filter((m) => m.id !== stored.id && m.author_type !== 'system')
      .map((m) => ({ role: m.author_type === 'visitor' ? 'visitor' : m.author_type === 'agent' ? 'agent' : 'assistant', text: m.body, kind: m.kind ?? undefined }));
    let answer;
    try {
      answer = await this.assistant!.answer({
        question: text, conversation,
        visitor: { id: s.visitor.id, email: s.visitor.email_verified ? s.visitor.email : null, customerId: s.visitor.email_verified ? s.visitor.customer_id : null, pageUrl: conv.page_url, pageTitle: conv.page_title },
      });
    } catch (err) {
      this.log.error({ err, chatId: conv.id }, 'support chat: assistant failed; handing over');
      answer = { kind: 'handover' as const, text: 'Let me get a person to help you.', sources: [] };
    }
    const reply = await this.store(this.db, conv, { author_type: 'assistant', author_name: 'Assistant', body: answer.text, kind: answer.kind, sources: JSON.stringify(answer.sources) });
    const replies = [reply];
    if (answer.kind === 'handover') replies.push(...await this.handover(s, 'assistant'));
    return { message: stored, duplicate: false, replies };
  }

  private async offlinePrompt(conv: ConversationRow): Promise<ChatMessage> {
    const s = await this.settings();
    return this.store(this.db, conv, { author_type: 'system', body: s.offlineMessage, kind: 'offline-form' });
  }

  /** Stores a chat message and publishes it to the chat's topic. */
  private async store(db: Executor, c: ConversationRow, m: { client_id?: string; author_type: ChatMessageRow['author_type']; author_name?: string | null; body: string; kind?: string | null; sources?: string }): Promise<ChatMessage> {
    const { row } = await chatRepo.insertMessage(db, {
      id: newId(), conversation_id: c.id, client_id: m.client_id ?? null, author_type: m.author_type, author_name: m.author_name ?? null,
      body: m.body, kind: m.kind ?? null, sources: m.sources ?? '[]', created_at: new Date(),
    });
    await chatRepo.updateConversation(db, c.id, { last_message_at: row.created_at });
    const message = toChatMessage(row);
    await this.publish(c.id, { type: 'message', message }, db);
    return message;
  }

  private publish(chatId: string, event: { type: string; [k: string]: unknown }, db?: Executor): Promise<void> {
    return this.live.publish(`chat:${chatId}`, { chatId, ...event }, db);
  }
}
