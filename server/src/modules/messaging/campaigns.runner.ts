import type { Logger } from 'pino';
import { audit, SYSTEM_ACTOR } from '../../platform/audit/audit.ts';
import type { Db, Executor, Tx } from '../../platform/db/db.ts';
import type { Jobs } from '../../platform/jobs/jobs.ts';
import { getStoreSettings } from '../../platform/settings.ts';
import { chooseWinner, planSendTimes, splitAudience } from './campaigns.plan.ts';
import { campaignsRepo } from './campaigns.repo.ts';
import { variantResults } from './campaigns.report.ts';
import type { AbTest, AudienceSnapshot, Schedule } from './campaigns.schemas.ts';
import { contentOf, refuseEmpty, type CampaignSender, type CampaignsService } from './campaigns.service.ts';
import type { CampaignRow } from './campaigns.tables.ts';
import type { MessageRow } from './messaging.tables.ts';
import type { SendRequest } from './send.types.ts';

/** Recipients handed to the sender per transaction. */
export const CHUNK = 5000;

/**
 * Sends campaigns (the jobs): freezes the audience when a campaign starts, hands it to the sender
 * in chunks, picks the A/B winner and sends it to the rest, marks campaigns sent. Every step is
 * idempotent: a retried job re-plans nothing it already stored and the sender's dedupe key
 * (`campaign:<id>:<customer>`) turns a repeated hand-over into no new message.
 */
export class CampaignRunner {
  private readonly db: Db;
  private readonly jobs: Jobs;
  private readonly sender: CampaignSender;
  private readonly service: CampaignsService;
  private readonly log: Logger;

  constructor(deps: { db: Db; jobs: Jobs; sender: CampaignSender; service: CampaignsService; log: Logger }) {
    this.db = deps.db;
    this.jobs = deps.jobs;
    this.sender = deps.sender;
    this.service = deps.service;
    this.log = deps.log;
  }

  /** The `campaigns.start` job: `at` is the start time it was scheduled for (a stale job for an older schedule does nothing). */
  async start(campaignId: string, at: string): Promise<void> {
    const now = new Date();
    const store = await getStoreSettings(this.db);
    const c = await this.db.transaction().execute(async (tx) => {
      const c = await campaignsRepo.get(tx, campaignId, true);
      if (!c) return null;
      if (c.status === 'sending') return c; // a retry after a crash: carry on handing over
      if (c.status !== 'scheduled' || c.start_at?.toISOString() !== at) return null;
      // The schedule's moment has come, so only the content is checked again (templates and segments may have gone meanwhile).
      const errors = await this.service.check(tx, { ...contentOf(c), schedule: { mode: 'now' } }, '');
      if (!c.template_id) errors.push({ pointer: '/templateId', detail: 'no template' });
      if (errors.length) return this.fail(tx, c, `The campaign could not start: ${errors.map((e) => `${e.pointer.slice(1)}: ${e.detail}`).join('; ')}.`);
      const spec = { include: c.include_segment_ids, exclude: c.exclude_segment_ids, channel: c.channel, kind: c.kind };
      const estimate = await campaignsRepo.estimate(tx, spec);
      try {
        refuseEmpty(estimate, c);
      } catch (e) {
        return this.fail(tx, c, (e as Error).message);
      }
      const people = await campaignsRepo.sendable(tx, spec);
      const ab = c.ab_test as AbTest | null;
      const split = splitAudience(c.id, people.map((p) => p.id), ab);
      if (ab && split.test.length < ab.variants.length) {
        return this.fail(tx, c, `The audience (${people.length}) is too small for an A/B test of ${ab.variants.length} variants: each needs at least one recipient.`);
      }
      const zoneOf = new Map(people.map((p) => [p.id, p.time_zone]));
      const variantOf = new Map(split.test.map((t) => [t.customerId, t.variant]));
      const planned = planSendTimes(split.test.map((t) => ({ customerId: t.customerId, timeZone: zoneOf.get(t.customerId) ?? null })), c.schedule as Schedule, {
        now, storeZone: store.timeZone, throttlePerHour: c.throttle_per_hour,
      });
      await campaignsRepo.insertRecipients(tx, c.id, [
        ...planned.map((p) => ({ customerId: p.customerId, variant: variantOf.get(p.customerId) || null, held: false, sendAfter: p.sendAfter })),
        ...split.held.map((customerId) => ({ customerId, variant: null, held: true, sendAfter: null })),
      ]);
      const lastTest = planned.reduce((m, p) => Math.max(m, p.sendAfter.getTime()), now.getTime());
      const testEndsAt = ab && split.held.length ? new Date(lastTest + ab.waitHours * 3600_000) : null;
      const snapshot: AudienceSnapshot = { ...estimate, recipients: people.length, test: ab ? split.test.length : 0, held: split.held.length };
      await tx.updateTable('campaigns').set({ status: 'sending', started_at: now, audience: JSON.stringify(snapshot), test_ends_at: testEndsAt, updated_at: now }).where('id', '=', c.id).execute();
      if (testEndsAt) await this.jobs.enqueue(tx, 'campaigns.pick-winner', { campaignId: c.id }, { runAt: testEndsAt, jobKey: `campaigns.pick-winner:${c.id}` });
      await audit.record(tx, SYSTEM_ACTOR, {
        action: 'campaign.started', entityType: 'campaign', entityId: c.id,
        summary: `Started campaign “${c.name}”: ${people.length} recipients${ab ? ` (${split.test.length} in the A/B test, ${split.held.length} waiting for the winner)` : ''}`, after: snapshot,
      });
      return (await campaignsRepo.get(tx, c.id))!;
    });
    if (!c) return;
    if (await this.handOver(c)) await this.markHandedOver(c.id);
  }

