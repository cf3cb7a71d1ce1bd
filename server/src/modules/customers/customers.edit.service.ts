import { sql } from 'kysely';
import type { Activities, NewActivity } from '../../platform/activities/activities.ts';
import { audit, type Actor } from '../../platform/audit/audit.ts';
import type { Db, Tx } from '../../platform/db/db.ts';
import { badRequest, conflict, forbidden, notFound } from '../../platform/http/problem.ts';
import { newId } from '../../platform/ids.ts';
import { getStoreSettings } from '../../platform/settings.ts';
import type { ProfileFields } from './customers.schemas.ts';
import { customersRepo } from './customers.repo.ts';
import { normaliseEmail, normalisePhone } from './identity.ts';
import { toCustomer, type CustomersService } from './customers.service.ts';

type AttrType = 'text' | 'number' | 'boolean' | 'date' | 'list';

/** Edits people make to profiles: fields, tags, notes, custom attribute definitions, saved views. */
export class CustomerEditService {
  private readonly db: Db;
  private readonly activities: Activities;
  private readonly customers: CustomersService;

  constructor(db: Db, activities: Activities, customers: CustomersService) {
    this.db = db;
    this.activities = activities;
    this.customers = customers;
  }

  /** Updates profile fields; null clears a field. Custom attributes are checked against their definitions. */
  async update(actor: Actor, id: string, p: ProfileFields) {
    await this.checkAttributes(p.attributes);
    return this.db.transaction().execute(async (tx) => {
      const [before] = await customersRepo.byIdForUpdate(tx, [id]);
      if (!before) throw notFound(`No customer with id ${id}.`);
      if (before.merged_into) throw conflict(`This profile was merged into ${before.merged_into}; edit that one.`, 'merged');
      const patch: Record<string, unknown> = {};
      const set = (col: string, v: unknown) => { patch[col] = v; };
      if (p.firstName !== undefined) set('first_name', p.firstName || null);
      if (p.lastName !== undefined) set('last_name', p.lastName || null);
      if (p.email !== undefined) set('email', p.email ? normaliseEmail(p.email) : null);
      if (p.phone !== undefined) {
        const phone = p.phone ? normalisePhone(p.phone) : null;
        if (p.phone && !phone) throw badRequest('The phone number needs 5 to 15 digits.', [{ pointer: '/body/phone', detail: 'is not a phone number' }]);
        set('phone', phone);
      }
      if (p.birthday !== undefined) set('birthday', p.birthday);
      if (p.locale !== undefined) set('locale', p.locale);
      if (p.timeZone !== undefined) {
        if (p.timeZone && !isTimeZone(p.timeZone)) throw badRequest(`"${p.timeZone}" is not an IANA time zone.`, [{ pointer: '/body/timeZone', detail: 'is not an IANA time zone such as Europe/London' }]);
        set('time_zone', p.timeZone);
      }
      if (p.country !== undefined) set('country', p.country);
      if (p.tags !== undefined) set('tags', [...new Set(p.tags)]);
      if (p.attributes !== undefined) {
        const merged: Record<string, unknown> = { ...(before.attributes as object) };
        for (const [k, v] of Object.entries(p.attributes)) if (v === null) delete merged[k]; else merged[k] = v;
        set('attributes', JSON.stringify(merged));
      }
      if (p.addresses !== undefined) set('addresses', JSON.stringify(p.addresses));
      const after = await customersRepo.update(tx, id, patch);
      // A primary email/phone set by hand becomes an identity of this profile (verified: a person typed it).
      for (const [kind, value] of [['email', after.email], ['phone', after.phone]] as const) {
        if (value && value !== before[kind]) {
          const owner = await tx.selectFrom('customer_identities').select('customer_id').where('kind', '=', kind).where('source', '=', '').where('value', '=', value).executeTakeFirst();
          if (owner && owner.customer_id !== id) throw conflict(`Another customer (${owner.customer_id}) has ${kind} ${value}. Merge the two profiles instead.`, 'identity-taken');
          if (!owner) await customersRepo.insertIdentities(tx, [{ id: newId(), customer_id: id, kind, source: '', value, verified: true }]);
        }
      }
      const changed = Object.keys(patch);
      const { currency } = await getStoreSettings(tx);
      await this.activities.append(tx, [{ customerId: id, type: 'Profile Updated', source: 'ui', properties: { changed, by: actor.label } }]);
      await audit.record(tx, actor, { action: 'customer.updated', entityType: 'customer', entityId: id, summary: `Updated ${changed.join(', ')} of customer ${after.email ?? id}`, before: toCustomer(before, currency), after: toCustomer(after, currency) });
      return this.customers.get(id, tx);
    });
  }

