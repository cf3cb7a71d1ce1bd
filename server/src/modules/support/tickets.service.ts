import { randomBytes } from 'node:crypto';
import type { Activities } from '../../platform/activities/activities.ts';
import { SYSTEM_ACTOR, type Actor } from '../../platform/audit/audit.ts';
import type { Db, Executor, Tx } from '../../platform/db/db.ts';
import { badRequest, conflict, notFound } from '../../platform/http/problem.ts';
import { newId } from '../../platform/ids.ts';
import { claimKey, normaliseClaims, type CustomersModule, type IdentityClaim } from '../customers/index.ts';
import type { LiveHub } from './live.hub.ts';
import { normTags, previewOf, safeHtml, toMessage, toTicket } from './tickets.map.ts';
import { ticketsRepo } from './tickets.repo.ts';
import type { Ticket, TicketDetail, TicketMessage } from './tickets.schemas.ts';
import { DONE_STATUSES, type MessageRow, type TicketChannel, type TicketRow, type TicketStatus } from './tickets.tables.ts';
import type { ChangedEvent, CreatedEvent, Listener, MessageEvent, NewMessage, NewTicket, Requester, TicketChange } from './tickets.types.ts';

export type { ChangedEvent, CreatedEvent, MessageEvent, NewMessage, NewTicket, Requester, TicketChange } from './tickets.types.ts';

export const CHANNEL_SOURCE: Record<TicketChannel, string> = { email: 'email', chat: 'chat', form: 'form', phone: 'ui', social: 'social', api: 'api' };

/**
 * The ticket core: tickets and their messages from every channel, the requester's profile found or
 * created through the customers module, each message on the customer's timeline, status and assignment,
 * realtime events. Other support parts build on it (see /docs/support.md and the support-core notes).
 */
export class TicketService {
  private readonly db: Db;
  private readonly activities: Activities;
  private readonly customers: Pick<CustomersModule, 'service' | 'bulk'>;
  readonly live: LiveHub;
  private readonly created: Listener<CreatedEvent>[] = [];
  private readonly messageAdded: Listener<MessageEvent>[] = [];
  private readonly agentReply: Listener<MessageEvent>[] = [];
  private readonly changed: Listener<ChangedEvent>[] = [];

  constructor(db: Db, activities: Activities, customers: Pick<CustomersModule, 'service' | 'bulk'>, live: LiveHub) {
    this.db = db;
    this.activities = activities;
    this.customers = customers;
    this.live = live;
  }

  /** After a ticket is created (in its transaction): rules, SLA. */
  onTicketCreated(l: Listener<CreatedEvent>): void { this.created.push(l); }
  /** After a message is added to an existing ticket (any direction), in its transaction. */
  onMessageAdded(l: Listener<MessageEvent>): void { this.messageAdded.push(l); }
  /** After an outbound message (agent reply, rule auto-reply, bot) is stored on an existing ticket, in its transaction: the email part enqueues sending here. */
  onAgentReply(l: Listener<MessageEvent>): void { this.agentReply.push(l); }
  /** After status, assignment, priority, tags, fields or subject changed, in its transaction. */
  onTicketChanged(l: Listener<ChangedEvent>): void { this.changed.push(l); }

  /** Runs `fn` in `tx` when given, else in a new transaction. */
  inTx<T>(tx: Tx | undefined, fn: (tx: Tx) => Promise<T>): Promise<T> {
    return tx ? fn(tx) : this.db.transaction().execute(fn);
  }

