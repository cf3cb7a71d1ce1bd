import { sql } from 'kysely';
import type { z } from 'zod';
import { audit, type Actor } from '../../platform/audit/audit.ts';
import type { Db, Executor } from '../../platform/db/db.ts';
import { badRequest, conflict, notFound, type FieldError } from '../../platform/http/problem.ts';
import { newId } from '../../platform/ids.ts';
import type { Agent, fieldBody, Team, TicketField, teamBody, updateTeamBody } from './tickets.settings.schemas.ts';

/** Teams and their members, agents' availability, custom ticket field definitions. */
export class SupportSettingsService {
  private readonly db: Db;

  constructor(db: Db) {
    this.db = db;
  }

  async teams(db: Executor = this.db): Promise<Team[]> {
    const teams = await db.selectFrom('support_teams').selectAll().orderBy(sql`lower(name)`).execute();
    const members = await sql<{ team_id: string; user_id: string; name: string; email: string; available: boolean }>`
      select m.team_id, m.user_id, u.name, u.email, coalesce(a.available, true) as available
      from support_team_members m join users u on u.id = m.user_id left join support_agents a on a.user_id = m.user_id
      where u.status <> 'deactivated' order by lower(coalesce(nullif(u.name, ''), u.email))`.execute(db);
    const open = await sql<{ team_id: string; n: number }>`select team_id, count(*)::int as n from tickets where team_id is not null and status not in ('solved','closed') group by team_id`.execute(db);
    const openBy = new Map(open.rows.map((r) => [r.team_id, r.n]));
    return teams.map((t) => ({
      id: t.id, name: t.name, openTickets: openBy.get(t.id) ?? 0, createdAt: t.created_at,
      members: members.rows.filter((m) => m.team_id === t.id).map((m) => ({ userId: m.user_id, name: m.name || m.email, email: m.email, available: m.available })),
    }));
  }

  private async checkMembers(db: Executor, ids: string[]): Promise<void> {
    if (!ids.length) return;
    const found = await db.selectFrom('users').select('id').where('id', 'in', ids).where('status', '<>', 'deactivated').execute();
    const ok = new Set(found.map((r) => r.id));
    const errors: FieldError[] = ids.flatMap((id, i) => (ok.has(id) ? [] : [{ pointer: `/body/memberIds/${i}`, detail: 'is not a user of this Patron' }]));
    if (errors.length) throw badRequest('Some members are not users of this Patron.', errors);
  }

  private async setMembers(db: Executor, teamId: string, ids: string[]): Promise<void> {
    const unique = [...new Set(ids)];
    await db.deleteFrom('support_team_members').where('team_id', '=', teamId).$if(unique.length > 0, (q) => q.where('user_id', 'not in', unique)).execute();
    if (unique.length) await db.insertInto('support_team_members').values(unique.map((user_id) => ({ team_id: teamId, user_id, last_assigned_at: null }))).onConflict((oc) => oc.doNothing()).execute();
  }

  async createTeam(actor: Actor, b: z.infer<typeof teamBody>): Promise<Team> {
    return this.db.transaction().execute(async (tx) => {
      if (await tx.selectFrom('support_teams').select('id').where(sql<boolean>`lower(name) = lower(${b.name})`).executeTakeFirst()) throw conflict(`A team named "${b.name}" exists already.`, 'team-exists');
      await this.checkMembers(tx, b.memberIds ?? []);
      const id = newId();
      await tx.insertInto('support_teams').values({ id, name: b.name }).execute();
      await this.setMembers(tx, id, b.memberIds ?? []);
      await audit.record(tx, actor, { action: 'support.team.created', entityType: 'support_team', entityId: id, summary: `Created team "${b.name}"`, after: b });
      return (await this.teams(tx)).find((t) => t.id === id)!;
    });
  }

  async updateTeam(actor: Actor, id: string, b: z.infer<typeof updateTeamBody>): Promise<Team> {
    return this.db.transaction().execute(async (tx) => {
      const before = (await this.teams(tx)).find((t) => t.id === id);
      if (!before) throw notFound(`No team ${id}.`);
      if (b.name && b.name.toLowerCase() !== before.name.toLowerCase() && await tx.selectFrom('support_teams').select('id').where(sql<boolean>`lower(name) = lower(${b.name})`).executeTakeFirst()) throw conflict(`A team named "${b.name}" exists already.`, 'team-exists');
      if (b.name) await tx.updateTable('support_teams').set({ name: b.name, updated_at: new Date() }).where('id', '=', id).execute();
      if (b.memberIds) {
        await this.checkMembers(tx, b.memberIds);
        await this.setMembers(tx, id, b.memberIds);
      }
      await audit.record(tx, actor, { action: 'support.team.updated', entityType: 'support_team', entityId: id, summary: `Changed team "${b.name ?? before.name}"`, before, after: b });
      return (await this.teams(tx)).find((t) => t.id === id)!;
    });
  }