  async bulkTag(actor: Actor, ids: string[], add: string[], remove: string[]): Promise<number> {
    return this.db.transaction().execute(async (tx) => {
      const n = await this.bulkTagInTx(tx, actor, ids, add, remove);
      await audit.record(tx, actor, { action: 'customer.bulk_tagged', entityType: 'customer', summary: `Tagged ${n} customers${tagSummary(add, remove)}`, after: { ids: ids.slice(0, 100), add, remove } });
      return n;
    });
  }

  /**
   * Adds and removes tags on these customers in `tx` (no audit: callers audit the whole action). Only
   * profiles whose tag set really changes are written, and each gets a Profile Updated activity. Returns how many.
   */
  async bulkTagInTx(tx: Tx, actor: Actor, ids: string[], add: string[], remove: string[]): Promise<number> {
    if (!ids.length) return 0;
    const r = await sql<{ id: string; added: string[]; removed: string[] }>`
      with n as (
        select c.id, c.tags as before,
          (select coalesce(array_agg(distinct t order by t), '{}') from unnest(c.tags || ${add}::text[]) t where t <> all(${remove}::text[])) as tags
        from customers c where c.id = any(${ids}::uuid[]) and c.merged_into is null
      )
      update customers c set updated_at = now(), tags = n.tags
      from n where c.id = n.id and not (n.tags @> n.before and n.before @> n.tags)
      returning c.id,
        array(select t from unnest(n.tags) t where t <> all(n.before)) as added,
        array(select t from unnest(n.before) t where t <> all(n.tags)) as removed`.execute(tx);
    const acts: NewActivity[] = r.rows.map((row) => ({ customerId: row.id, type: 'Profile Updated', source: 'ui', properties: { changed: ['tags'], tagsAdded: row.added, tagsRemoved: row.removed, by: actor.label, bulk: true } }));
    for (let k = 0; k < acts.length; k += 1000) await this.activities.append(tx, acts.slice(k, k + 1000));
    return r.rows.length;
  }

  /**
   * Sets (or, with null, removes) one custom attribute on many profiles inside the caller's transaction
   * (flows' "update an attribute" step); only profiles whose value really changes are written, each
   * with a Profile Updated activity. Returns how many changed.
   */
  async bulkSetAttributeInTx(tx: Tx, actor: Actor, ids: string[], key: string, value: unknown, source = 'ui'): Promise<number> {
    if (!ids.length) return 0;
    const json = value === null || value === undefined ? null : JSON.stringify(value);
    const r = await sql<{ id: string }>`
      update customers set updated_at = now(),
        attributes = case when ${json}::jsonb is null then attributes - ${key}::text else jsonb_set(attributes, array[${key}::text], ${json}::jsonb) end
      where id = any(${ids}::uuid[]) and merged_into is null and (attributes -> ${key}::text) is distinct from ${json}::jsonb
      returning id`.execute(tx);
    const acts: NewActivity[] = r.rows.map((row) => ({ customerId: row.id, type: 'Profile Updated', source, properties: { changed: ['attributes'], attributes: [key], by: actor.label } }));
    for (let k = 0; k < acts.length; k += 1000) await this.activities.append(tx, acts.slice(k, k + 1000));
    return r.rows.length;
  }

