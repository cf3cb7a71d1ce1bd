import { sql, type Kysely } from 'kysely';

// Frozen in time: never edit a migration that has shipped; add a new one.
// Numbered 0013 to fill the gap left when messaging landed as 0012 and 0014–0016 (ADR 0005: applied out of order on such databases).
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    -- A third consent channel: tracking (the browser snippet's consent mode records grants and withdrawals).
    alter table customer_consents drop constraint if exists customer_consents_channel_check;
    alter table customer_consents add constraint customer_consents_channel_check check (channel in ('email','sms','tracking'));
    alter table consent_events drop constraint if exists consent_events_channel_check;
    alter table consent_events add constraint consent_events_channel_check check (channel in ('email','sms','tracking'));
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    delete from consent_events where channel = 'tracking';
    delete from customer_consents where channel = 'tracking';
    alter table customer_consents drop constraint if exists customer_consents_channel_check;
    alter table customer_consents add constraint customer_consents_channel_check check (channel in ('email','sms'));
    alter table consent_events drop constraint if exists consent_events_channel_check;
    alter table consent_events add constraint consent_events_channel_check check (channel in ('email','sms'));
  `.execute(db);
}