  /**
   * Finds the requester's customer profile by email, social handle or phone (in that order), or creates one.
   * A sender's address is not proof of who they are, so support never merges profiles and never marks an
   * identity verified: it attaches the conversation to the profile that owns the address, as every helpdesk does.
   */
  async resolveRequester(tx: Tx, r: Requester, source: string, actor: Actor): Promise<string> {
    if (r.customerId) {
      try {
        return await this.customers.service.liveId(tx, r.customerId);
      } catch {
        throw badRequest(`No customer ${r.customerId}.`, [{ pointer: '/body/requester/customerId', detail: 'is not a customer' }]);
      }
    }
    const raw: IdentityClaim[] = [];
    if (r.email) raw.push({ kind: 'email', value: r.email });
    if (r.handle) raw.push({ kind: 'external', source: `social:${r.handle.network.toLowerCase()}`, value: r.handle.id });
    if (r.phone) raw.push({ kind: 'phone', value: r.phone });
    const claims = normaliseClaims(raw);
    if (!claims.length) throw badRequest('Say who the ticket is from: a valid email address, a phone number, a social handle or a customer id.', [{ pointer: '/body/requester', detail: 'needs a valid email, phone, handle or customerId' }]);
    await this.customers.bulk.lockClaims(tx, claims);
    const found = await this.customers.bulk.findLive(tx, claims);
    for (const c of claims) {
      const id = found.get(claimKey(c));
      if (id) return id;
    }
    const name = r.name?.trim() && !r.name.includes('@') ? r.name.trim() : '';
    const [first, ...rest] = name.split(/\s+/);
    const profile = name ? { firstName: first || null, lastName: rest.join(' ') || null } : undefined;
    const res = await this.customers.service.resolve(tx, { identities: claims, profile, source, actor });
    return res.customerId;
  }

  /**
   * Creates a ticket with its first message. Idempotent on the message's (channel, externalId): a retry
   * returns the ticket made the first time with `created: false`.
   */
  async createTicket(actor: Actor, input: NewTicket, tx?: Tx): Promise<{ ticket: Ticket; message: TicketMessage; created: boolean }> {
    return this.inTx(tx, async (tx) => {
      if (input.message.externalId) {
        const seen = await ticketsRepo.byExternalId(tx, input.channel, input.message.externalId);
        if (seen) return { ticket: await this.get(seen.ticket_id, tx), message: await this.message(seen.id, tx), created: false };
      }
      const source = input.source ?? CHANNEL_SOURCE[input.channel];
      const customerId = await this.resolveRequester(tx, input.requester, source, actor);
      if (input.teamId && !(await ticketsRepo.teamExists(tx, input.teamId))) throw badRequest(`No team ${input.teamId}.`, [{ pointer: '/body/teamId', detail: 'is not a team' }]);
      if (input.assigneeId && !(await ticketsRepo.activeUserIds(tx, [input.assigneeId])).length) throw badRequest(`No active user ${input.assigneeId}.`, [{ pointer: '/body/assigneeId', detail: 'is not an active user' }]);
      const at = input.message.createdAt ?? new Date();
      const subject = input.subject.trim().slice(0, 500) || previewOf(input.message.bodyText, 80) || '(no subject)';
      const row = await ticketsRepo.insertTicket(tx, {
        id: newId(), subject, status: input.status ?? (input.assigneeId ? 'open' : 'new'), priority: input.priority ?? 'normal', channel: input.channel,
        customer_id: customerId, requester_name: input.requester.name?.trim() || null, requester_email: input.requester.email?.trim().toLowerCase() || null,
        requester_phone: input.requester.phone?.trim() || null, requester_handle: input.requester.handle ? `${input.requester.handle.network}:${input.requester.handle.id}` : null,
        assignee_id: input.assigneeId ?? null, team_id: input.teamId ?? null, tags: normTags(input.tags ?? []), custom_fields: JSON.stringify(input.customFields ?? {}),
        language: input.language ?? null, reply_token: randomBytes(10).toString('hex'), merged_into: null, follow_up_of: input.followUpOf ?? null, external_thread: input.externalThread ?? null,
        last_message_at: at, last_customer_message_at: null, first_response_at: null, last_agent_reply_at: null, solved_at: null, closed_at: null,
        sla_policy_id: null, sla_first_response_due_at: null, sla_resolution_due_at: null, sla_due_at: null, created_at: at, updated_at: at,
      });
      await ticketsRepo.addSearchText(tx, row.id, `${subject} ${input.requester.email ?? ''} ${input.requester.name ?? ''}`);
      await this.event(tx, row.id, 'created', actor, { channel: input.channel, followUpOf: input.followUpOf ?? null }, at);
      await this.activities.append(tx, [{ customerId, type: 'Ticket Created', source, occurredAt: at, dedupeKey: `ticket-created:${row.id}`, properties: { ticketId: row.id, number: row.number, subject, channel: input.channel } }]);
      const message = await this.storeMessage(tx, row, { ...input.message, channel: input.channel }, actor, customerId, { activity: false });
      const ticket = await this.get(row.id, tx);
      await this.live.publish('inbox', { type: 'ticket.created', ticketId: ticket.id, number: ticket.number, subject: ticket.subject, assigneeId: ticket.assigneeId, teamId: ticket.teamId }, tx);
      for (const l of this.created) await l(tx, { ticket, message, actor });
      if (message.direction === 'outbound') for (const l of this.agentReply) await l(tx, { ticket, message, actor });
      return { ticket: await this.get(row.id, tx), message, created: true };
    });
  }