  /** The `campaigns.pick-winner` job: chooses the A/B winner by its metric and sends it to the held-back rest. */
  async pickWinner(campaignId: string): Promise<void> {
    const store = await getStoreSettings(this.db);
    const c = await this.db.transaction().execute(async (tx) => {
      const c = await campaignsRepo.get(tx, campaignId, true);
      const ab = c?.ab_test as AbTest | null | undefined;
      if (!c || !ab || c.status !== 'sending') return null;
      if (c.winner) return c; // a retry: the winner stands, carry on releasing
      const results = await variantResults(tx, c.id, store.currency);
      const byKey = ab.variants.map((v) => results.find((r) => r.key === v.key) ?? { key: v.key, sent: 0, opened: 0, clicked: 0, revenueMinor: 0 });
      const winner = chooseWinner(byKey, ab.metric);
      const now = new Date();
      await tx.updateTable('campaigns').set({ winner, winner_picked_at: now, updated_at: now }).where('id', '=', c.id).execute();
      const line = byKey.map((r) => `${r.key}: ${r.sent} sent, ${r.opened} opened, ${r.clicked} clicked, ${r.revenueMinor} revenue`).join('; ');
      await audit.record(tx, SYSTEM_ACTOR, { action: 'campaign.winner_picked', entityType: 'campaign', entityId: c.id, summary: `Variant ${winner} won the A/B test of “${c.name}” by ${ab.metric} (${line})`, after: { winner, results: byKey } });
      return { ...c, winner };
    });
    if (!c?.winner) return;
    const held = await campaignsRepo.heldWithZones(this.db, c.id);
    // The rest goes now (or at its local time, if still ahead), throttled from now on.
    const plan = planSendTimes(held.map((h) => ({ customerId: h.id, timeZone: h.time_zone })), c.schedule as Schedule, {
      now: new Date(), storeZone: store.timeZone, throttlePerHour: c.throttle_per_hour,
    });
    for (let i = 0; i < plan.length; i += CHUNK) {
      const chunk = plan.slice(i, i + CHUNK);
      const ok = await this.db.transaction().execute(async (tx) => {
        if (!(await this.stillSending(tx, c.id))) return false;
        await campaignsRepo.releaseHeld(tx, c.id, chunk, c.winner!);
        await this.sender.enqueueMany(tx, chunk.map((p) => request(c, { customer_id: p.customerId, variant: c.winner, send_after: p.sendAfter })));
        return true;
      });
      if (!ok) return;
    }
    await this.markHandedOver(c.id);
  }

