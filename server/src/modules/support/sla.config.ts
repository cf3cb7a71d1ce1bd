import { audit, type Actor } from '../../platform/audit/audit.ts';
import type { Db, Executor } from '../../platform/db/db.ts';
import { badRequest, conflict, notFound } from '../../platform/http/problem.ts';
import { newId } from '../../platform/ids.ts';
import { ALWAYS_OPEN, BusinessCalendar, DAYS, type Holiday, type WeekHours } from './hours.ts';
import { slaRepo, type CalendarRow, type PolicyRow } from './sla.repo.ts';
import { targetsSchema, weekHoursSchema, type Calendar, type CalendarBody, type Policy, type PolicyBody, type Targets } from './sla.schemas.ts';

const weeklyMinutes = (w: WeekHours) => {
  const cal = new BusinessCalendar({ timeZone: 'UTC', week: w, holidays: [] });
  // A week of a calendar without holidays, in UTC (no DST): the nominal weekly hours.
  return cal.between(new Date('2024-01-01T00:00:00Z'), new Date('2024-01-08T00:00:00Z')) / 60_000;
};

export function toCalendar(r: CalendarRow): Calendar {
  const hours = weekHoursSchema.safeParse(r.hours);
  const week = hours.success ? hours.data : ALWAYS_OPEN;
  return { id: r.id, name: r.name, timeZone: r.time_zone, hours: week, holidays: (r.holidays ?? []) as Holiday[], isDefault: r.is_default, weeklyMinutes: weeklyMinutes(week), createdAt: r.created_at, updatedAt: r.updated_at };
}

export function toPolicy(r: PolicyRow): Policy {
  const t = targetsSchema.safeParse(r.targets);
  return {
    id: r.id, name: r.name, position: r.position, enabled: r.enabled, calendarId: r.calendar_id, calendarName: r.calendar_name, segmentId: r.segment_id,
    segmentName: r.segment_name, channels: r.channels, targets: t.success ? t.data : {}, createdAt: r.created_at, updatedAt: r.updated_at,
  };
}

/** Business-hours calendars and SLA policies: what agents configure in Settings → SLA. */
export class SlaConfig {
  private readonly db: Db;
  private readonly cache = new Map<string, { at: number; cal: BusinessCalendar }>();
  /** Called in the transaction that changed a calendar's hours, holidays or zone (sla.module.ts enqueues a re-sync of open tickets). */
  onCalendarChanged: (tx: Executor, calendarId: string) => Promise<void> = async () => undefined;
  constructor(db: Db) {
    this.db = db;
  }

  /** The working calendar (cached per version: its day intervals are reused across tickets). */
  async businessCalendar(db: Executor, id: string | null): Promise<{ id: string | null; name: string | null; cal: BusinessCalendar }> {
    const row = id ? await slaRepo.calendar(db, id) : await slaRepo.defaultCalendar(db);
    // No calendar at all (a fresh install before the demo or settings): around the clock in UTC.
    if (!row) return { id: null, name: null, cal: new BusinessCalendar({ timeZone: 'UTC', week: ALWAYS_OPEN, holidays: [] }) };
    const hit = this.cache.get(row.id);
    if (hit && hit.at === row.updated_at.getTime()) return { id: row.id, name: row.name, cal: hit.cal };
    const c = toCalendar(row);
    const cal = new BusinessCalendar({ timeZone: c.timeZone, week: c.hours, holidays: c.holidays });
    this.cache.set(row.id, { at: row.updated_at.getTime(), cal });
    return { id: row.id, name: row.name, cal };
  }

  async calendars(): Promise<Calendar[]> {
    return (await slaRepo.calendars(this.db)).map(toCalendar);
  }

  async calendar(id: string): Promise<Calendar> {
    const r = await slaRepo.calendar(this.db, id);
    if (!r) throw notFound(`No business-hours calendar ${id}.`);
    return toCalendar(r);
  }

