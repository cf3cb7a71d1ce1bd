import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginAs, startTestApp, type TestApp } from '../../testing/harness.ts';
import { CLI_ACTOR } from '../../platform/audit/audit.ts';

let app: TestApp;
const inject = (opts: InjectOptions) => app.patron.http!.inject(opts);

beforeAll(async () => {
  app = await startTestApp({ config: { login: { maxFailures: 3, lockMs: 60_000, ratePerMinute: 10_000 } } });
});
afterAll(async () => app?.close());

function cookieOf(res: { headers: Record<string, unknown> }): string {
  const raw = res.headers['set-cookie'];
  return String(Array.isArray(raw) ? raw[0] : raw).split(';')[0]!;
}

describe('first-run setup', () => {
  it('needs setup on an empty database and refuses a wrong token', async () => {
    expect((await inject({ url: '/api/setup/status' })).json()).toEqual({ needsSetup: true });
    const token = await app.patron.modules.users.service.setupToken();
    expect(token).toBeTruthy();
    // The same token for every caller while setup is pending (several processes may print it).
    expect(await app.patron.modules.users.service.setupToken()).toBe(token);
    const bad = await inject({ method: 'POST', url: '/api/setup', payload: { token: 'nope', email: 'o@example.com', name: 'Olive', password: 'a long password' } });
    expect(bad.statusCode).toBe(403);
    expect(bad.headers['content-type']).toContain('application/problem+json');
    expect(bad.json().type).toBe('/problems/invalid-setup-token');
  });

  it('creates the owner with the token, logs them in, and closes setup', async () => {
    const token = (await app.patron.modules.users.service.setupToken())!;
    const res = await inject({ method: 'POST', url: '/api/setup', payload: { token, email: 'Owner@Example.com', name: 'Olive', password: 'a long password' } });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body.user).toMatchObject({ email: 'owner@example.com', role: 'owner', status: 'active' });
    expect(body.user.lastLoginAt).not.toBeNull();
    expect(body.permissions).toContain('team:write');
    const setCookie = String(res.headers['set-cookie']);
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    const me = await inject({ url: '/api/auth/me', headers: { cookie: cookieOf(res) } });
    expect(me.statusCode).toBe(200);
    expect(me.json().user.email).toBe('owner@example.com');
    expect((await inject({ url: '/api/setup/status' })).json()).toEqual({ needsSetup: false });
    expect(await app.patron.modules.users.service.setupToken()).toBeUndefined();
    const again = await inject({ method: 'POST', url: '/api/setup', payload: { token, email: 'x@example.com', name: 'X', password: 'a long password' } });
    expect(again.statusCode).toBe(409);
  });
});

