import type { ZodApp } from '../../platform/http/server.ts';
import type { PredictDeps } from './predict.deps.ts';

/** Part of the predict module; filled in by its own issue work. */
export function createForecast(_deps: PredictDeps) {
  return {
    routes(_app: ZodApp): void {},
  };
}
