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
  app.patron.http!.inject({ method: 'POST', url: '/api/api-keys', headers: { ...owner.headers, ...(key ? { 'idempotency-key': key } : {}) }, payload: payload as Record<string, unknown> });

describe('Idempotency-Key', () => {
  it('replays the first response for a retried request instead of doing it twice', async () => {
    const first = await post('create-ci-key-1', { name: 'ci', scopes: ['team:read'] });
    expect(first.statusCode).toBe(201);
    const retry = await post('create-ci-key-1', { name: 'ci', scopes: ['team:read'] });
    expect(retry.statusCode).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.json()).toEqual(first.json());
    const keys = await app.patron.dbh.db.selectFrom('api_keys').select('id').where('name', '=', 'ci').execute();
    expect(keys).toHaveLength(1);
  });

  it('refuses the same key for a different request', async () => {
    await post('create-key-2', { name: 'one', scopes: ['team:read'] });
    const other = await post('create-key-2', { name: 'two', scopes: ['team:read'] });
    expect(other.statusCode).toBe(422);
    expect(other.json().type).toBe('/problems/idempotency-key-reused');
  });

  it('replays validation errors too, and requests without a key are not affected', async () => {
    const bad = await post('bad-1', { name: '', scopes: [] });
    expect(bad.statusCode).toBe(400);
    expect((await post('bad-1', { name: '', scopes: [] })).statusCode).toBe(400);
    expect((await post(undefined, { name: 'free', scopes: ['team:read'] })).statusCode).toBe(201);
    expect((await post(undefined, { name: 'free', scopes: ['team:read'] })).statusCode).toBe(201);
  });
});
