import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginAs, startTestApp, type Session, type TestApp } from '../../testing/harness.ts';

let app: TestApp;
let owner: Session;
const inject = (opts: InjectOptions) => app.patron.http!.inject(opts);

beforeAll(async () => {
  app = await startTestApp({ config: { bodyLimit: 4096 } });
  owner = await loginAs(app, 'owner');
});
afterAll(async () => app?.close());

function expectProblem(res: { statusCode: number; headers: Record<string, unknown>; json(): unknown }, status: number, type: string) {
  expect(res.statusCode).toBe(status);
  expect(String(res.headers['content-type'])).toContain('application/problem+json');
  const body = res.json() as Record<string, unknown>;
  expect(body).toMatchObject({ status, type });
  expect(typeof body.title).toBe('string');
  expect(typeof body.detail).toBe('string');
  expect(body.requestId).toBe(res.headers['x-request-id']);
  expect(JSON.stringify(body)).not.toMatch(/\bat .*\.ts:\d+/); // no stack traces
  return body;
}

describe('bad input gets a precise problem+json, never a 500', () => {
  it('malformed JSON', async () => {
    const res = await inject({ method: 'POST', url: '/api/users', headers: { ...owner.headers, 'content-type': 'application/json' }, payload: '{"email": "a@b.co",' });
    const body = expectProblem(res, 400, '/problems/malformed-json');
    expect(body.detail).toMatch(/not valid JSON/);
  });

  it('wrong content type', async () => {
    const res = await inject({ method: 'POST', url: '/api/users', headers: { ...owner.headers, 'content-type': 'text/csv' }, payload: 'email\na@b.co' });
    expectProblem(res, 415, '/problems/unsupported-media-type');
  });

  it('oversized body', async () => {
    const res = await inject({ method: 'POST', url: '/api/users', headers: owner.headers, payload: { email: 'a@b.co', role: 'support', name: 'x'.repeat(10_000) } });
    const body = expectProblem(res, 413, '/problems/payload-too-large');
    expect(body.detail).toMatch(/4096 bytes/);
  });

  it('unknown fields, wrong types and missing fields, each listed with a pointer', async () => {
    const res = await inject({ method: 'POST', url: '/api/users', headers: owner.headers, payload: { email: 'not-an-email', role: 'emperor', admin: true } });
    const body = expectProblem(res, 400, '/problems/validation-error') as { errors: { pointer: string; detail: string }[] };
    const byPointer = Object.fromEntries(body.errors.map((e) => [e.pointer, e.detail]));
    expect(byPointer['/body/email']).toMatch(/email/);
    expect(byPointer['/body/role']).toMatch(/owner|admin/);
    expect(body.errors.some((e) => e.detail.includes('admin'))).toBe(true);
    const missing = await inject({ method: 'POST', url: '/api/auth/login', payload: { email: 'a@b.co' } });
    const mb = expectProblem(missing, 400, '/problems/validation-error') as { errors: { pointer: string; detail: string }[] };
    expect(mb.errors).toEqual([{ pointer: '/body/password', detail: 'is required (string)' }]);
  });

  it('bad path and query parameters', async () => {
    expectProblem(await inject({ method: 'PATCH', url: '/api/users/not-a-uuid', headers: owner.headers, payload: { name: 'x' } }), 400, '/problems/validation-error');
    const q = expectProblem(await inject({ url: '/api/audit?limit=abc&from=yesterday-ish', headers: owner.headers }), 400, '/problems/validation-error') as { errors: { pointer: string }[] };
    expect(q.errors.map((e) => e.pointer).sort()).toEqual(['/querystring/from', '/querystring/limit']);
    expectProblem(await inject({ url: '/api/audit?from=2026-02-01&to=2026-01-01', headers: owner.headers }), 400, '/problems/validation-error');
  });

  it('an empty JSON body', async () => {
    const res = await inject({ method: 'POST', url: '/api/auth/login', headers: { 'content-type': 'application/json' }, payload: '' });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
  });

  it('unknown routes and ids', async () => {
    expectProblem(await inject({ url: '/api/nope', headers: owner.headers }), 404, '/problems/not-found');
    expectProblem(await inject({ method: 'PATCH', url: '/api/users/0190a4c2-0000-7000-8000-000000000001', headers: owner.headers, payload: { name: 'x' } }), 404, '/problems/not-found');
    expectProblem(await inject({ method: 'DELETE', url: '/api/api-keys/0190a4c2-0000-7000-8000-000000000001', headers: owner.headers }), 404, '/problems/not-found');
    expectProblem(await inject({ method: 'POST', url: '/api/jobs/123456/retry', headers: owner.headers }), 404, '/problems/not-found');
  });

  it('a request id on every response, and an incoming one is kept', async () => {
    const res = await inject({ url: '/healthz', headers: { 'x-request-id': 'from-the-load-balancer-1' } });
    expect(res.headers['x-request-id']).toBe('from-the-load-balancer-1');
    const other = await inject({ url: '/healthz' });
    expect(String(other.headers['x-request-id'])).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('API key scopes must be real permissions', async () => {
    const res = await inject({ method: 'POST', url: '/api/api-keys', headers: owner.headers, payload: { name: 'k', scopes: ['customers:read', 'everything:write'] } });
    const body = expectProblem(res, 400, '/problems/validation-error') as { errors: { pointer: string }[] };
    expect(body.errors[0]!.pointer).toBe('/body/scopes/1');
  });
});

describe('operations endpoints', () => {
  it('healthz, readyz, metrics and the OpenAPI document', async () => {
    expect((await inject({ url: '/healthz' })).json()).toEqual({ status: 'ok' });
    expect((await inject({ url: '/readyz' })).json()).toEqual({ status: 'ready', checks: { database: 'ok', migrations: 'ok' } });
    const metrics = await inject({ url: '/metrics' });
    expect(metrics.body).toContain('patron_http_request_duration_seconds');
    expect(metrics.body).toContain('patron_process_cpu_seconds_total');
    const doc = (await inject({ url: '/api/openapi.json' })).json();
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.paths['/api/users'].post.requestBody).toBeTruthy();
    const docs = await inject({ url: '/api/docs' });
    expect([200, 302]).toContain(docs.statusCode);
  });
});
