import { sql, type Generated, type Selectable } from 'kysely';
import type { Executor } from '../../platform/db/db.ts';

export interface SegmentsTable {
  id: string;
  name: string;
  description: Generated<string>;
  definition: unknown;
  revision: Generated<number>;
  builtin_key: string | null;
  status: Generated<'active' | 'broken'>;
  broken_reason: string | null;
  triggers: Generated<string[]>;
  scheduled: Generated<boolean>;
  size: Generated<number>;
  last_computed_at: Date | null;
  last_duration_ms: number | null;
  created_by: Generated<string>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface SegmentVersionsTable {
  segment_id: string;
  revision: number;
  definition: unknown;
  name: string;
  actor_label: string;
  created_at: Generated<Date>;
}

export interface SegmentMembersTable {
  segment_id: string;
  customer_id: string;
  entered_at: Generated<Date>;
}

export interface SegmentSizeHistoryTable {
  segment_id: string;
  day: string;
  size: number;
  entered: Generated<number>;
  exited: Generated<number>;
}

export interface SegmentDirtyTable {
  customer_id: string;
  reason: string;
  marked_at: Generated<Date>;
}

declare module '../../platform/db/types.ts' {
  interface Database {
    segments: SegmentsTable;
    segment_versions: SegmentVersionsTable;
    segment_members: SegmentMembersTable;
    segment_size_history: SegmentSizeHistoryTable;
    segment_dirty: SegmentDirtyTable;
  }
}

export type SegmentRow = Selectable<SegmentsTable>;

export const segmentsRepo = {
  async get(db: Executor, id: string): Promise<SegmentRow | undefined> {
    return db.selectFrom('segments').selectAll().where('id', '=', id).executeTakeFirst();
  },

  async list(db: Executor): Promise<SegmentRow[]> {
    return db.selectFrom('segments').selectAll().orderBy('builtin_key', (ob) => ob.asc().nullsLast()).orderBy('name').execute();
  },

  /** Marks customers for re-evaluation, with the activity types that made them so. */
  async markDirty(db: Executor, customerIds: string[], reasons: string[]): Promise<void> {
    if (!customerIds.length) return;
    await sql`insert into segment_dirty (customer_id, reason)
      select distinct * from unnest(${customerIds}::uuid[], ${reasons}::text[]) on conflict do nothing`.execute(db);
  },

  /** Takes up to `limit` dirty marks; they come back if the transaction rolls back. Safe with many workers. */
  async claimDirty(db: Executor, limit: number): Promise<{ customer_id: string; reason: string }[]> {
    const r = await sql<{ customer_id: string; reason: string }>`
      delete from segment_dirty d using (
        select customer_id, reason from segment_dirty order by marked_at limit ${limit} for update skip locked
      ) x where d.customer_id = x.customer_id and d.reason = x.reason
      returning d.customer_id, d.reason`.execute(db);
    return r.rows;
  },

  async pendingDirty(db: Executor): Promise<number> {
    return Number((await sql<{ n: string }>`select count(*) as n from segment_dirty`.execute(db)).rows[0]?.n ?? 0);
  },

  /** Adds today's entries and exits to the size history and sets today's size. */
  async recordHistory(db: Executor, segmentId: string, day: string, size: number, entered: number, exited: number): Promise<void> {
    await sql`insert into segment_size_history as h (segment_id, day, size, entered, exited) values (${segmentId}, ${day}::date, ${size}, ${entered}, ${exited})
      on conflict (segment_id, day) do update set size = excluded.size, entered = h.entered + excluded.entered, exited = h.exited + excluded.exited`.execute(db);
  },

  async history(db: Executor, segmentId: string, days: number): Promise<{ day: string; size: number; entered: number; exited: number }[]> {
    const r = await sql<{ day: string; size: number; entered: number; exited: number }>`
      select to_char(day, 'YYYY-MM-DD') as day, size, entered, exited from segment_size_history
      where segment_id = ${segmentId} and day > current_date - ${days}::int order by day`.execute(db);
    return r.rows;
  },

  /** Sizes over the last `days` days for many segments (the list's sparklines). */
  async trends(db: Executor, days: number): Promise<Map<string, number[]>> {
    const r = await sql<{ segment_id: string; sizes: number[] }>`
      select segment_id, array_agg(size order by day) as sizes from segment_size_history where day > current_date - ${days}::int group by segment_id`.execute(db);
    return new Map(r.rows.map((x) => [x.segment_id, x.sizes]));
  },
};
