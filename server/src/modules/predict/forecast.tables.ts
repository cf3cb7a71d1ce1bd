import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';

/** Tables of migration 0019_predict_forecast. None holds personal data. */

type Json = ColumnType<unknown, string | null, string | null>;
type DateCol = ColumnType<string | null, string | null, string | null>;

export type SeriesKind = 'product' | 'category' | 'store';
export type SeriesStatus = 'ok' | 'too-little-history' | 'no-sales';

export interface PredictForecastRunsTable {
  id: string;
  status: 'running' | 'done' | 'failed';
  trigger: string;
  horizon: number;
  holdout: number;
  first_week: DateCol;
  last_week: DateCol;
  weeks: Generated<number>;
  summary: Json;
  error: string | null;
  started_at: Generated<Date>;
  finished_at: Date | null;
}

export interface PredictForecastsTable {
  run_id: string;
  kind: SeriesKind;
  key: string;
  product_id: string | null;
  label: string;
  sku: string | null;
  status: SeriesStatus;
  reason: string | null;
  method: string | null;
  params: Json;
  series_start: DateCol;
  history: number[];
  revenue: ColumnType<number[], (number | string)[], (number | string)[]>;
  currency: string | null;
  mean: number[];
  lower: number[];
  upper: number[];
  cum_mean: number[];
  cum_upper: number[];
  total: number;
  revenue_total: ColumnType<number, number | string, number | string>;
  smape: number | null;
  naive_smape: number | null;
  naive_kind: string | null;
  backtest: Json;
}

export interface PredictStockLevelsTable {
  product_id: string;
  quantity: number;
  lead_time_weeks: number | null;
  given_as: string;
  updated_by: string;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}

declare module '../../platform/db/types.ts' {
  interface Database {
    predict_forecast_runs: PredictForecastRunsTable;
    predict_forecasts: PredictForecastsTable;
    predict_stock_levels: PredictStockLevelsTable;
  }
}

export type ForecastRunRow = Selectable<PredictForecastRunsTable>;
export type ForecastRow = Selectable<PredictForecastsTable>;
export type NewForecastRow = Insertable<PredictForecastsTable>;
