// A small, dependency-free maximum-likelihood toolkit: bounded Nelder–Mead with restarts on log-parameters,
// and standard errors from the numeric Hessian of the negative log-likelihood.

export interface MinimizeOptions {
  /** Box bounds on every coordinate (the models use log-parameters, so ±12 is 6e-6 … 1.6e5). */
  lower: number;
  upper: number;
  /** Stop when the simplex's values differ by less than this (absolute). */
  fTol?: number;
  /** Stop when the simplex is smaller than this in every coordinate. */
  xTol?: number;
  maxEvals?: number;
}

export interface MinimizeResult {
  x: number[];
  f: number;
  evals: number;
  converged: boolean;
}

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

/**
 * Nelder–Mead (standard coefficients) with points projected into the box. A non-finite value counts as +∞,
 * so a step into a region where the likelihood is undefined is simply rejected. Restarts from the best
 * point until a restart no longer improves it (a collapsed simplex is Nelder–Mead's usual failure).
 */
export function minimize(f: (x: number[]) => number, start: number[], opts: MinimizeOptions): MinimizeResult {
  const fTol = opts.fTol ?? 1e-10;
  const xTol = opts.xTol ?? 1e-9;
  const maxEvals = opts.maxEvals ?? 20_000;
  let evals = 0;
  const fx = (x: number[]) => {
    evals++;
    const v = f(x);
    return Number.isFinite(v) ? v : Infinity;
  };
  let best = start.map((v) => clamp(v, opts.lower, opts.upper));
  let bestF = fx(best);
  let converged = false;
  for (let round = 0; round < 6 && evals < maxEvals; round++) {
    const r = nelderMead(fx, best, bestF, opts.lower, opts.upper, fTol, xTol, () => evals < maxEvals);
    const improved = bestF - r.f;
    best = r.x;
    bestF = r.f;
    converged = r.converged;
    if (round > 0 && improved < fTol * 10) break;
  }
  return { x: best, f: bestF, evals, converged };
}

function nelderMead(
  f: (x: number[]) => number, x0: number[], f0: number, lo: number, hi: number, fTol: number, xTol: number, budget: () => boolean,
): { x: number[]; f: number; converged: boolean } {
  const n = x0.length;
  const proj = (x: number[]) => x.map((v) => clamp(v, lo, hi));
  const pts: number[][] = [x0.slice()];
  const vals: number[] = [f0];
  for (let i = 0; i < n; i++) {
    const p = x0.slice();
    // A step of 0.5 in log-space (×1.65): large enough to escape a poor start, small enough to stay in its basin.
    p[i] = p[i]! + (p[i]! + 0.5 > hi ? -0.5 : 0.5);
    const q = proj(p);
    pts.push(q);
    vals.push(f(q));
  }
  const order = () => {
    const idx = pts.map((_, i) => i).sort((a, b) => vals[a]! - vals[b]!);
    const p2 = idx.map((i) => pts[i]!);
    const v2 = idx.map((i) => vals[i]!);
    for (let i = 0; i <= n; i++) { pts[i] = p2[i]!; vals[i] = v2[i]!; }
  };
  let converged = false;
  while (budget()) {
    order();
    let size = 0;
    for (let i = 1; i <= n; i++) for (let j = 0; j < n; j++) size = Math.max(size, Math.abs(pts[i]![j]! - pts[0]![j]!));
    if (Math.abs(vals[n]! - vals[0]!) <= fTol && size <= xTol * 1e3) { converged = true; break; }
    if (size <= xTol) { converged = true; break; }
    const centroid = new Array<number>(n).fill(0);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) centroid[j] = centroid[j]! + pts[i]![j]! / n;
    const along = (t: number) => proj(centroid.map((c, j) => c + t * (pts[n]![j]! - c)));
    const xr = along(-1);
    const fr = f(xr);
    if (fr < vals[0]!) {
      const xe = along(-2);
      const fe = f(xe);
      if (fe < fr) { pts[n] = xe; vals[n] = fe; } else { pts[n] = xr; vals[n] = fr; }
    } else if (fr < vals[n - 1]!) {
      pts[n] = xr; vals[n] = fr;
    } else {
      const outside = fr < vals[n]!;
      const xc = along(outside ? -0.5 : 0.5);
      const fc = f(xc);
      if (fc < (outside ? fr : vals[n]!)) {
        pts[n] = xc; vals[n] = fc;
      } else {
        for (let i = 1; i <= n; i++) {
          pts[i] = proj(pts[i]!.map((v, j) => pts[0]![j]! + 0.5 * (v - pts[0]![j]!)));
          vals[i] = f(pts[i]!);
        }
      }
    }
  }
  order();
  return { x: pts[0]!, f: vals[0]!, converged };
}

