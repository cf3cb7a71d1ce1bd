import { sql, type Kysely } from 'kysely';

// Frozen in time: never edit a migration that has shipped; add a new one.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    -- One computation of the demand forecast (weekly cron, on demand, after the demo). Only the latest
    -- finished run keeps its series; older runs keep their summary for the record.
    create table predict_forecast_runs (
      id uuid primary key,
      status text not null check (status in ('running','done','failed')),
      trigger text not null,
      horizon int not null,
      holdout int not null,
      -- First and last week (Monday, store time zone) of the history the models were fitted on.
      first_week date,
      last_week date,
      weeks int not null default 0,
      summary jsonb,
      error text,
      started_at timestamptz not null default now(),
      finished_at timestamptz
    );
    create index predict_forecast_runs_idx on predict_forecast_runs (started_at desc);

    -- One forecast series: a product, a category or the whole store. No personal data.
    create table predict_forecasts (
      run_id uuid not null references predict_forecast_runs(id) on delete cascade,
      kind text not null check (kind in ('product','category','store')),
      key text not null,
      product_id uuid references products(id) on delete cascade,
      label text not null,
      sku text,
      status text not null check (status in ('ok','too-little-history','no-sales')),
      reason text,
      method text,
      params jsonb,
      -- Weekly net units from first_week (of the series, below), cancellations subtracted, floored at 0.
      series_start date,
      history float8[] not null default '{}',
      revenue bigint[] not null default '{}',
      currency text,
      -- Forecast for weeks 1..horizon after the run's last week; cum_* are running sums (cum_mean[h] = demand over h weeks).
      mean float8[] not null default '{}',
      lower float8[] not null default '{}',
      upper float8[] not null default '{}',
      cum_mean float8[] not null default '{}',
      cum_upper float8[] not null default '{}',
      total float8 not null default 0,
      revenue_total bigint not null default 0,
      -- Backtest over the last holdout weeks: the model chosen on the weeks before, and the naive baseline.
      smape float8,
      naive_smape float8,
      naive_kind text,
      backtest jsonb,
      primary key (run_id, kind, key)
    );
    create index predict_forecasts_total_idx on predict_forecasts (run_id, kind, total desc, key);
    create index predict_forecasts_product_idx on predict_forecasts (product_id);

    -- Stock levels the merchant provides (API or CSV); the commerce tables stay as they are.
    create table predict_stock_levels (
      product_id uuid primary key references products(id) on delete cascade,
      quantity int not null check (quantity >= 0),
      lead_time_weeks int check (lead_time_weeks between 1 and 52),
      given_as text not null,
      updated_by text not null,
      updated_at timestamptz not null default now()
    );
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table predict_stock_levels, predict_forecasts, predict_forecast_runs`.execute(db);
}
