import { audit, type Actor } from '../../platform/audit/audit.ts';
import type { Db, Executor } from '../../platform/db/db.ts';
import { badRequest, conflict, HttpError, notFound, type FieldError } from '../../platform/http/problem.ts';
import { newId } from '../../platform/ids.ts';
import type { Jobs } from '../../platform/jobs/jobs.ts';
import { getStoreSettings } from '../../platform/settings.ts';
import { scheduleProblem, startAtFor, variantKey } from './campaigns.plan.ts';
import { campaignsRepo, type AudienceSpec } from './campaigns.repo.ts';
import { buildReport, listStats, performance } from './campaigns.report.ts';
import type { AbTest, AudienceSnapshot, Campaign, CreateCampaign, Estimate, Performance, Report, Schedule, UpdateCampaign } from './campaigns.schemas.ts';
import type { CampaignRow, CampaignStatus } from './campaigns.tables.ts';
import type { Channel, MessageKind } from './messaging.tables.ts';
import type { MessageSender } from './send.service.ts';

/** What campaigns need of the sender (injected, so tests and other senders can stand in). */
export type CampaignSender = Pick<MessageSender, 'enqueueMany' | 'cancel'>;

const EDITABLE: CampaignStatus[] = ['draft'];
const CHANNEL_NAME: Record<Channel, string> = { email: 'email', sms: 'SMS' };

/** What a campaign needs checked before it is saved or sent. */
interface Content {
  channel: Channel;
  kind: MessageKind;
  templateId: string | null;
  senderId: string | null;
  include: string[];
  exclude: string[];
  schedule: Schedule;
  abTest: CreateCampaign['abTest'];
}

const toAb = (ab: CreateCampaign['abTest']): AbTest | null =>
  ab ? { ...ab, variants: ab.variants.map((v, i) => ({ key: variantKey(i), ...(v.subject ? { subject: v.subject } : {}), ...(v.templateId ? { templateId: v.templateId } : {}) })) } : null;

/** Campaigns: drafts, validation, scheduling, cancelling, reports. Sending itself is CampaignRunner's (jobs). */
export class CampaignsService {
  private readonly db: Db;
  private readonly jobs: Jobs;
  private readonly sender: CampaignSender;

  constructor(db: Db, jobs: Jobs, sender: CampaignSender) {
    this.db = db;
    this.jobs = jobs;
    this.sender = sender;
  }

  private async out(rows: CampaignRow[]): Promise<Campaign[]> {
    const names = await campaignsRepo.templates(this.db, [...new Set(rows.map((r) => r.template_id).filter((x): x is string => !!x))]);
    const stats = await listStats(this.db, rows.filter((r) => r.started_at).map((r) => r.id));
    return rows.map((r) => ({
      id: r.id, name: r.name, status: r.status, channel: r.channel, kind: r.kind, topic: r.topic,
      templateId: r.template_id, templateName: r.template_id ? (names.get(r.template_id)?.name ?? null) : null, senderId: r.sender_id,
      include: r.include_segment_ids, exclude: r.exclude_segment_ids, schedule: r.schedule as Schedule, throttlePerHour: r.throttle_per_hour,
      abTest: r.ab_test as AbTest | null, winner: r.winner, winnerPickedAt: r.winner_picked_at, testEndsAt: r.test_ends_at,
      startAt: r.start_at, startedAt: r.started_at, finishedAt: r.finished_at, cancelledAt: r.cancelled_at, error: r.error,
      audience: r.audience as AudienceSnapshot | null,
      stats: stats.get(r.id) ?? { recipients: 0, sent: 0, opened: 0, clicked: 0, orders: 0 },
      createdBy: r.created_by, createdAt: r.created_at, updatedAt: r.updated_at,
    }));
  }

  async list(): Promise<Campaign[]> {
    return this.out(await campaignsRepo.list(this.db, 500));
  }

  async get(id: string): Promise<Campaign> {
    const r = await campaignsRepo.get(this.db, id);
    if (!r) throw notFound(`No campaign ${id}.`);
    return (await this.out([r]))[0]!;
  }

