import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { startTestApp, type TestApp } from '../../testing/harness.ts';
import { CLI_ACTOR } from '../audit/audit.ts';
import { grants, ROLE_PERMISSIONS, ROLES, type Permission, type Role, type RouteAccess } from './rbac.ts';
import { createHttp } from './server.ts';

let app: TestApp;
interface Op { method: string; path: string; url: string; access: RouteAccess }
let ops: Op[] = [];
const users: Partial<Record<Role, string>> = {};

const sampleParam = (name: string) => (name === 'token' ? 'sometoken' : '0190a4c2-0000-7000-8000-000000000001');

beforeAll(async () => {
  app = await startTestApp();
  const doc = (await app.patron.http!.inject({ url: '/api/openapi.json' })).json() as { paths: Record<string, Record<string, { 'x-patron-access'?: RouteAccess }>> };
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      if (!op['x-patron-access']) throw new Error(`${method.toUpperCase()} ${path} has no x-patron-access in the OpenAPI document`);
      // Job ids are numbers; everything else a UUID or token.
      const url = path.replace(/\{(\w+)\}/g, (_m, name: string) => (path.startsWith('/api/jobs') ? '999999' : sampleParam(name)));
      ops.push({ method: method.toUpperCase(), path, url, access: op['x-patron-access'] });
    }
  }
  ops = ops.filter((o) => o.method !== 'HEAD');
  for (const role of ROLES) {
    users[role] = (await app.patron.modules.users.service.createFromCli({ email: `${role}@rbac.test`, name: role, role, password: 'rbac password 1' }, CLI_ACTOR)).id;
  }
});
afterAll(async () => app?.close());

/** A fresh session for a role, written directly (logging in 100 times would only test argon2). */
async function sessionHeaders(role: Role): Promise<Record<string, string>> {
  const token = randomBytes(32).toString('base64url');
  const csrf = randomBytes(18).toString('base64url');
  await app.patron.dbh.db.insertInto('sessions').values({
    token_hash: createHash('sha256').update(token).digest('hex'), user_id: users[role]!, csrf_token: csrf,
    created_at: new Date(), last_seen_at: new Date(), expires_at: new Date(Date.now() + 3600_000), ip: null, user_agent: null,
  }).execute();
  return { cookie: `patron_session=${token}`, 'x-csrf-token': csrf };
}

async function call(op: Op, headers: Record<string, string>) {
  const hasBody = !['GET', 'DELETE', 'HEAD'].includes(op.method);
  return app.patron.http!.inject({ method: op.method as 'GET', url: op.url, headers, ...(hasBody ? { payload: {} } : {}) });
}

describe('every route of the OpenAPI document', () => {
  it('is a non-trivial list that includes the platform routes', () => {
    const paths = ops.map((o) => `${o.method} ${o.path}`);
    expect(paths).toContain('GET /api/users');
    expect(paths).toContain('POST /api/api-keys');
    expect(paths).toContain('GET /api/audit');
    expect(paths).toContain('GET /api/jobs');
    expect(ops.length).toBeGreaterThan(15);
  });

  it('answers 401 without credentials unless public', async () => {
    for (const op of ops) {
      const res = await call(op, {});
      if (op.access === 'public') expect([401, 403], `${op.method} ${op.path}`).not.toContain(res.statusCode);
      else {
        expect(res.statusCode, `${op.method} ${op.path}`).toBe(401);
        expect(res.headers['content-type']).toContain('application/problem+json');
      }
    }
  });

  it.each(ROLES.map((r) => [r]))('allows and forbids exactly what role %s may do', async (role) => {
    for (const op of ops) {
      const res = await call(op, await sessionHeaders(role));
      const label = `${role}: ${op.method} ${op.path} (${op.access}) → ${res.statusCode} ${res.body.slice(0, 200)}`;
      const allowed = op.access === 'public' || op.access === 'authenticated' || grants(ROLE_PERMISSIONS[role], op.access);
      if (allowed) {
        expect([401, 403], label).not.toContain(res.statusCode);
        expect(res.statusCode, label).toBeLessThan(500);
      } else {
        expect(res.statusCode, label).toBe(403);
        expect(res.json().type, label).toBe('/problems/forbidden');
      }
    }
  });

  it('gives a secret key exactly its scopes, and a public key only tracking', async () => {
    const svc = app.patron.modules.users.service;
    for (const op of ops.filter((o) => o.access !== 'public' && o.access !== 'authenticated' && !o.access.startsWith('apikeys:'))) {
      const needed = op.access as Permission;
      const { key } = await svc.createApiKey(CLI_ACTOR, { name: 'scoped', kind: 'secret', scopes: [needed] });
      const ok = await call(op, { authorization: `Bearer ${key}` });
      expect([401, 403], `${op.method} ${op.path} with ${needed}`).not.toContain(ok.statusCode);
      const other = needed.startsWith('audit') ? 'team:read' : 'audit:read';
      const { key: wrongKey } = await svc.createApiKey(CLI_ACTOR, { name: 'other', kind: 'secret', scopes: [other] });
      const no = await call(op, { authorization: `Bearer ${wrongKey}` });
      if (!grants([other as Permission], needed)) expect(no.statusCode, `${op.method} ${op.path} with ${other}`).toBe(403);
    }
    const { key: pub } = await svc.createApiKey(CLI_ACTOR, { name: 'public', kind: 'public', scopes: [] });
    for (const op of ops.filter((o) => o.access !== 'public' && o.access !== 'tracking:write')) {
      const res = await call(op, { authorization: `Bearer ${pub}` });
      expect(res.statusCode, `${op.method} ${op.path} with a public key`).toBe(403);
    }
  });

  it('rejects unknown and revoked keys with 401', async () => {
    const svc = app.patron.modules.users.service;
    const { key, apiKey } = await svc.createApiKey(CLI_ACTOR, { name: 'soon revoked', kind: 'secret', scopes: ['team:read'] });
    expect((await app.patron.http!.inject({ url: '/api/users', headers: { authorization: `Bearer ${key}` } })).statusCode).toBe(200);
    const basic = Buffer.from(`${key}:`).toString('base64');
    expect((await app.patron.http!.inject({ url: '/api/users', headers: { authorization: `Basic ${basic}` } })).statusCode).toBe(200);
    await svc.revokeApiKey(CLI_ACTOR, apiKey.id);
    const revoked = await app.patron.http!.inject({ url: '/api/users', headers: { authorization: `Bearer ${key}` } });
    expect(revoked.statusCode).toBe(401);
    expect(revoked.json().type).toBe('/problems/api-key-revoked');
    const unknown = await app.patron.http!.inject({ url: '/api/users', headers: { authorization: 'Bearer patron_sk_doesnotexistdoesnotexist' } });
    expect(unknown.statusCode).toBe(401);
    const malformed = await app.patron.http!.inject({ url: '/api/users', headers: { authorization: 'Basic abc' } });
    expect(malformed.statusCode).toBe(401);
  });
});

describe('route declarations', () => {
  it('refuses to register an API route that declares no access', async () => {
    const http = await createHttp({ log: pino({ level: 'silent' }), bodyLimit: 1024, trustProxy: false, auth: { session: async () => undefined, apiKey: async () => undefined } });
    expect(() => http.get('/api/undeclared', async () => 'x')).toThrow(/declares no access/);
    await http.close();
  });
});