describe('login', () => {
  it('logs in, and a wrong password gets a 401 problem without a cookie', async () => {
    await app.patron.modules.users.service.createFromCli({ email: 'sam@example.com', name: 'Sam', role: 'support', password: 'sams password' }, CLI_ACTOR);
    const wrong = await inject({ method: 'POST', url: '/api/auth/login', payload: { email: 'sam@example.com', password: 'nope nope nope' } });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.headers['set-cookie']).toBeUndefined();
    expect(wrong.json()).toMatchObject({ type: '/problems/invalid-credentials', status: 401 });
    const unknown = await inject({ method: 'POST', url: '/api/auth/login', payload: { email: 'nobody@example.com', password: 'whatever123' } });
    expect(unknown.statusCode).toBe(401);
    expect(unknown.json().detail).toBe(wrong.json().detail);
    const ok = await inject({ method: 'POST', url: '/api/auth/login', payload: { email: 'SAM@example.com', password: 'sams password' } });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().user.role).toBe('support');
  });

  it('locks an account after repeated failures, even for the right password', async () => {
    await app.patron.modules.users.service.createFromCli({ email: 'lock@example.com', name: 'L', role: 'analyst', password: 'the right one' }, CLI_ACTOR);
    for (let i = 0; i < 3; i++) {
      const r = await inject({ method: 'POST', url: '/api/auth/login', payload: { email: 'lock@example.com', password: 'the wrong one' } });
      expect(r.statusCode).toBe(401);
    }
    const locked = await inject({ method: 'POST', url: '/api/auth/login', payload: { email: 'lock@example.com', password: 'the right one' } });
    expect(locked.statusCode).toBe(429);
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
    expect(locked.json().type).toBe('/problems/rate-limited');
    const audit = await app.patron.dbh.db.selectFrom('audit_log').select('action').where('actor_label', '=', 'lock@example.com').execute();
    expect(audit.map((a) => a.action)).toContain('auth.locked');
    // An admin reset unlocks.
    await app.patron.modules.users.service.resetPassword('lock@example.com', 'a new password', CLI_ACTOR);
    const ok = await inject({ method: 'POST', url: '/api/auth/login', payload: { email: 'lock@example.com', password: 'a new password' } });
    expect(ok.statusCode).toBe(200);
  });

  it('logout ends the session', async () => {
    const s = await loginAs(app, 'marketer');
    expect((await inject({ url: '/api/auth/me', headers: s.headers })).statusCode).toBe(200);
    const out = await inject({ method: 'POST', url: '/api/auth/logout', headers: s.headers });
    expect(out.statusCode).toBe(204);
    const after = await inject({ url: '/api/auth/me', headers: s.headers });
    expect(after.statusCode).toBe(401);
  });

  it('an expired session gets 401 session-expired', async () => {
    const s = await loginAs(app, 'sales');
    await app.patron.dbh.db.updateTable('sessions').set({ expires_at: new Date(Date.now() - 1000) }).where('user_id', '=', s.userId).execute();
    const res = await inject({ url: '/api/auth/me', headers: s.headers });
    expect(res.statusCode).toBe(401);
    expect(res.json().type).toBe('/problems/session-expired');
  });

  it('a deactivated user loses their sessions', async () => {
    const owner = await loginAs(app, 'owner');
    const victim = await loginAs(app, 'support');
    const res = await inject({ method: 'PATCH', url: `/api/users/${victim.userId}`, headers: owner.headers, payload: { status: 'deactivated' } });
    expect(res.statusCode).toBe(200);
    expect((await inject({ url: '/api/auth/me', headers: victim.headers })).statusCode).toBe(401);
  });
});

describe('CSRF', () => {
  it('rejects cookie-authenticated writes without the token, accepts them with it', async () => {
    const s = await loginAs(app, 'owner');
    const without = await inject({ method: 'POST', url: '/api/api-keys', headers: { cookie: s.cookie }, payload: { name: 'k', scopes: ['customers:read'] } });
    expect(without.statusCode).toBe(403);
    expect(without.json().type).toBe('/problems/csrf');
    const wrong = await inject({ method: 'POST', url: '/api/api-keys', headers: { cookie: s.cookie, 'x-csrf-token': 'forged' }, payload: { name: 'k', scopes: ['customers:read'] } });
    expect(wrong.statusCode).toBe(403);
    const ok = await inject({ method: 'POST', url: '/api/api-keys', headers: s.headers, payload: { name: 'k', scopes: ['customers:read'] } });
    expect(ok.statusCode).toBe(201);
  });
});

