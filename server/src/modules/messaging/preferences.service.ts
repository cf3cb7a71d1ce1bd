import type { Actor } from '../../platform/audit/audit.ts';
import type { Tx } from '../../platform/db/db.ts';
import { getStoreSettings } from '../../platform/settings.ts';
import { engagementRepo, messageProps } from './engagement.repo.ts';
import { engagementSettings, type Topic } from './engagement.settings.ts';
import { isTestSend, RecipientConsent } from './unsubscribe.ts';

/** Who changes consent through a link in an email: the recipient, not a person of the team. */
export const RECIPIENT: Actor = { type: 'system', id: null, label: 'recipient (link in an email)' };

export type UnsubscribeVia = 'one_click' | 'link' | 'preference_centre';
export type UnsubscribeOutcome = 'unsubscribed' | 'already' | 'test' | 'gone';

export interface Evidence {
  ip: string | null;
  userAgent: string | null;
}

export interface PreferencePage {
  storeName: string;
  /** A test send: the page shows, nothing is saved. */
  test: boolean;
  address: string | null;
  status: 'subscribed' | 'unsubscribed' | 'pending' | 'none';
  topics: (Topic & { on: boolean })[];
  pausedUntil: Date | null;
}

export interface PreferenceForm {
  action: 'save' | 'unsubscribe' | 'resubscribe';
  /** Keys of the topics left on. */
  topics: string[];
  /** Pause all marketing for 30 or 90 days, resume now, or leave as it is. */
  pause: '' | '30' | '90' | 'resume';
}

export const PAUSE_DAYS = [30, 90] as const;

/** Hides most of an address on a page anyone holding the link can see ("j•••@example.com"). */
export function maskAddress(a: string | null): string | null {
  if (!a) return null;
  const [user, domain] = a.split('@');
  if (!domain || !user) return `${a.slice(0, 2)}•••`;
  return `${user.slice(0, 1)}•••@${domain}`;
}

/** Unsubscribe (one-click and from the page) and the preference centre: topics, pause, resubscribe. */
export class PreferencesService extends RecipientConsent {
  /** Unsubscribes the recipient of a message from email marketing (RFC 8058 one-click, the confirm page, the preference centre). */
  async unsubscribe(messageId: string, via: UnsubscribeVia, ev: Evidence): Promise<UnsubscribeOutcome> {
    return this.db.transaction().execute((tx) => this.unsubscribeIn(tx, messageId, via, ev));
  }

  private async unsubscribeIn(tx: Tx, messageId: string, via: UnsubscribeVia, ev: Evidence): Promise<UnsubscribeOutcome> {
    const m = await engagementRepo.message(tx, messageId);
    if (!m?.customer_id) return 'gone';
    if (isTestSend(m)) return 'test';
    const at = new Date();
    if (await engagementRepo.markFirst(tx, messageId, 'unsubscribed_at', at)) {
      await engagementRepo.insertEvent(tx, { messageId, customerId: m.customer_id, type: 'unsubscribed', at, data: { via } });
    }
    const r = await this.unsubscribeEmail(tx, {
      customerId: m.customer_id, method: via === 'preference_centre' ? 'preference_centre' : 'unsubscribe_link', source: 'email',
      actor: RECIPIENT, reason: via === 'preference_centre' ? 'Unsubscribed in the preference centre' : 'Unsubscribed with the link in an email',
      evidence: { ip: ev.ip, userAgent: ev.userAgent, messageId, via },
    }, (customerId) => this.activities.append(tx, [{ customerId, type: 'Unsubscribed', source: 'messaging', occurredAt: at, properties: { ...messageProps(m), channel: 'email', via } }]));
    return r.outcome === 'applied' ? 'unsubscribed' : 'already';
  }

  /** The preference centre's state for the recipient of a message (null: the message or customer is gone). */
  async page(messageId: string): Promise<PreferencePage | null> {
    const m = await engagementRepo.message(this.db, messageId);
    if (!m?.customer_id) return null;
    const [store, topics, consent, prefs, customer] = await Promise.all([
      getStoreSettings(this.db), engagementSettings.topics(this.db), this.consent.get(m.customer_id),
      this.db.selectFrom('email_preferences').select(['topics_off', 'paused_until']).where('customer_id', '=', m.customer_id).executeTakeFirst(),
      this.db.selectFrom('customers').select('email').where('id', '=', m.customer_id).executeTakeFirst(),
    ]);
    if (!customer) return null;
    const off = new Set(prefs?.topics_off ?? []);
    const paused = prefs?.paused_until && prefs.paused_until > new Date() ? prefs.paused_until : null;
    return {
      storeName: store.name, test: isTestSend(m), address: maskAddress(m.to_override ?? customer.email ?? m.to_address),
      status: consent.email.status, topics: topics.map((t) => ({ ...t, on: !off.has(t.key) })), pausedUntil: paused,
    };
  }

  /** Applies the preference centre's form; returns what happened, for the page's notice. */
  async save(messageId: string, form: PreferenceForm, ev: Evidence): Promise<'saved' | UnsubscribeOutcome | 'resubscribed'> {
    const m = await engagementRepo.message(this.db, messageId);
    if (!m?.customer_id) return 'gone';
    if (isTestSend(m)) return 'test';
    const customerId = m.customer_id;
    if (form.action === 'unsubscribe') return this.unsubscribe(messageId, 'preference_centre', ev);
    if (form.action === 'resubscribe') {
      await this.db.transaction().execute(async (tx) => {
        // The link came to this mailbox, which proves the address: no second confirmation is needed.
        await this.consent.set(tx, {
          customerId, channel: 'email', status: 'subscribed', method: 'preference_centre', source: 'email', actor: RECIPIENT,
          reason: 'Resubscribed in the preference centre', evidence: { ip: ev.ip, userAgent: ev.userAgent, messageId },
        });
      });
      return 'resubscribed';
    }
    const topics = await engagementSettings.topics(this.db);
    const on = new Set(form.topics);
    await this.db.transaction().execute(async (tx) => {
      const cur = await tx.selectFrom('email_preferences').select(['topics_off', 'paused_until']).where('customer_id', '=', customerId).forUpdate().executeTakeFirst();
      const known = new Set(topics.map((t) => t.key));
      // Topics no longer offered keep the choice made while they were.
      const off = [...(cur?.topics_off ?? []).filter((k) => !known.has(k)), ...topics.filter((t) => !on.has(t.key)).map((t) => t.key)];
      const paused = form.pause === 'resume' ? null : form.pause ? new Date(Date.now() + Number(form.pause) * 86_400_000) : (cur?.paused_until ?? null);
      await tx.insertInto('email_preferences').values({ customer_id: customerId, topics_off: off, paused_until: paused, updated_at: new Date() })
        .onConflict((oc) => oc.column('customer_id').doUpdateSet({ topics_off: off, paused_until: paused, updated_at: new Date() })).execute();
    });
    return 'saved';
  }
}
