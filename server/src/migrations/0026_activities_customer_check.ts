import { sql, type Kysely } from 'kysely';

// Frozen in time: never edit a migration that has shipped; add a new one.
// ADR 0027: the activities → customers foreign key checked each appended row with its own query
// (a tenth of a tracked event's insert). The same guarantee now costs one lookup per distinct customer:
// Activities.append KEY SHARE-locks the customers it appends to in the inserting statement and raises
// 23503 for one that does not exist, and deleting a customer that still has activities raises 23503.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table activities drop constraint activities_customer_fk;

    -- Raised by Activities.append for an activity whose customer does not exist (what the foreign key said).
    create function patron_activity_customer_missing(customer uuid) returns uuid language plpgsql as $$
    begin
      raise foreign_key_violation using
        message = format('activity for customer %s, which does not exist', customer),
        detail = 'Activities may only be appended to an existing customer.';
    end $$;

    -- A customer row is not deleted while activities refer to it. An AFTER trigger, like the foreign key's own
    -- check: the row is locked by then, so an append that KEY SHARE-locked it first has committed and is seen.
    create function patron_customer_delete_guard() returns trigger language plpgsql as $$
    begin
      if exists (select 1 from activities where customer_id = old.id) then
        raise foreign_key_violation using
          message = format('customer %s still has activities', old.id),
          detail = 'Delete or move its activities first.';
      end if;
      return old;
    end $$;
    create trigger customers_activities_guard after delete on customers
      for each row execute function patron_customer_delete_guard();
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop trigger customers_activities_guard on customers;
    drop function patron_customer_delete_guard();
    drop function patron_activity_customer_missing(uuid);
    alter table activities add constraint activities_customer_fk foreign key (customer_id) references customers(id);
  `.execute(db);
}
