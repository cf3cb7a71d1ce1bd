// Special functions for the purchase and spend models: log-gamma and a numerically stable log(e^a + e^b).

// Lanczos approximation (g = 7, n = 9): about 15 significant digits for x > 0, which the likelihoods need
// because they subtract log-gammas of nearby arguments.
const G = 7;
const COEF = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];
const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/** ln Γ(x) for x > 0 (NaN otherwise). */
export function lnGamma(x: number): number {
  if (!(x > 0)) return NaN;
  if (x < 0.5) {
    // Reflection: Γ(x)Γ(1−x) = π / sin(πx), accurate for the small shape parameters the models fit (r ≈ 0.2).
    return Math.log(Math.PI / Math.sin(Math.PI * x)) - lnGamma(1 - x);
  }
  const z = x - 1;
  let a = COEF[0]!;
  const t = z + G + 0.5;
  for (let i = 1; i < G + 2; i++) a += COEF[i]! / (z + i);
  return HALF_LOG_2PI + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** log(e^a + e^b) without overflow or underflow; either side may be −Infinity. */
export function logAddExp(a: number, b: number): number {
  if (a === -Infinity) return b;
  if (b === -Infinity) return a;
  return a > b ? a + Math.log1p(Math.exp(b - a)) : b + Math.log1p(Math.exp(a - b));
}

/** (1 − e^(εL)) / ε, continuous at ε = 0 (where it is −L). */
export function oneMinusExpOver(eps: number, L: number): number {
  if (Math.abs(eps * L) < 1e-300 || eps === 0) return -L;
  return -Math.expm1(eps * L) / eps;
}

/** A finite number or null: responses never carry NaN or Infinity. */
export function finiteOrNull(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}

/** ψ(x), the digamma function, for x > 0: recurrence up to x ≥ 6, then the asymptotic series. */
export function digamma(x: number): number {
  if (!(x > 0)) return NaN;
  let r = 0;
  while (x < 6) { r -= 1 / x; x += 1; }
  const f = 1 / (x * x);
  return r + Math.log(x) - 0.5 / x - f * (1 / 12 - f * (1 / 120 - f * (1 / 252 - f * (1 / 240 - f / 132))));
}
