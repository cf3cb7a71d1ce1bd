import { sql, type Kysely } from 'kysely';

// Frozen in time: never edit a migration that has shipped; add a new one.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    -- One CSV import: the file (uploaded, or read by the CLI from local disk), how to read it,
    -- and the run's progress. checkpoint is the last file line whose records are all written:
    -- a rerun after a crash continues after it.
    create table imports (
      id uuid primary key,
      origin text not null check (origin in ('upload','cli')),
      file_name text not null,
      size bigint not null default 0,
      sha256 text,
      stored boolean not null default false,
      status text not null check (status in ('uploading','uploaded','queued','running','completed','failed')),
      kind text check (kind in ('customers','products','orders')),
      preset text,
      mapping jsonb,
      dry_run boolean not null default false,
      detected jsonb,
      progress jsonb not null default '{}'::jsonb,
      checkpoint int not null default 0,
      issue_count int not null default 0,
      error text,
      actor jsonb not null,
      lease_until timestamptz,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      started_at timestamptz,
      finished_at timestamptz
    );
    create index imports_created_idx on imports (created_at desc, id desc);
    create index imports_sha256_idx on imports (sha256) where sha256 is not null;

    -- Uploaded files live in the database, so that any worker process can read them.
    create table import_file_chunks (
      import_id uuid not null references imports(id) on delete cascade,
      seq int not null,
      data bytea not null,
      primary key (import_id, seq)
    );
    -- Most uploads are gzip or CSV that the import reads once: do not spend CPU compressing them.
    alter table import_file_chunks alter column data set storage external;

    -- Every rejected row (error) and every row read with a caveat (warning), with its file line.
    create table import_issues (
      import_id uuid not null references imports(id) on delete cascade,
      seq int not null,
      line int,
      severity text not null check (severity in ('error','warning')),
      column_name text,
      message text not null,
      primary key (import_id, seq)
    );

    -- Column mappings people saved to reuse for the next file of the same shape.
    create table import_mappings (
      id uuid primary key,
      name text not null unique,
      kind text not null check (kind in ('customers','products','orders')),
      preset text not null default 'generic',
      mapping jsonb not null,
      created_by text not null,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table import_mappings, import_issues, import_file_chunks, imports`.execute(db);
}
