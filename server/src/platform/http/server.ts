import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import Fastify, { type FastifyBaseLogger, type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest, type RawServerDefault } from 'fastify';
import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import fastifyStatic from '@fastify/static';
import {
  hasZodFastifySchemaValidationErrors,
  isResponseSerializationError,
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { Logger } from 'pino';
import { isConnectionError } from '../db/db.ts';
import { HttpError, problemType, unavailable, type FieldError, type Problem } from './problem.ts';
import { grants, type Permission, type RouteAccess } from './rbac.ts';

export type App = FastifyInstance;
export type ZodApp = FastifyInstance<RawServerDefault, IncomingMessage, ServerResponse, FastifyBaseLogger, ZodTypeProvider>;

/** Who is calling: a person with a session, or a machine with an API key. */
export type Principal =
  | { kind: 'user'; userId: string; email: string; name: string; role: string; permissions: ReadonlySet<Permission>; sessionHash: string; csrfToken: string }
  | { kind: 'api_key'; keyId: string; name: string; keyKind: 'secret' | 'public'; permissions: ReadonlySet<Permission> };

export interface Authenticator {
  /** A session cookie's principal, 'expired' for a known but ended session, undefined if unknown. */
  session(token: string): Promise<Principal | 'expired' | undefined>;
  /** An API key's principal, 'revoked' for a revoked key, undefined if unknown. */
  apiKey(key: string): Promise<Principal | 'revoked' | undefined>;
}

export const SESSION_COOKIE = 'patron_session';
export const CSRF_HEADER = 'x-csrf-token';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** What the route needs; every /api and /v1 route must say (a test walks them all). */
    access?: RouteAccess;
    /** Also accept the API key as `writeKey` in the JSON body (Segment's HTTP API does). */
    bodyKey?: boolean;
  }
  interface FastifyRequest {
    principal: Principal | undefined;
  }
}

export interface HttpOptions {
  log: Logger;
  bodyLimit: number;
  trustProxy: boolean;
  auth: Authenticator;
  webDist?: string;
  /** Called when a request failed because the database is unreachable. */
  onDbDown?: () => void;
  /** While false, /api and /v1 requests get 503 at once instead of waiting on connection time-outs. */
  isDbUp?: () => boolean;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Builds the Fastify instance with Patron's cross-cutting HTTP behaviour; modules add routes after. */
export async function createHttp(opts: HttpOptions): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: opts.log as FastifyBaseLogger,
    bodyLimit: opts.bodyLimit,
    trustProxy: opts.trustProxy,
    genReqId: (req) => {
      const incoming = req.headers['x-request-id'];
      return typeof incoming === 'string' && /^[\w.:-]{8,128}$/.test(incoming) ? incoming : randomUUID();
    },
    return503OnClosing: true,
    ajv: undefined,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.decorateRequest('principal', undefined);

  app.addHook('onRoute', (route) => {
    const url = route.url;
    if ((url.startsWith('/api/') || url.startsWith('/v1/')) && !url.startsWith('/api/docs') && !route.config?.access) {
      throw new Error(`Route ${String(route.method)} ${url} declares no access (config.access)`);
    }
  });

  app.addHook('onSend', async (req, reply) => {
    reply.header('x-request-id', req.id);
  });

  await app.register(cookie);
  await app.register(rateLimit, { global: false, errorResponseBuilder: (_req, ctx) => rateLimitProblem(ctx.ttl) });

  app.addHook('onRequest', async (req) => {
    const access = req.routeOptions.config?.access;
    if (!access) return;
    if (opts.isDbUp && !opts.isDbUp() && (req.url.startsWith('/api/') || req.url.startsWith('/v1/'))) {
      throw unavailable('The database is unreachable. Try again shortly.');
    }
    await authenticate(req, opts.auth);
    // A key in the body can only be read once the body is parsed (preValidation below). It wins over a
    // session cookie: a browser sending tracking beacons to a same-site Patron also sends its cookies.
    if (req.principal?.kind !== 'api_key' && req.routeOptions.config?.bodyKey) return;
    authorize(req, access);
  });
  app.addHook('preValidation', async (req) => {
    const config = req.routeOptions.config;
    if (!config?.bodyKey || !config.access || req.principal?.kind === 'api_key') return;
    const key = (req.body as { writeKey?: unknown } | undefined)?.writeKey;
    if (typeof key === 'string' && key) {
      const p = await opts.auth.apiKey(key);
      if (p === 'revoked') throw new HttpError(401, 'api-key-revoked', 'API key revoked', 'This write key has been revoked.');
      if (!p) throw new HttpError(401, 'invalid-credentials', 'Invalid credentials', 'Unknown write key.');
      req.principal = p;
    }
    authorize(req, config.access);
  });

