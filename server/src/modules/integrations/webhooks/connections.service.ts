import { audit, type Actor } from '../../../platform/audit/audit.ts';
import type { Db } from '../../../platform/db/db.ts';
import { badRequest, conflict, notFound } from '../../../platform/http/problem.ts';
import { newId } from '../../../platform/ids.ts';
import type { Jobs } from '../../../platform/jobs/jobs.ts';
import { BIGCOMMERCE_API } from './bigcommerce.client.ts';
import { PROCESS_JOB } from './receive.service.ts';
import { webhooksRepo, type ConnectionRow, type DeliveryOutcome, type DeliveryRow } from './webhooks.repo.ts';
import {
  PLATFORM_TOPICS, type CreateStoreConnectionBody, type InboundDelivery, type Platform, type StoreConnection, type UpdateStoreConnectionBody,
} from './webhooks.schemas.ts';

const hint = (secret: string) => `…${secret.slice(-4)}`;

export function toConnection(r: ConnectionRow, base: string): StoreConnection {
  return {
    id: r.id, platform: r.platform, name: r.name, storeUrl: r.store_url, webhookUrl: `${base.replace(/\/+$/, '')}/v1/webhooks/${r.platform}/${r.id}`,
    secretHint: hint(r.webhook_secret),
    api: r.api_store_hash && r.api_access_token ? { storeHash: r.api_store_hash, apiBaseUrl: r.api_base_url ?? BIGCOMMERCE_API, tokenHint: hint(r.api_access_token) } : null,
    topics: [...PLATFORM_TOPICS[r.platform]], createdAt: r.created_at, updatedAt: r.updated_at, lastDeliveryAt: r.last_delivery_at,
  };
}

export function toDelivery(r: DeliveryRow): InboundDelivery {
  return {
    id: r.id, deliveryId: r.delivery_id, topic: r.topic, receivedAt: r.received_at, outcome: r.outcome, attempts: r.attempts, error: r.error, note: r.note,
    resourceType: r.resource_type, resourceId: r.resource_id, processedAt: r.processed_at,
  };
}

/** Shopify wants the shop's domain; the others a store URL. Returns the normalised form or throws naming the field. */
function normaliseStoreUrl(platform: Platform, raw: string): string {
  const withScheme = /^https?:\/\//i.test(raw) ? raw : `https://${raw}`;
  let u: URL;
  try {
    u = new URL(withScheme);
  } catch {
    throw badRequest('storeUrl is not a domain or URL.', [{ pointer: '/body/storeUrl', detail: 'must be a domain like my-shop.myshopify.com or a URL like https://shop.example.com' }]);
  }
  if (!u.hostname.includes('.') && u.hostname !== 'localhost') {
    throw badRequest('storeUrl is not a domain or URL.', [{ pointer: '/body/storeUrl', detail: 'must include a domain name' }]);
  }
  return platform === 'shopify' ? u.host.toLowerCase() : `${u.origin}${u.pathname.replace(/\/+$/, '')}`;
}

function apiColumns(platform: Platform, api: CreateStoreConnectionBody['api'] | null | undefined) {
  if (api === undefined) return {};
  if (api && platform !== 'bigcommerce') {
    throw badRequest('API credentials are only used for BigCommerce connections.', [{ pointer: '/body/api', detail: 'only for platform bigcommerce' }]);
  }
  return { api_store_hash: api?.storeHash ?? null, api_access_token: api?.accessToken ?? null, api_base_url: api?.apiBaseUrl?.replace(/\/+$/, '') ?? null };
}

/** Store connections: CRUD (audited; secrets write-only) and their inbound delivery log. */
export class StoreConnectionsService {
  private readonly db: Db;
  private readonly jobs: Jobs;

  constructor(db: Db, jobs: Jobs) {
    this.db = db;
    this.jobs = jobs;
  }

  async list(base: string): Promise<StoreConnection[]> {
    return (await webhooksRepo.connections(this.db)).map((r) => toConnection(r, base));
  }

  async get(id: string, base: string): Promise<StoreConnection> {
    const r = await webhooksRepo.connection(this.db, id);
    if (!r) throw notFound(`No store connection with id ${id}.`);
    return toConnection(r, base);
  }

