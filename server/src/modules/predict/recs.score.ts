import { DEFAULT_PARAMS, type BoughtTogether, type InteractionKind, type Neighbour, type RecsModel, type RecsParams } from './recs.model.ts';

/**
 * Product recommendations: scoring. The same functions answer API requests (with the lists read
 * from the database) and the offline evaluation (with a model built in memory).
 */

const DAY = 86_400_000;

/** What scoring needs to know about one product; the service reads these from recs_items. */
export interface ItemInfo {
  similar: Neighbour[];
  boughtTogether: BoughtTogether[];
  repurchaseRate: number;
  replenishable: boolean;
  category: string | null;
}

export type RecReason = 'similar' | 'bought-together' | 'buy-again' | 'popular';

export interface Scored {
  product: string;
  score: number;
  reason: RecReason;
}

export interface HistoryEntry {
  product: string;
  t: number;
  kind: InteractionKind;
}

export interface CustomerQuery {
  history: HistoryEntry[];
  /** Now, epoch ms (history ages are counted from here). */
  now: number;
  n: number;
  /** Popular lists to fall back on, most specific first (e.g. the customer's country, then 'all'). */
  fallback: Neighbour[][];
  /** Products never to recommend (e.g. unavailable ones). */
  exclude?: Set<string>;
}

/**
 * A customer's top N: neighbours of what they bought, added to cart or viewed (recent and stronger
 * interactions count more), replenishable products they may buy again, nothing they bought recently
 * that is not replenishable, at most `perCategory` per category, then popular products to fill up.
 */
export function recommendForCustomer(items: (product: string) => ItemInfo | undefined, q: CustomerQuery, p: RecsParams = DEFAULT_PARAMS): Scored[] {
  const weight = new Map<string, number>();
  const boughtWeight = new Map<string, number>();
  const lastBought = new Map<string, number>();
  const lambda = Math.LN2 / (p.halfLifeDays * DAY);
  for (const h of q.history) {
    const age = Math.max(0, q.now - h.t);
    const w = p.weights[h.kind] * Math.exp(-lambda * age);
    weight.set(h.product, (weight.get(h.product) ?? 0) + w);
    if (h.kind === 'order') {
      boughtWeight.set(h.product, (boughtWeight.get(h.product) ?? 0) + w);
      lastBought.set(h.product, Math.max(lastBought.get(h.product) ?? -Infinity, h.t));
    }
  }
  const blocked = new Set(q.exclude);
  for (const [product, t] of lastBought) {
    if (q.now - t <= p.recentDays * DAY && !items(product)?.replenishable) blocked.add(product);
  }
  // Scores in a typed array indexed through a map of small integers: a customer with a long history
  // has hundreds of candidates, this runs on every API request, and a map of doubles would
  // allocate a number on every update.
  const slot = new Map<string, number>();
  const candidates: string[] = [];
  const reasons: (RecReason | undefined)[] = [];
  let vals = new Float64Array(256);
  const add = (product: string, s: number, reason: RecReason) => {
    if (!(s > 0) || !Number.isFinite(s) || blocked.has(product)) return;
    const i = slot.get(product);
    if (i === undefined) {
      const k = candidates.length;
      if (k === vals.length) {
        const grown = new Float64Array(2 * k);
        grown.set(vals);
        vals = grown;
      }
      slot.set(product, k);
      candidates.push(product);
      vals[k] = s;
      if (reason !== 'similar') reasons[k] = reason;
    } else {
      vals[i] = vals[i]! + s;
      if (reason === 'buy-again') reasons[i] = reason;
    }
  };
  // Damped like the similarity: a long history does not drown the scores of a short one.
  weight.forEach((w, product) => {
    const info = items(product);
    if (!info) return;
    const wt = Math.log1p(w);
    for (const nb of info.similar) add(nb.product, wt * nb.score, 'similar');
  });
  boughtWeight.forEach((w, product) => {
    const info = items(product);
    if (info?.replenishable) add(product, p.rebuyWeight * info.repurchaseRate * Math.log1p(w), 'buy-again');
  });
  // Off by default: on the Online Retail validation split it lowered hit-rate and coverage.
  const prior = q.fallback.find((l) => l.length);
  if (p.popularWeight > 0 && prior && q.history.length) {
    const top = prior[0]!.score || 1;
    for (const x of prior) add(x.product, (p.popularWeight * x.score) / top, 'popular');
  }
  const order = Array.from(candidates, (_, i) => i).sort((a, b) => vals[b]! - vals[a]! || (candidates[a]! < candidates[b]! ? -1 : 1));
  let ranked: Scored[] = order.map((i) => ({ product: candidates[i]!, score: vals[i]!, reason: reasons[i] ?? 'similar' }));
  if (p.maxBuyAgainShare < 1) {
    // Keep room for discoveries: past the cap, products bought before move behind the others.
    const cap = Math.floor(p.maxBuyAgainShare * q.n);
    let seen = 0;
    const over: Scored[] = [];
    ranked = ranked.filter((r) => (r.reason === 'buy-again' && ++seen > cap ? (over.push(r), false) : true)).concat(over);
  }
  return fill(diversify(ranked, q.n, (x) => items(x)?.category ?? null, p.perCategory), q.n, q.fallback, blocked);
}

