import { z } from 'zod';
import type { Actor } from '../../platform/audit/audit.ts';
import type { ZodApp } from '../../platform/http/server.ts';
import { forecastRoutes } from './forecast.routes.ts';
import { DEFAULT_HORIZON, FORECAST_JOB, ForecastService } from './forecast.service.ts';
import type { PredictDeps } from './predict.deps.ts';

/** Demand forecast: the service, the job that computes it (weekly cron, on demand) and the routes. */
export function createForecast(deps: PredictDeps) {
  const service = new ForecastService(deps);
  deps.jobs.register({
    name: FORECAST_JOB, maxAttempts: 2,
    payload: z.object({ trigger: z.string().default('cron'), horizon: z.number().int().min(1).max(52).optional() }).passthrough(),
    handler: async (p) => {
      await service.compute(p.trigger, p.horizon ?? (await service.currentHorizon()));
    },
  });
  // Mondays 04:00 UTC: the week that just ended is complete everywhere by then.
  deps.jobs.cron({ pattern: '0 4 * * 1', job: FORECAST_JOB, identifier: 'predict.forecast.weekly', payload: { trigger: 'cron' }, backfillMs: 6 * 24 * 3600 * 1000 });
  return {
    service,
    /**
     * The demo's part: queues a forecast of the demo orders (the worker computes it in the background, ~30 s for
     * the Online Retail data, so the demo itself does not wait; the page shows "Computing…" until it lands).
     */
    async demo(_actor: Actor, log: (m: string) => void = () => undefined): Promise<Record<string, unknown>> {
      log('Queueing the demand forecast (computed by the job worker)…');
      await deps.jobs.enqueue(deps.db, FORECAST_JOB, { trigger: 'demo', horizon: DEFAULT_HORIZON }, { jobKey: FORECAST_JOB, maxAttempts: 2 });
      return { queued: true };
    },
    routes(app: ZodApp): void {
      forecastRoutes(app, service);
    },
  };
}