  /** Field errors of a campaign's content: unknown or mismatched templates, unknown segments and senders, a past time, A/B variants. */
  async check(db: Executor, c: Content, prefix = '/body'): Promise<FieldError[]> {
    const errors: FieldError[] = [];
    const ab = c.abTest;
    const templateIds = [c.templateId, ...(ab?.variants ?? []).map((v) => v.templateId ?? null)].filter((x): x is string => !!x);
    const templates = await campaignsRepo.templates(db, templateIds);
    const checkTemplate = (id: string, pointer: string) => {
      const t = templates.get(id);
      if (!t) errors.push({ pointer, detail: `no template ${id}` });
      else if (t.archived_at) errors.push({ pointer, detail: `template “${t.name}” is archived` });
      else if (t.channel !== c.channel) errors.push({ pointer, detail: `template “${t.name}” is an ${CHANNEL_NAME[t.channel]} template, but the campaign is sent by ${CHANNEL_NAME[c.channel]}` });
    };
    if (c.templateId) checkTemplate(c.templateId, `${prefix}/templateId`);
    if (c.senderId && !(await campaignsRepo.senderExists(db, c.senderId))) errors.push({ pointer: `${prefix}/senderId`, detail: `no sender ${c.senderId}` });
    const known = await campaignsRepo.existingSegments(db, [...c.include, ...c.exclude]);
    c.include.forEach((id, i) => {
      if (!known.has(id)) errors.push({ pointer: `${prefix}/include/${i}`, detail: `no segment ${id} (deleted, or never existed)` });
    });
    c.exclude.forEach((id, i) => {
      if (!known.has(id)) errors.push({ pointer: `${prefix}/exclude/${i}`, detail: `no segment ${id} (deleted, or never existed)` });
      else if (c.include.includes(id)) errors.push({ pointer: `${prefix}/exclude/${i}`, detail: `segment ${id} is both included and excluded` });
    });
    if (new Set(c.include).size !== c.include.length) errors.push({ pointer: `${prefix}/include`, detail: 'lists a segment twice' });
    const when = scheduleProblem(c.schedule, new Date());
    if (when) errors.push({ pointer: `${prefix}/schedule${c.schedule.mode === 'at' ? '/sendAt' : c.schedule.mode === 'local' ? '/date' : ''}`, detail: when });
    if (ab) {
      const seen = new Map<string, number>();
      ab.variants.forEach((v, i) => {
        const p = `${prefix}/abTest/variants/${i}`;
        if (v.templateId) checkTemplate(v.templateId, `${p}/templateId`);
        if (v.subject && c.channel === 'sms') errors.push({ pointer: `${p}/subject`, detail: 'SMS has no subject: vary the template instead' });
        const sig = `${v.subject ?? ''}\u0000${v.templateId ?? c.templateId ?? ''}`;
        const same = seen.get(sig);
        if (same !== undefined) errors.push({ pointer: p, detail: `variant ${variantKey(i)} is the same as variant ${variantKey(same)}: give it another subject or template` });
        else seen.set(sig, i);
      });
    }
    return errors;
  }

  private async assertValid(db: Executor, c: Content): Promise<void> {
    const errors = await this.check(db, c);
    if (errors.length) throw badRequest(`The campaign is not valid: ${errors.map((e) => `${e.pointer}: ${e.detail}`).join('; ')}`, errors);
  }

  async create(actor: Actor, b: CreateCampaign): Promise<Campaign> {
    await this.assertValid(this.db, b);
    const id = newId();
    await this.db.transaction().execute(async (tx) => {
      await tx.insertInto('campaigns').values({
        id, name: b.name, channel: b.channel, kind: b.kind, topic: b.topic, template_id: b.templateId, sender_id: b.senderId,
        include_segment_ids: b.include, exclude_segment_ids: b.exclude, schedule: JSON.stringify(b.schedule), start_at: null,
        throttle_per_hour: b.throttlePerHour, ab_test: b.abTest ? JSON.stringify(toAb(b.abTest)) : null, winner: null, winner_picked_at: null, test_ends_at: null,
        started_at: null, handed_over_at: null, finished_at: null, cancelled_at: null, error: null, audience: null, created_by: actor.label,
      }).execute();
      await audit.record(tx, actor, { action: 'campaign.created', entityType: 'campaign', entityId: id, summary: `Created campaign “${b.name}”`, after: b });
    });
    return this.get(id);
  }

