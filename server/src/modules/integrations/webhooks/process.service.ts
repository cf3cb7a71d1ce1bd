import type { Logger } from 'pino';
import { ZodError } from 'zod';
import type { Actor } from '../../../platform/audit/audit.ts';
import type { Db, Tx } from '../../../platform/db/db.ts';
import { HttpError } from '../../../platform/http/problem.ts';
import type { CommerceService } from '../../commerce/commerce.service.ts';
import type { CustomersService } from '../../customers/customers.service.ts';
import type { ConsentService, ConsentSignal } from '../../customers/index.ts';
import { BigCommerceClient } from './bigcommerce.client.ts';
import { planBigCommerce } from './map-bigcommerce.ts';
import { mapShopify } from './map-shopify.ts';
import { mapWooCommerce } from './map-woocommerce.ts';
import { PayloadError, type Plan } from './plan.ts';
import { webhooksRepo, type ConnectionRow, type DeliveryOutcome, type DeliveryRow } from './webhooks.repo.ts';

export interface ProcessorDeps {
  db: Db;
  commerce: CommerceService;
  customers: CustomersService;
  consent: ConsentService;
  log?: Logger;
}

/** Whether an error is about the data (final) rather than the moment (worth retrying). */
export function isPermanent(e: unknown): boolean {
  return e instanceof PayloadError || e instanceof ZodError || (e instanceof HttpError && e.status < 500);
}

/** Turns a stored delivery into commerce and customer writes (the `integrations.webhook-process` job). */
export class WebhookProcessor {
  private readonly deps: ProcessorDeps;

  constructor(deps: ProcessorDeps) {
    this.deps = deps;
  }

  /**
   * Processes a pending delivery once. A payload that cannot be used is recorded as failed for good;
   * any other error is recorded and rethrown so the job queue retries it (the last attempt marks it failed).
   */
  async process(deliveryId: string, attempt = 1, maxAttempts = 1): Promise<DeliveryOutcome | undefined> {
    const { db } = this.deps;
    const d = await webhooksRepo.delivery(db, deliveryId);
    if (!d || d.outcome !== 'pending') return d?.outcome;
    const conn = await webhooksRepo.connection(db, d.connection_id);
    if (!conn) return undefined;
    try {
      // Plan first: a BigCommerce fetch must not hold a transaction open.
      const plan = await this.plan(conn, d);
      return await db.transaction().execute(async (tx) => {
        if (!(await webhooksRepo.lockPending(tx, d.id))) return (await webhooksRepo.delivery(tx, d.id))?.outcome;
        const { outcome, note } = await this.apply(tx, conn, plan);
        await webhooksRepo.finishAttempt(tx, d.id, {
          outcome, note: note ?? null, error: null, processed_at: new Date(),
          resource_type: plan.resource?.type ?? null, resource_id: plan.resource?.id ?? null, resource_updated_at: plan.resource?.updatedAt ?? null,
        });
        return outcome;
      });
    } catch (e) {
      const message = (e instanceof Error ? e.message : String(e)).slice(0, 2000);
      const final = isPermanent(e) || attempt >= maxAttempts;
      await webhooksRepo.finishAttempt(db, d.id, final ? { outcome: 'failed', error: message, processed_at: new Date() } : { error: message });
      this.deps.log?.warn({ err: e, deliveryId: d.id, topic: d.topic }, `webhook ${d.topic} ${final ? 'failed' : 'will be retried'}`);
      // A payload error is final and logged: rethrowing would only make the queue retry it.
      if (isPermanent(e)) return 'failed';
      throw e;
    }
  }

  private async plan(conn: ConnectionRow, d: DeliveryRow): Promise<Plan> {
    if (d.payload === null) throw new PayloadError('The delivery has no payload.');
    if (conn.platform === 'shopify') return mapShopify(d.topic, d.payload);
    if (conn.platform === 'woocommerce') return mapWooCommerce(d.topic, d.payload);
    const client = conn.api_store_hash && conn.api_access_token
      ? new BigCommerceClient({ baseUrl: conn.api_base_url, storeHash: conn.api_store_hash, accessToken: conn.api_access_token })
      : undefined;
    return planBigCommerce(d.topic, d.payload, client);
  }

  private async apply(tx: Tx, conn: ConnectionRow, plan: Plan): Promise<{ outcome: DeliveryOutcome; note?: string }> {
    if (plan.ignored) return { outcome: 'ignored', note: plan.ignored };
    const { commerce, customers, consent } = this.deps;
    const actor: Actor = { type: 'system', id: null, label: `${conn.platform} webhook (${conn.name})` };
    const source = conn.platform;
    const opts = { verified: true };
    let stale = 0;
    const notes: string[] = plan.note ? [plan.note] : [];
    // Consent rides along with the customer it is about, through the consent service's rules (docs/consent.md).
    const recordConsent = async (customerId: string | null, signals: ConsentSignal[] | undefined) => {
      if (customerId && signals?.length) await consent.setMany(tx, signals.map((s) => ({ ...s, customerId, source, actor })));
    };
    for (const op of plan.operations) {
      switch (op.kind) {
        case 'order': {
          const r = await commerce.upsertOrder(actor, op.input, opts, tx);
          if (r.stale) stale++;
          await recordConsent(r.customerId, op.consent);
          break;
        }
        case 'refund':
          await commerce.upsertRefund(actor, op.input, opts, tx);
          break;
        case 'cart':
          if ((await commerce.upsertCart(actor, op.input, opts, tx)).stale) stale++;
          break;
        case 'cancel-order':
          if (!(await commerce.cancelOrder(actor, source, op.externalId, op.at, tx))) return { outcome: 'ignored', note: `Order ${op.externalId} is not known to Patron: nothing to cancel.` };
          break;
        case 'customer': {
          const newest = op.updatedAt ? await webhooksRepo.newestApplied(tx, conn.id, 'customer', op.externalId) : null;
          if (newest && op.updatedAt && op.updatedAt < newest) {
            stale++;
            break;
          }
          const r = await customers.resolve(tx, { identities: op.identities, profile: op.profile, source, actor, occurredAt: op.occurredAt });
          await recordConsent(r.customerId, op.consent);
          break;
        }
      }
    }
    if (stale && stale === plan.operations.length) {
      const at = plan.resource?.updatedAt?.toISOString();
      return { outcome: 'stale', note: `An older update${at ? ` (updated_at ${at})` : ''} than the one Patron already has: nothing changed.` };
    }
    return { outcome: 'processed', note: notes.join(' ') || undefined };
  }
}
