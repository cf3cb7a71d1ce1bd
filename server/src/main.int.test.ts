import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

// End-to-end tests of the `patron` command as a user runs it: each gets its own data directory
// and embedded PostgreSQL, so they run with no DATABASE_URL.
const root = path.resolve(import.meta.dirname, '../..');
const bin = path.join(root, 'bin/patron.mjs');
const dirs: string[] = [];
const children: ChildProcess[] = [];

function dataDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'patron-cli-'));
  dirs.push(d);
  return d;
}

function env(extra: Record<string, string>): NodeJS.ProcessEnv {
  const e: NodeJS.ProcessEnv = { ...process.env, PATRON_LOG_PRETTY: 'false' };
  delete e.DATABASE_URL;
  return { ...e, ...extra };
}

function run(args: string[], extra: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], { env: env(extra), cwd: root });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The CLI's --json output, typed by the caller. */
function parseJson<T>(text: string): T {
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new Error(`not JSON: ${text}`);
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

async function startServer(dir: string, args: string[] = [], opts: { ownGroup?: boolean } = {}): Promise<{ child: ChildProcess; url: string; log: () => string }> {
  const port = await freePort();
  // ownGroup: a process group of its own, as a terminal gives it (Ctrl-C signals the whole group).
  const child = spawn(process.execPath, [bin, 'start', ...args], { env: env({ PATRON_DATA_DIR: dir, PORT: String(port), HOST: '127.0.0.1' }), cwd: root, detached: !!opts.ownGroup });
  children.push(child);
  let log = '';
  child.stdout!.on('data', (d: Buffer) => (log += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (log += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  const end = Date.now() + 60_000;
  while (Date.now() < end) {
    if (child.exitCode !== null) throw new Error(`patron start exited: ${log}`);
    try {
      if ((await fetch(`${url}/readyz`)).ok) return { child, url, log: () => log };
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`patron start did not become ready: ${log}`);
}

function postmasterPid(dir: string): number | undefined {
  try {
    return Number(fs.readFileSync(path.join(dir, 'pg/postmaster.pid'), 'utf8').split('\n')[0]);
  } catch {
    return undefined;
  }
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return child.exitCode;
  return new Promise((r) => child.on('exit', (code) => r(code)));
}

afterAll(async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  for (const d of dirs) {
    const pid = postmasterPid(d);
    if (pid && alive(pid)) process.kill(pid, 'SIGINT');
  }
  await new Promise((r) => setTimeout(r, 500));
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

describe('patron CLI', () => {
  it('prints help for every command', async () => {
    const top = await run(['--help'], {});
    expect(top.code).toBe(0);
    for (const cmd of ['start', 'worker', 'migrate', 'user', 'apikey']) expect(top.stdout).toContain(cmd);
    const user = await run(['user', 'create', '--help'], {});
    expect(user.stdout).toContain('--email');
    expect(user.stdout).toContain('--role');
  });

  it('stops with one clear line on bad configuration', async () => {
    const r = await run(['migrate'], { PORT: 'abc' });
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe('Invalid configuration: PORT="abc": expected a number');
  });

  it('stops with a clear message when DATABASE_URL is unreachable', async () => {
    const port = await freePort();
    const r = await run(['start'], { DATABASE_URL: `postgres://postgres@127.0.0.1:${port}/patron`, PORT: String(await freePort()) });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`Cannot connect to the database at postgres://postgres@127.0.0.1:${port}/patron`);
  });

  it('runs commands without a server (embedded for their own duration) and stops it after', async () => {
    const dir = dataDir();
    const created = await run(['user', 'create', '--email', 'Owner@Shop.test', '--role', 'owner', '--password', 'a long password', '--json'], { PATRON_DATA_DIR: dir });
    expect(created.code, created.stderr).toBe(0);
    expect(parseJson<{ user: unknown }>(created.stdout).user).toMatchObject({ email: 'owner@shop.test', role: 'owner' });
    expect(postmasterPid(dir)).toBeUndefined();
    const list = await run(['user', 'list', '--json'], { PATRON_DATA_DIR: dir });
    expect(parseJson<{ email: string }[]>(list.stdout).map((u) => u.email)).toEqual(['owner@shop.test']);
    const bad = await run(['user', 'create', '--email', 'nope', '--role', 'owner'], { PATRON_DATA_DIR: dir });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/Invalid --email "nope"/);
    const key = await run(['apikey', 'create', '--name', 'ci', '--scopes', 'team:read', '--json'], { PATRON_DATA_DIR: dir });
    const { key: secret, apiKey } = parseJson<{ key: string; apiKey: { id: string } }>(key.stdout);
    expect(secret).toMatch(/^patron_sk_/);
    const revoke = await run(['apikey', 'revoke', apiKey.id], { PATRON_DATA_DIR: dir });
    expect(revoke.code, revoke.stderr).toBe(0);
    const keys = parseJson<{ revokedAt: string | null }[]>((await run(['apikey', 'list', '--json'], { PATRON_DATA_DIR: dir })).stdout);
    expect(keys[0]!.revokedAt).not.toBeNull();
    const migrate = await run(['migrate'], { PATRON_DATA_DIR: dir });
    expect(migrate.stdout).toContain('Database is up to date.');
  }, 120_000);

  it('runs a job-only worker that stops cleanly', async () => {
    const dir = dataDir();
    const child = spawn(process.execPath, [bin, 'worker'], { env: env({ PATRON_DATA_DIR: dir }), cwd: root });
    children.push(child);
    let log = '';
    child.stdout.on('data', (d: Buffer) => (log += d.toString()));
    child.stderr.on('data', (d: Buffer) => (log += d.toString()));
    const end = Date.now() + 60_000;
    while (!log.includes('Patron worker running') && Date.now() < end && child.exitCode === null) await new Promise((r) => setTimeout(r, 100));
    expect(log).toContain('Patron worker running');
    const pgPid = postmasterPid(dir)!;
    child.kill('SIGTERM');
    expect(await exited(child)).toBe(0);
    expect(alive(pgPid)).toBe(false);
  }, 90_000);

  it('shares the running server, recovers from kill -9, and stops Postgres on SIGTERM', async () => {
    const dir = dataDir();
    const first = await startServer(dir);
    // The setup line is logged just after the server starts answering: wait for it.
    for (let i = 0; i < 100 && !first.log().includes('First-run setup'); i++) await new Promise((r) => setTimeout(r, 100));
    expect(first.log()).toContain('First-run setup');
    const pgPid = postmasterPid(dir)!;
    expect(alive(pgPid)).toBe(true);

    // A CLI command while the server runs uses its embedded Postgres and leaves it running.
    const created = await run(['user', 'create', '--email', 'a@shop.test', '--role', 'owner', '--password', 'a long password'], { PATRON_DATA_DIR: dir });
    expect(created.code, created.stderr).toBe(0);
    expect(postmasterPid(dir)).toBe(pgPid);
    const login = await fetch(`${first.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'a@shop.test', password: 'a long password' }) });
    expect(login.status).toBe(200);

    // kill -9: Patron dies, its Postgres is orphaned; the next start adopts it.
    first.child.kill('SIGKILL');
    await exited(first.child);
    expect(alive(pgPid)).toBe(true);
    const second = await startServer(dir);
    for (let i = 0; i < 100 && !second.log().includes('Adopted the embedded PostgreSQL'); i++) await new Promise((r) => setTimeout(r, 100));
    expect(second.log()).toContain('Adopted the embedded PostgreSQL');
    expect((await fetch(`${second.url}/api/setup/status`).then((r) => r.json())) as unknown).toEqual({ needsSetup: false });

    // Both killed hard: a stale postmaster.pid must not block the next start.
    second.child.kill('SIGKILL');
    process.kill(pgPid, 'SIGKILL');
    await exited(second.child);
    await new Promise((r) => setTimeout(r, 300));
    expect(fs.existsSync(path.join(dir, 'pg/postmaster.pid'))).toBe(true);
    const third = await startServer(dir);
    const pg3 = postmasterPid(dir)!;
    expect(pg3).not.toBe(pgPid);

    // Graceful stop: exits 0 and takes its Postgres with it.
    third.child.kill('SIGTERM');
    expect(await exited(third.child)).toBe(0);
    expect(alive(pg3)).toBe(false);
    expect(fs.existsSync(path.join(dir, 'pg/postmaster.pid'))).toBe(false);
  }, 180_000);

  it('runs several HTTP processes on one port: they share the requests, /metrics sums them, one that dies is replaced, SIGTERM stops them all', async () => {
    const dir = dataDir();
    const server = await startServer(dir, ['--processes', '2']);
    for (let i = 0; i < 100 && !server.log().includes('2 HTTP processes share port'); i++) await new Promise((r) => setTimeout(r, 100));
    const primary = server.child.pid!;
    const childrenOf = (pid: number) => fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d)).filter((d) => {
      try {
        // The HTTP processes (not the embedded Postgres, also started by the primary).
        return Number(fs.readFileSync(`/proc/${d}/stat`, 'utf8').split(') ')[1]!.split(' ')[1]) === pid && fs.readFileSync(`/proc/${d}/cmdline`, 'utf8').includes('patron.mjs');
      } catch {
        return false;
      }
    }).map(Number);
    const api = childrenOf(primary);
    expect(api).toHaveLength(2);

    for (let i = 0; i < 20; i++) expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    const count = async () => {
      const text = await (await fetch(`${server.url}/metrics`)).text();
      return Number(/^patron_http_request_duration_seconds_count\{method="GET",route="\/healthz",status="200"\} (\d+)$/m.exec(text)?.[1] ?? 0);
    };
    // Every process's requests, whichever process answers /metrics.
    expect(await count()).toBe(20);
    expect(await count()).toBe(20);

    // A process that dies is replaced; the others go on serving meanwhile.
    process.kill(api[0]!, 'SIGKILL');
    let now: number[] = [];
    for (let i = 0; i < 150; i++) {
      now = childrenOf(primary);
      if (now.length === 2 && !now.includes(api[0]!) && server.log().split('Server listening at').length - 1 >= 3) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(now).toHaveLength(2);
    expect(now).not.toContain(api[0]);
    expect(server.log()).toContain('HTTP process stopped; starting another');
    for (let i = 0; i < 6; i++) expect((await fetch(`${server.url}/healthz`)).status).toBe(200);

    // Graceful stop: every process and the database.
    const pg = postmasterPid(dir)!;
    server.child.kill('SIGTERM');
    expect(await exited(server.child)).toBe(0);
    expect(now.filter(alive)).toEqual([]);
    expect(alive(pg)).toBe(false);
  }, 180_000);

  it('with several processes, Ctrl-C (SIGINT to the whole group) stops every process gracefully, once', async () => {
    const dir = dataDir();
    const server = await startServer(dir, ['--processes', '2'], { ownGroup: true });
    for (let i = 0; i < 100 && !server.log().includes('2 HTTP processes share port'); i++) await new Promise((r) => setTimeout(r, 100));
    const pg = postmasterPid(dir)!;
    process.kill(-server.child.pid!, 'SIGINT');
    expect(await exited(server.child)).toBe(0);
    await new Promise((r) => setTimeout(r, 300));
    expect(server.log()).not.toContain('Second signal');
    expect(server.log()).not.toContain('HTTP process stopped');
    expect(alive(pg)).toBe(false);
  }, 120_000);

  it('refuses a bad --processes with one clear line', async () => {
    const r = await run(['start', '--processes', 'many'], { PATRON_DATA_DIR: dataDir() });
    expect(r.code).not.toBe(0);
    expect(r.stderr.trim()).toBe('Invalid processes "many": expected a number from 1 to 99, or "auto" (one per CPU core)');
  });
});
