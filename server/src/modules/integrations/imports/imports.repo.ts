import { sql, type Generated, type Selectable } from 'kysely';
import type { Db, Executor } from '../../../platform/db/db.ts';
import type { ImportIssue } from './imports.schemas.ts';
import type { FileSource } from './source.ts';

export interface ImportsTable {
  id: string;
  origin: 'upload' | 'cli';
  file_name: string;
  size: number;
  sha256: string | null;
  stored: boolean;
  status: 'uploading' | 'uploaded' | 'queued' | 'running' | 'completed' | 'failed';
  kind: 'customers' | 'products' | 'orders' | null;
  preset: string | null;
  mapping: unknown;
  dry_run: boolean;
  detected: unknown;
  progress: unknown;
  checkpoint: number;
  issue_count: number;
  error: string | null;
  actor: unknown;
  lease_until: Date | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  started_at: Date | null;
  finished_at: Date | null;
}

export interface ImportFileChunksTable { import_id: string; seq: number; data: Buffer }
export interface ImportIssuesTable { import_id: string; seq: number; line: number | null; severity: 'error' | 'warning'; column_name: string | null; message: string }
export interface ImportMappingsTable {
  id: string; name: string; kind: 'customers' | 'products' | 'orders'; preset: string; mapping: unknown; created_by: string; created_at: Generated<Date>; updated_at: Generated<Date>;
}

declare module '../../../platform/db/types.ts' {
  interface Database {
    imports: ImportsTable;
    import_file_chunks: ImportFileChunksTable;
    import_issues: ImportIssuesTable;
    import_mappings: ImportMappingsTable;
  }
}

export type ImportRow = Selectable<ImportsTable>;
export type MappingRow = Selectable<ImportMappingsTable>;

/** How long a run holds an import without news before another worker may take it over. */
export const LEASE_SECONDS = 120;

export const importsRepo = {
  byId: (db: Executor, id: string) => db.selectFrom('imports').selectAll().where('id', '=', id).executeTakeFirst(),

  list: (db: Executor, limit: number, before?: string) => {
    let q = db.selectFrom('imports').selectAll();
    if (before) q = q.where('id', '<', before);
    return q.orderBy('id', 'desc').limit(limit).execute();
  },

  /** Takes the import for a run if nobody holds it: queued, or running with an expired lease (a crashed worker). */
  claim: async (db: Executor, id: string): Promise<ImportRow | undefined> =>
    (await sql<ImportRow>`
      update imports set status = 'running', lease_until = now() + make_interval(secs => ${LEASE_SECONDS}), started_at = coalesce(started_at, now()), updated_at = now()
      where id = ${id} and (status = 'queued' or (status = 'running' and (lease_until is null or lease_until < now())))
      returning *`.execute(db)).rows[0],

  saveProgress: (db: Executor, id: string, progress: unknown, checkpoint?: number) =>
    sql`update imports set progress = ${JSON.stringify(progress)}::jsonb, lease_until = now() + make_interval(secs => ${LEASE_SECONDS}), updated_at = now()
      ${checkpoint === undefined ? sql`` : sql`, checkpoint = ${checkpoint}`} where id = ${id} and status = 'running'`.execute(db),

  async appendChunk(db: Executor, id: string, seq: number, data: Buffer): Promise<void> {
    await db.insertInto('import_file_chunks').values({ import_id: id, seq, data }).execute();
  },

  /** The stored file, read back a chunk at a time. */
  storedFile(db: Db, id: string, name: string): FileSource {
    return {
      name,
      async *open() {
        for (let seq = 0; ; seq++) {
          const row = await db.selectFrom('import_file_chunks').select('data').where('import_id', '=', id).where('seq', '=', seq).executeTakeFirst();
          if (!row) return;
          yield row.data;
        }
      },
    };
  },

  async addIssues(db: Executor, id: string, firstSeq: number, issues: ImportIssue[]): Promise<void> {
    if (!issues.length) return;
    await sql`insert into import_issues (import_id, seq, line, severity, column_name, message)
      select ${id}::uuid, t.seq, t.line, t.severity, t.column_name, t.message
      from unnest(${issues.map((_, i) => firstSeq + i)}::int[], ${issues.map((x) => x.line)}::int[], ${issues.map((x) => x.severity)}::text[],
        ${issues.map((x) => x.column)}::text[], ${issues.map((x) => x.message)}::text[]) as t(seq, line, severity, column_name, message)`.execute(db);
    await sql`update imports set issue_count = ${firstSeq + issues.length} where id = ${id}`.execute(db);
  },

  issues: (db: Executor, id: string, limit: number, afterSeq = -1) =>
    db.selectFrom('import_issues').selectAll().where('import_id', '=', id).where('seq', '>', afterSeq).orderBy('seq').limit(limit).execute(),
};