  app.setErrorHandler((err: FastifyError, req, reply) => sendProblem(req, reply, toProblem(err, req, opts)));
  app.setNotFoundHandler((req, reply) => {
    const url = req.url.split('?')[0] ?? '/';
    if (req.method === 'GET' && opts.webDist && !url.startsWith('/api/') && !url.startsWith('/v1/') && !path.extname(url)) {
      return reply.type('text/html').header('cache-control', 'no-cache').sendFile('index.html');
    }
    return sendProblem(req, reply, {
      type: problemType('not-found'),
      title: 'Not found',
      status: 404,
      detail: `No route ${req.method} ${url}. The API reference is at /api/docs.`,
    });
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Patron API', version: '1', description: 'The REST API of Patron, the self-hosted customer platform for online stores. Errors are RFC 9457 problem+json.' },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE },
          bearer: { type: 'http', scheme: 'bearer', description: 'A secret API key (patron_sk_…); public keys (patron_pk_…) only for tracking.' },
        },
      },
      security: [{ bearer: [] }, { session: [] }],
    },
    transform: (input) => {
      const out = jsonSchemaTransform(input);
      const access = (input.route.config as { access?: RouteAccess } | undefined)?.access;
      if (access) (out.schema as Record<string, unknown>)['x-patron-access'] = access;
      if (access === 'public') (out.schema as Record<string, unknown>).security = [];
      return out;
    },
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs', uiConfig: { docExpansion: 'list', deepLinking: true } });
  // The docs UI's own routes are documentation, readable by anyone.
  app.get('/api/openapi.json', { config: { access: 'public' }, schema: { hide: true } }, async () => app.swagger());

  if (opts.webDist && fs.existsSync(path.join(opts.webDist, 'index.html'))) {
    await app.register(fastifyStatic, { root: opts.webDist, wildcard: true, index: ['index.html'], maxAge: '1h', immutable: false,
      setHeaders: (res, file) => {
        if (file.includes(`${path.sep}assets${path.sep}`)) res.header('cache-control', 'public, max-age=31536000, immutable');
        else res.header('cache-control', 'no-cache');
      } });
  } else {
    opts.webDist = undefined;
  }
  return app;
}

async function authenticate(req: FastifyRequest, auth: Authenticator): Promise<void> {
  const header = req.headers.authorization;
  if (header) {
    const m = /^Bearer\s+(\S+)$/i.exec(header);
    // HTTP Basic with the key as user name (and any password) is how Segment clients send write keys.
    const basic = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(header);
    const key = m?.[1] ?? (basic?.[1] ? Buffer.from(basic[1], 'base64').toString('utf8').split(':')[0] : undefined);
    if (!key) throw new HttpError(401, 'invalid-credentials', 'Invalid credentials', 'The Authorization header must be "Bearer <api key>" (or HTTP Basic with the key as user name).');
    const p = await auth.apiKey(key);
    if (p === 'revoked') throw new HttpError(401, 'api-key-revoked', 'API key revoked', 'This API key has been revoked. Create a new one under Settings → API keys.');
    if (!p) throw new HttpError(401, 'invalid-credentials', 'Invalid credentials', 'Unknown API key.');
    req.principal = p;
    return;
  }
  const token = req.cookies[SESSION_COOKIE];
  if (token) {
    const p = await auth.session(token);
    if (p === 'expired') {
      req.principal = undefined;
      (req as FastifyRequest & { sessionExpired?: boolean }).sessionExpired = true;
    } else req.principal = p;
  }
}

function authorize(req: FastifyRequest, access: RouteAccess): void {
  if (access === 'public') return;
  const p = req.principal;
  if (!p) {
    if ((req as FastifyRequest & { sessionExpired?: boolean }).sessionExpired) {
      throw new HttpError(401, 'session-expired', 'Session expired', 'Your session has expired. Log in again.');
    }
    throw new HttpError(401, 'unauthenticated', 'Authentication required', 'Log in, or send an API key as "Authorization: Bearer <key>".');
  }
  if (p.kind === 'user' && !SAFE_METHODS.has(req.method)) {
    const sent = req.headers[CSRF_HEADER];
    if (sent !== p.csrfToken) {
      throw new HttpError(403, 'csrf', 'Missing or wrong CSRF token', `Cookie-authenticated writes must send the "${CSRF_HEADER}" header with the token from /api/auth/me.`);
    }
  }
  if (access === 'authenticated') {
    if (p.kind === 'api_key' && p.keyKind === 'public') throw publicKeyForbidden();
    return;
  }
  if (p.kind === 'api_key' && p.keyKind === 'public' && access !== 'tracking:write') throw publicKeyForbidden();
  if (!grants(p.permissions, access)) {
    const who = p.kind === 'user' ? `Your role (${p.role})` : 'This API key';
    throw new HttpError(403, 'forbidden', 'Not allowed', `${who} lacks the permission "${access}" that this action needs.`, { permission: access });
  }
}