/** The numeric Hessian of f at x (central differences with step h in every coordinate). */
export function hessian(f: (x: number[]) => number, x: number[], h = 1e-4): number[][] {
  const n = x.length;
  const H = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  const at = (d: Array<[number, number]>) => {
    const y = x.slice();
    for (const [i, s] of d) y[i] = y[i]! + s;
    return f(y);
  };
  const f0 = f(x);
  for (let i = 0; i < n; i++) {
    H[i]![i] = (at([[i, h]]) - 2 * f0 + at([[i, -h]])) / (h * h);
    for (let j = i + 1; j < n; j++) {
      const v = (at([[i, h], [j, h]]) - at([[i, h], [j, -h]]) - at([[i, -h], [j, h]]) + at([[i, -h], [j, -h]])) / (4 * h * h);
      H[i]![j] = v;
      H[j]![i] = v;
    }
  }
  return H;
}

/** The inverse of a symmetric positive-definite matrix by Cholesky; null when it is not positive definite. */
export function invertSpd(A: number[][]): number[][] | null {
  const n = A.length;
  const L = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = A[i]![j]!;
      for (let k = 0; k < j; k++) s -= L[i]![k]! * L[j]![k]!;
      if (i === j) {
        if (!(s > 0) || !Number.isFinite(s)) return null;
        L[i]![i] = Math.sqrt(s);
      } else {
        L[i]![j] = s / L[j]![j]!;
      }
    }
  }
  // Solve L Lᵀ X = I column by column.
  const inv = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let c = 0; c < n; c++) {
    const y = new Array<number>(n).fill(0);
    for (let i = 0; i < n; i++) {
      let s = i === c ? 1 : 0;
      for (let k = 0; k < i; k++) s -= L[i]![k]! * y[k]!;
      y[i] = s / L[i]![i]!;
    }
    for (let i = n - 1; i >= 0; i--) {
      let s = y[i]!;
      for (let k = i + 1; k < n; k++) s -= L[k]![i]! * inv[k]![c]!;
      inv[i]![c] = s / L[i]![i]!;
    }
  }
  return inv;
}

/**
 * The Hessian at x from central differences of an analytic gradient (2n gradient evaluations, against 1 + 2n²
 * function values for `hessian`; and more accurate: one difference instead of two), symmetrised.
 */
export function hessianFromGradient(g: (x: number[]) => number[], x: number[], h = 1e-4): number[][] {
  const n = x.length;
  const cols: number[][] = [];
  for (let j = 0; j < n; j++) {
    const up = x.slice();
    const down = x.slice();
    up[j] = up[j]! + h;
    down[j] = down[j]! - h;
    const gu = g(up);
    const gd = g(down);
    cols.push(gu.map((v, i) => (v - gd[i]!) / (2 * h)));
  }
  return Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (cols[j]![i]! + cols[i]![j]!) / 2));
}

/**
 * Standard errors of the natural parameters θ = e^u from the negative log-likelihood in log-parameters u:
 * Var(u) = H(u)⁻¹ and, by the delta method, SE(θᵢ) = θᵢ·SE(uᵢ). Null when the Hessian is not positive
 * definite (the fit is on a ridge or at a bound: the parameters are not identified by the data).
 */
