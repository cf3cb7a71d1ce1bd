import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import autocannon from 'autocannon';

/** One benchmark: a name, what it measures, and a run that returns table rows. */
export interface Bench {
  name: string;
  description: string;
  run(opts: BenchOptions): Promise<BenchResult>;
}

export interface BenchOptions {
  /** Seconds per load phase. */
  duration: number;
  connections: number;
  /** Free-form flags after `--`, e.g. sizes for data generators. */
  flags: Record<string, string>;
}

export interface BenchResult {
  rows: Record<string, string | number>[];
  /** One-line conclusions (ratios, targets met or missed). */
  notes: string[];
}

export interface LoadResult {
  requestsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  non2xx: number;
  total: number;
}

/** Runs autocannon against a URL and summarises it. */
export async function load(url: string, opts: { duration: number; connections: number; headers?: Record<string, string>; method?: 'GET' | 'POST'; body?: string }): Promise<LoadResult> {
  const r = await autocannon({
    url,
    duration: opts.duration,
    connections: opts.connections,
    pipelining: 1,
    headers: opts.headers,
    method: opts.method ?? 'GET',
    body: opts.body,
  });
  return {
    requestsPerSec: r.requests.average,
    p50Ms: r.latency.p50,
    p99Ms: r.latency.p99,
    errors: r.errors + r.timeouts,
    non2xx: r.non2xx,
    total: r.requests.total,
  };
}

/** One keep-alive HTTP/1.1 connection that sends a request and reads the status and a content-length body. */
class RawConnection {
  private readonly socket: net.Socket;
  private buf: Buffer = Buffer.alloc(0);
  private done: ((status: number) => void) | null = null;
  usable = true;

  constructor(target: URL) {
    this.socket = net.connect({ host: target.hostname, port: Number(target.port || 80), noDelay: true });
    this.socket.on('data', (d: Buffer) => {
      this.buf = this.buf.length ? Buffer.concat([this.buf, d]) : d;
      this.parse();
    });
    const fail = () => {
      this.usable = false;
      const cb = this.done;
      this.done = null;
      cb?.(0);
    };
    this.socket.on('error', fail);
    this.socket.on('close', fail);
  }

  send(bytes: Buffer, done: (status: number) => void): void {
    if (!this.usable) return done(0);
    this.done = done;
    this.socket.write(bytes);
  }

  private parse(): void {
    const end = this.buf.indexOf('\r\n\r\n');
    if (end < 0 || !this.done) return;
    const head = this.buf.subarray(0, end).toString('latin1');
    const status = Number(head.slice(9, 12));
    const m = /\r\ncontent-length: *(\d+)/i.exec(head);
    // Every answer measured here has a length (JSON): anything else is counted as a failure.
    if (!m) {
      this.usable = false;
      this.socket.destroy();
      return;
    }
    const total = end + 4 + Number(m[1]);
    if (this.buf.length < total) return;
    this.buf = this.buf.subarray(total);
    const cb = this.done;
    this.done = null;
    cb(status);
  }

  close(): void {
    this.usable = false;
    this.socket.destroy();
  }
}

export interface PacedResult { sent: number; ok: number; failed: number; p50Ms: number; p99Ms: number; maxMs: number; achievedRate: number; lagP99Ms: number }
type PacedRequest = { method: 'GET' | 'POST'; path: string; body?: string };

/**
 * Open-loop load at a fixed rate: a request is started every 1/rate seconds whether or not the
 * earlier ones have been answered (as independent users do), and each latency is counted from when
 * the request was due, not when it was sent, so a stalled server is not hidden (no coordinated
 * omission). Closed-loop tools such as autocannon measure a saturated server's queue instead.
 */
export async function paced(url: string, opts: { rate: number; duration: number; headers?: Record<string, string>; request: () => PacedRequest }): Promise<PacedResult> {
  // The requests are made here and sent from a worker thread: its own heap and event loop, so this
  // process's garbage (a model built here, say) pauses neither the sending nor the reading of answers.
  const requests = Array.from({ length: Math.ceil(opts.rate * opts.duration) + 1 }, () => opts.request());
  const worker = new Worker(new URL('./paced-worker.ts', import.meta.url), { workerData: { url, rate: opts.rate, duration: opts.duration, headers: opts.headers ?? {}, requests } });
  return new Promise<PacedResult>((resolve, reject) => {
    worker.once('message', (r: PacedResult) => resolve(r));
    worker.once('error', reject);
    worker.once('exit', (code) => (code ? reject(new Error(`paced worker exited with ${code}`)) : undefined));
  });
}

