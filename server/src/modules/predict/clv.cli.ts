import { ConfigError } from '../../config.ts';
import type { Actor } from '../../platform/audit/audit.ts';
import { clvFitRequestSchema, type ClvModel } from './clv.schemas.ts';
import type { ClvService } from './clv.service.ts';

export interface PredictFitOptions {
  until?: string;
  unit?: string;
  horizon?: string;
  discount?: string;
  json?: boolean;
}

/** `patron predict fit`: parses the flags with the API's schema, so the CLI and the API accept the same values. */
export async function runPredictFit(clv: ClvService, actor: Actor, opts: PredictFitOptions): Promise<ClvModel> {
  const parsed = clvFitRequestSchema.safeParse({
    until: opts.until, unit: opts.unit ?? 'week',
    horizonMonths: opts.horizon === undefined ? undefined : Number(opts.horizon),
    discountRate: opts.discount === undefined ? undefined : Number(opts.discount),
  });
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    const flag = { until: '--until', unit: '--unit', horizonMonths: '--horizon', discountRate: '--discount' }[String(i.path[0])] ?? String(i.path[0]);
    throw new ConfigError(`Invalid ${flag}: ${i.message}`);
  }
  const m = await clv.fit(parsed.data, 'cli', actor);
  if (opts.json) {
    console.log(JSON.stringify({
      id: m.id, status: m.status, reason: m.reason, purpose: m.purpose, calibrationEnd: m.calibrationEnd, holdoutEnd: m.holdoutEnd, unit: m.unit,
      customers: m.customers, repeatCustomers: m.repeatCustomers, transactions: m.transactions,
      bgnbd: m.bgnbd && { params: m.bgnbd.params, se: m.bgnbd.se, logLik: m.bgnbd.logLik },
      gammaGamma: m.gammaGamma && { params: m.gammaGamma.params, se: m.gammaGamma.se, logLik: m.gammaGamma.logLik, currency: m.currency },
      spendReason: m.spendReason, warnings: m.warnings, scored: m.scored, durationMs: m.durationMs,
    }, null, 2));
    return m;
  }
  if (m.status !== 'fitted') {
    console.log(`No model: ${m.reason}`);
    return m;
  }
  const f = (v: number) => v.toPrecision(4);
  const bg = m.bgnbd!;
  const se = (k: keyof typeof bg.params) => (bg.se ? ` (SE ${f(bg.se[k])})` : '');
  console.log(`BG/NBD on ${m.customers} customers (${m.repeatCustomers} repeat), calibration to ${m.calibrationEnd}, in ${m.unit}s:`);
  console.log(`  r = ${f(bg.params.r)}${se('r')}, alpha = ${f(bg.params.alpha)}${se('alpha')}, a = ${f(bg.params.a)}${se('a')}, b = ${f(bg.params.b)}${se('b')}; LL = ${bg.logLik.toFixed(2)}`);
  if (m.gammaGamma) {
    const g = m.gammaGamma;
    console.log(`Gamma-Gamma on ${g.customers} repeat customers: p = ${f(g.params.p)}, q = ${f(g.params.q)}, gamma = ${f(g.params.gamma)} ${m.currency}; LL = ${g.logLik.toFixed(2)}`);
  } else if (m.spendReason) console.log(`No spend model: ${m.spendReason}`);
  for (const w of m.warnings) console.log(`Note: ${w}`);
  console.log(m.purpose === 'scoring' ? `Scored ${m.scored} customers in ${m.durationMs} ms.` : `Evaluation fit (holdout to ${m.holdoutEnd}); predictions unchanged.`);
  return m;
}
