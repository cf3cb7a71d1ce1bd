import { sql, type Generated } from 'kysely';
import type { Executor } from '../db/db.ts';
import { newId } from '../ids.ts';

export interface AuditLogTable {
  id: string;
  at: Generated<Date>;
  actor_type: 'user' | 'api_key' | 'system' | 'cli';
  actor_id: string | null;
  actor_label: string;
  action: string;
  entity_type: string;
  entity_id: string | null;
  summary: string;
  before: unknown;
  after: unknown;
  ip: string | null;
  request_id: string | null;
}

declare module '../db/types.ts' {
  interface Database {
    audit_log: AuditLogTable;
  }
}

/** Who did something: recorded on every write. */
export interface Actor {
  type: 'user' | 'api_key' | 'system' | 'cli';
  id: string | null;
  label: string;
  ip?: string | null;
  requestId?: string | null;
}

export const SYSTEM_ACTOR: Actor = { type: 'system', id: null, label: 'system' };
export const CLI_ACTOR: Actor = { type: 'cli', id: null, label: 'command line' };

export interface AuditEntryInput {
  action: string;
  entityType: string;
  entityId?: string | null;
  summary: string;
  before?: unknown;
  after?: unknown;
}

export interface AuditEntry {
  id: string;
  at: Date;
  actorType: AuditLogTable['actor_type'];
  actorId: string | null;
  actorLabel: string;
  action: string;
  entityType: string;
  entityId: string | null;
  summary: string;
  before: unknown;
  after: unknown;
  ip: string | null;
  requestId: string | null;
}

export interface AuditFilter {
  actorId?: string;
  action?: string;
  entityType?: string;
  entityId?: string;
  q?: string;
  from?: Date;
  to?: Date;
  before?: string;
  limit: number;
}

/** Keys whose values never reach the audit log. */
const SECRET_KEYS = /password|secret|token|key_hash|hash$/i;

function redact(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redact);
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, SECRET_KEYS.test(k) ? '[redacted]' : redact(v)]));
  }
  return value;
}

/** The audit log: written in the same transaction as the change it records. */
export const audit = {
  async record(executor: Executor, actor: Actor, entry: AuditEntryInput): Promise<void> {
    await executor
      .insertInto('audit_log')
      .values({
        id: newId(),
        actor_type: actor.type,
        actor_id: actor.id,
        actor_label: actor.label,
        action: entry.action,
        entity_type: entry.entityType,
        entity_id: entry.entityId ?? null,
        summary: entry.summary,
        before: entry.before === undefined ? null : JSON.stringify(redact(entry.before)),
        after: entry.after === undefined ? null : JSON.stringify(redact(entry.after)),
        ip: actor.ip ?? null,
        request_id: actor.requestId ?? null,
      })
      .execute();
  },

  async list(executor: Executor, f: AuditFilter): Promise<AuditEntry[]> {
    let q = executor.selectFrom('audit_log').selectAll();
    if (f.actorId) q = q.where('actor_id', '=', f.actorId);
    if (f.action) q = q.where('action', '=', f.action);
    if (f.entityType) q = q.where('entity_type', '=', f.entityType);
    if (f.entityId) q = q.where('entity_id', '=', f.entityId);
    if (f.from) q = q.where('at', '>=', f.from);
    if (f.to) q = q.where('at', '<', f.to);
    if (f.q) {
      const like = `%${f.q.replace(/[\\%_]/g, (c) => '\\' + c)}%`;
      q = q.where((eb) => eb.or([eb('summary', 'ilike', like), eb('actor_label', 'ilike', like), eb('action', 'ilike', like)]));
    }
    // ids are UUIDv7, so id order is time order: a stable keyset cursor.
    if (f.before) q = q.where('id', '<', f.before);
    const rows = await q.orderBy('id', 'desc').limit(f.limit).execute();
    return rows.map((r) => ({
      id: r.id, at: r.at, actorType: r.actor_type, actorId: r.actor_id, actorLabel: r.actor_label, action: r.action,
      entityType: r.entity_type, entityId: r.entity_id, summary: r.summary, before: r.before, after: r.after, ip: r.ip, requestId: r.request_id,
    }));
  },

  async actions(executor: Executor): Promise<string[]> {
    const rows = await sql<{ action: string }>`select distinct action from audit_log order by action`.execute(executor);
    return rows.rows.map((r) => r.action);
  },
};
