import { sql } from 'kysely';
import { audit, type Actor } from '../../platform/audit/audit.ts';
import type { Db } from '../../platform/db/db.ts';
import { decodeCursor, encodeCursor, isDateString } from '../../platform/http/cursor.ts';
import { badRequest, conflict, notFound } from '../../platform/http/problem.ts';
import { normaliseClaims } from '../customers/index.ts';
import { engagementRepo } from './engagement.repo.ts';
import type { Suppression } from './engagement.schemas.ts';
import type { Channel, SuppressionReason } from './messaging.tables.ts';

interface Row {
  channel: Channel;
  address: string;
  reason: SuppressionReason;
  detail: string | null;
  source: string;
  customer_id: string | null;
  customer_name: string | null;
  created_by: string;
  created_at: Date;
}

const out = (r: Row): Suppression => ({
  channel: r.channel, address: r.address, reason: r.reason, detail: r.detail, source: r.source, customerId: r.customer_id, customerName: r.customer_name || null, createdBy: r.created_by, createdAt: r.created_at,
});

const cursorOf = (r: Row): string => encodeCursor([r.created_at.toISOString(), r.channel, r.address]);
const isKey = (v: unknown): v is [string, string, string] => Array.isArray(v) && v.length === 3 && v.every((x) => typeof x === 'string') && isDateString(v[0]);

/** The suppression list: addresses Patron never sends to (hard bounces, complaints, added by hand). */
export class SuppressionsService {
  private readonly db: Db;
  constructor(db: Db) {
    this.db = db;
  }

  /** Normalises an address as the dispatcher compares it (lower-case email; phone digits with +). */
  normalise(channel: Channel, raw: string): string {
    const p = normaliseClaims([{ kind: channel === 'email' ? 'email' : 'phone', value: raw }])[0]?.value;
    if (channel === 'email') {
      if (!p) throw badRequest(`"${raw}" is not an email address.`, [{ pointer: '/body/address', detail: 'must be an email address' }]);
      return p.toLowerCase();
    }
    if (!p) throw badRequest(`"${raw}" is not a phone number.`, [{ pointer: '/body/address', detail: 'must be a phone number (5 to 15 digits)' }]);
    return p;
  }

  async list(f: { q?: string; reason?: SuppressionReason; channel?: Channel; cursor?: string; limit: number }): Promise<{ items: Suppression[]; nextCursor: string | null; counts: Record<string, number> }> {
    const like = f.q ? `%${f.q.toLowerCase().replace(/[\\%_]/g, (c) => '\\' + c)}%` : null;
    const cur = f.cursor ? decodeCursor(f.cursor, isKey) : null;
    const rows = await sql<Row>`
      select s.channel, s.address, s.reason, s.detail, s.source, s.customer_id, s.created_by, s.created_at,
        nullif(trim(concat_ws(' ', c.first_name, c.last_name)), '') as customer_name
      from suppressions s left join customers c on c.id = s.customer_id
      where (${like}::text is null or s.address like ${like})
        and (${f.reason ?? null}::text is null or s.reason = ${f.reason ?? null})
        and (${f.channel ?? null}::text is null or s.channel = ${f.channel ?? null})
        and (${cur?.[0] ?? null}::timestamptz is null or (s.created_at, s.channel, s.address) < (${cur?.[0] ?? null}::timestamptz, ${cur?.[1] ?? null}::text, ${cur?.[2] ?? null}::text))
      order by s.created_at desc, s.channel desc, s.address desc
      limit ${f.limit + 1}`.execute(this.db);
    const counts = await sql<{ reason: string; n: number }>`select reason, count(*)::int as n from suppressions group by reason`.execute(this.db);
    const page = rows.rows.slice(0, f.limit);
    return {
      items: page.map(out),
      nextCursor: rows.rows.length > f.limit ? cursorOf(page.at(-1)!) : null,
      counts: Object.fromEntries(counts.rows.map((r) => [r.reason, r.n])),
    };
  }

  /** Adds an address by hand (audited). 409 when it is already on the list. */
  async add(actor: Actor, b: { channel: Channel; address: string; detail?: string }, source: 'ui' | 'api'): Promise<Suppression> {
    const address = this.normalise(b.channel, b.address);
    await this.db.transaction().execute(async (tx) => {
      const existing = await tx.selectFrom('suppressions').select(['reason', 'created_at']).where('channel', '=', b.channel).where('address', '=', address).executeTakeFirst();
      if (existing) throw conflict(`${address} is already suppressed (${existing.reason.replace('_', ' ')}, since ${existing.created_at.toISOString().slice(0, 10)}).`, 'already-suppressed');
      const col = b.channel === 'email' ? 'email' : 'phone';
      const customer = await tx.selectFrom('customers').select('id').where(sql<boolean>`lower(${sql.ref(col)}) = ${address}`).where('merged_into', 'is', null).limit(1).executeTakeFirst();
      await engagementRepo.suppress(tx, { channel: b.channel, address, reason: 'manual', detail: b.detail ?? null, source, customerId: customer?.id ?? null, createdBy: actor.label });
      await audit.record(tx, actor, { action: 'messaging.suppression_added', entityType: 'suppression', entityId: null, summary: `Suppressed ${b.channel} ${address}${b.detail ? ` (${b.detail})` : ''}`, after: { channel: b.channel, address, reason: 'manual', detail: b.detail ?? null } });
    });
    return this.get(b.channel, address);
  }

  async get(channel: Channel, address: string): Promise<Suppression> {
    const row = await sql<Row>`
      select s.channel, s.address, s.reason, s.detail, s.source, s.customer_id, s.created_by, s.created_at, nullif(trim(concat_ws(' ', c.first_name, c.last_name)), '') as customer_name
      from suppressions s left join customers c on c.id = s.customer_id where s.channel = ${channel} and s.address = ${address}`.execute(this.db);
    if (!row.rows[0]) throw notFound(`${address} is not on the ${channel} suppression list.`);
    return out(row.rows[0]);
  }

  /** Removes an address (audited with what it was): Patron may send to it again. Its soft-bounce count starts over. */
  async remove(actor: Actor, channel: Channel, rawAddress: string): Promise<void> {
    const address = rawAddress.trim().toLowerCase();
    await this.db.transaction().execute(async (tx) => {
      const row = await tx.deleteFrom('suppressions').where('channel', '=', channel).where('address', '=', address).returning(['reason', 'detail', 'source', 'created_at']).executeTakeFirst();
      if (!row) throw notFound(`${address} is not on the ${channel} suppression list.`);
      await engagementRepo.resetStreak(tx, channel, address);
      await audit.record(tx, actor, {
        action: 'messaging.suppression_removed', entityType: 'suppression', entityId: null, summary: `Removed ${channel} ${address} from the suppression list (was ${row.reason.replace('_', ' ')})`,
        before: { channel, address, reason: row.reason, detail: row.detail, source: row.source, createdAt: row.created_at },
      });
    });
  }
}