/**
 * Products to show beside a cart (or one product): frequently bought together with any of them first
 * (confidence summed), then similar products; none of the given products, at most `perCategory` per category.
 */
export function recommendForBasket(items: (product: string) => ItemInfo | undefined, basket: string[], n: number, fallback: Neighbour[][], p: RecsParams = DEFAULT_PARAMS): Scored[] {
  const inBasket = new Set(basket);
  const scores = new Map<string, { score: number; reason: RecReason }>();
  for (const product of inBasket) {
    const info = items(product);
    if (!info) continue;
    // Rules first: a rule's confidence (≥ minConfidence) is put above any similarity-only score.
    for (const r of info.boughtTogether) bump(scores, r.product, 1 + r.confidence, 'bought-together', inBasket);
    for (const s of info.similar) bump(scores, s.product, s.score, 'similar', inBasket);
  }
  const ranked = [...scores].map(([product, v]) => ({ product, score: v.score, reason: v.reason })).sort((a, b) => b.score - a.score || (a.product < b.product ? -1 : 1));
  return fill(diversify(ranked, n, (x) => items(x)?.category ?? null, p.perCategory), n, fallback, inBasket);
}

function bump(scores: Map<string, { score: number; reason: RecReason }>, product: string, s: number, reason: RecReason, skip: Set<string>): void {
  if (skip.has(product) || !(s > 0) || !Number.isFinite(s)) return;
  const cur = scores.get(product);
  if (!cur) scores.set(product, { score: s, reason });
  else cur.score += s;
}

/** Greedy: best first, skipping a product whose category already has `cap` in the list; the skipped fill in if the list is short. */
export function diversify(ranked: Scored[], n: number, categoryOf: (product: string) => string | null, cap: number): Scored[] {
  const out: Scored[] = [];
  const skipped: Scored[] = [];
  const perCat = new Map<string, number>();
  for (const r of ranked) {
    if (out.length >= n) break;
    const cat = categoryOf(r.product);
    if (cat !== null) {
      const k = perCat.get(cat) ?? 0;
      if (k >= cap) {
        skipped.push(r);
        continue;
      }
      perCat.set(cat, k + 1);
    }
    out.push(r);
  }
  for (const r of skipped) {
    if (out.length >= n) break;
    out.push(r);
  }
  return out;
}

function fill(list: Scored[], n: number, fallback: Neighbour[][], blocked: Set<string>): Scored[] {
  const seen = new Set(list.map((x) => x.product));
  for (const pop of fallback) {
    for (const x of pop) {
      if (list.length >= n) return list;
      if (seen.has(x.product) || blocked.has(x.product)) continue;
      seen.add(x.product);
      // Below every personal score: popular items only fill the places left.
      list.push({ product: x.product, score: 0, reason: 'popular' });
    }
  }
  return list;
}

/** The plain item-kNN baseline's scoring: Σ similarity over every product the customer touched, never one they already have. */
export function recommendPlainKnn(items: (product: string) => ItemInfo | undefined, history: HistoryEntry[], n: number): Scored[] {
  const had = new Set(history.map((h) => h.product));
  const scores = new Map<string, number>();
  for (const product of had) {
    for (const nb of items(product)?.similar ?? []) if (!had.has(nb.product)) scores.set(nb.product, (scores.get(nb.product) ?? 0) + nb.score);
  }
  return [...scores].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, n).map(([product, score]) => ({ product, score, reason: 'similar' as const }));
}

/** Lookup over a built model (the eval, and tests): product → what scoring needs. */
export function itemLookup(model: RecsModel, categoryOf: (product: string) => string | null = () => null): (product: string) => ItemInfo | undefined {
  const map = new Map(model.items.map((it) => [it.product, { similar: it.similar, boughtTogether: it.boughtTogether, repurchaseRate: it.repurchaseRate, replenishable: it.replenishable, category: categoryOf(it.product) }]));
  return (product) => map.get(product);
}

/**
 * Order lines that are not goods (postage, fees, manual adjustments, discounts, samples) are neither
 * learnt from nor recommended. Matched on the product's title (and code), which is all a CSV import has.
 */
export function isMerchandise(code: string | null, title: string | null): boolean {
  if (code && /^(POST|DOT|M|D|C2|S|B|CRUK|PADS|BANK CHARGES|AMAZONFEE|gift_\d+_\d+)$/i.test(code.trim())) return false;
  if (title && /^\s*(postage|dotcom postage|carriage|shipping|manual|discount|bank charges|amazon fee|adjust bad debt|samples?|cruk commission|gift voucher)\b/i.test(title)) return false;
  return true;
}
