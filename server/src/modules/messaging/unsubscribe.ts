import type { Activities } from '../../platform/activities/activities.ts';
import type { Db, Executor, Tx } from '../../platform/db/db.ts';
import type { ConsentChange, ConsentResult, ConsentService } from '../customers/index.ts';
import type { TrackedMessage } from './engagement.repo.ts';
import type { Channel, MessageKind } from './messaging.tables.ts';

/** What engagement needs of MessageSender. */
export interface QueuedMessages {
  /** Cancels queued messages of a customer; must honour `kind` and `channel` (an email unsubscribe keeps receipts and SMS). */
  cancel(tx: Executor, where: { customerId: string; kind: MessageKind; channel: Channel }): Promise<number>;
}

export interface RecipientDeps {
  db: Db;
  activities: Activities;
  consent: ConsentService;
  queued: QueuedMessages;
}

/** A test send (or a send to an address other than the customer's): what its recipient does changes nothing. */
export const isTestSend = (m: Pick<TrackedMessage, 'to_override' | 'purpose'>): boolean => !!m.to_override || m.purpose === 'test';

/**
 * What acts on behalf of a message's recipient (the preference centre and unsubscribe links, provider
 * reports of complaints and unsubscribes) shares: the email unsubscribe with its queued marketing cancelled.
 */
export abstract class RecipientConsent {
  protected readonly db: Db;
  protected readonly activities: Activities;
  protected readonly consent: ConsentService;
  protected readonly queued: QueuedMessages;

  constructor(deps: RecipientDeps) {
    this.db = deps.db;
    this.activities = deps.activities;
    this.consent = deps.consent;
    this.queued = deps.queued;
  }

  /**
   * Unsubscribes a customer from email marketing. When that changed their consent, `applied` runs
   * (with the live customer id, which a merge may have changed) and their queued marketing email is cancelled.
   */
  protected async unsubscribeEmail(tx: Tx, change: Omit<ConsentChange, 'channel' | 'status'>, applied: (customerId: string) => unknown): Promise<ConsentResult> {
    const r = await this.consent.set(tx, { ...change, channel: 'email', status: 'unsubscribed' });
    if (r.outcome !== 'applied') return r;
    await applied(r.customerId);
    await this.queued.cancel(tx, { customerId: r.customerId, kind: 'marketing', channel: 'email' });
    return r;
  }
}
