import type { z } from 'zod';
import { audit, type Actor } from '../../platform/audit/audit.ts';
import type { Db, Executor } from '../../platform/db/db.ts';
import { badRequest, conflict, notFound, type FieldError } from '../../platform/http/problem.ts';
import { newId } from '../../platform/ids.ts';
import { settingsRepo } from './tickets.settings.repo.ts';
import type { Agent, fieldBody, Team, TicketField, teamBody, updateTeamBody } from './tickets.settings.schemas.ts';

/** Teams and their members, agents' availability, custom ticket field definitions. */
export class SupportSettingsService {
  private readonly db: Db;

  constructor(db: Db) {
    this.db = db;
  }

  async teams(db: Executor = this.db): Promise<Team[]> {
    const [teams, members, openBy] = await Promise.all([settingsRepo.teams(db), settingsRepo.members(db), settingsRepo.openByTeam(db)]);
    return teams.map((t) => ({
      id: t.id, name: t.name, openTickets: openBy.get(t.id) ?? 0, createdAt: t.created_at,
      members: members.filter((m) => m.team_id === t.id).map((m) => ({ userId: m.user_id, name: m.name || m.email, email: m.email, available: m.available })),
    }));
  }

  private async checkMembers(db: Executor, ids: string[]): Promise<void> {
    if (!ids.length) return;
    const ok = new Set(await settingsRepo.usableUserIds(db, ids));
    const errors: FieldError[] = ids.flatMap((id, i) => (ok.has(id) ? [] : [{ pointer: `/body/memberIds/${i}`, detail: 'is not a user of this Patron' }]));
    if (errors.length) throw badRequest('Some members are not users of this Patron.', errors);
  }

  async createTeam(actor: Actor, b: z.infer<typeof teamBody>): Promise<Team> {
    return this.db.transaction().execute(async (tx) => {
      if (await settingsRepo.teamNameTaken(tx, b.name)) throw conflict(`A team named "${b.name}" exists already.`, 'team-exists');
      await this.checkMembers(tx, b.memberIds ?? []);
      const id = newId();
      await settingsRepo.insertTeam(tx, id, b.name);
      await settingsRepo.setMembers(tx, id, b.memberIds ?? []);
      await audit.record(tx, actor, { action: 'support.team.created', entityType: 'support_team', entityId: id, summary: `Created team "${b.name}"`, after: b });
      return (await this.teams(tx)).find((t) => t.id === id)!;
    });
  }

  async updateTeam(actor: Actor, id: string, b: z.infer<typeof updateTeamBody>): Promise<Team> {
    return this.db.transaction().execute(async (tx) => {
      const before = (await this.teams(tx)).find((t) => t.id === id);
      if (!before) throw notFound(`No team ${id}.`);
      if (b.name && b.name.toLowerCase() !== before.name.toLowerCase() && await settingsRepo.teamNameTaken(tx, b.name)) throw conflict(`A team named "${b.name}" exists already.`, 'team-exists');
      if (b.name) await settingsRepo.renameTeam(tx, id, b.name);
      if (b.memberIds) {
        await this.checkMembers(tx, b.memberIds);
        await settingsRepo.setMembers(tx, id, b.memberIds);
      }
      await audit.record(tx, actor, { action: 'support.team.updated', entityType: 'support_team', entityId: id, summary: `Changed team "${b.name ?? before.name}"`, before, after: b });
      return (await this.teams(tx)).find((t) => t.id === id)!;
    });
  }

  async deleteTeam(actor: Actor, id: string): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      const t = await settingsRepo.team(tx, id);
      if (!t) throw notFound(`No team ${id}.`);
      // Tickets keep their assignee; the team is cleared (on delete set null).
      await settingsRepo.deleteTeam(tx, id);
      await audit.record(tx, actor, { action: 'support.team.deleted', entityType: 'support_team', entityId: id, summary: `Deleted team "${t.name}"` });
    });
  }

  /** People who can work tickets (roles with support access), their availability, teams and open tickets. */
  async agents(): Promise<Agent[]> {
    return (await settingsRepo.agents(this.db)).map((x) => ({ id: x.id, name: x.name || x.email, email: x.email, role: x.role, available: x.available, teamIds: x.team_ids, openTickets: x.open }));
  }

  async setAvailability(actor: Actor & { id: string }, available: boolean): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      await settingsRepo.setAvailability(tx, actor.id, available);
      await audit.record(tx, actor, { action: 'support.agent.availability', entityType: 'user', entityId: actor.id, summary: `${actor.label} is ${available ? 'available' : 'away'} for new tickets` });
    });
  }

  async fields(db: Executor = this.db): Promise<TicketField[]> {
    const rows = await settingsRepo.fields(db);
    return rows.map((r) => ({ id: r.id, key: r.key, label: r.label, type: r.type, options: r.options, required: r.required, position: r.position }));
  }

  async createField(actor: Actor, b: z.infer<typeof fieldBody>): Promise<TicketField> {
    return this.db.transaction().execute(async (tx) => {
      if (await settingsRepo.fieldKeyTaken(tx, b.key)) throw conflict(`A field with key "${b.key}" exists already.`, 'field-exists');
      const id = newId();
      await settingsRepo.insertField(tx, { id, key: b.key, label: b.label, type: b.type, options: b.options, required: b.required, position: b.position });
      await audit.record(tx, actor, { action: 'support.field.created', entityType: 'ticket_field', entityId: id, summary: `Created ticket field "${b.label}"`, after: b });
      return (await this.fields(tx)).find((f) => f.id === id)!;
    });
  }

  async deleteField(actor: Actor, id: string): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      const f = await settingsRepo.field(tx, id);
      if (!f) throw notFound(`No ticket field ${id}.`);
      await settingsRepo.deleteField(tx, id);
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