  /**
   * Adds a message to a ticket. A customer writing to a solved ticket reopens it; to a closed one starts a
   * follow-up ticket (returned as `ticket`); to a merged one lands on the ticket it was merged into.
   * An agent's reply records the first response and is handed to `onAgentReply` listeners (sending).
   * Idempotent on (channel, externalId).
   */
  async addMessage(actor: Actor, ticketId: string, input: NewMessage, tx?: Tx): Promise<{ ticket: Ticket; message: TicketMessage; created: boolean }> {
    return this.inTx(tx, async (tx) => {
      let row = await this.liveTicket(tx, ticketId);
      const channel = input.channel ?? row.channel;
      if (input.externalId) {
        const seen = await ticketsRepo.byExternalId(tx, channel, input.externalId);
        if (seen) return { ticket: await this.get(seen.ticket_id, tx), message: await this.message(seen.id, tx), created: false };
      }
      if (input.direction === 'inbound' && row.status === 'closed') {
        const follow = await this.createTicket(actor, {
          channel, subject: row.subject, requester: { customerId: row.customer_id, email: row.requester_email, name: row.requester_name },
          message: input, followUpOf: row.id, priority: row.priority, tags: row.tags, teamId: row.team_id,
        }, tx);
        return follow;
      }
      const message = await this.storeMessage(tx, row, { ...input, channel }, actor, row.customer_id, { activity: true });
      row = (await ticketsRepo.lock(tx, row.id))!;
      const ticket = await this.get(row.id, tx);
      const e = { ticket, message, actor };
      for (const l of this.messageAdded) await l(tx, e);
      if (input.direction === 'outbound') for (const l of this.agentReply) await l(tx, e);
      return { ticket: await this.get(row.id, tx), message, created: true };
    });
  }

