import { sql } from 'kysely';
import type { Executor } from '../../platform/db/db.ts';
import type { Channel, TemplateRow } from './messaging.tables.ts';

/** SQL of message templates and their versions. */
export const templatesRepo = {
  async list(db: Executor, f: { archived: boolean; channel?: Channel; q?: string }): Promise<TemplateRow[]> {
    let q = db.selectFrom('message_templates').selectAll().where('archived_at', f.archived ? 'is not' : 'is', null);
    if (f.channel) q = q.where('channel', '=', f.channel);
    if (f.q) {
      const like = `%${f.q.replace(/[\\%_]/g, (c) => '\\' + c)}%`;
      q = q.where((eb) => eb.or([eb('name', 'ilike', like), eb('subject', 'ilike', like)]));
    }
    return q.orderBy('updated_at', 'desc').orderBy('id', 'desc').limit(1000).execute();
  },

  get(db: Executor, id: string, lock = false): Promise<TemplateRow | undefined> {
    const q = db.selectFrom('message_templates').selectAll().where('id', '=', id);
    return (lock ? q.forUpdate() : q).executeTakeFirst();
  },

  async senderExists(db: Executor, id: string): Promise<boolean> {
    return !!(await db.selectFrom('message_senders').select('id').where('id', '=', id).executeTakeFirst());
  },

  async insert(db: Executor, row: Omit<TemplateRow, 'version' | 'archived_at' | 'created_at' | 'updated_at'>): Promise<void> {
    await db.insertInto('message_templates').values({ ...row, version: 1, archived_at: null }).execute();
    await db.insertInto('message_template_versions').values({
      template_id: row.id, version: 1, format: row.format, subject: row.subject, preheader: row.preheader, body: row.body, saved_by: row.created_by,
    }).execute();
  },

  async update(db: Executor, id: string, set: Partial<Pick<TemplateRow, 'name' | 'kind' | 'format' | 'subject' | 'preheader' | 'body' | 'sender_id' | 'version' | 'archived_at'>>): Promise<void> {
    await db.updateTable('message_templates').set({ ...set, updated_at: new Date() }).where('id', '=', id).execute();
  },

  async addVersion(db: Executor, t: Pick<TemplateRow, 'id' | 'version' | 'format' | 'subject' | 'preheader' | 'body'>, savedBy: string): Promise<void> {
    await db.insertInto('message_template_versions').values({
      template_id: t.id, version: t.version, format: t.format, subject: t.subject, preheader: t.preheader, body: t.body, saved_by: savedBy,
    }).execute();
  },

  versions(db: Executor, id: string) {
    return db.selectFrom('message_template_versions').select(['version', 'format', 'subject', 'saved_by', 'saved_at'])
      .where('template_id', '=', id).orderBy('version', 'desc').execute();
  },

  version(db: Executor, id: string, version: number) {
    return db.selectFrom('message_template_versions').selectAll().where('template_id', '=', id).where('version', '=', version).executeTakeFirst();
  },

  /** The customer a preview shows by default: the latest with a cart still open (when the template uses one), else the latest buyer. */
  async defaultCustomer(db: Executor, wantsCart: boolean): Promise<string | undefined> {
    if (wantsCart) {
      const r = await sql<{ id: string }>`
        select k.customer_id as id from carts k join customers c on c.id = k.customer_id
        where k.status in ('open', 'abandoned') and jsonb_array_length(k.items) > 0 and c.merged_into is null
        order by k.updated_at desc limit 1`.execute(db);
      if (r.rows[0]) return r.rows[0].id;
    }
    const r = await sql<{ id: string }>`
      select id from customers where merged_into is null and not anonymous and last_order_at is not null
      order by last_order_at desc nulls last, id desc limit 1`.execute(db);
    return r.rows[0]?.id;
  },

  /** Products to fill sample data with: the store's own, pictures first. */
  sampleProducts(db: Executor, limit: number) {
    return db.selectFrom('products').select(['title', 'sku', 'price', 'currency', 'image_url', 'url'])
      .where('status', '=', 'active').where('price', 'is not', null).where('price', '>', 0)
      .orderBy(sql`image_url is null`).orderBy('updated_at', 'desc').limit(limit).execute();
  },
};
