import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import v8 from 'node:v8';
import vm from 'node:vm';
import path from 'node:path';
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

/**
 * Open-loop load at a fixed rate: a request is started every 1/rate seconds whether or not the
 * earlier ones have been answered (as independent users do), and each latency is counted from when
 * the request was due, not when it was sent, so a stalled server is not hidden (no coordinated
 * omission). Closed-loop tools such as autocannon measure a saturated server's queue instead.
 */
export async function paced(url: string, opts: { rate: number; duration: number; headers?: Record<string, string>; request: () => { method: 'GET' | 'POST'; path: string; body?: string } }): Promise<{ sent: number; ok: number; failed: number; p50Ms: number; p99Ms: number; maxMs: number; achievedRate: number; lagP99Ms: number }> {
  // The generator's own pauses count as latency here: collect what earlier phases left (a model
  // built in this process, say) before the clock starts.
  v8.setFlagsFromString('--expose-gc');
  (vm.runInNewContext('gc') as () => void)();
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const latencies: number[] = [];
  let ok = 0;
  let failed = 0;
  const one = (due: number) =>
    new Promise<void>((resolve) => {
      const r = opts.request();
      const req = http.request(new URL(r.path, url), { method: r.method, agent, headers: { ...opts.headers, ...(r.body ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(r.body) } : {}) } }, (res) => {
        res.resume();
        res.on('end', () => {
          latencies.push(performance.now() - due);
          if (res.statusCode && res.statusCode < 300) ok++;
          else failed++;
          resolve();
        });
      });
      req.on('error', () => {
        failed++;
        resolve();
      });
      req.end(r.body);
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
    inFlight.push(one(next));
    sent++;
    next += interval;
  }
  await Promise.all(inFlight);
  agent.destroy();
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
