import { createGunzip, createInflate } from 'node:zlib';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { actorOf } from '../../platform/http/context.ts';
import { badRequest, HttpError } from '../../platform/http/problem.ts';
import type { ZodApp } from '../../platform/http/server.ts';
import { isRejection, MAX_CALL_BYTES, normaliseCall, parseTimestamp } from './normalize.ts';
import { ackSchema, batchBodySchema, callBodySchemas, CALL_TYPES, MAX_BATCH_CALLS, type Ack, type Message, type Rejection } from './tracking.schemas.ts';
import type { Sender, TrackingService } from './tracking.service.ts';

/** Segment's limits: 32 KB per call, 500 KB per batch request. */
export const CALL_LIMIT = MAX_CALL_BYTES;
export const BATCH_LIMIT = 500 * 1024;

const CORS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'POST, OPTIONS',
  'access-control-allow-headers': 'content-type, authorization, content-encoding, x-request-id',
  'access-control-max-age': '86400',
};

function senderOf(req: FastifyRequest): Sender {
  const p = req.principal;
  // Secret keys (servers) vouch for the identities they send; public keys are browsers, anyone can use them.
  return { actor: actorOf(req), verified: p?.kind === 'api_key' ? p.keyKind === 'secret' : true };
}

const receivedAt = (reply: FastifyReply) => new Date(Date.now() - reply.elapsedTime);

// Text Postgres refuses inside jsonb/text (NUL, unpaired surrogates), and prototype-poisoning keys.
const SUSPECT = /\\u0000|\\u[dD][89a-fA-F][0-9a-fA-F]{2}|__proto__/;
const clean = (s: string) => s.replaceAll('\0', '').toWellFormed();
function reviver(key: string, value: unknown): unknown {
  if (key === '__proto__') return undefined;
  if (typeof value === 'string') return clean(value);
  if (value && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).some((k) => k !== clean(k))) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [clean(k), v]));
  }
  return value;
}

function jsonBody(_req: FastifyRequest, body: string | Buffer, done: (err: Error | null, body?: unknown) => void): void {
  try {
    const text = body.toString();
    done(null, SUSPECT.test(text) ? JSON.parse(text, reviver) : JSON.parse(text));
  } catch (e) {
    const err = new SyntaxError(`The body is not valid JSON: ${(e as Error).message}`) as SyntaxError & { statusCode: number };
    err.statusCode = 400;
    done(err);
  }
}