  async update(actor: Actor, id: string, b: UpdateCampaign): Promise<Campaign> {
    await this.db.transaction().execute(async (tx) => {
      const cur = await campaignsRepo.get(tx, id, true);
      if (!cur) throw notFound(`No campaign ${id}.`);
      if (!EDITABLE.includes(cur.status)) throw notEditable(cur);
      const next: Content & { name: string; topic: string | null; throttlePerHour: number | null } = {
        name: b.name ?? cur.name, channel: b.channel ?? cur.channel, kind: b.kind ?? cur.kind, topic: b.topic !== undefined ? b.topic : cur.topic,
        templateId: b.templateId !== undefined ? b.templateId : cur.template_id, senderId: b.senderId !== undefined ? b.senderId : cur.sender_id,
        include: b.include ?? cur.include_segment_ids, exclude: b.exclude ?? cur.exclude_segment_ids, schedule: b.schedule ?? (cur.schedule as Schedule),
        throttlePerHour: b.throttlePerHour !== undefined ? b.throttlePerHour : cur.throttle_per_hour,
        abTest: b.abTest !== undefined ? b.abTest : fromAb(cur.ab_test as AbTest | null),
      };
      await this.assertValid(tx, next);
      await tx.updateTable('campaigns').set({
        name: next.name, channel: next.channel, kind: next.kind, topic: next.topic, template_id: next.templateId, sender_id: next.senderId,
        include_segment_ids: next.include, exclude_segment_ids: next.exclude, schedule: JSON.stringify(next.schedule), throttle_per_hour: next.throttlePerHour,
        ab_test: next.abTest ? JSON.stringify(toAb(next.abTest)) : null, updated_at: new Date(),
      }).where('id', '=', id).execute();
      await audit.record(tx, actor, { action: 'campaign.updated', entityType: 'campaign', entityId: id, summary: `Updated campaign “${next.name}”`, before: snapshot(cur), after: b });
    });
    return this.get(id);
  }