  async addNote(actor: Actor, customerId: string, body: string) {
    const mentions = await this.mentions(body);
    return this.db.transaction().execute(async (tx) => {
      const c = await customersRepo.byId(tx, customerId);
      if (!c) throw notFound(`No customer with id ${customerId}.`);
      const row = await tx.insertInto('customer_notes').values({
        id: newId(), customer_id: customerId, author_id: actor.type === 'user' ? actor.id : null, author_label: actor.label, body, mentions,
      }).returningAll().executeTakeFirstOrThrow();
      await this.activities.append(tx, [{ customerId, type: 'Note Added', source: 'ui', properties: { noteId: row.id, by: actor.label, excerpt: body.slice(0, 200), mentions } }]);
      await audit.record(tx, actor, { action: 'customer.note_added', entityType: 'customer', entityId: customerId, summary: `Added a note to customer ${c.email ?? customerId}` });
      return noteOut(row);
    });
  }

  async notes(customerId: string) {
    const rows = await this.db.selectFrom('customer_notes').selectAll().where('customer_id', '=', customerId).orderBy('created_at', 'desc').limit(200).execute();
    return rows.map(noteOut);
  }

  async deleteNote(actor: Actor, isAdmin: boolean, noteId: string): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      const note = await tx.selectFrom('customer_notes').selectAll().where('id', '=', noteId).executeTakeFirst();
      if (!note) throw notFound(`No note ${noteId}.`);
      if (!isAdmin && note.author_id !== actor.id) throw forbidden('Only the author or an admin can delete a note.');
      await tx.deleteFrom('customer_notes').where('id', '=', noteId).execute();
      await audit.record(tx, actor, { action: 'customer.note_deleted', entityType: 'customer', entityId: note.customer_id, summary: 'Deleted a note', before: noteOut(note) });
    });
  }

  /** "@email@domain" or "@First Last" of team members → their ids. */
  private async mentions(body: string): Promise<string[]> {
    const handles = [...body.matchAll(/@([\w.+-]+@[\w-]+(?:\.[\w-]+)+)/g)].map((m) => m[1]!.toLowerCase());
    if (!handles.length) return [];
    const users = await this.db.selectFrom('users').select(['id', 'email']).where('status', '=', 'active').execute();
    return users.filter((u) => handles.includes(u.email.toLowerCase())).map((u) => u.id);
  }

  async listAttributes() {
    return (await this.db.selectFrom('attribute_definitions').selectAll().orderBy('label').execute()).map((r) => ({ key: r.key, label: r.label, type: r.type, options: r.options, createdAt: r.created_at }));
  }

  async createAttribute(actor: Actor, def: { key: string; label: string; type: AttrType; options: string[] }) {
    if (def.type === 'list' && def.options.length === 0) throw badRequest('A list attribute needs its options.', [{ pointer: '/body/options', detail: 'add at least one option' }]);
    return this.db.transaction().execute(async (tx) => {
      const exists = await tx.selectFrom('attribute_definitions').select('key').where('key', '=', def.key).executeTakeFirst();
      if (exists) throw conflict(`An attribute "${def.key}" exists already.`, 'attribute-exists');
      const r = await tx.insertInto('attribute_definitions').values(def).returningAll().executeTakeFirstOrThrow();
      await audit.record(tx, actor, { action: 'attribute.created', entityType: 'attribute', entityId: def.key, summary: `Defined custom attribute ${def.label} (${def.type})`, after: def });
      return { key: r.key, label: r.label, type: r.type, options: r.options, createdAt: r.created_at };
    });
  }

  async deleteAttribute(actor: Actor, key: string): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      const r = await tx.deleteFrom('attribute_definitions').where('key', '=', key).returningAll().executeTakeFirst();
      if (!r) throw notFound(`No attribute ${key}.`);
      await audit.record(tx, actor, { action: 'attribute.deleted', entityType: 'attribute', entityId: key, summary: `Deleted custom attribute ${r.label}`, before: r });
    });
  }

  /** Values of defined attributes must have the defined type; undefined keys are kept as free-form data. */
  private async checkAttributes(attrs: Record<string, unknown> | undefined): Promise<void> {
    if (!attrs || !Object.keys(attrs).length) return;
    const defs = await this.db.selectFrom('attribute_definitions').selectAll().where('key', 'in', Object.keys(attrs)).execute();
    const errors = [];
    for (const d of defs) {
      const v = attrs[d.key];
      if (v === null || v === undefined) continue;
      const ok = d.type === 'text' ? typeof v === 'string'
        : d.type === 'number' ? typeof v === 'number'
        : d.type === 'boolean' ? typeof v === 'boolean'
        : d.type === 'date' ? typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v) && !Number.isNaN(Date.parse(v))
        : (Array.isArray(v) ? v : [v]).every((x) => typeof x === 'string' && d.options.includes(x));
      if (!ok) errors.push({ pointer: `/body/attributes/${d.key}`, detail: d.type === 'list' ? `must be one or more of: ${d.options.join(', ')}` : `must be a ${d.type}${d.type === 'date' ? ' (YYYY-MM-DD)' : ''}` });
    }
    if (errors.length) throw badRequest(errors.map((e) => `${e.pointer}: ${e.detail}`).join('; '), errors);
  }

  async listViews(userId: string | null) {
    const rows = await this.db.selectFrom('customer_views').selectAll().where((eb) => eb.or([eb('shared', '=', true), eb('owner_id', '=', userId)])).orderBy('name').execute();
    return rows.map((r) => ({ id: r.id, name: r.name, shared: r.shared, ownerId: r.owner_id, filters: r.filters as Record<string, unknown>, createdAt: r.created_at }));
  }

  async createView(actor: Actor, v: { name: string; shared: boolean; filters: Record<string, unknown> }) {
    const r = await this.db.insertInto('customer_views').values({ id: newId(), name: v.name, shared: v.shared, owner_id: actor.type === 'user' ? actor.id : null, filters: JSON.stringify(v.filters) }).returningAll().executeTakeFirstOrThrow();
    await audit.record(this.db, actor, { action: 'customer_view.created', entityType: 'customer_view', entityId: r.id, summary: `Saved customer view "${v.name}"`, after: v });
    return { id: r.id, name: r.name, shared: r.shared, ownerId: r.owner_id, filters: r.filters as Record<string, unknown>, createdAt: r.created_at };
  }

  async deleteView(actor: Actor, isAdmin: boolean, id: string): Promise<void> {
    const v = await this.db.selectFrom('customer_views').selectAll().where('id', '=', id).executeTakeFirst();
    if (!v) throw notFound(`No saved view ${id}.`);
    if (!isAdmin && v.owner_id !== actor.id) throw forbidden('Only its owner or an admin can delete a saved view.');
    await this.db.deleteFrom('customer_views').where('id', '=', id).execute();
    await audit.record(this.db, actor, { action: 'customer_view.deleted', entityType: 'customer_view', entityId: id, summary: `Deleted customer view "${v.name}"` });
  }
}

export function tagSummary(add: string[], remove: string[]): string {
  return `${add.length ? ` +${add.join(', +')}` : ''}${remove.length ? ` −${remove.join(', −')}` : ''}`;
}

function noteOut(r: { id: string; customer_id: string; author_id: string | null; author_label: string; body: string; mentions: string[]; created_at: Date }) {
  return { id: r.id, customerId: r.customer_id, authorId: r.author_id, authorLabel: r.author_label, body: r.body, mentions: r.mentions, createdAt: r.created_at };
}

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}
