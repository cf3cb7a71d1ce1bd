import { sql, type Kysely } from 'kysely';

// Frozen in time: never edit a migration that has shipped; add a new one.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    -- The inbox's "SLA at risk" view and count follow the SLA clock's warning time (0024), not a fixed hour
    -- before the deadline: the view counts stay an index-only scan of the backlog.
    drop index if exists tickets_backlog_counts_idx;
    create index tickets_backlog_counts_idx on tickets (assignee_id, status, sla_warn_at) where status not in ('solved','closed');
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop index if exists tickets_backlog_counts_idx;
    create index tickets_backlog_counts_idx on tickets (assignee_id, status, sla_due_at) where status not in ('solved','closed');
  `.execute(db);
}