  private check(b: CalendarBody): void {
    if (!DAYS.some((d) => b.hours[d].length)) throw badRequest('A calendar needs opening hours on at least one day.', [{ pointer: '/body/hours', detail: 'has no open hours on any day' }]);
    const errors = DAYS.flatMap((d) => b.hours[d].flatMap((s, i) => (s.start === s.end && s.end !== '00:00' ? [{ pointer: `/body/hours/${d}/${i}`, detail: 'starts and ends at the same time; use 00:00–24:00 for the whole day' }] : [])));
    if (errors.length) throw badRequest('Some opening hours are empty.', errors);
  }

  async createCalendar(actor: Actor, b: CalendarBody): Promise<Calendar> {
    this.check(b);
    const id = newId();
    await this.db.transaction().execute(async (tx) => {
      if (await slaRepo.calendarNameTaken(tx, b.name)) throw conflict(`A calendar named "${b.name}" exists already; pick another name.`, 'name-taken');
      const first = !(await slaRepo.defaultCalendar(tx));
      await slaRepo.insertCalendar(tx, { id, name: b.name, time_zone: b.timeZone, hours: JSON.stringify(b.hours), holidays: JSON.stringify(b.holidays), is_default: b.isDefault || first });
      await audit.record(tx, actor, { action: 'support.calendar.created', entityType: 'support_calendar', entityId: id, summary: `Created business hours "${b.name}"`, after: b });
    });
    return this.calendar(id);
  }

  async updateCalendar(actor: Actor, id: string, b: CalendarBody): Promise<Calendar> {
    this.check(b);
    const before = await this.calendar(id);
    await this.db.transaction().execute(async (tx) => {
      if (await slaRepo.calendarNameTaken(tx, b.name, id)) throw conflict(`A calendar named "${b.name}" exists already; pick another name.`, 'name-taken');
      if (before.isDefault && !b.isDefault) throw badRequest('Make another calendar the default instead of unsetting this one.', [{ pointer: '/body/isDefault', detail: 'one calendar is always the default' }]);
      await slaRepo.updateCalendar(tx, id, { name: b.name, time_zone: b.timeZone, hours: JSON.stringify(b.hours), holidays: JSON.stringify(b.holidays), is_default: b.isDefault });
      await audit.record(tx, actor, { action: 'support.calendar.updated', entityType: 'support_calendar', entityId: id, summary: `Changed business hours "${b.name}"`, before, after: b });
      await this.onCalendarChanged(tx, id);
    });
    return this.calendar(id);
  }

  async deleteCalendar(actor: Actor, id: string): Promise<void> {
    const c = await this.calendar(id);
    if (c.isDefault) throw conflict('The default calendar cannot be deleted; make another one the default first.', 'calendar-default');
    const using = await slaRepo.policiesUsing(this.db, id);
    if (using.length) throw conflict(`Policies use this calendar: ${using.map((p) => p.name).join(', ')}. Change them first.`, 'calendar-in-use');
    await this.db.transaction().execute(async (tx) => {
      await slaRepo.deleteCalendar(tx, id);
      await audit.record(tx, actor, { action: 'support.calendar.deleted', entityType: 'support_calendar', entityId: id, summary: `Deleted business hours "${c.name}"`, before: c });
    });
  }

  async policies(): Promise<Policy[]> {
    return (await slaRepo.policies(this.db)).map(toPolicy);
  }

  async policy(id: string): Promise<Policy> {
    const r = await slaRepo.policy(this.db, id);
    if (!r) throw notFound(`No SLA policy ${id}.`);
    return toPolicy(r);
  }

  private async checkPolicy(db: Executor, b: PolicyBody, id?: string): Promise<void> {
    if (await slaRepo.policyNameTaken(db, b.name, id)) throw conflict(`A policy named "${b.name}" exists already; pick another name.`, 'name-taken');
    const errors = [];
    if (b.calendarId && !(await slaRepo.calendar(db, b.calendarId))) errors.push({ pointer: '/body/calendarId', detail: 'is not a business-hours calendar' });
    if (b.segmentId && !(await slaRepo.segmentExists(db, b.segmentId))) errors.push({ pointer: '/body/segmentId', detail: 'is not a segment' });
    if (!Object.values(b.targets).some((t) => t && (t.firstResponse || t.resolution))) errors.push({ pointer: '/body/targets', detail: 'needs at least one first-response or resolution target' });
    if (errors.length) throw badRequest(errors.map((e) => `${e.pointer.slice(6)} ${e.detail}`).join('; '), errors);
  }

