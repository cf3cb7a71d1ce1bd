import { spawn, type ChildProcess } from 'node:child_process';
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