  async create(actor: Actor, body: CreateStoreConnectionBody, base: string): Promise<StoreConnection> {
    const values = {
      id: newId(), platform: body.platform, name: body.name, store_url: normaliseStoreUrl(body.platform, body.storeUrl), webhook_secret: body.webhookSecret,
      api_store_hash: null, api_access_token: null, api_base_url: null, last_delivery_at: null, ...apiColumns(body.platform, body.api),
    };
    return this.db.transaction().execute(async (tx) => {
      const row = await webhooksRepo.insertConnection(tx, values);
      const out = toConnection(row, base);
      await audit.record(tx, actor, { action: 'store_connection.created', entityType: 'store_connection', entityId: row.id, summary: `Connected ${row.platform} store "${row.name}" (${row.store_url})`, after: out });
      return out;
    });
  }

  async update(actor: Actor, id: string, body: UpdateStoreConnectionBody, base: string): Promise<StoreConnection> {
    return this.db.transaction().execute(async (tx) => {
      const before = await webhooksRepo.connection(tx, id);
      if (!before) throw notFound(`No store connection with id ${id}.`);
      const row = await webhooksRepo.updateConnection(tx, id, {
        ...(body.name !== undefined ? { name: body.name } : {}),
        ...(body.storeUrl !== undefined ? { store_url: normaliseStoreUrl(before.platform, body.storeUrl) } : {}),
        ...(body.webhookSecret !== undefined ? { webhook_secret: body.webhookSecret } : {}),
        ...apiColumns(before.platform, body.api),
      });
      if (!row) throw notFound(`No store connection with id ${id}.`);
      const out = toConnection(row, base);
      const changed = Object.keys(body).filter((k) => body[k as keyof UpdateStoreConnectionBody] !== undefined);
      await audit.record(tx, actor, { action: 'store_connection.updated', entityType: 'store_connection', entityId: id, summary: `Changed ${changed.join(', ') || 'nothing'} of store connection "${row.name}"`, before: toConnection(before, base), after: out });
      return out;
    });
  }

  async remove(actor: Actor, id: string): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      const before = await webhooksRepo.connection(tx, id);
      if (!before) throw notFound(`No store connection with id ${id}.`);
      await webhooksRepo.deleteConnection(tx, id);
      await audit.record(tx, actor, { action: 'store_connection.deleted', entityType: 'store_connection', entityId: id, summary: `Removed ${before.platform} store connection "${before.name}" and its delivery log` });
    });
  }

  async deliveries(id: string, f: { outcome?: DeliveryOutcome; before?: string; limit: number }): Promise<{ items: InboundDelivery[]; nextCursor: string | null }> {
    if (!(await webhooksRepo.connection(this.db, id))) throw notFound(`No store connection with id ${id}.`);
    const rows = await webhooksRepo.deliveries(this.db, id, f);
    return { items: rows.map(toDelivery), nextCursor: rows.length === f.limit ? (rows.at(-1)?.id ?? null) : null };
  }

  /** Processes a delivery again (after fixing credentials, or a failure); writes are idempotent. */
  async retryDelivery(actor: Actor, connectionId: string, deliveryId: string): Promise<InboundDelivery> {
    return this.db.transaction().execute(async (tx) => {
      const d = await webhooksRepo.delivery(tx, deliveryId);
      if (!d || d.connection_id !== connectionId) throw notFound(`No delivery ${deliveryId} for store connection ${connectionId}.`);
      if (d.outcome === 'pending') throw conflict('This delivery is already waiting to be processed.', 'delivery-pending');
      if (d.payload === null) throw conflict('This delivery was rejected before it had a usable payload: there is nothing to process.', 'delivery-unusable');
      const row = await webhooksRepo.updateDelivery(tx, d.id, { outcome: 'pending', error: null, note: null, processed_at: null });
      await this.jobs.enqueue(tx, PROCESS_JOB, { deliveryId: d.id }, { jobKey: `webhook-delivery:${d.id}:${Date.now()}` });
      await audit.record(tx, actor, { action: 'webhook_delivery.retried', entityType: 'store_connection', entityId: connectionId, summary: `Queued ${d.topic} delivery ${d.delivery_id} to be processed again (was ${d.outcome})` });
      return toDelivery(row ?? d);
    });
  }
}
