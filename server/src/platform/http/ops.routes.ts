import { timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { Health } from '../health.ts';
import type { Metrics } from '../metrics.ts';
import { HttpError, unauthorized } from './problem.ts';
import type { ZodApp } from './server.ts';

/** /healthz, /readyz and /metrics: for load balancers, orchestrators and Prometheus. */
export function opsRoutes(app: ZodApp, health: Health, metrics: Metrics, metricsToken: string | undefined): void {
  const tags = ['Operations'];
  app.get('/healthz', { config: { access: 'public' }, schema: { tags, summary: 'The process is up', response: { 200: z.object({ status: z.literal('ok') }) } } },
    async () => ({ status: 'ok' as const }));

  app.get('/readyz', { config: { access: 'public' }, schema: { tags, summary: 'The database is reachable and migrations are current', response: { 200: z.object({ status: z.string(), checks: z.record(z.string(), z.string()) }), 503: z.object({ status: z.string(), checks: z.record(z.string(), z.string()) }) } } },
    async (_req, reply) => {
      const r = await health.ready();
      return reply.status(r.ok ? 200 : 503).send({ status: r.ok ? 'ready' : 'not ready', checks: r.checks });
    });

  app.get('/metrics', { config: { access: 'public' }, schema: { tags, summary: 'Prometheus metrics (Bearer PATRON_METRICS_TOKEN when set)', hide: false } },
    async (req, reply) => {
      if (metricsToken) {
        const sent = Buffer.from(req.headers.authorization ?? '');
        const want = Buffer.from(`Bearer ${metricsToken}`);
        if (sent.length !== want.length || !timingSafeEqual(sent, want)) throw unauthorized('Send "Authorization: Bearer <PATRON_METRICS_TOKEN>".');
      }
      let text: string;
      try {
        text = await metrics.text();
      } catch (e) {
        // With several HTTP processes, one that has just died cannot answer: this scrape fails, the next one works.
        throw new HttpError(503, 'service-unavailable', 'Metrics unavailable', `Could not collect the metrics: ${(e as Error).message}. Try again.`);
      }
      return reply.type(metrics.registry.contentType).send(text);
    });
}