  private async storeMessage(tx: Tx, t: TicketRow, m: NewMessage & { channel: TicketChannel }, actor: Actor, customerId: string, opts: { activity: boolean }): Promise<TicketMessage> {
    const at = m.createdAt ?? new Date();
    const bodyText = m.bodyText.slice(0, 200_000);
    const mentions = m.direction === 'internal' ? await ticketsRepo.activeUserIds(tx, [...new Set(m.mentions ?? [])]) : [];
    const authorUserId = m.authorUserId ?? (m.authorType === 'agent' && actor.type === 'user' ? actor.id : null);
    const names = authorUserId && !m.authorName ? await ticketsRepo.userNames(tx, [authorUserId]) : new Map<string, string>();
    const row = await ticketsRepo.insertMessage(tx, {
      id: newId(), ticket_id: t.id, direction: m.direction, channel: m.channel, author_type: m.authorType, author_user_id: authorUserId,
      author_customer_id: m.authorType === 'customer' ? customerId : null,
      author_name: m.authorName ?? (authorUserId ? (names.get(authorUserId) ?? null) : m.authorType === 'customer' ? t.requester_name : null),
      from_address: m.fromAddress ?? null, to_addresses: m.toAddresses ?? [], cc_addresses: m.ccAddresses ?? [], subject: m.subject ?? null,
      body_text: bodyText, body_html: m.bodyHtml ? safeHtml(m.bodyHtml) : null, message_id_header: m.messageIdHeader ?? null,
      in_reply_to: m.inReplyTo ?? null, references: m.references ?? [], external_id: m.externalId ?? null, mentions,
      delivery_status: m.direction === 'outbound' ? (m.deliveryStatus ?? (m.channel === 'email' ? 'pending' : 'sent')) : null,
      delivery_error: null, sent_at: m.direction === 'outbound' && m.channel !== 'email' ? at : null,
      metadata: JSON.stringify(m.metadata ?? {}), created_at: at,
    });
    const set: Parameters<typeof ticketsRepo.update>[2] = { message_count: t.message_count + 1 };
    if (m.direction !== 'internal') {
      set.preview = previewOf(bodyText);
      if (at >= t.last_message_at) set.last_message_at = at;
    }
    if (m.direction === 'inbound') {
      set.last_customer_message_at = at;
      if (t.status === 'solved' || t.status === 'pending' || t.status === 'on_hold') set.status = 'open';
      if (t.status === 'solved') set.solved_at = null;
    }
    if (m.direction === 'outbound' && m.authorType === 'agent') {
      set.last_agent_reply_at = at;
      if (!t.first_response_at) set.first_response_at = at;
      if (t.status === 'new') set.status = 'open';
    }
    await ticketsRepo.update(tx, t.id, set);
    if (set.status && set.status !== t.status) await this.event(tx, t.id, 'status', actor, { from: t.status, to: set.status, reason: 'message' }, at);
    if (m.direction !== 'internal') await ticketsRepo.addSearchText(tx, t.id, `${m.subject ?? ''} ${bodyText}`);
    if (opts.activity && m.direction !== 'internal') {
      const type = m.direction === 'inbound' ? 'Ticket Message Received' : 'Ticket Replied';
      await this.activities.append(tx, [{ customerId, type, source: CHANNEL_SOURCE[m.channel], occurredAt: at, dedupeKey: `ticket-message:${row.id}`, properties: { ticketId: t.id, number: t.number, messageId: row.id, channel: m.channel, authorType: m.authorType, snippet: previewOf(bodyText, 140) } }]);
    }
    for (const userId of mentions) {
      const text = `${actor.label} mentioned you on ticket #${t.number}: ${previewOf(bodyText, 120)}`;
      await ticketsRepo.notify(tx, { userId, type: 'mention', ticketId: t.id, messageId: row.id, text, at });
      await this.live.publish(`user:${userId}`, { type: 'notification', kind: 'mention', ticketId: t.id, messageId: row.id, text }, tx);
    }
    const message = toMessage(row);
    await this.live.publish(`ticket:${t.id}`, { type: 'message.created', ticketId: t.id, messageId: row.id, direction: m.direction, authorName: row.author_name, preview: previewOf(bodyText, 140) }, tx);
    if (m.direction !== 'internal') await this.live.publish('inbox', { type: 'ticket.updated', ticketId: t.id, reason: 'message', direction: m.direction }, tx);
    return message;
  }

