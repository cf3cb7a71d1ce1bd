import type { Executor, Tx } from '../../platform/db/db.ts';
import type { Channel, MessageKind, MessagePurpose, MessageRow } from './messaging.tables.ts';

/**
 * One intended message to one customer. Campaigns, flows, test sends and transactional mail all
 * hand these to `MessageSender.enqueue`; the dispatcher renders and sends them later, applying
 * consent and the guardrails at the moment of sending.
 */
export interface SendRequest {
  customerId: string;
  channel: Channel;
  /** Marketing needs the channel's marketing consent; transactional does not (suppressions still apply). */
  kind: MessageKind;
  purpose: MessagePurpose;
  /**
   * Unique per intended send; a second request with the same key is ignored, so a retried job
   * never sends twice. Conventions: `campaign:<campaignId>:<customerId>`, `flow:<runId>:<stepId>`,
   * `test:<uuid>`.
   */
  dedupeKey: string;
  templateId: string;
  /** Defaults to the template's current version. */
  templateVersion?: number;
  /** Defaults to the template's sender, then the default sender. */
  senderId?: string;
  campaignId?: string;
  /** A/B variant label ('A', 'B', …) of a campaign or a flow's random split. */
  variant?: string;
  flowId?: string;
  flowVersion?: number;
  flowRunId?: string;
  flowStepId?: string;
  /** Extra Liquid variables, e.g. `{ cart: {...}, discount_code: 'WELCOME-7F3K' }`; merged over the customer context. */
  vars?: Record<string, unknown>;
  /** Content replacing the template's (A/B subject or content variants). */
  overrides?: { subject?: string; preheader?: string; body?: string };
  /** Not before this time (scheduled campaigns, local-time sends, throttling). Default: now. */
  sendAfter?: Date;
  /** Test sends: deliver to this address/number instead of the customer's (guardrails and consent are skipped). */
  toOverride?: string;
  /** Marketing topic (preference centre); a customer who turned the topic off is skipped. */
  topic?: string;
}

/** The Liquid scope for each customer (templates module: context.ts). */
export interface ContextBuilder {
  /** Builds the scope of many customers at once (the dispatcher works in batches). Missing ids are absent from the map. */
  build(db: Executor, customerIds: string[]): Promise<Map<string, Record<string, unknown>>>;
}

/** What the engagement part (links.ts) adds to every outgoing email. */
export interface EmailDecorator {
  /** Liquid variables for the message's own links: `unsubscribe_url`, `preferences_url`, `view_in_browser_url`. */
  linkVars(message: Pick<MessageRow, 'id' | 'customer_id' | 'kind'>): Record<string, string>;
  /** Rewrites links for click tracking (+ UTM on store links) and adds the open pixel. Transactional mail keeps its links but is tracked too. */
  decorateHtml(html: string, message: Pick<MessageRow, 'id' | 'kind' | 'campaign_id' | 'flow_id' | 'flow_step_id' | 'purpose'>): string;
  /** Headers for marketing mail: RFC 8058 List-Unsubscribe and List-Unsubscribe-Post. */
  headers(message: Pick<MessageRow, 'id' | 'kind'>): Record<string, string>;
}

/** Runs in the transaction that marks messages sent (e.g. flows record a step's send). */
export type SentListener = (tx: Tx, messages: MessageRow[]) => Promise<void>;