export function standardErrors(negLL: (u: number[]) => number, u: number[], grad?: (u: number[]) => number[]): number[] | null {
  const inv = invertSpd(grad ? hessianFromGradient(grad, u) : hessian(negLL, u));
  if (!inv) return null;
  const se = u.map((ui, i) => Math.exp(ui) * Math.sqrt(inv[i]![i]!));
  return se.every(Number.isFinite) ? se : null;
}

/**
 * Projected BFGS with a backtracking (Armijo) line search inside a box: the main optimiser for the models,
 * whose log-likelihood gradients are analytic. Converges in tens of evaluations where Nelder–Mead needs
 * thousands, which is what lets a million customers fit in seconds.
 */
export function minimizeBfgs(
  fg: (x: number[]) => { f: number; g: number[] }, start: number[],
  opts: MinimizeOptions & { upperEach?: number[]; warm?: { invHessian: number[][]; f: number } },
): MinimizeResult & { invHessian: number[][] } {
  const n = start.length;
  const hi = (i: number) => opts.upperEach?.[i] ?? opts.upper;
  const proj = (x: number[]) => x.map((v, i) => clamp(v, opts.lower, hi(i)));
  const maxEvals = opts.maxEvals ?? 2000;
  let evals = 0;
  const eval_ = (x: number[]) => {
    evals++;
    const r = fg(x);
    return Number.isFinite(r.f) && r.g.every(Number.isFinite) ? r : { f: Infinity, g: r.g.map(() => 0) };
  };
  let x = proj(start);
  let cur = eval_(x);
  const identity = () => Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 / Math.max(1, Math.abs(cur.f)) : 0)));
  if (!Number.isFinite(cur.f)) return { x, f: Infinity, evals, converged: false, invHessian: identity() };
  // Warm: the curvature learnt on a sample of the same data, rescaled (a log-likelihood grows with the data, so its
  // inverse Hessian shrinks by the same factor). A poor guess costs nothing: a non-descent direction resets it.
  const w = opts.warm;
  const ratio = w && Number.isFinite(w.f) && w.f !== 0 ? Math.abs(w.f / cur.f) : 0;
  let H = w && ratio > 0 && w.invHessian.flat().every(Number.isFinite) ? w.invHessian.map((row) => row.map((v) => v * ratio)) : identity();
  // The free variables: at a bound with the gradient pushing outwards, a coordinate is held fixed.
  const free = (xx: number[], g: number[]) => xx.map((v, i) => !((v <= opts.lower && g[i]! > 0) || (v >= hi(i) && g[i]! < 0)));
  const gTol = 1e-7 * Math.max(1, Math.abs(cur.f));
  let converged = false;
  let resetH = false;
  for (let iter = 0; iter < 500 && evals < maxEvals; iter++) {
    const fr = free(x, cur.g);
    const pg = cur.g.map((v, i) => (fr[i] ? v : 0));
    if (Math.max(...pg.map(Math.abs)) < gTol) { converged = true; break; }
    let d = H.map((row, i) => (fr[i] ? -row.reduce((a, h, j) => a + (fr[j] ? h * pg[j]! : 0), 0) : 0));
    let slope = d.reduce((a, v, i) => a + v * pg[i]!, 0);
    if (!(slope < 0)) { d = pg.map((v) => -v / Math.max(1, Math.abs(cur.f))); slope = d.reduce((a, v, i) => a + v * pg[i]!, 0); resetH = true; }
    // Never step more than 2 in log-space at once (×7): keeps the first steps from leaping across the box.
    const big = Math.max(...d.map(Math.abs));
    if (big > 2) d = d.map((v) => (v * 2) / big);
    let t = 1;
    let next = cur;
    let xn = x;
    let ok = false;
    for (let k = 0; k < 40 && evals < maxEvals; k++) {
      xn = proj(x.map((v, i) => v + t * d[i]!));
      next = eval_(xn);
      const dec = cur.f - next.f;
      const pred = -x.reduce((a, v, i) => a + (xn[i]! - v) * cur.g[i]!, 0);
      if (Number.isFinite(next.f) && dec >= 1e-4 * Math.max(pred, 0) && next.f <= cur.f) { ok = true; break; }
      t *= 0.5;
    }
    if (!ok) {
      if (resetH) break;
      H = identity();
      resetH = true;
      continue;
    }
    resetH = false;
    const s = xn.map((v, i) => v - x[i]!);
    const y = next.g.map((v, i) => v - cur.g[i]!);
    const sy = s.reduce((a, v, i) => a + v * y[i]!, 0);
    const fChange = cur.f - next.f;
    x = xn;
    cur = next;
    if (sy > 1e-12) {
      // H ← (I − ρsyᵀ) H (I − ρysᵀ) + ρssᵀ
      const rho = 1 / sy;
      const Hy = H.map((row) => row.reduce((a, h, j) => a + h * y[j]!, 0));
      const yHy = y.reduce((a, v, i) => a + v * Hy[i]!, 0);
      H = H.map((row, i) => row.map((h, j) => h - rho * (Hy[i]! * s[j]! + s[i]! * Hy[j]!) + (rho * rho * yHy + rho) * s[i]! * s[j]!));
    }
    if (fChange >= 0 && fChange < 1e-13 * Math.max(1, Math.abs(cur.f)) && Math.max(...s.map(Math.abs)) < 1e-10) { converged = true; break; }
  }
  return { x, f: cur.f, evals, converged, invHessian: H };
}

