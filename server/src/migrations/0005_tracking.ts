import { sql, type Kysely } from 'kysely';

// Frozen in time: never edit a migration that has shipped; add a new one.
export async function up(db: Kysely<unknown>): Promise<void> {
  // The Segment `context` of a tracked event (ip, userAgent, page, campaign, library, locale,
  // sessionId, …), kept beside the activity rather than inside its properties.
  await sql`alter table activities add column context jsonb`.execute(db);
  // Tracking moves customers.last_seen_at on every batch: leave room on each page so that update
  // can be HOT (no new entries in the profile's eight indexes, two of them GIN).
  await sql`alter table customers set (fillfactor = 80)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table customers reset (fillfactor)`.execute(db);
  await sql`alter table activities drop column context`.execute(db);
}
