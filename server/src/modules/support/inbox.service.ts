import type { z } from 'zod';
import { audit, type Actor } from '../../platform/audit/audit.ts';
import type { Db } from '../../platform/db/db.ts';
import { decodeCursor, encodeCursor, isDateString, isUuidString } from '../../platform/http/cursor.ts';
import { badRequest, forbidden, notFound } from '../../platform/http/problem.ts';
import { newId } from '../../platform/ids.ts';
import { inboxRepo } from './inbox.repo.ts';
import type { bulkBody, createViewBody} from './inbox.schemas.ts';
import { BUILTIN_VIEWS, ticketFilterSchema, type BuiltinView, type ListQuery, type SavedView, type TicketFilter, type TicketList, type ViewCounts } from './inbox.schemas.ts';
import { toTicket } from './tickets.map.ts';
import type { TicketService } from './tickets.service.ts';

const BUILTIN: Record<BuiltinView, TicketFilter> = {
  mine: { assignee: 'me', status: 'working' },
  unassigned: { assignee: 'none', status: 'working' },
  open: { status: 'working' },
  sla: { slaAtRisk: true },
  pending: { status: ['pending'] },
  solved: { status: ['solved', 'closed'] },
  all: {},
};

type Cursor = { at: string; id: string };
const SHARED_COUNTS_TTL_MS = 10_000;
const isCursor = (v: unknown): v is Cursor => typeof v === 'object' && v !== null && isDateString((v as Cursor).at) && isUuidString((v as Cursor).id);

/** The agent inbox: views (built-in, by team or tag, saved), search, pagination, bulk actions, notifications. */
export class InboxService {
  private readonly db: Db;
  private readonly tickets: TicketService;
  private sharedCounts: { at: number; teams: ViewCounts['teams']; tags: ViewCounts['tags'] } | undefined;

  constructor(db: Db, tickets: TicketService) {
    this.db = db;
    this.tickets = tickets;
  }

  /** The filter a view name stands for: built-in, `team:<id>`, `tag:<tag>` or a saved view's id. */
  async viewFilter(view: string, userId: string | null): Promise<TicketFilter> {
    if ((BUILTIN_VIEWS as readonly string[]).includes(view)) return BUILTIN[view as BuiltinView];
    const team = /^team:([0-9a-f-]{36})$/i.exec(view);
    if (team) return { teamId: team[1]!.toLowerCase(), status: 'working' };
    const tag = /^tag:(.{1,60})$/.exec(view);
    if (tag) return { tags: [tag[1]!.toLowerCase()], status: 'working' };
    if (isUuidString(view)) {
      const v = await inboxRepo.view(this.db, view);
      if (v && (v.user_id === null || v.user_id === userId)) return ticketFilterSchema.parse(v.filters);
    }
    throw badRequest(`No view "${view}": use ${BUILTIN_VIEWS.join(', ')}, team:<id>, tag:<tag> or a saved view's id.`, [{ pointer: '/querystring/view', detail: 'is not a view' }]);
  }

  async list(query: ListQuery, userId: string | null): Promise<TicketList> {
    const base = await this.viewFilter(query.view, userId);
    const f: TicketFilter = { ...base };
    if (query.status) f.status = [query.status];
    if (query.channel) f.channel = [query.channel];
    if (query.priority) f.priority = [query.priority];
    if (query.tag) f.tags = [...(f.tags ?? []), query.tag];
    if (query.teamId) f.teamId = query.teamId;
    if (query.assigneeId) f.assignee = query.assigneeId;
    if (query.customerId) f.customerId = query.customerId;
    const after = query.cursor ? decodeCursor(query.cursor, isCursor) : undefined;
    const rows = await inboxRepo.list(this.db, { filter: f, me: userId, q: query.q, sort: query.sort, limit: query.limit, after });
    const more = rows.length > query.limit;
    const page = more ? rows.slice(0, query.limit) : rows;
    const last = page.at(-1);
    return { items: page.map(toTicket), nextCursor: more && last ? encodeCursor({ at: last.last_message_at.toISOString(), id: last.id }) : null };
  }

