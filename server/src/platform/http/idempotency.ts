import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Db } from '../db/db.ts';
import { HttpError } from './problem.ts';

export interface IdempotencyKeysTable {
  principal: string;
  key: string;
  request_hash: string;
  status: number | null;
  response: string | null;
  content_type: string | null;
  created_at: Date;
}

declare module '../db/types.ts' {
  interface Database {
    idempotency_keys: IdempotencyKeysTable;
  }
}

declare module 'fastify' {
  interface FastifyRequest {
    idempotency?: { principal: string; key: string };
  }
  interface FastifyContextConfig {
    /** The response holds a secret shown once (API keys, signing secrets): never stored for replay. */
    secretResponse?: boolean;
  }
}

const HEADER = 'idempotency-key';
/** How long a key is remembered. */
export const IDEMPOTENCY_TTL_MS = 24 * 3600_000;

function principalKey(req: FastifyRequest): string | undefined {
  const p = req.principal;
  if (!p) return undefined;
  return p.kind === 'user' ? `user:${p.userId}` : `key:${p.keyId}`;
}

/**
 * `Idempotency-Key` on POST/PATCH/DELETE (the IETF draft's semantics): the first response
 * (below 500) is stored for 24 h and replayed for a retry with the same key and request; the
 * same key with a different request is a 422, and while the first is still running a 409.
 */
export function registerIdempotency(app: FastifyInstance, db: Db): void {
  app.addHook('preHandler', async (req, reply) => {
    const key = req.headers[HEADER];
    if (typeof key !== 'string' || !['POST', 'PATCH', 'DELETE', 'PUT'].includes(req.method)) return;
    const principal = principalKey(req);
    if (!principal) return;
    if (key.length < 1 || key.length > 255) throw new HttpError(400, 'validation-error', 'Your request is not valid', 'Idempotency-Key must be 1 to 255 characters.');
    const hash = createHash('sha256').update(`${req.method} ${req.url}\n${JSON.stringify(req.body ?? null)}`).digest('hex');
    const inserted = await db
      .insertInto('idempotency_keys')
      .values({ principal, key, request_hash: hash, status: null, response: null, content_type: null, created_at: new Date() })
      .onConflict((oc) => oc.columns(['principal', 'key']).doNothing())
      .returning('key')
      .executeTakeFirst();
    if (inserted) {
      req.idempotency = { principal, key };
      return;
    }
    const row = await db.selectFrom('idempotency_keys').selectAll().where('principal', '=', principal).where('key', '=', key).executeTakeFirst();
    if (!row) return; // expired between the two statements: treat as new, unprotected
    if (row.created_at.getTime() < Date.now() - IDEMPOTENCY_TTL_MS) {
      await db.updateTable('idempotency_keys').set({ request_hash: hash, status: null, response: null, content_type: null, created_at: new Date() }).where('principal', '=', principal).where('key', '=', key).execute();
      req.idempotency = { principal, key };
      return;
    }
    if (row.request_hash !== hash) {
      throw new HttpError(422, 'idempotency-key-reused', 'Idempotency key reused', 'This Idempotency-Key was already used for a different request. Use a new key for a new request.');
    }
    if (row.status === null) {
      throw new HttpError(409, 'idempotency-in-progress', 'Request in progress', 'A request with this Idempotency-Key is still being processed. Retry in a moment.', {}, { 'retry-after': '1' });
    }
    reply.header('idempotent-replayed', 'true');
    if (row.content_type) reply.type(row.content_type);
    return reply.status(row.status).serializer((x: unknown) => String(x)).send(row.response ?? '');
  });

  app.addHook('onSend', async (req, reply, payload) => {
    const id = req.idempotency;
    if (!id) return payload;
    req.idempotency = undefined;
    if (reply.statusCode >= 500 || req.routeOptions.config?.secretResponse) {
      // A server failure is not a result, and a secret must not sit in this table: the retry runs for real.
      await db.deleteFrom('idempotency_keys').where('principal', '=', id.principal).where('key', '=', id.key).execute();
      return payload;
    }
    const body = typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload.toString('utf8') : payload == null ? '' : undefined;
    if (body === undefined) return payload; // streams are not stored
    await db
      .updateTable('idempotency_keys')
      .set({ status: reply.statusCode, response: body, content_type: String(reply.getHeader('content-type') ?? '') || null })
      .where('principal', '=', id.principal)
      .where('key', '=', id.key)
      .execute();
    return payload;
  });
}

/** Drops keys past their lifetime (run by a cron job). */
export async function purgeIdempotencyKeys(db: Db): Promise<number> {
  const r = await db.deleteFrom('idempotency_keys').where('created_at', '<', new Date(Date.now() - IDEMPOTENCY_TTL_MS)).executeTakeFirst();
  return Number(r.numDeletedRows);
}