  async createPolicy(actor: Actor, b: PolicyBody): Promise<Policy> {
    const id = newId();
    await this.db.transaction().execute(async (tx) => {
      await this.checkPolicy(tx, b);
      await slaRepo.insertPolicy(tx, { id, name: b.name, position: await slaRepo.nextPosition(tx), enabled: b.enabled, calendar_id: b.calendarId, segment_id: b.segmentId, channels: b.channels, targets: JSON.stringify(b.targets) });
      await audit.record(tx, actor, { action: 'support.sla_policy.created', entityType: 'sla_policy', entityId: id, summary: `Created SLA policy "${b.name}"`, after: b });
    });
    return this.policy(id);
  }

  async updatePolicy(actor: Actor, id: string, b: PolicyBody): Promise<Policy> {
    const before = await this.policy(id);
    await this.db.transaction().execute(async (tx) => {
      await this.checkPolicy(tx, b, id);
      await slaRepo.updatePolicy(tx, id, { name: b.name, enabled: b.enabled, calendar_id: b.calendarId, segment_id: b.segmentId, channels: b.channels, targets: JSON.stringify(b.targets) });
      await audit.record(tx, actor, { action: 'support.sla_policy.updated', entityType: 'sla_policy', entityId: id, summary: `Changed SLA policy "${b.name}" (applies to new tickets and priority changes)`, before, after: b });
    });
    return this.policy(id);
  }

  async deletePolicy(actor: Actor, id: string): Promise<void> {
    const p = await this.policy(id);
    await this.db.transaction().execute(async (tx) => {
      await slaRepo.deletePolicy(tx, id);
      await audit.record(tx, actor, { action: 'support.sla_policy.deleted', entityType: 'sla_policy', entityId: id, summary: `Deleted SLA policy "${p.name}"`, before: p });
    });
  }

  /** Sets the order policies are tried in: `ids` must list every policy once. */
  async reorder(actor: Actor, ids: string[]): Promise<Policy[]> {
    await this.db.transaction().execute(async (tx) => {
      const all = await slaRepo.policies(tx);
      const known = new Set(all.map((p) => p.id));
      if (ids.length !== all.length || new Set(ids).size !== ids.length || ids.some((i) => !known.has(i))) {
        throw badRequest('List every SLA policy exactly once, in the new order.', [{ pointer: '/body/ids', detail: `must contain each of the ${all.length} policy ids once` }]);
      }
      for (const [i, id] of ids.entries()) await slaRepo.updatePolicy(tx, id, { position: i });
      await audit.record(tx, actor, { action: 'support.sla_policy.reordered', entityType: 'sla_policy', summary: 'Reordered SLA policies', before: all.map((p) => p.name), after: ids.map((i) => all.find((p) => p.id === i)!.name) });
    });
    return this.policies();
  }

  /** The first enabled policy whose conditions match (segment membership is read as it is now). */
  async choose(db: Executor, t: { channel: string; customer_id: string }): Promise<Policy | null> {
    for (const r of await slaRepo.policies(db)) {
      if (!r.enabled) continue;
      if (r.channels.length && !r.channels.includes(t.channel)) continue;
      if (r.segment_id && !(await slaRepo.inSegment(db, t.customer_id, r.segment_id))) continue;
      return toPolicy(r);
    }
    return null;
  }
}

export function targetsFor(targets: Targets, priority: string): { firstResponse: number | null; resolution: number | null } {
  const t = targets[priority as keyof Targets];
  return { firstResponse: t?.firstResponse ?? null, resolution: t?.resolution ?? null };
}