/** The Segment-compatible HTTP Tracking API: /v1/identify, track, page, screen, group, alias, batch. */
export function trackingRoutes(app: ZodApp, svc: TrackingService): void {
  void app.register(async (scope) => {
    // Browsers send text/plain (no CORS preflight; Segment's analytics.js does the same) and
    // sendBeacon sends text/plain too; some server SDKs send gzip (RudderStack) or no type at all.
    scope.removeContentTypeParser(['application/json', 'text/plain']);
    scope.addContentTypeParser(['application/json', 'text/plain'], { parseAs: 'string' }, jsonBody);
    scope.addContentTypeParser('*', { parseAs: 'string' }, jsonBody);
    scope.addHook('preParsing', async (req, _reply, payload) => {
      const enc = String(req.headers['content-encoding'] ?? '').toLowerCase();
      if (!enc || enc === 'identity') return payload;
      if (enc !== 'gzip' && enc !== 'deflate') throw new HttpError(415, 'unsupported-media-type', 'Unsupported media type', `Content-Encoding "${enc}" is not accepted; send gzip, deflate or none.`);
      // The body limit then applies to the inflated bytes; Fastify checks Content-Length against the bytes received.
      const out = payload.pipe(enc === 'gzip' ? createGunzip() : createInflate()) as typeof payload & { receivedEncodedLength?: number };
      out.receivedEncodedLength = 0;
      payload.on('data', (c: Buffer) => void (out.receivedEncodedLength! += c.length));
      out.on('error', () => undefined);
      return out;
    });
    scope.addHook('onSend', async (_req, reply) => {
      reply.headers(CORS);
    });
    scope.options('/v1/*', { config: { access: 'public' }, schema: { hide: true } }, async (_req, reply) => reply.code(204).send());

    const tags = ['Tracking'];
    const typed = scope.withTypeProvider<ZodTypeProvider>();
    for (const type of CALL_TYPES) {
      typed.post(`/v1/${type}`, {
        bodyLimit: CALL_LIMIT,
        config: { access: 'tracking:write', bodyKey: true },
        schema: {
          tags, summary: `Segment ${type} call`, description: 'Segment HTTP Tracking API. Write key as HTTP Basic user name, Bearer token or `writeKey` in the body. 32 KB max.',
          body: callBodySchemas[type], response: { 200: ackSchema },
        },
      }, async (req, reply): Promise<Ack> => {
        const call = normaliseCall(req.body, { pointer: '/body', index: 0, type, receivedAt: receivedAt(reply), ip: req.ip, checkSize: false });
        if (isRejection(call)) throw badRequest(`${call.pointer}: ${call.detail}`, [{ pointer: call.pointer, detail: call.detail }]);
        const r = await svc.ingest([call], senderOf(req));
        if (r.failed.length) throw badRequest(`/body: ${r.failed[0]!.detail}`, [{ pointer: '/body', detail: r.failed[0]!.detail }]);
        return { success: true, accepted: 1, duplicates: r.duplicates, rejected: 0, errors: [] };
      });
    }

    typed.post('/v1/batch', {
      bodyLimit: BATCH_LIMIT,
      config: { access: 'tracking:write', bodyKey: true },
      schema: {
        tags, summary: 'Segment batch: many calls in one request',
        description: `Up to ${MAX_BATCH_CALLS} calls, 500 KB per request, 32 KB per call. Invalid calls are reported in \`errors\` and the valid ones stored (200); a batch with no valid call is refused (400).`,
        body: batchBodySchema, response: { 200: ackSchema },
      },
    }, async (req, reply): Promise<Ack> => {
      const { batch, context, sentAt } = req.body;
      if (!batch.length) throw badRequest('/body/batch: is empty; send at least one call.', [{ pointer: '/body/batch', detail: 'must contain at least one call' }]);
      if (batch.length > MAX_BATCH_CALLS) throw badRequest(`/body/batch: ${batch.length} calls; at most ${MAX_BATCH_CALLS} per batch.`, [{ pointer: '/body/batch', detail: `at most ${MAX_BATCH_CALLS} calls` }]);
      const at = receivedAt(reply);
      const length = Number(req.headers['content-length']);
      // No call can be over 32 KB when the whole (uncompressed) request is not.
      const checkSize = !Number.isFinite(length) || length > CALL_LIMIT || !!req.headers['content-encoding'];
      const valid: Message[] = [];
      const errors: Rejection[] = [];
      // The batch's sentAt is read once, not once per call (an unreadable one is passed on as sent, and ignored per call).
      const batchSentAt = sentAt === undefined || sentAt === null ? sentAt : (parseTimestamp(sentAt) ?? sentAt);
      batch.forEach((raw, index) => {
        const r = normaliseCall(raw, { pointer: `/body/batch/${index}`, index, receivedAt: at, ip: req.ip, checkSize, batchContext: context ?? undefined, batchSentAt });
        if (isRejection(r)) errors.push(r);
        else valid.push(r);
      });
      if (errors.length) req.log.warn({ rejected: errors.slice(0, 20), count: errors.length }, 'tracking: calls rejected in a batch');
      if (!valid.length) {
        throw new HttpError(400, 'validation-error', 'Your request is not valid', `No valid call in the batch: ${errors.slice(0, 3).map((e) => `${e.pointer}: ${e.detail}`).join('; ')}`, {
          errors: errors.slice(0, 100).map((e) => ({ pointer: e.pointer, detail: e.detail })),
        });
      }
      const r = await svc.ingest(valid, senderOf(req));
      for (const f of r.failed) errors.push({ index: f.index, messageId: f.messageId, pointer: `/body/batch/${f.index}`, detail: f.detail });
      if (r.failed.length === valid.length) throw new HttpError(400, 'validation-error', 'Your request is not valid', `No call of the batch could be stored: ${r.failed[0]!.detail}`, { errors: errors.slice(0, 100).map((e) => ({ pointer: e.pointer, detail: e.detail })) });
      errors.sort((a, b) => a.index - b.index);
      return { success: true, accepted: valid.length - r.failed.length, duplicates: r.duplicates, rejected: errors.length, errors: errors.slice(0, 100) };
    });
  });
}