export interface MaxLikFit extends MinimizeResult {
  /** Standard errors of the natural parameters e^u (null when the Hessian is not positive definite). */
  se: number[] | null;
  /** A coordinate ended at a bound: the data do not pin that parameter down. */
  atBound: boolean;
}

/**
 * The models' fitting recipe on log-parameters: projected BFGS from each start, raced on `sample` when the
 * data are big (only the winner then runs on all of them), Nelder–Mead from the best point when BFGS did not
 * converge, and standard errors from the Hessian of `negLL` at the optimum.
 */
export function fitMaxLik<D>(o: {
  data: D;
  /** A systematic sample of `data` for racing the starts cheaply; omitted for small data. */
  sample?: D;
  starts: number[][];
  /** The negative log-likelihood and its gradient in log-parameters, on the given data. */
  fg: (d: D) => (u: number[]) => { f: number; g: number[] };
  /** The negative log-likelihood on all the data (Nelder–Mead and the standard errors). */
  negLL: (u: number[]) => number;
  lower: number;
  upperEach: number[];
  nmMaxEvals: number;
}): MaxLikFit {
  const upper = Math.max(...o.upperEach);
  const opts = { lower: o.lower, upper, upperEach: o.upperEach };
  let evals = 0;
  let best: (MinimizeResult & { invHessian: number[][] }) | null = null;
  for (const s of o.starts) {
    const res = minimizeBfgs(o.fg(o.sample ?? o.data), s, opts);
    evals += res.evals;
    if (!best || res.f < best.f || (res.f === best.f && res.converged)) best = res;
  }
  if (!best) throw new Error('fitMaxLik needs at least one start');
  if (o.sample) {
    // The winner goes on to all the data, keeping the curvature it learnt on the sample.
    best = minimizeBfgs(o.fg(o.data), best.x, { ...opts, warm: { invHessian: best.invHessian, f: best.f } });
    evals += best.evals;
  }
  let fit: MinimizeResult = best;
  if (!fit.converged) {
    const nm = minimize(o.negLL, fit.x, { lower: o.lower, upper, fTol: 1e-10, maxEvals: o.nmMaxEvals });
    evals += nm.evals;
    if (nm.f <= fit.f) fit = nm;
  }
  const grad = o.fg(o.data);
  const se = standardErrors(o.negLL, fit.x, (u) => grad(u).g);
  const atBound = fit.x.some((v, i) => v < o.lower + 0.05 || v > o.upperEach[i]! - 0.05);
  return { x: fit.x, f: fit.f, converged: fit.converged, evals, se, atBound };
}
