import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, inject } from 'vitest';
import { buildPatron, type Patron } from '../app.ts';
import { loadConfig, type Config } from '../config.ts';
import { withDatabase } from '../platform/db/db.ts';
import { createLogger } from '../platform/log.ts';
import { CLI_ACTOR } from '../platform/audit/audit.ts';
import type { Role } from '../platform/http/rbac.ts';

/** A fresh database cloned from the migrated template; dropped by `drop()`. */
export async function createTestDatabase(): Promise<{ url: string; name: string; drop(): Promise<void> }> {
  const adminUrl = inject('pgAdminUrl');
  const template = inject('pgTemplate');
  const name = `patron_test_${inject('pgRunId')}_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database "${name}" template "${template}"`);
  await admin.end();
  return {
    url: withDatabase(adminUrl, name),
    name,
    async drop() {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`drop database if exists "${name}" with (force)`);
      await c.end();
    },
  };
}

export function testConfig(overrides: Partial<Config> = {}): Config {
  return { ...loadConfig({ PATRON_LOG_LEVEL: 'silent', PATRON_DATA_DIR: '/nonexistent-test-data', PATRON_LOGIN_RATE_PER_MINUTE: '10000' }), poolSize: 5, ...overrides };
}

export interface TestApp {
  patron: Patron;
  url: string;
  close(): Promise<void>;
}

/** A Patron with HTTP on its own fresh database (no embedded server, no listening socket unless `listen`). */
export async function startTestApp(opts: { config?: Partial<Config>; worker?: boolean; listen?: boolean } = {}): Promise<TestApp> {
  const database = await createTestDatabase();
  const config = testConfig(opts.config);
  const log = createLogger(process.env.TEST_LOG_LEVEL ?? 'silent', false);
  const patron = await buildPatron(config, log, { http: true, worker: opts.worker ?? false, databaseUrl: database.url, skipMigrate: true });
  let url = '';
  if (opts.listen) url = await patron.http!.listen({ port: 0, host: '127.0.0.1' });
  return {
    patron,
    url,
    async close() {
      await patron.close();
      await database.drop();
    },
  };
}

export interface Session {
  cookie: string;
  csrf: string;
  headers: Record<string, string>;
  userId: string;
}

/** Creates a user with `role` and logs them in; returns headers for app.inject. */
export async function loginAs(app: TestApp, role: Role, email = `${role}-${randomBytes(3).toString('hex')}@example.com`, password = 'correct horse battery'): Promise<Session> {
  const user = await app.patron.modules.users.service.createFromCli({ email, name: role, role, password }, CLI_ACTOR);
  const res = await app.patron.http!.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password } });
  if (res.statusCode !== 200) throw new Error(`login failed: ${res.statusCode} ${res.body}`);
  const setCookie = res.headers['set-cookie'];
  const raw = Array.isArray(setCookie) ? setCookie[0] : setCookie;
  const cookie = String(raw).split(';')[0]!;
  const csrf = (res.json() as { csrfToken: string }).csrfToken;
  return { cookie, csrf, userId: user.id, headers: { cookie, 'x-csrf-token': csrf } };
}

/** A file's test app: started (with a signed-in session per role) before its tests, closed after. */
export interface AppFixture {
  readonly app: TestApp;
  session(role: Role): Session;
  /** An API call as one of the signed-in roles, through app.inject. */
  call(role: Role, method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, payload?: unknown): Promise<LightMyRequestResponse>;
}

export function useTestApp(roles: Role[], opts: { config?: Partial<Config>; worker?: boolean; afterClose?: () => void } = {}): AppFixture {
  let app: TestApp | undefined;
  const sessions = new Map<Role, Session>();
  beforeAll(async () => {
    app = await startTestApp({ ...(opts.config ? { config: opts.config } : {}), ...(opts.worker !== undefined ? { worker: opts.worker } : {}) });
    for (const r of roles) sessions.set(r, await loginAs(app, r));
  });
  afterAll(async () => {
    opts.afterClose?.();
    await app?.close();
  });
  const fixture: AppFixture = {
    get app() {
      if (!app) throw new Error('the test app starts in beforeAll');
      return app;
    },
    session(role) {
      const s = sessions.get(role);
      if (!s) throw new Error(`no session for ${role}: list it in useTestApp`);
      return s;
    },
    call(role, method, url, payload) {
      return fixture.app.patron.http!.inject({ method, url, headers: fixture.session(role).headers, payload: payload as Record<string, unknown> });
    },
  };
  return fixture;
}