const publicKeyForbidden = () =>
  new HttpError(403, 'public-key', 'Public key not allowed here', 'A public write key can only send tracking events. Use a secret key (patron_sk_…).');

function rateLimitProblem(ttlMs: number): HttpError {
  const seconds = Math.max(1, Math.ceil(ttlMs / 1000));
  return new HttpError(429, 'rate-limited', 'Too many requests', `Too many requests. Try again in ${seconds} s.`, { retryAfter: seconds }, { 'retry-after': String(seconds) });
}

function toProblem(err: FastifyError, req: FastifyRequest, opts: HttpOptions): Problem & { headers?: Record<string, string> } {
  if (err instanceof HttpError) {
    return { type: problemType(err.slug), title: err.title, status: err.status, detail: err.message, ...err.extras, headers: err.headers };
  }
  if (hasZodFastifySchemaValidationErrors(err)) {
    const errors: FieldError[] = err.validation.map((v) => {
      const params = v.params as { keys?: string[] };
      const ptr = `/${err.validationContext ?? 'body'}${v.instancePath === '/' ? '' : v.instancePath}`;
      if (v.keyword === 'unrecognized_keys' && params.keys) {
        return { pointer: ptr, detail: `Unknown field${params.keys.length > 1 ? 's' : ''}: ${params.keys.join(', ')}` };
      }
      const message = (v.message ?? 'Invalid value').replace(/^Invalid input: expected (\w+), received undefined$/, 'is required ($1)');
      return { pointer: ptr, detail: message };
    });
    const detail = errors.map((e) => `${e.pointer}: ${e.detail}`).join('; ');
    return { type: problemType('validation-error'), title: 'Your request is not valid', status: 400, detail, errors };
  }
  if (isResponseSerializationError(err)) {
    req.log.error({ err }, 'response did not match its schema');
    return internal(req);
  }
  if (isConnectionError(err)) {
    opts.onDbDown?.();
    req.log.error({ err }, 'database unavailable');
    return { type: problemType('service-unavailable'), title: 'Service unavailable', status: 503, detail: 'The database is unreachable. Try again shortly.', headers: { 'retry-after': '5' } };
  }
  const status = err.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    return { type: problemType(fastifyErrorSlug(err)), title: fastifyErrorTitle(status), status, detail: fastifyErrorDetail(err, req) };
  }
  req.log.error({ err }, 'unhandled error');
  return internal(req);
}

function internal(req: FastifyRequest): Problem {
  return { type: problemType('internal'), title: 'Internal error', status: 500, detail: `Something went wrong on our side. Quote request id ${req.id} when reporting it.` };
}

function fastifyErrorSlug(err: FastifyError): string {
  switch (err.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE': return 'unsupported-media-type';
    case 'FST_ERR_CTP_BODY_TOO_LARGE': return 'payload-too-large';
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH': return 'bad-content-length';
    case 'FST_ERR_CTP_EMPTY_JSON_BODY': return 'empty-body';
    default:
      if (err instanceof SyntaxError || /JSON/i.test(err.message)) return 'malformed-json';
      return err.statusCode === 429 ? 'rate-limited' : 'bad-request';
  }
}

function fastifyErrorTitle(status: number): string {
  return ({ 400: 'Bad request', 401: 'Authentication required', 403: 'Not allowed', 404: 'Not found', 405: 'Method not allowed', 406: 'Not acceptable', 413: 'Payload too large', 415: 'Unsupported media type', 429: 'Too many requests' } as Record<number, string>)[status] ?? 'Bad request';
}

function fastifyErrorDetail(err: FastifyError, req: FastifyRequest): string {
  switch (err.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return `Content-Type "${req.headers['content-type'] ?? ''}" is not accepted here; send "application/json".`;
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return `The body is larger than this server accepts (${req.routeOptions.bodyLimit ?? 0} bytes).`;
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return 'The body is empty but Content-Type is application/json; send a JSON document or no Content-Type.';
    default:
      if (err instanceof SyntaxError || /JSON/i.test(err.message)) return `The body is not valid JSON: ${err.message}`;
      return err.message;
  }
}

function sendProblem(req: FastifyRequest, reply: FastifyReply, p: Problem & { headers?: Record<string, string> }): FastifyReply {
  const { headers, ...body } = p;
  for (const [k, v] of Object.entries(headers ?? {})) reply.header(k, v);
  return reply
    .status(p.status)
    .type('application/problem+json')
    .serializer(JSON.stringify)
    .send({ ...body, instance: req.url.split('?')[0], requestId: req.id });
}
