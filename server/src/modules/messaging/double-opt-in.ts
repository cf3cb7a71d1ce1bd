import type { Activity } from '../../platform/activities/activities.ts';
import type { Actor } from '../../platform/audit/audit.ts';
import type { Db, Executor, Tx } from '../../platform/db/db.ts';
import { newId } from '../../platform/ids.ts';
import { getStoreSettings } from '../../platform/settings.ts';
import type { ConsentService, CustomersService } from '../customers/index.ts';
import { engagementSettings } from './engagement.settings.ts';
import type { Links } from './links.ts';
import { RECIPIENT, type Evidence } from './preferences.service.ts';
import type { SendRequest } from './send.types.ts';
import { email } from './starters/layout.ts';

/** What double opt-in needs of MessageSender. */
export interface Enqueuer {
  enqueue(tx: Executor, req: SendRequest): Promise<{ id: string; created: boolean }>;
}

/** Sources whose `pending` sign-ups Patron confirms itself (a store platform confirms its own). */
const CONFIRMED_BY_PATRON = new Set(['form', 'api']);
const STARTER = 'system:double-opt-in';

const CONFIRM_TEMPLATE = email(
  'Please confirm your subscription',
  `${'<mj-text css-class="hero" font-size="28px" line-height="36px" font-weight="700" color="#111827" padding="40px 40px 16px">Please confirm your subscription</mj-text>'}
        <mj-text>Thanks for signing up for news from {{ store.name }}. Confirm that this is your address and we will start sending you our emails.</mj-text>
        <mj-button background-color="{{ brand }}" color="#ffffff" href="{{ confirm_url }}" align="left">Yes, subscribe me</mj-button>
        <mj-text css-class="muted" font-size="14px" line-height="22px">The link works for 30 days. If you did not sign up, ignore this email: you will not hear from us.</mj-text>`,
  `<mj-section padding="24px 0 40px"><mj-column><mj-text align="center" font-size="13px" line-height="20px" color="#6b7280" padding="0 40px">Someone entered this address in a sign-up form of {{ store.name }}.</mj-text></mj-column></mj-section>`,
);

export type ConfirmOutcome = 'confirmed' | 'already' | 'unsubscribed_since' | 'gone';

/**
 * Double opt-in (a store setting): sign-ups from forms and the API arrive as `pending`, get an email
 * with a signed link, and become `subscribed` (method double_opt_in) when the person confirms.
 */
export class DoubleOptIn {
  private readonly db: Db;
  private readonly consent: ConsentService;
  private readonly customers: CustomersService;
  private readonly sender: Enqueuer;
  private readonly links: Links;

  constructor(deps: { db: Db; consent: ConsentService; customers: CustomersService; sender: Enqueuer; links: Links }) {
    this.db = deps.db;
    this.consent = deps.consent;
    this.customers = deps.customers;
    this.sender = deps.sender;
    this.links = deps.links;
  }

  /** Activities listener ('Consent Changed'): a pending email sign-up from a form or the API gets the confirmation email. */
  readonly onConsentChanged = async (tx: Tx, a: Activity): Promise<void> => {
    const p = a.properties;
    if (p.channel !== 'email' || p.status !== 'pending' || !CONFIRMED_BY_PATRON.has(String(p.source))) return;
    if (!(await engagementSettings.get(tx)).doubleOptIn) return;
    await this.requestConfirmation(tx, a.customerId, a.occurredAt);
  };

  /** Enqueues the confirmation email (at most one per customer and day, however often the form is sent). */
  async requestConfirmation(tx: Tx, customerId: string, at: Date = new Date()): Promise<string> {
    const templateId = await this.ensureTemplate(tx);
    const { name } = await getStoreSettings(tx);
    const r = await this.sender.enqueue(tx, {
      customerId, channel: 'email', kind: 'transactional', purpose: 'system', dedupeKey: `double-opt-in:${customerId}:${at.toISOString().slice(0, 10)}`,
      templateId, vars: { confirm_url: this.links.confirmUrl(customerId, at), store_name: name },
    });
    return r.id;
  }

