import { sql, type Kysely } from 'kysely';

// Frozen in time: never edit a migration that has shipped; add a new one.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    -- One row per fit of the purchase (BG/NBD) and spend (Gamma-Gamma) models: the data it saw, the parameters
    -- with standard errors and log-likelihood, the diagnostics the model page draws, or why there is no model.
    create table clv_models (
      id uuid primary key,
      status text not null check (status in ('fitted', 'insufficient-data')),
      reason text,
      -- 'scoring': calibration ends today and every customer's predictions were refreshed from it;
      -- 'evaluation': calibration ends earlier, the orders after it are the holdout the diagnostics compare with.
      purpose text not null check (purpose in ('scoring', 'evaluation')),
      trigger text not null,
      calibration_end date not null,
      holdout_end date,
      unit text not null check (unit in ('day', 'week')),
      horizon_months int not null,
      discount_rate double precision not null,
      currency text not null,
      customers int not null,
      repeat_customers int not null,
      transactions int not null,
      bgnbd jsonb,
      gamma_gamma jsonb,
      diagnostics jsonb not null default '{}'::jsonb,
      warnings jsonb not null default '[]'::jsonb,
      scored int not null default 0,
      duration_ms int not null,
      created_at timestamptz not null,
      created_by text
    );
    create index clv_models_created_idx on clv_models (purpose, created_at desc);

    -- Every scored customer's predictions from the latest scoring fit. Rebuilt as a new table and swapped in,
    -- so other modules may query it (segments) but must not build views, rules or foreign keys on it.
    -- Personal data: yes (predictions about a person); exported and erased with the customer.
    create table customer_predictions (
      customer_id uuid primary key,
      model_id uuid not null,
      p_alive double precision not null,
      churn_risk text not null check (churn_risk in ('low', 'medium', 'high')),
      expected_orders_30 double precision not null,
      expected_orders_90 double precision not null,
      expected_orders_365 double precision not null,
      -- Minor units of clv_models.currency; null when the spend model could not be fitted.
      expected_aov bigint,
      clv bigint,
      next_order_on date,
      repeat_orders int not null,
      computed_at timestamptz not null
    );
    create index customer_predictions_clv_idx on customer_predictions (clv desc nulls last, customer_id);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table customer_predictions, clv_models`.execute(db);
}