  async remove(actor: Actor, id: string): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      const cur = await campaignsRepo.get(tx, id, true);
      if (!cur) throw notFound(`No campaign ${id}.`);
      if (cur.status !== 'draft') throw conflict(`“${cur.name}” is ${cur.status}: only drafts can be deleted, because a campaign that started keeps its record for reports and attribution.`, 'campaign-not-deletable');
      await tx.deleteFrom('campaigns').where('id', '=', id).execute();
      await audit.record(tx, actor, { action: 'campaign.deleted', entityType: 'campaign', entityId: id, summary: `Deleted draft campaign “${cur.name}”`, before: snapshot(cur) });
    });
  }

  async duplicate(actor: Actor, id: string): Promise<Campaign> {
    const r = await campaignsRepo.get(this.db, id);
    if (!r) throw notFound(`No campaign ${id}.`);
    const schedule = r.schedule as Schedule;
    const known = await campaignsRepo.existingSegments(this.db, [...r.include_segment_ids, ...r.exclude_segment_ids]);
    const ab = fromAb(r.ab_test as AbTest | null);
    const templates = await campaignsRepo.templates(this.db, [r.template_id, ...(ab?.variants ?? []).map((v) => v.templateId ?? null)].filter((x): x is string => !!x));
    const usable = (t: string | null | undefined) => (t && templates.get(t) && !templates.get(t)?.archived_at ? t : null);
    return this.create(actor, {
      name: `${r.name} (copy)`.slice(0, 200), channel: r.channel, kind: r.kind, topic: r.topic, templateId: usable(r.template_id), senderId: r.sender_id,
      // A copy starts as a fresh draft: segments deleted since are dropped, a past time becomes "now".
      include: r.include_segment_ids.filter((s) => known.has(s)), exclude: r.exclude_segment_ids.filter((s) => known.has(s) && !r.include_segment_ids.includes(s)),
      schedule: scheduleProblem(schedule, new Date()) ? { mode: 'now' } : schedule, throttlePerHour: r.throttle_per_hour,
      abTest: ab && ab.variants.every((v) => !v.templateId || usable(v.templateId)) ? ab : null,
    });
  }

  async estimate(a: AudienceSpec): Promise<Estimate> {
    const known = await campaignsRepo.existingSegments(this.db, [...a.include, ...a.exclude]);
    const errors: FieldError[] = [];
    a.include.forEach((id, i) => !known.has(id) && errors.push({ pointer: `/body/include/${i}`, detail: `no segment ${id} (deleted, or never existed)` }));
    a.exclude.forEach((id, i) => !known.has(id) && errors.push({ pointer: `/body/exclude/${i}`, detail: `no segment ${id} (deleted, or never existed)` }));
    if (errors.length) throw badRequest(`Unknown segment: ${errors.map((e) => e.detail).join('; ')}`, errors);
    return campaignsRepo.estimate(this.db, a);
  }

  /** Schedules the send (now, at a time, or at a local time): checks it is complete and that someone can receive it. */
  async send(actor: Actor, id: string): Promise<Campaign> {
    await this.db.transaction().execute(async (tx) => {
      const c = await campaignsRepo.get(tx, id, true);
      if (!c) throw notFound(`No campaign ${id}.`);
      if (c.status !== 'draft') throw conflict(`“${c.name}” is already ${c.status}; only a draft can be sent.`, 'campaign-not-draft');
      const content = contentOf(c);
      const errors = await this.check(tx, content, '');
      if (!c.template_id) errors.push({ pointer: '/templateId', detail: 'choose a template' });
      if (!c.include_segment_ids.length) errors.push({ pointer: '/include', detail: 'choose at least one segment to send to' });
      if (errors.length) {
        throw new HttpError(422, 'campaign-incomplete', 'Campaign not ready to send', `The campaign cannot be sent yet: ${errors.map((e) => `${e.pointer.slice(1)}: ${e.detail}`).join('; ')}.`, { errors });
      }
      const spec = { include: c.include_segment_ids, exclude: c.exclude_segment_ids, channel: c.channel, kind: c.kind };
      refuseEmpty(await campaignsRepo.estimate(tx, spec), c);
      const ab = c.ab_test as AbTest | null;
      const store = await getStoreSettings(tx);
      const zones = content.schedule.mode === 'local' ? await campaignsRepo.zones(tx, spec) : [];
      const startAt = startAtFor(content.schedule, new Date(), zones, store.timeZone);
      await tx.updateTable('campaigns').set({ status: 'scheduled', start_at: startAt, error: null, updated_at: new Date() }).where('id', '=', id).execute();
      await this.jobs.enqueue(tx, 'campaigns.start', { campaignId: id, at: startAt.toISOString() }, { runAt: startAt, jobKey: `campaigns.start:${id}:${startAt.getTime()}` });
      const when = content.schedule.mode === 'now' ? 'now' : `from ${startAt.toISOString()}`;
      await audit.record(tx, actor, { action: 'campaign.scheduled', entityType: 'campaign', entityId: id, summary: `Scheduled campaign “${c.name}” to send ${when}${ab ? ` (A/B test of ${ab.variants.length} variants)` : ''}` });
    });
    return this.get(id);
  }

  /** A scheduled campaign that has not started goes back to draft (to edit it or send it later). */
  async unschedule(actor: Actor, id: string): Promise<Campaign> {
    await this.db.transaction().execute(async (tx) => {
      const c = await campaignsRepo.get(tx, id, true);
      if (!c) throw notFound(`No campaign ${id}.`);
      if (c.status !== 'scheduled') throw conflict(`“${c.name}” is ${c.status}, not scheduled.${c.status === 'sending' ? ' It has started: cancel it instead.' : ''}`, 'campaign-not-scheduled');
      // The start job already queued finds the campaign back in draft and does nothing.
      await tx.updateTable('campaigns').set({ status: 'draft', start_at: null, updated_at: new Date() }).where('id', '=', id).execute();
      await audit.record(tx, actor, { action: 'campaign.unscheduled', entityType: 'campaign', entityId: id, summary: `Unscheduled campaign “${c.name}” (back to draft)` });
    });
    return this.get(id);
  }

  /** Stops a scheduled or running send: nothing still queued leaves (messages already handed to the mail server are gone). */
  async cancel(actor: Actor, id: string): Promise<Campaign> {
    await this.db.transaction().execute(async (tx) => {
      // The row lock waits for a hand-over chunk in flight, so its messages are cancelled too and the next chunk sees 'cancelled'.
      const c = await campaignsRepo.get(tx, id, true);
      if (!c) throw notFound(`No campaign ${id}.`);
      if (c.status !== 'scheduled' && c.status !== 'sending') {
        const hint = c.status === 'draft' ? ' It has not been sent: delete it, or just leave it as a draft.' : '';
        throw conflict(`“${c.name}” is ${c.status}; only a scheduled or sending campaign can be cancelled.${hint}`, 'campaign-not-cancellable');
      }
      const cancelled = await this.sender.cancel(tx, { campaignId: id });
      await tx.updateTable('campaigns').set({ status: 'cancelled', cancelled_at: new Date(), updated_at: new Date() }).where('id', '=', id).execute();
      await audit.record(tx, actor, { action: 'campaign.cancelled', entityType: 'campaign', entityId: id, summary: `Cancelled campaign “${c.name}” (${cancelled} queued messages will not be sent)` });
    });
    return this.get(id);
  }

  async report(id: string): Promise<Report> {
    const c = await campaignsRepo.get(this.db, id);
    if (!c) throw notFound(`No campaign ${id}.`);
    const store = await getStoreSettings(this.db);
    return buildReport(this.db, c, store.currency, store.timeZone);
  }

  async performance(limit = 20): Promise<Performance> {
    const store = await getStoreSettings(this.db);
    return performance(this.db, store.currency, limit);
  }
}

