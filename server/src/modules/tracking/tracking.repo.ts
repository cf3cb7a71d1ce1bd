import { sql } from 'kysely';
import { prepared, type Executor } from '../../platform/db/db.ts';

/** The tracking module's own SQL: which calls were already stored (their activity carries `seg:<messageId>`). */
export const trackingRepo = {
  async storedDedupeKeys(db: Executor, keys: string[]): Promise<Set<string>> {
    if (!keys.length) return new Set();
    const r = await sql<{ dedupe_key: string }>`${prepared('tracking.stored-dedupe-keys')}select dedupe_key from activities where dedupe_key = any(${keys}::text[])`.execute(db);
    return new Set(r.rows.map((x) => x.dedupe_key));
  },
};