  /**
   * Changes status, priority, subject, tags, assignee, team, custom fields or language; records each change
   * as a ticket event, `Ticket Solved` on the customer's timeline when solved, and notifies listeners.
   */
  async change(actor: Actor, ticketId: string, c: TicketChange, tx?: Tx): Promise<Ticket> {
    return this.inTx(tx, async (tx) => {
      const row = await this.liveTicket(tx, ticketId);
      const before = await this.get(row.id, tx);
      const set: Parameters<typeof ticketsRepo.update>[2] = {};
      const changed: (keyof TicketChange)[] = [];
      const now = new Date();
      if (c.status && c.status !== row.status) {
        if (row.status === 'closed') throw conflict(`Ticket #${row.number} is closed; start a follow-up ticket instead.`, 'ticket-closed');
        set.status = c.status;
        changed.push('status');
        if (c.status === 'solved') set.solved_at = now;
        if (c.status === 'closed') { set.closed_at = now; if (!row.solved_at) set.solved_at = now; }
        if (!DONE_STATUSES.includes(c.status)) set.solved_at = null;
        await this.event(tx, row.id, 'status', actor, { from: row.status, to: c.status });
      }
      if (c.priority && c.priority !== row.priority) { set.priority = c.priority; changed.push('priority'); await this.event(tx, row.id, 'priority', actor, { from: row.priority, to: c.priority }); }
      if (c.subject !== undefined && c.subject.trim() && c.subject.trim() !== row.subject) { set.subject = c.subject.trim().slice(0, 500); changed.push('subject'); }
      if (c.language !== undefined && c.language !== row.language) { set.language = c.language; changed.push('language'); }
      if (c.tags || c.addTags || c.removeTags) {
        const remove = new Set(normTags(c.removeTags ?? []));
        const tags = normTags([...(c.tags ?? row.tags), ...(c.addTags ?? [])]).filter((t) => !remove.has(t));
        if (tags.join('\u0000') !== row.tags.join('\u0000')) { set.tags = tags; changed.push('tags'); await this.event(tx, row.id, 'tags', actor, { from: row.tags, to: tags }); }
      }
      if (c.teamId !== undefined && c.teamId !== row.team_id) {
        if (c.teamId && !(await ticketsRepo.teamExists(tx, c.teamId))) throw badRequest(`No team ${c.teamId}.`, [{ pointer: '/body/teamId', detail: 'is not a team' }]);
        set.team_id = c.teamId; changed.push('teamId');
        await this.event(tx, row.id, 'team', actor, { from: row.team_id, to: c.teamId });
      }
      if (c.assigneeId !== undefined && c.assigneeId !== row.assignee_id) {
        if (c.assigneeId && !(await ticketsRepo.activeUserIds(tx, [c.assigneeId])).length) throw badRequest(`No active user ${c.assigneeId}.`, [{ pointer: '/body/assigneeId', detail: 'is not an active user' }]);
        set.assignee_id = c.assigneeId; changed.push('assigneeId');
        if (c.assigneeId && (set.status ?? row.status) === 'new') set.status = 'open';
        await this.event(tx, row.id, 'assigned', actor, { from: row.assignee_id, to: c.assigneeId });
        if (c.assigneeId && !(actor.type === 'user' && actor.id === c.assigneeId)) {
          const text = `${actor.label} assigned you ticket #${row.number}: ${row.subject}`;
          await ticketsRepo.notify(tx, { userId: c.assigneeId, type: 'assigned', ticketId: row.id, messageId: null, text, at: now });
          await this.live.publish(`user:${c.assigneeId}`, { type: 'notification', kind: 'assigned', ticketId: row.id, text }, tx);
        }
      }
      if (c.customFields) {
        const merged = { ...((row.custom_fields ?? {}) as Record<string, unknown>), ...c.customFields };
        for (const [k, v] of Object.entries(merged)) if (v === null) delete merged[k];
        set.custom_fields = JSON.stringify(merged); changed.push('customFields');
      }
      if (!changed.length) return before;
      await ticketsRepo.update(tx, row.id, set);
      if (set.status === 'solved' || (set.status === 'closed' && row.status !== 'solved')) {
        await this.activities.append(tx, [{ customerId: row.customer_id, type: 'Ticket Solved', source: actor.type === 'system' ? 'system' : 'ui', occurredAt: now, properties: { ticketId: row.id, number: row.number, subject: row.subject } }]);
      }
      const ticket = await this.get(row.id, tx);
      await this.live.publish('inbox', { type: 'ticket.updated', ticketId: row.id, reason: 'change', changed }, tx);
      await this.live.publish(`ticket:${row.id}`, { type: 'ticket.updated', ticketId: row.id, changed }, tx);
      for (const l of this.changed) await l(tx, { ticket, before, changed, actor });
      return ticket;
    });
  }

  /** Sets the status (see `change`). */
  setStatus(actor: Actor, ticketId: string, status: TicketStatus, tx?: Tx): Promise<Ticket> {
    return this.change(actor, ticketId, { status }, tx);
  }

  /** Assigns to an agent and/or a team (null unassigns; undefined leaves it). */
  assign(actor: Actor, ticketId: string, to: { assigneeId?: string | null; teamId?: string | null }, tx?: Tx): Promise<Ticket> {
    return this.change(actor, ticketId, to, tx);
  }

