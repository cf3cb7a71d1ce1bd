/**
 * How a value becomes a score of 1–5 (the definition the recompute's SQL implements; the tests hold the
 * two to each other):
 *
 *   score = 1 + ⌊5 · w / n⌋,  w = how many of the n scored customers have a strictly worse value.
 *
 * Equal values always get equal scores (they have the same w), which plain quintile bucketing (ntile,
 * or pandas' qcut over rank(method="first")) does not promise: with most customers on one order, those
 * would be split between F1 and F2 by an arbitrary tie-break. Here a group of ties lands in the fifth in
 * which the group starts, the lowest value always scores 1, and without ties the five scores are equal
 * fifths (ntile). In SQL, w is `rank() over (order by value) - 1`.
 */
export function scoreFor(worse: number, n: number): number {
  if (n <= 0 || worse < 0 || worse >= n) throw new RangeError(`worse must be in [0, n): worse=${worse} n=${n}`);
  return 1 + Math.floor((5 * worse) / n);
}

/** The score of every value; `better` says which way is better (recency in days: lower; orders, money: higher). */
export function quintileScores(values: readonly number[], better: 'higher' | 'lower'): number[] {
  const n = values.length;
  const sorted = [...values].sort((a, b) => (better === 'higher' ? a - b : b - a));
  return values.map((v) => scoreFor(worseCount(sorted, v, better), n));
}

/** How many entries of `sorted` (worst first) are strictly worse than v: the first index holding v or better. */
function worseCount(sorted: readonly number[], v: number, better: 'higher' | 'lower'): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const x = sorted[mid]!;
    const isWorse = better === 'higher' ? x < v : x > v;
    if (isWorse) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