  /** The `campaigns.settle` job: campaigns with nothing left in the queue are sent. */
  async settle(): Promise<number> {
    const ids = await campaignsRepo.settle(this.db);
    if (ids.length) this.log.info(`campaigns: ${ids.length} finished sending`);
    return ids.length;
  }

  /** After the dispatcher records sent messages (in its transaction): their campaigns finish at once when nothing of them is left queued. */
  readonly onSent = async (tx: Tx, rows: readonly Pick<MessageRow, 'campaign_id'>[]): Promise<void> => {
    const ids = [...new Set(rows.map((r) => r.campaign_id).filter((x): x is string => !!x))];
    if (ids.length) await campaignsRepo.settle(tx, ids);
  };

  /** Marks a campaign failed (the start job's last attempt, or a campaign that cannot start). */
  async markFailed(campaignId: string, message: string): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      const c = await campaignsRepo.get(tx, campaignId, true);
      if (c && (c.status === 'scheduled' || c.status === 'sending')) await this.fail(tx, c, message);
    });
  }

  private async fail(tx: Executor, c: CampaignRow, message: string): Promise<null> {
    await tx.updateTable('campaigns').set({ status: 'failed', error: message, updated_at: new Date() }).where('id', '=', c.id).execute();
    await audit.record(tx, SYSTEM_ACTOR, { action: 'campaign.failed', entityType: 'campaign', entityId: c.id, summary: `Campaign “${c.name}” failed: ${message}` });
    this.log.warn({ campaignId: c.id }, `campaign failed: ${message}`);
    return null;
  }

  /** Hands every recipient not held back to the sender, a chunk per transaction; false if the campaign stopped meanwhile. */
  private async handOver(c: CampaignRow): Promise<boolean> {
    let after: string | null = null;
    for (;;) {
      const page = await campaignsRepo.recipientsPage(this.db, c.id, false, after, CHUNK);
      if (!page.length) return true;
      const ok = await this.db.transaction().execute(async (tx) => {
        if (!(await this.stillSending(tx, c.id))) return false;
        await this.sender.enqueueMany(tx, page.map((r) => request(c, r)));
        return true;
      });
      if (!ok) return false;
      after = page.at(-1)!.customer_id;
    }
  }

  /** Under a share lock: a cancel (which takes the row for update) waits for this chunk, then cancels it with the rest. */
  private async stillSending(tx: Executor, id: string): Promise<boolean> {
    const r = await tx.selectFrom('campaigns').select('status').where('id', '=', id).forShare().executeTakeFirst();
    return r?.status === 'sending';
  }

  private async markHandedOver(id: string): Promise<void> {
    await this.db.updateTable('campaigns').set({ handed_over_at: new Date() })
      .where('id', '=', id).where('status', '=', 'sending').where('handed_over_at', 'is', null)
      .where((eb) => eb.not(eb.exists(eb.selectFrom('campaign_recipients').select('customer_id').where('campaign_id', '=', id).where('held', '=', true))))
      .execute();
  }
}

/** The message for one recipient: the variant's template and subject when A/B testing. */
function request(c: CampaignRow, r: { customer_id: string; variant: string | null; send_after: Date | null }): SendRequest {
  const v = r.variant ? (c.ab_test as AbTest | null)?.variants.find((x) => x.key === r.variant) : undefined;
  return {
    customerId: r.customer_id,
    channel: c.channel,
    kind: c.kind,
    purpose: 'campaign',
    dedupeKey: `campaign:${c.id}:${r.customer_id}`,
    templateId: v?.templateId ?? c.template_id!,
    ...(c.sender_id ? { senderId: c.sender_id } : {}),
    campaignId: c.id,
    ...(r.variant ? { variant: r.variant } : {}),
    ...(v?.subject ? { overrides: { subject: v.subject } } : {}),
    ...(r.send_after ? { sendAfter: r.send_after } : {}),
    ...(c.topic ? { topic: c.topic } : {}),
  };
}