  /** Records the outcome of sending an outbound message (the email part after SMTP accepted or refused it). */
  async markDelivery(messageId: string, r: { status: 'sent' | 'failed'; error?: string | null; messageIdHeader?: string | null; references?: string[]; inReplyTo?: string | null; sentAt?: Date }, tx?: Executor): Promise<void> {
    const db = tx ?? this.db;
    const m = await ticketsRepo.message(db, messageId);
    if (!m) throw notFound(`No ticket message ${messageId}.`);
    await ticketsRepo.updateMessage(db, messageId, {
      delivery_status: r.status, delivery_error: r.error ?? null, sent_at: r.status === 'sent' ? (r.sentAt ?? new Date()) : null,
      ...(r.messageIdHeader ? { message_id_header: r.messageIdHeader } : {}), ...(r.references ? { references: r.references } : {}),
      ...(r.inReplyTo !== undefined ? { in_reply_to: r.inReplyTo } : {}),
    });
    await this.live.publish(`ticket:${m.ticket_id}`, { type: 'message.delivery', ticketId: m.ticket_id, messageId, status: r.status }, db);
  }

  /** The ticket, following merges to the one that is still live. */
  private async liveTicket(tx: Tx, id: string): Promise<TicketRow> {
    let row = await ticketsRepo.lock(tx, id);
    for (let i = 0; row?.merged_into && i < 10; i++) row = await ticketsRepo.lock(tx, row.merged_into);
    if (!row) throw notFound(`No ticket ${id}.`);
    return row;
  }

  async get(id: string, db: Executor = this.db): Promise<Ticket> {
    const r = await ticketsRepo.get(db, id);
    if (!r) throw notFound(`No ticket ${id}.`);
    return toTicket(r);
  }

  async message(id: string, db: Executor = this.db): Promise<TicketMessage> {
    const m = await ticketsRepo.message(db, id);
    if (!m) throw notFound(`No ticket message ${id}.`);
    return toMessage(m, await ticketsRepo.attachmentsOf(db, [m.id]));
  }

  /** A ticket with its messages (attachments included) and history. */
  async detail(id: string, db: Executor = this.db): Promise<TicketDetail> {
    const ticket = await this.get(id, db);
    const rows = await ticketsRepo.messages(db, id);
    const atts = await ticketsRepo.attachmentsOf(db, rows.map((m) => m.id));
    const events = await ticketsRepo.events(db, id);
    return {
      ticket, messages: rows.map((m) => toMessage(m, atts)),
      events: events.map((e) => ({ id: e.id, type: e.type, actorLabel: e.actor_label, data: (e.data ?? {}) as Record<string, unknown>, createdAt: e.created_at })),
    };
  }

  /** The newest ticket of a conversation on another system (channel + thread id) that is not closed or merged. */
  async findOpenByThread(channel: TicketChannel, thread: string, db: Executor = this.db): Promise<Ticket | undefined> {
    const id = await ticketsRepo.openByThread(db, channel, thread);
    return id ? this.get(id, db) : undefined;
  }

  /** The ticket a reply address token (support+<token>@…) belongs to. */
  async findByReplyToken(token: string, db: Executor = this.db): Promise<Ticket | undefined> {
    const r = await ticketsRepo.byReplyToken(db, token.trim().toLowerCase());
    return r ? this.get(r.id, db) : undefined;
  }

  /** The ticket and message one of these Message-IDs (an email's In-Reply-To and References) belongs to. */
  async findByMessageIds(headers: string[], db: Executor = this.db): Promise<{ ticketId: string; messageId: string; customerId: string } | undefined> {
    const m: MessageRow | undefined = await ticketsRepo.byMessageIdHeaders(db, headers.filter(Boolean));
    if (!m) return undefined;
    const t = await this.get(m.ticket_id, db);
    return { ticketId: t.mergedInto ?? t.id, messageId: m.id, customerId: t.customerId };
  }

  /** Records a ticket event (history). */
  async event(tx: Executor, ticketId: string, type: string, actor: Actor, data: Record<string, unknown>, at?: Date): Promise<void> {
    // The clock, not now(): now() is when the transaction began, which would put an event before the message that caused it.
    await ticketsRepo.insertEvent(tx, { id: newId(), ticket_id: ticketId, type, actor_type: actor.type, actor_id: actor.id, actor_label: actor.label, data: JSON.stringify(data), created_at: at ?? new Date() });
  }
}

export { SYSTEM_ACTOR };
