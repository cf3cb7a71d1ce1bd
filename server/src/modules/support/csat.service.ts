import { sql } from 'kysely';
import type { Activities } from '../../platform/activities/activities.ts';
import { audit, type Actor } from '../../platform/audit/audit.ts';
import type { Db, Executor, Tx } from '../../platform/db/db.ts';
import { newId } from '../../platform/ids.ts';
import { getSetting, putSetting } from '../../platform/settings.ts';
import { storeVars, type MessagingModule } from '../messaging/index.ts';
import { emailBody, type Brand } from './csat.pages.ts';
import { csatSettingsSchema, type CsatSettings, type CsatSurvey } from './csat.schemas.ts';
import type { Ticket } from './tickets.schemas.ts';

const KEY = 'support.csat';
const TEMPLATE_KEY = 'support.csat.template';
const DAY = 86_400_000;
export const CSAT_SEND_JOB = 'support.csat.send';

type SurveyRow = { id: string; ticket_id: string; customer_id: string; sent_at: Date; rating: number | null; comment: string | null; rated_at: Date | null };
export type RateOutcome = { status: 'gone' } | { status: 'closed' | 'ok'; survey: SurveyRow; number: number; subject: string; saved: 'rating' | 'comment' | null };

/**
 * Customer satisfaction: on solve, one survey email per ticket (transactional, through messaging's sender, so
 * suppressed addresses are skipped and no marketing consent is needed); a signed one-click link per rating,
 * a comment page, the rating changeable within the window; the result on the ticket (event) and the
 * customer's timeline ('Ticket Rated').
 */
export class CsatService {
  private readonly db: Db;
  private readonly messaging: Pick<MessagingModule, 'sender' | 'signer' | 'templates'>;
  private readonly activities: Activities;
  private readonly baseUrl: string;
  /** Where a ticket's survey is enqueued (set by sla.module.ts: a job, so the solve's transaction stays short). */
  enqueue: (tx: Tx, ticketId: string) => Promise<void> = async () => undefined;

  constructor(db: Db, messaging: Pick<MessagingModule, 'sender' | 'signer' | 'templates'>, activities: Activities, baseUrl: string) {
    this.db = db;
    this.messaging = messaging;
    this.activities = activities;
    this.baseUrl = baseUrl.replace(/\/$/, '');
  }

  async settings(db: Executor = this.db): Promise<CsatSettings> {
    return csatSettingsSchema.parse((await getSetting(db, KEY)) ?? {});
  }

  async saveSettings(actor: Actor, s: CsatSettings): Promise<CsatSettings> {
    const before = await this.settings();
    await this.db.transaction().execute(async (tx) => {
      await putSetting(tx, KEY, s);
      await audit.record(tx, actor, { action: 'support.csat.settings', entityType: 'setting', entityId: null, summary: `${s.enabled ? 'Turned on' : 'Turned off'} satisfaction surveys`, before, after: s });
    });
    return this.settings();
  }

  /** Ticket listener: a ticket just solved gets its survey (once: the survey row is unique per ticket). */
  async onSolved(tx: Tx, t: Ticket): Promise<void> {
    if (!(await this.settings(tx)).enabled) return;
    if (await tx.selectFrom('csat_surveys').select('id').where('ticket_id', '=', t.id).executeTakeFirst()) return;
    await this.enqueue(tx, t.id);
  }

  /** The job: records the survey and enqueues its email in one transaction; a retry finds the survey and stops. */
  async send(ticketId: string): Promise<'sent' | 'skipped'> {
    const settings = await this.settings();
    if (!settings.enabled) return 'skipped';
    const templateId = await this.templateId();
    await this.messaging.signer.init();
    return this.db.transaction().execute(async (tx) => {
      const t = await tx.selectFrom('tickets').select(['id', 'number', 'subject', 'status', 'customer_id']).where('id', '=', ticketId).executeTakeFirst();
      // Reopened before the job ran: the next solve enqueues again.
      if (!t || (t.status !== 'solved' && t.status !== 'closed')) return 'skipped';
      const id = newId();
      const ins = await tx.insertInto('csat_surveys').values({ id, ticket_id: t.id, customer_id: t.customer_id, message_id: null, sent_at: new Date(), rating: null, comment: null, rated_at: null })
        .onConflict((oc) => oc.column('ticket_id').doNothing()).returning('id').executeTakeFirst();
      if (!ins) return 'skipped';
      const { vars } = await storeVars(tx);
      const links = [1, 2, 3, 4, 5].map((r) => this.link(id, r));
      const m = await this.messaging.sender.enqueue(tx, {
        customerId: t.customer_id, channel: 'email', kind: 'transactional', purpose: 'transactional', dedupeKey: `csat:${t.id}`, templateId,
        vars: { ticket: { number: t.number, subject: t.subject } }, overrides: { subject: settings.subject, body: emailBody(settings.intro, links, vars.brand_color ?? '') },
      });
      await tx.updateTable('csat_surveys').set({ message_id: m.id }).where('id', '=', id).execute();
      await tx.insertInto('ticket_events').values({ id: newId(), ticket_id: t.id, type: 'csat', actor_type: 'system', actor_id: null, actor_label: 'CSAT', data: JSON.stringify({ state: 'sent' }) }).execute();
      return 'sent';
    });
  }