  /** The system template of the confirmation email, created the first time it is needed (a person may edit it later). */
  private async ensureTemplate(tx: Tx): Promise<string> {
    const found = await tx.selectFrom('message_templates').select('id').where('starter', '=', STARTER).where('archived_at', 'is', null).orderBy('created_at').executeTakeFirst();
    if (found) return found.id;
    const id = newId();
    const t = { id, name: 'Confirm your subscription (double opt-in)', channel: 'email' as const, kind: 'transactional' as const, format: 'mjml' as const,
      subject: 'Please confirm your subscription to {{ store.name }}', preheader: 'One click and you are in.', body: CONFIRM_TEMPLATE, sender_id: null, starter: STARTER, created_by: 'system' };
    await tx.insertInto('message_templates').values({ ...t, version: 1, archived_at: null }).execute();
    await tx.insertInto('message_template_versions').values({ template_id: id, version: 1, format: t.format, subject: t.subject, preheader: t.preheader, body: t.body, saved_by: 'system' }).execute();
    return id;
  }

  /** A sign-up from a form on the store (relayed by its back end) or an API client: pending with double opt-in on, else subscribed. */
  async subscribe(actor: Actor, b: { email: string; firstName?: string; lastName?: string; form?: string }, ev: Evidence): Promise<{ customerId: string; status: string; confirmationSent: boolean }> {
    const { doubleOptIn } = await engagementSettings.get(this.db);
    return this.db.transaction().execute(async (tx) => {
      const r = await this.customers.resolve(tx, {
        identities: [{ kind: 'email', value: b.email, verified: true }], profile: { firstName: b.firstName, lastName: b.lastName }, source: 'form', actor,
      });
      const current = (await this.consent.get(r.customerId, tx)).email.status;
      if (current === 'subscribed') return { customerId: r.customerId, status: current, confirmationSent: false };
      const res = await this.consent.set(tx, {
        customerId: r.customerId, channel: 'email', status: doubleOptIn ? 'pending' : 'subscribed', method: doubleOptIn ? 'double_opt_in' : 'single_opt_in', source: 'form', actor,
        reason: doubleOptIn ? 'Signed up; waiting for the confirmation link to be clicked' : 'Signed up', evidence: { ip: ev.ip, userAgent: ev.userAgent, form: b.form ?? null },
      });
      // A second sign-up while pending sends the email again (once a day at most).
      if (doubleOptIn && res.outcome === 'unchanged') await this.requestConfirmation(tx, res.customerId);
      return { customerId: res.customerId, status: res.status ?? 'none', confirmationSent: doubleOptIn };
    });
  }

  /** The state a confirm link would change, for its page; null when the customer is gone. */
  async state(customerId: string): Promise<{ storeName: string; status: string } | null> {
    const c = await this.db.selectFrom('customers').select('id').where('id', '=', customerId).executeTakeFirst();
    if (!c) return null;
    const id = await this.customers.liveId(this.db, customerId);
    const [store, consent] = await Promise.all([getStoreSettings(this.db), this.consent.get(id)]);
    return { storeName: store.name, status: consent.email.status };
  }

  /** The person clicked "Yes, subscribe me" on the confirm page (a POST: mail scanners only GET). */
  async confirm(customerId: string, issuedAt: Date, ev: Evidence): Promise<ConfirmOutcome> {
    const exists = await this.db.selectFrom('customers').select('id').where('id', '=', customerId).executeTakeFirst();
    if (!exists) return 'gone';
    return this.db.transaction().execute(async (tx) => {
      const id = await this.customers.liveId(tx, customerId);
      const cur = (await this.consent.get(id, tx)).email;
      if (cur.status === 'subscribed') return 'already';
      // Leaving after the link was sent outranks the old link.
      if (cur.status === 'unsubscribed' && cur.updatedAt && cur.updatedAt > issuedAt) return 'unsubscribed_since';
      await this.consent.set(tx, {
        customerId: id, channel: 'email', status: 'subscribed', method: 'double_opt_in', source: 'email', actor: RECIPIENT,
        reason: 'Confirmed with the link in the double opt-in email', evidence: { ip: ev.ip, userAgent: ev.userAgent, linkIssuedAt: issuedAt.toISOString() },
      });
      return 'confirmed';
    });
  }
}