/** The open-loop sender itself (run by bench/paced-worker.ts): `requests` in order, one every 1/rate s. */
export async function sendPaced(url: string, opts: { rate: number; duration: number; headers: Record<string, string>; requests: PacedRequest[] }): Promise<PacedResult> {
  // A lean HTTP/1.1 client over raw keep-alive sockets (one request at a time on each): node's http
  // client costs the generator more CPU than the requests cost the server, and on a shared machine
  // that CPU is taken from the server and shows in the latencies.
  const target = new URL(url);
  const idle: RawConnection[] = [];
  const all: RawConnection[] = [];
  const waiting: (() => void)[] = [];
  const latencies: number[] = [];
  let ok = 0;
  let failed = 0;
  const headerText = Object.entries(opts.headers ?? {}).map(([k, v]) => `${k}: ${v}\r\n`).join('');
  const one = (due: number, i: number) =>
    new Promise<void>((resolve) => {
      const run = () => {
        const conn = idle.pop() ?? (all.length < 64 ? new RawConnection(target) : undefined);
        if (!conn) return void waiting.push(run);
        if (!all.includes(conn)) all.push(conn);
        const r = opts.requests[i % opts.requests.length]!;
        const body = r.body ? Buffer.from(r.body) : null;
        const head = `${r.method} ${r.path} HTTP/1.1\r\nhost: ${target.host}\r\n${headerText}${body ? `content-length: ${body.length}\r\n` : ''}\r\n`;
        conn.send(body ? Buffer.concat([Buffer.from(head), body]) : Buffer.from(head), (status) => {
          latencies.push(performance.now() - due);
          if (status >= 200 && status < 300) ok++;
          else failed++;
          if (conn.usable) idle.push(conn);
          else all.splice(all.indexOf(conn), 1);
          waiting.shift()?.();
          resolve();
        });
      };
      run();
    });
  const interval = 1000 / opts.rate;
  const start = performance.now();
  const end = start + opts.duration * 1000;
  const inFlight: Promise<void>[] = [];
  // How late the generator itself sent requests: its own pauses, counted in the latencies.
  const lags: number[] = [];
  let next = start;
  let sent = 0;
  while (next < end) {
    // A late timer makes the request late; its latency still counts from when it was due.
    const wait = next - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    lags.push(performance.now() - next);
    inFlight.push(one(next, sent));
    sent++;
    next += interval;
  }
  await Promise.all(inFlight);
  for (const c of all) c.close();
  latencies.sort((a, b) => a - b);
  const q = (p: number) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? 0);
  lags.sort((a, b) => a - b);
  return { sent, ok, failed, p50Ms: q(0.5), p99Ms: q(0.99), maxMs: Math.round(latencies.at(-1) ?? 0), achievedRate: sent / opts.duration, lagP99Ms: Math.round(lags[Math.floor(0.99 * lags.length)] ?? 0) };
}

/** Starts a server script (bench/servers/NAME.ts) in its own process; it prints `READY <json>` when listening. */
export async function startServer<T extends Record<string, unknown>>(name: string, env: Record<string, string> = {}): Promise<{ info: T; stop(): Promise<void> }> {
  const script = path.join(import.meta.dirname, 'servers', `${name}.ts`);
  const child: ChildProcess = spawn(process.execPath, [script], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  const info = await new Promise<T>((resolve, reject) => {
    let buf = '';
    child.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      const m = /READY (\{.*\})\n/.exec(buf);
      if (m?.[1]) resolve(JSON.parse(m[1]) as T);
    });
    child.on('exit', (code) => reject(new Error(`${name} server exited with ${String(code)} before it was ready`)));
  });
  return {
    info,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.on('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

export const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

/** Prints rows as an aligned text table. */
export function printTable(rows: Record<string, string | number>[]): void {
  if (!rows.length) return;
  const cols = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const cell = (v: unknown) => (v === undefined ? '' : String(v));
  const widths = cols.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c]).length)));
  const line = (vals: string[]) => '| ' + vals.map((v, i) => v.padEnd(widths[i]!)).join(' | ') + ' |';
  console.log(line(cols));
  console.log('|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|');
  for (const r of rows) console.log(line(cols.map((c) => cell(r[c]))));
}