  /** The survey's link; `rating` preselects (and records) that rating. */
  link(surveyId: string, rating?: number): string {
    const base = `${this.baseUrl}/support/csat/${surveyId}/${this.messaging.signer.sign('csat', surveyId)}`;
    return rating ? `${base}?r=${rating}` : base;
  }

  verify(surveyId: string, sig: string): boolean {
    return /^[0-9a-f-]{36}$/i.test(surveyId) && this.messaging.signer.verify('csat', surveyId, sig);
  }

  /**
   * Records a rating and/or comment from the survey's page. Past the window nothing changes. A repeated
   * request with the same answer changes nothing (mail scanners and double clicks are harmless).
   */
  async rate(surveyId: string, input: { rating?: number; comment?: string }, now = new Date()): Promise<RateOutcome> {
    return this.db.transaction().execute(async (tx) => {
      const s = await tx.selectFrom('csat_surveys').selectAll().where('id', '=', surveyId).forUpdate().executeTakeFirst();
      if (!s) return { status: 'gone' } as const;
      const t = await tx.selectFrom('tickets').select(['number', 'subject']).where('id', '=', s.ticket_id).executeTakeFirstOrThrow();
      const window = (await this.settings(tx)).windowDays * DAY;
      if (now.getTime() - s.sent_at.getTime() > window) return { status: 'closed', survey: s, number: t.number, subject: t.subject, saved: null } as const;
      const rating = input.rating ?? s.rating;
      const comment = input.comment === undefined ? s.comment : input.comment.trim().slice(0, 2000) || null;
      if (!rating || (rating === s.rating && comment === s.comment)) return { status: 'ok', survey: s, number: t.number, subject: t.subject, saved: null } as const;
      const row = await tx.updateTable('csat_surveys').set({ rating, comment, rated_at: now }).where('id', '=', s.id).returningAll().executeTakeFirstOrThrow();
      await tx.insertInto('ticket_events').values({ id: newId(), ticket_id: s.ticket_id, type: 'csat', actor_type: 'customer', actor_id: null, actor_label: 'Customer', data: JSON.stringify({ state: 'rated', rating, comment, previous: s.rating }) }).execute();
      await this.activities.append(tx, [{
        customerId: s.customer_id, type: 'Ticket Rated', source: 'email', occurredAt: now, dedupeKey: `csat:${s.id}:${now.getTime()}`,
        properties: { ticketId: s.ticket_id, number: t.number, rating, comment, surveyId: s.id, changed: s.rating !== null },
      }]);
      return { status: 'ok', survey: row, number: t.number, subject: t.subject, saved: input.comment !== undefined ? 'comment' : 'rating' } as const;
    });
  }

  async forTicket(ticketId: string): Promise<CsatSurvey | null> {
    const s = await this.db.selectFrom('csat_surveys').selectAll().where('ticket_id', '=', ticketId).executeTakeFirst();
    if (!s) return null;
    const window = (await this.settings()).windowDays * DAY;
    return { id: s.id, ticketId: s.ticket_id, sentAt: s.sent_at, rating: s.rating, comment: s.comment, ratedAt: s.rated_at, changeableUntil: new Date(s.sent_at.getTime() + window) };
  }

  async brand(): Promise<Brand> {
    const { vars } = await storeVars(this.db);
    return { storeName: vars.name, color: vars.brand_color ?? '#111827' };
  }

  /** csat_surveys holds a customer's ratings and comments (personal data). */
  async exportCustomer(customerId: string): Promise<{ csatSurveys: SurveyRow[] }> {
    return { csatSurveys: await this.db.selectFrom('csat_surveys').select(['id', 'ticket_id', 'customer_id', 'sent_at', 'rating', 'comment', 'rated_at']).where('customer_id', '=', customerId).execute() };
  }

  async eraseCustomer(customerId: string, tx?: Tx): Promise<{ csatSurveys: number }> {
    const r = await (tx ?? this.db).deleteFrom('csat_surveys').where('customer_id', '=', customerId).executeTakeFirst();
    return { csatSurveys: Number(r.numDeletedRows) };
  }

  /** The transactional template the survey emails use (created once; its body is replaced per send by the settings' text). */
  private async templateId(): Promise<string> {
    const known = await getSetting(this.db, TEMPLATE_KEY);
    if (typeof known === 'string' && (await sql`select 1 from message_templates where id = ${known}::uuid and archived_at is null`.execute(this.db)).rows.length) return known;
    const s = await this.settings();
    const t = await this.messaging.templates.service.create({ type: 'system', id: null, label: 'support' }, {
      name: `Support: satisfaction survey (${new Date().toISOString().slice(0, 10)})`, channel: 'email', kind: 'transactional', format: 'html', subject: s.subject,
      body: emailBody(s.intro, [1, 2, 3, 4, 5].map((r) => `${this.baseUrl}/support/csat/example?r=${r}`), ''),
    });
    await putSetting(this.db, TEMPLATE_KEY, t.id);
    return t.id;
  }
}