  async deleteTeam(actor: Actor, id: string): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      const t = await tx.selectFrom('support_teams').selectAll().where('id', '=', id).executeTakeFirst();
      if (!t) throw notFound(`No team ${id}.`);
      // Tickets keep their assignee; the team is cleared (on delete set null).
      await tx.deleteFrom('support_teams').where('id', '=', id).execute();
      await audit.record(tx, actor, { action: 'support.team.deleted', entityType: 'support_team', entityId: id, summary: `Deleted team "${t.name}"` });
    });
  }

  /** People who can work tickets (roles with support access), their availability, teams and open tickets. */
  async agents(): Promise<Agent[]> {
    const r = await sql<{ id: string; name: string; email: string; role: string; available: boolean; team_ids: string[]; open: number }>`
      select u.id, u.name, u.email, u.role, coalesce(a.available, true) as available,
        coalesce((select array_agg(m.team_id) from support_team_members m where m.user_id = u.id), '{}') as team_ids,
        (select count(*)::int from tickets t where t.assignee_id = u.id and t.status not in ('solved','closed')) as open
      from users u left join support_agents a on a.user_id = u.id
      where u.status = 'active' and u.role in ('owner','admin','support')
      order by lower(coalesce(nullif(u.name, ''), u.email))`.execute(this.db);
    return r.rows.map((x) => ({ id: x.id, name: x.name || x.email, email: x.email, role: x.role, available: x.available, teamIds: x.team_ids, openTickets: x.open }));
  }

  async setAvailability(actor: Actor & { id: string }, available: boolean): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      await tx.insertInto('support_agents').values({ user_id: actor.id, available }).onConflict((oc) => oc.column('user_id').doUpdateSet({ available, updated_at: new Date() })).execute();
      await audit.record(tx, actor, { action: 'support.agent.availability', entityType: 'user', entityId: actor.id, summary: `${actor.label} is ${available ? 'available' : 'away'} for new tickets` });
    });
  }

  async fields(db: Executor = this.db): Promise<TicketField[]> {
    const rows = await db.selectFrom('ticket_field_definitions').selectAll().orderBy('position').orderBy('label').execute();
    return rows.map((r) => ({ id: r.id, key: r.key, label: r.label, type: r.type, options: r.options, required: r.required, position: r.position }));
  }

  async createField(actor: Actor, b: z.infer<typeof fieldBody>): Promise<TicketField> {
    return this.db.transaction().execute(async (tx) => {
      if (await tx.selectFrom('ticket_field_definitions').select('id').where('key', '=', b.key).executeTakeFirst()) throw conflict(`A field with key "${b.key}" exists already.`, 'field-exists');
      const id = newId();
      await tx.insertInto('ticket_field_definitions').values({ id, key: b.key, label: b.label, type: b.type, options: b.options, required: b.required, position: b.position }).execute();
      await audit.record(tx, actor, { action: 'support.field.created', entityType: 'ticket_field', entityId: id, summary: `Created ticket field "${b.label}"`, after: b });
      return (await this.fields(tx)).find((f) => f.id === id)!;
    });
  }

  async deleteField(actor: Actor, id: string): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      const f = await tx.selectFrom('ticket_field_definitions').selectAll().where('id', '=', id).executeTakeFirst();
      if (!f) throw notFound(`No ticket field ${id}.`);
      await tx.deleteFrom('ticket_field_definitions').where('id', '=', id).execute();
      await audit.record(tx, actor, { action: 'support.field.deleted', entityType: 'ticket_field', entityId: id, summary: `Deleted ticket field "${f.label}" (values stay on tickets)` });
    });
  }

  /** Checks custom field values against their definitions; returns them typed (dates as YYYY-MM-DD). */
  async checkCustomFields(values: Record<string, unknown>, db: Executor = this.db): Promise<Record<string, unknown>> {
    const defs = new Map((await this.fields(db)).map((f) => [f.key, f]));
    const errors: FieldError[] = [];
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(values)) {
      const d = defs.get(k);
      const pointer = `/body/customFields/${k}`;
      if (!d) { errors.push({ pointer, detail: 'is not a ticket field (define it under Settings → Support → Fields)' }); continue; }
      if (v === null || v === '') { out[k] = null; continue; }
      if (d.type === 'number' && typeof v !== 'number') errors.push({ pointer, detail: 'must be a number' });
      else if (d.type === 'boolean' && typeof v !== 'boolean') errors.push({ pointer, detail: 'must be true or false' });
      else if (d.type === 'date' && (typeof v !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(v) || Number.isNaN(Date.parse(v)))) errors.push({ pointer, detail: 'must be a date like 2024-05-31' });
      else if (d.type === 'select' && (typeof v !== 'string' || !d.options.includes(v))) errors.push({ pointer, detail: `must be one of ${d.options.join(', ')}` });
      else if (d.type === 'text' && typeof v !== 'string') errors.push({ pointer, detail: 'must be text' });
      else out[k] = v;
    }
    if (errors.length) throw badRequest('Some custom field values do not fit their fields.', errors);
    return out;
  }
}
