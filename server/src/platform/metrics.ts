import client from 'prom-client';
import type { FastifyInstance } from 'fastify';
import { apiProcessMetrics, isApiProcess } from './cluster.ts';
import { setJobsMetrics } from './jobs/jobs.ts';

/** Prometheus metrics: process defaults, HTTP requests and jobs. */
export function createMetrics() {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, prefix: 'patron_' });
  const http = new client.Histogram({
    name: 'patron_http_request_duration_seconds',
    help: 'HTTP request duration by method, route and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const jobs = new client.Histogram({
    name: 'patron_job_duration_seconds',
    help: 'Job run time by job name and outcome',
    labelNames: ['job', 'outcome'],
    buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60],
    registers: [registry],
  });
  setJobsMetrics({ observe: (job, outcome, ms) => jobs.observe({ job, outcome }, ms / 1000) });
  return {
    registry,
    /** The exposition for /metrics: this process's, or with several HTTP processes everyone's, summed. */
    text: isApiProcess() ? apiProcessMetrics(registry) : () => registry.metrics(),
    instrument(app: FastifyInstance) {
      app.addHook('onResponse', async (req, reply) => {
        const route = req.routeOptions.url ?? 'unmatched';
        http.observe({ method: req.method, route, status: String(reply.statusCode) }, reply.elapsedTime / 1000);
      });
    },
  };
}
export type Metrics = ReturnType<typeof createMetrics>;