export function contentOf(c: CampaignRow): Content {
  return {
    channel: c.channel, kind: c.kind, templateId: c.template_id, senderId: c.sender_id, include: c.include_segment_ids, exclude: c.exclude_segment_ids,
    schedule: c.schedule as Schedule, abTest: fromAb(c.ab_test as AbTest | null),
  };
}

function fromAb(ab: AbTest | null): CreateCampaign['abTest'] {
  return ab ? { ...ab, variants: ab.variants.map(({ key: _key, ...v }) => v) } : null;
}

function snapshot(c: CampaignRow) {
  return { name: c.name, status: c.status, templateId: c.template_id, include: c.include_segment_ids, exclude: c.exclude_segment_ids, schedule: c.schedule, throttlePerHour: c.throttle_per_hour, abTest: c.ab_test };
}

function notEditable(c: CampaignRow) {
  const why: Partial<Record<CampaignStatus, string>> = {
    scheduled: 'Unschedule it first (it goes back to draft), then edit it.',
    sending: 'It is being sent: cancel it, or duplicate it to make changes.',
    sent: 'It has been sent: duplicate it to send a changed version.',
    cancelled: 'It was cancelled: duplicate it to send a changed version.',
    failed: 'It failed: duplicate it to try again.',
  };
  return conflict(`“${c.name}” is ${c.status} and can no longer be edited. ${why[c.status] ?? ''}`.trim(), 'campaign-not-editable');
}

/** A send nobody could receive is refused, saying why (no one in the audience, no consent, all suppressed). */
export function refuseEmpty(e: Estimate, c: Pick<CampaignRow, 'channel' | 'kind'>): void {
  if (e.recipients > 0) return;
  const ch = CHANNEL_NAME[c.channel];
  let detail: string;
  if (e.total === 0) detail = 'The audience is empty: the chosen segments have no members (after the excluded ones are taken out).';
  else if (e.withAddress === 0) {
    const thing = c.channel === 'email' ? 'email address' : 'phone number';
    detail = e.total === 1 ? `The one customer in the audience has no ${thing}.` : `None of the ${e.total} customers in the audience has ${c.channel === 'email' ? 'an' : 'a'} ${thing}.`;
  } else if (c.kind === 'marketing' && e.consented === 0) {
    const who = e.withAddress === 1 ? 'the one customer' : `the ${e.withAddress} customers`;
    detail = `No recipient has ${ch} marketing consent: ${who} in the audience with ${c.channel === 'email' ? 'an email address' : 'a phone number'} did not subscribe to ${ch} marketing. Marketing messages go only to customers who opted in.`;
  } else detail = `Every customer in the audience who could receive it is on the suppression list (${e.suppressed} suppressed).`;
  throw new HttpError(409, 'no-consented-recipients', 'No one to send to', detail, { estimate: e });
}
