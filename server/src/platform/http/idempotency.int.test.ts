import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginAs, startTestApp, type Session, type TestApp } from '../../testing/harness.ts';

let app: TestApp;
let owner: Session;
beforeAll(async () => {
  app = await startTestApp();
  owner = await loginAs(app, 'owner');
});
afterAll(async () => app?.close());

const post = (key: string | undefined, payload: unknown) =>
  app.patron.http!.inject({ method: 'POST', url: '/api/users', headers: { ...owner.headers, ...(key ? { 'idempotency-key': key } : {}) }, payload: payload as Record<string, unknown> });

describe('Idempotency-Key', () => {
  it('replays the first response for a retried request instead of doing it twice', async () => {
    const first = await post('invite-ann-1', { email: 'ann@example.com', role: 'support' });
    expect(first.statusCode).toBe(201);
    const retry = await post('invite-ann-1', { email: 'ann@example.com', role: 'support' });
    expect(retry.statusCode).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.json()).toEqual(first.json());
    const users = await app.patron.dbh.db.selectFrom('users').select('id').where('email', '=', 'ann@example.com').execute();
    expect(users).toHaveLength(1);
  });

  it('refuses the same key for a different request', async () => {
    await post('invite-2', { email: 'one@example.com', role: 'support' });
    const other = await post('invite-2', { email: 'two@example.com', role: 'support' });
    expect(other.statusCode).toBe(422);
    expect(other.json().type).toBe('/problems/idempotency-key-reused');
  });

  it('replays validation errors too, and requests without a key are not affected', async () => {
    const bad = await post('bad-1', { email: 'nope', role: 'support' });
    expect(bad.statusCode).toBe(400);
    expect((await post('bad-1', { email: 'nope', role: 'support' })).statusCode).toBe(400);
    expect((await post(undefined, { email: 'free@example.com', role: 'support' })).statusCode).toBe(201);
    expect((await post(undefined, { email: 'free@example.com', role: 'support' })).statusCode).toBe(409);
  });

  it('never stores a response that holds a secret', async () => {
    const make = () => app.patron.http!.inject({ method: 'POST', url: '/api/api-keys', headers: { ...owner.headers, 'idempotency-key': 'key-1' }, payload: { name: 'ci', scopes: ['team:read'] } });
    const a = await make();
    expect(a.statusCode).toBe(201);
    const stored = await app.patron.dbh.db.selectFrom('idempotency_keys').selectAll().where('key', '=', 'key-1').execute();
    expect(stored).toEqual([]);
    const b = await make();
    expect(b.headers['idempotent-replayed']).toBeUndefined();
    expect(b.json().key).not.toBe(a.json().key);
  });
});