describe('team', () => {
  it('invites a member who accepts and logs in', async () => {
    const admin = await loginAs(app, 'admin');
    const res = await inject({ method: 'POST', url: '/api/users', headers: admin.headers, payload: { email: 'new@example.com', name: 'Nia', role: 'marketer' } });
    expect(res.statusCode).toBe(201);
    const { user, inviteUrl } = res.json();
    expect(user.status).toBe('invited');
    const token = String(inviteUrl).split('/invite/')[1]!;
    const info = await inject({ url: `/api/invites/${token}` });
    expect(info.json()).toMatchObject({ email: 'new@example.com', role: 'marketer' });
    const accept = await inject({ method: 'POST', url: '/api/invites/accept', payload: { token, name: 'Nia N', password: 'nias password' } });
    expect(accept.statusCode).toBe(200);
    expect(accept.json().user.status).toBe('active');
    expect((await inject({ url: `/api/invites/${token}` })).statusCode).toBe(404);
    const login = await inject({ method: 'POST', url: '/api/auth/login', payload: { email: 'new@example.com', password: 'nias password' } });
    expect(login.statusCode).toBe(200);
  });

  it('reissues and withdraws invites', async () => {
    const admin = await loginAs(app, 'admin');
    const created = (await inject({ method: 'POST', url: '/api/users', headers: admin.headers, payload: { email: 'later@example.com', role: 'sales' } })).json();
    const oldToken = String(created.inviteUrl).split('/invite/')[1]!;
    const again = await inject({ method: 'POST', url: `/api/users/${created.user.id}/invite`, headers: admin.headers });
    expect(again.statusCode).toBe(200);
    const newToken = String(again.json().inviteUrl).split('/invite/')[1]!;
    expect(newToken).not.toBe(oldToken);
    expect((await inject({ url: `/api/invites/${oldToken}` })).statusCode).toBe(404);
    expect((await inject({ url: `/api/invites/${newToken}` })).statusCode).toBe(200);
    const del = await inject({ method: 'DELETE', url: `/api/users/${created.user.id}`, headers: admin.headers });
    expect(del.statusCode).toBe(204);
    expect((await inject({ url: `/api/invites/${newToken}` })).statusCode).toBe(404);
    const active = await loginAs(app, 'support');
    const refuse = await inject({ method: 'DELETE', url: `/api/users/${active.userId}`, headers: admin.headers });
    expect(refuse.statusCode).toBe(409);
  });

  it('refuses duplicate emails, admin-made owners, and removing the last owner', async () => {
    const admin = await loginAs(app, 'admin');
    const dup = await inject({ method: 'POST', url: '/api/users', headers: admin.headers, payload: { email: 'sam@example.com', role: 'support' } });
    expect(dup.statusCode).toBe(409);
    const owner = await inject({ method: 'POST', url: '/api/users', headers: admin.headers, payload: { email: 'boss@example.com', role: 'owner' } });
    expect(owner.statusCode).toBe(403);
    // Demote every owner but one, then try the last.
    const owners = await app.patron.dbh.db.selectFrom('users').select('id').where('role', '=', 'owner').where('status', '=', 'active').execute();
    const me = await loginAs(app, 'owner');
    for (const o of owners) await inject({ method: 'PATCH', url: `/api/users/${o.id}`, headers: me.headers, payload: { role: 'admin' } });
    const last = await inject({ method: 'PATCH', url: `/api/users/${me.userId}`, headers: me.headers, payload: { role: 'admin' } });
    expect(last.statusCode).toBe(409);
    expect(last.json().type).toBe('/problems/last-owner');
    const self = await inject({ method: 'PATCH', url: `/api/users/${me.userId}`, headers: me.headers, payload: { status: 'deactivated' } });
    expect(self.statusCode).toBe(403);
  });

  it('changes a password and ends the other sessions', async () => {
    const a = await loginAs(app, 'analyst', 'pw@example.com', 'first password');
    const b = await inject({ method: 'POST', url: '/api/auth/login', payload: { email: 'pw@example.com', password: 'first password' } });
    const other = { cookie: cookieOf(b) };
    const wrong = await inject({ method: 'POST', url: '/api/auth/password', headers: a.headers, payload: { currentPassword: 'nope', newPassword: 'second password' } });
    expect(wrong.statusCode).toBe(400);
    const ok = await inject({ method: 'POST', url: '/api/auth/password', headers: a.headers, payload: { currentPassword: 'first password', newPassword: 'second password' } });
    expect(ok.statusCode).toBe(204);
    expect((await inject({ url: '/api/auth/me', headers: a.headers })).statusCode).toBe(200);
    expect((await inject({ url: '/api/auth/me', headers: other })).statusCode).toBe(401);
  });

  it('records writes in the audit log with before and after, never secrets', async () => {
    const owner = await loginAs(app, 'owner');
    const rows = await inject({ url: '/api/audit?action=user.updated&limit=5', headers: owner.headers });
    expect(rows.statusCode).toBe(200);
    const items = rows.json().items;
    expect(items.length).toBeGreaterThan(0);
    expect(items[0].before).toBeTruthy();
    expect(items[0].after).toBeTruthy();
    const all = await app.patron.dbh.db.selectFrom('audit_log').select(['before', 'after']).execute();
    expect(JSON.stringify(all)).not.toMatch(/argon2|\$argon/);
  });
});

describe('per-IP login rate limit', () => {
  it('answers 429 with Retry-After past the limit', async () => {
    const limited = await startTestApp({ config: { login: { maxFailures: 100, lockMs: 60_000, ratePerMinute: 3 } } });
    try {
      const codes: number[] = [];
      for (let i = 0; i < 4; i++) {
        const r = await limited.patron.http!.inject({ method: 'POST', url: '/api/auth/login', payload: { email: 'x@example.com', password: 'wrong password' } });
        codes.push(r.statusCode);
        if (r.statusCode === 429) {
          expect(r.headers['content-type']).toContain('application/problem+json');
          expect(Number(r.headers['retry-after'])).toBeGreaterThan(0);
        }
      }
      expect(codes).toEqual([401, 401, 401, 429]);
    } finally {
      await limited.close();
    }
  });
});
