import cluster, { type Worker } from 'node:cluster';
import client, { type Registry } from 'prom-client';
import type { Logger } from 'pino';

// Several HTTP processes on one port (node:cluster): Node runs JavaScript on one core, so one process
// per core serves more requests. The primary owns the embedded database and the job worker; it forks
// the HTTP processes, replaces one that dies, and answers /metrics for all of them.

const METRICS_REQ = 'patron:metrics-request';
const METRICS_RES = 'patron:metrics-response';
const LOCAL_REQ = 'patron:local-metrics-request';
const LOCAL_RES = 'patron:local-metrics-response';
const LISTENING = 'patron:listening';

interface Message {
  type?: string;
  id?: number;
  text?: string;
  metrics?: unknown[];
  error?: string;
  port?: number;
}

export const isApiProcess = () => cluster.isWorker;

export interface ApiProcesses {
  /** The port the processes listen on (they share it). */
  port: number;
  /** Stops every HTTP process (each finishes its in-flight requests) and waits for them. */
  stop(): Promise<void>;
}

/**
 * In the primary: forks `count` HTTP processes (they run this same program with this same command
 * line and see `isApiProcess()`), resolves once all of them listen. A process that dies is replaced
 * (at most 10 times a minute, so a crash at start-up does not loop). `registry` is the primary's own
 * metrics (its jobs), added to the processes' in /metrics.
 */
export function startApiProcesses(o: { count: number; log: Logger; registry: Registry; env?: Record<string, string> }): Promise<ApiProcesses> {
  let stopping = false;
  const restarts: number[] = [];
  let local = 0;
  const pendingLocal = new Map<number, { want: number; got: unknown[]; done: (err: Error | null, metrics?: unknown[]) => void }>();

  // Asks every process for its metrics as JSON and sums them with the primary's own.
  const allMetrics = async (): Promise<string> => {
    const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => !!w && w.isConnected());
    const id = local++;
    const fromWorkers = await new Promise<unknown[]>((resolve, reject) => {
      const timer = setTimeout(() => {
        pendingLocal.delete(id);
        reject(new Error('a process did not answer for its metrics within 5 s'));
      }, 5000);
      pendingLocal.set(id, {
        want: workers.length, got: [],
        done: (err, metrics) => {
          clearTimeout(timer);
          if (err) reject(err);
          else resolve(metrics!);
        },
      });
      if (!workers.length) pendingLocal.get(id)!.done(null, []);
      for (const w of workers) w.send({ type: LOCAL_REQ, id });
    });
    const own = await o.registry.getMetricsAsJSON();
    return client.AggregatorRegistry.aggregate([own, ...fromWorkers] as Parameters<typeof client.AggregatorRegistry.aggregate>[0]).metrics();
  };

  let onListening: (port: number) => void = () => undefined;
  const onMessage = (worker: Worker, m: Message) => {
    if (m?.type === LISTENING && m.port !== undefined) onListening(m.port);
    else if (m?.type === LOCAL_RES && m.id !== undefined) {
      const p = pendingLocal.get(m.id);
      if (!p) return;
      if (m.error) {
        pendingLocal.delete(m.id);
        p.done(new Error(m.error));
        return;
      }
      p.got.push(m.metrics);
      if (p.got.length === p.want) {
        pendingLocal.delete(m.id);
        p.done(null, p.got);
      }
    } else if (m?.type === METRICS_REQ && m.id !== undefined) {
      allMetrics().then(
        (text) => worker.isConnected() && worker.send({ type: METRICS_RES, id: m.id, text }),
        (err: unknown) => worker.isConnected() && worker.send({ type: METRICS_RES, id: m.id, error: (err as Error).message }),
      );
    }
  };
  cluster.on('message', onMessage);

  const fork = () => cluster.fork(o.env);
  return new Promise((resolve, reject) => {
    let listening = 0;
    onListening = (port) => {
      if (++listening === o.count) resolve({ port, stop });
    };
    const onExit = (w: Worker, code: number | null, signal: string | null) => {
      if (stopping) return;
      if (listening < o.count) {
        // One failed to start (its log says why): the others would fail alike; stop them and say so.
        void stop().then(() => reject(new Error(`An HTTP process stopped while starting (exit code ${String(code)}${signal ? `, ${signal}` : ''}); its log above says why.`)));
        return;
      }
      const now = Date.now();
      restarts.push(now);
      while (restarts.length && restarts[0]! < now - 60_000) restarts.shift();
      if (restarts.length > 10) {
        o.log.error({ pid: w.process.pid, code, signal }, 'HTTP process stopped; not replaced (more than 10 in a minute)');
        return;
      }
      o.log.error({ pid: w.process.pid, code, signal }, 'HTTP process stopped; starting another');
      fork();
    };
    cluster.on('exit', onExit);
    for (let i = 0; i < o.count; i++) fork();

    async function stop(): Promise<void> {
      stopping = true;
      const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => !!w);
      await Promise.all(workers.map((w) => new Promise<void>((done) => {
        if (w.isDead()) return done();
        const hard = setTimeout(() => w.process.kill('SIGKILL'), 30_000);
        w.on('exit', () => (clearTimeout(hard), done()));
        w.process.kill('SIGTERM');
      })));
      cluster.off('message', onMessage);
      cluster.off('exit', onExit);
    }
  });
}

/** In an HTTP process: tells the primary it serves HTTP at this address (Fastify's `listen` answer). */
export function announceListening(url: string): void {
  process.send?.({ type: LISTENING, port: Number(new URL(url).port) });
}

let asked = 0;
const waiting = new Map<number, { resolve: (text: string) => void; reject: (err: Error) => void }>();

/**
 * In an HTTP process: answers the primary's requests for this process's metrics, and returns a
 * function that gets everyone's (summed by the primary) for /metrics.
 */
export function apiProcessMetrics(registry: Registry): () => Promise<string> {
  process.on('message', (m: Message) => {
    if (m?.type === LOCAL_REQ) {
      registry.getMetricsAsJSON().then(
        (metrics) => process.send?.({ type: LOCAL_RES, id: m.id, metrics }),
        (err: unknown) => process.send?.({ type: LOCAL_RES, id: m.id, error: (err as Error).message }),
      );
    } else if (m?.type === METRICS_RES && m.id !== undefined) {
      const w = waiting.get(m.id);
      waiting.delete(m.id);
      if (m.error) w?.reject(new Error(m.error));
      else w?.resolve(m.text ?? '');
    }
  });
  return () => new Promise<string>((resolve, reject) => {
    const id = asked++;
    const timer = setTimeout(() => (waiting.delete(id), reject(new Error('the primary process did not answer for the metrics within 10 s'))), 10_000);
    waiting.set(id, { resolve: (t) => (clearTimeout(timer), resolve(t)), reject: (e) => (clearTimeout(timer), reject(e)) });
    process.send?.({ type: METRICS_REQ, id });
  });
}
