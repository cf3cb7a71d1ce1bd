import type { ZodApp } from '../../platform/http/server.ts';
import { createClv } from './clv.module.ts';
import { createForecast } from './forecast.module.ts';
import type { PredictDeps } from './predict.deps.ts';
import { createRecs } from './recs.module.ts';

export type { PredictDeps } from './predict.deps.ts';

/** The predict module: CLV and churn (BG/NBD + Gamma-Gamma), product recommendations, demand forecast. */
export function createPredictModule(deps: PredictDeps) {
  const clv = createClv(deps);
  const recs = createRecs(deps);
  const forecast = createForecast(deps);
  return {
    clv,
    recs,
    forecast,
    routes(app: ZodApp): void {
      clv.routes(app);
      recs.routes(app);
      forecast.routes(app);
    },
  };
}

export type PredictModule = ReturnType<typeof createPredictModule>;