  /**
   * The counts beside the views. The built-in ones are exact on every call; team and tag counts (a scan of
   * the whole backlog's tags) are shared by everyone and kept for a few seconds per process.
   */
  async counts(userId: string | null): Promise<ViewCounts> {
    const shared = async () => {
      if (this.sharedCounts && Date.now() - this.sharedCounts.at < SHARED_COUNTS_TTL_MS) return this.sharedCounts;
      const [teams, tags] = await Promise.all([inboxRepo.teamCounts(this.db), inboxRepo.tagCounts(this.db, 15)]);
      this.sharedCounts = { at: Date.now(), teams, tags };
      return this.sharedCounts;
    };
    const [builtin, { teams, tags }, saved] = await Promise.all([inboxRepo.builtinCounts(this.db, userId), shared(), this.views(userId)]);
    const savedCounts = await Promise.all(saved.map((v) => inboxRepo.count(this.db, v.filters, userId)));
    return { builtin, teams, tags, saved: saved.map((v, i) => ({ id: v.id, name: v.name, shared: v.shared, filters: v.filters, count: savedCounts[i]! })) };
  }

  async views(userId: string | null): Promise<SavedView[]> {
    const rows = await inboxRepo.views(this.db, userId);
    return rows.flatMap((r) => {
      const f = ticketFilterSchema.safeParse(r.filters);
      return f.success ? [{ id: r.id, name: r.name, shared: r.user_id === null, filters: f.data, createdAt: r.created_at }] : [];
    });
  }

  async createView(actor: Actor, b: z.infer<typeof createViewBody>): Promise<SavedView> {
    return this.db.transaction().execute(async (tx) => {
      const row = await inboxRepo.insertView(tx, { id: newId(), user_id: b.shared || actor.type !== 'user' || !actor.id ? null : actor.id, name: b.name, filters: JSON.stringify(b.filters), position: 0 });
      await audit.record(tx, actor, { action: 'support.view.created', entityType: 'ticket_view', entityId: row.id, summary: `Saved inbox view "${b.name}"${b.shared ? ' (shared)' : ''}`, after: b });
      return { id: row.id, name: row.name, shared: row.user_id === null, filters: b.filters, createdAt: row.created_at };
    });
  }

  async deleteView(actor: Actor, isAdmin: boolean, id: string): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      const v = await inboxRepo.view(tx, id);
      if (!v || (v.user_id !== null && v.user_id !== actor.id)) throw notFound(`No saved view ${id}.`);
      if (v.user_id === null && !isAdmin) throw forbidden('Only an admin can delete a shared view.');
      await inboxRepo.deleteView(tx, id);
      await audit.record(tx, actor, { action: 'support.view.deleted', entityType: 'ticket_view', entityId: id, summary: `Deleted inbox view "${v.name}"` });
    });
  }

  /**
   * Changes many tickets at once in one transaction (all or nothing); tickets that cannot take the change
   * (a closed ticket asked to reopen) are skipped and listed, the rest applied.
   */
  async bulk(actor: Actor, b: z.infer<typeof bulkBody>): Promise<{ updated: number; skipped: { id: string; reason: string }[] }> {
    return this.db.transaction().execute(async (tx) => {
      const skipped: { id: string; reason: string }[] = [];
      let updated = 0;
      for (const id of [...new Set(b.ids)]) {
        const row = await inboxRepo.ticketStatus(tx, id);
        if (!row) { skipped.push({ id, reason: 'no such ticket' }); continue; }
        if (row.status === 'closed' && b.status && b.status !== 'closed') { skipped.push({ id, reason: `#${row.number} is closed` }); continue; }
        await this.tickets.change(actor, id, { status: b.status, priority: b.priority, assigneeId: b.assigneeId, teamId: b.teamId, addTags: b.addTags, removeTags: b.removeTags }, tx);
        updated++;
      }
      await audit.record(tx, actor, { action: 'support.tickets.bulk', entityType: 'ticket', entityId: null, summary: `Changed ${updated} tickets`, after: { ...b, skipped } });
      return { updated, skipped };
    });
  }

  async notifications(userId: string, limit = 50) {
    const { rows, unread } = await inboxRepo.notifications(this.db, userId, limit);
    return {
      items: rows.map((r) => ({ id: r.id, type: r.type, ticketId: r.ticket_id, messageId: r.message_id, text: r.text, readAt: r.read_at, createdAt: r.created_at })),
      unread,
    };
  }

  async markRead(userId: string, b: { ids?: string[]; all?: boolean }): Promise<void> {
    await inboxRepo.markRead(this.db, userId, b.all ? 'all' : (b.ids ?? []));
  }
}
