/**
 * Product recommendations: the pure model. No I/O: the service feeds it interactions read from the
 * database, the offline evaluation (scripts/eval-recs.ts) feeds it the Online Retail CSV, and both
 * call the same `buildRecsModel` and `recommendForCustomer`. The method is explained in
 * docs/predictions.md ("Recommendations"); keep the two in step.
 */

/** What a customer did with a product: bought it (in an order), put it in a cart, or looked at it. */
export type InteractionKind = 'order' | 'add' | 'view';

export interface Interaction {
  customer: string;
  product: string;
  /** Epoch milliseconds. */
  t: number;
  kind: InteractionKind;
  /** The order (basket) of an 'order' interaction; null for views and cart adds. */
  basket: string | null;
}

export interface RecsParams {
  /** Weight of each kind of interaction (orders 1; cart adds and views lower). */
  weights: Record<InteractionKind, number>;
  /** Neighbours kept per product. */
  neighbours: number;
  /**
   * Asymmetric cosine: sim(i→j) = c(i,j) / (n(i)^α · n(j)^(1−α)). α = 0.5 is the cosine; a smaller α
   * damps popular j harder (α = 1 would be P(j | i), which favours best-sellers).
   */
  alpha: number;
  /** Shrinks similarities resting on few co-buyers: × co / (co + shrink). 0 = off. */
  shrink: number;
  /** Fewer customers in common than this and two products are not neighbours. */
  minCommon: number;
  /** Down-weights customers who touched many products (wholesalers, bots): 1 / log2(2 + products). */
  inverseUserFrequency: boolean;
  /** Only a customer's most recent products count for similarity (bounds the cost of huge accounts). */
  maxProductsPerCustomer: number;
  /** Frequently bought together: association rules i → j over orders. */
  fbt: { max: number; minCount: number; minConfidence: number; minLift: number; maxBasket: number };
  /** Repurchase rate shrunk towards the store's mean with this many pseudo-buyers; replenishable above `threshold`. */
  repurchase: { prior: number; threshold: number };
  /** Half-life (days) of a past interaction's weight in a customer's history. */
  halfLifeDays: number;
  /** Bought within this many days and not replenishable: not recommended again. */
  recentDays: number;
  /** How much a replenishable product's own repurchase counts against neighbours' similarity. */
  rebuyWeight: number;
  /** At most this share of a customer's list is products they bought before (the rest: discoveries). */
  maxBuyAgainShare: number;
  /** How much what is selling now in the customer's segment counts (a prior under personal scores). */
  popularWeight: number;
  /** Popular products per segment are counted over this many days before the build. */
  popularityDays: number;
  popularMax: number;
  /** At most this many products of one category in a list (products without a category are not capped). */
  perCategory: number;
}

export const DEFAULT_PARAMS: RecsParams = {
  weights: { order: 1, add: 0.5, view: 0.2 },
  neighbours: 40,
  alpha: 0.5,
  shrink: 10,
  minCommon: 2,
  inverseUserFrequency: true,
  maxProductsPerCustomer: 500,
  fbt: { max: 20, minCount: 3, minConfidence: 0.05, minLift: 1.5, maxBasket: 200 },
  repurchase: { prior: 10, threshold: 0.1 },
  halfLifeDays: 120,
  recentDays: 365,
  rebuyWeight: 30,
  maxBuyAgainShare: 1,
  popularWeight: 0,
  popularityDays: 180,
  popularMax: 50,
  perCategory: 3,
};

/** A "plain" item-kNN: binary cosine, no damping or shrinkage, every view and add counted like an order. The evaluation's baseline. */
export const PLAIN_KNN_PARAMS: RecsParams = {
  ...DEFAULT_PARAMS,
  weights: { order: 1, add: 1, view: 1 },
  alpha: 0.5,
  shrink: 0,
  minCommon: 1,
  inverseUserFrequency: false,
  maxProductsPerCustomer: Number.MAX_SAFE_INTEGER,
};

export interface Neighbour {
  product: string;
  score: number;
}

export interface BoughtTogether {
  product: string;
  /** Share of all orders holding both. */
  support: number;
  /** P(product | the other one in the order). */
  confidence: number;
  /** confidence / P(product): > 1 means more often together than by chance. */
  lift: number;
}

export interface ItemModel {
  product: string;
  /** Distinct customers who bought it. */
  buyers: number;
  orders: number;
  /** Share of its buyers who bought it again on another order (shrunk towards the store's mean). */
  repurchaseRate: number;
  replenishable: boolean;
  similar: Neighbour[];
  boughtTogether: BoughtTogether[];
}

export interface RecsModel {
  params: RecsParams;
  /** The newest interaction's time: "recent" and "popular" are counted back from it. */
  asOf: number | null;
  items: ItemModel[];
  /** Popular products per segment ('all', and e.g. 'country:GB'), most popular first. */
  popular: Map<string, Neighbour[]>;
  stats: ModelStats;
}

export interface ModelStats {
  interactions: number;
  orders: number;
  customers: number;
  products: number;
  productsWithNeighbours: number;
  boughtTogetherRules: number;
  replenishable: number;
  /** The store's mean repurchase rate. */
  meanRepurchaseRate: number;
  /** Set when there was too little to learn from: recommendations then fall back to best-sellers or are empty. */
  reason: string | null;
}

const DAY = 86_400_000;

/** Maps string keys to dense indexes. */
class Interner {
  readonly keys: string[] = [];
  private readonly map = new Map<string, number>();
  id(key: string): number {
    let i = this.map.get(key);
    if (i === undefined) {
      i = this.keys.length;
      this.map.set(key, i);
      this.keys.push(key);
    }
    return i;
  }
  get size(): number {
    return this.keys.length;
  }
}

/** Compressed rows: for row r, cols[start[r] .. start[r+1]) and their values. */
interface Csr {
  start: Int32Array;
  cols: Int32Array;
  vals: Float64Array;
}

/** A CSR matrix from parallel (row, col, val) lists; duplicates are kept (callers dedupe when they need to). */
function csr(rows: number, r: ArrayLike<number>, c: ArrayLike<number>, v: ArrayLike<number> | null, n: number): Csr {
  const start = new Int32Array(rows + 1);
  for (let k = 0; k < n; k++) start[r[k]! + 1]!++;
  for (let x = 0; x < rows; x++) start[x + 1]! += start[x]!;
  const fill = start.slice(0, rows);
  const cols = new Int32Array(n);
  const vals = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const at = fill[r[k]!]!++;
    cols[at] = c[k]!;
    vals[at] = v ? v[k]! : 1;
  }
  return { start, cols, vals };
}

/** (customer, product) packed in one number: up to 4M products, 2^31 customers, below 2^53. */
const SHIFT = 4_194_304;

/**
 * Builds the model from interactions: item-to-item neighbours (damped co-purchase), association rules
 * over orders, repurchase rates and popular products per segment. Deterministic for the same input.
 * `segmentOf` gives a customer's segment (e.g. 'country:GB').
 */
export function buildRecsModel(interactions: Iterable<Interaction>, opts: { params?: Partial<RecsParams>; segmentOf?: (customer: string) => string | null } = {}): RecsModel {
  const p: RecsParams = { ...DEFAULT_PARAMS, ...opts.params };
  const customers = new Interner();
  const products = new Interner();
  const baskets = new Interner();
  // Per (customer, product) pair, in parallel arrays: strongest weight, latest time, the first day
  // bought, days bought (counted as changes of day: exact when lines come in time order), bought again.
  const pairIndex = new Map<number, number>();
  const pc: number[] = [];
  const pi: number[] = [];
  const pw: number[] = [];
  const pt: number[] = [];
  const pday: number[] = [];
  const pdays: number[] = [];
  const pmulti: boolean[] = [];
  // (basket, product) of every order line.
  const bRow: number[] = [];
  const bCol: number[] = [];
  let asOf = -Infinity;
  let n = 0;
  for (const x of interactions) {
    if (!Number.isFinite(x.t)) continue;
    n++;
    if (x.t > asOf) asOf = x.t;
    const c = customers.id(x.customer);
    const i = products.id(x.product);
    const key = c * SHIFT + i;
    const w = p.weights[x.kind];
    let k = pairIndex.get(key);
    if (k === undefined) {
      k = pc.length;
      pairIndex.set(key, k);
      pc.push(c);
      pi.push(i);
      pw.push(w);
      pt.push(x.t);
      pday.push(-1);
      pdays.push(0);
      pmulti.push(false);
    } else {
      if (w > pw[k]!) pw[k] = w;
      if (x.t > pt[k]!) pt[k] = x.t;
    }
    if (x.kind === 'order') {
      const day = Math.floor(x.t / DAY);
      if (pday[k] !== day) {
        if (pday[k]! >= 0) pmulti[k] = true;
        pday[k] = day;
        pdays[k]!++;
      }
      if (x.basket !== null) {
        bRow.push(baskets.id(x.basket));
        bCol.push(i);
      }
    }
  }
  const nc = customers.size;
  const nProducts = products.size;
  const nPairs = pc.length;
  const stats: ModelStats = {
    interactions: n, orders: baskets.size, customers: nc, products: nProducts, productsWithNeighbours: 0, boughtTogetherRules: 0,
    replenishable: 0, meanRepurchaseRate: 0, reason: null,
  };
  if (!Number.isFinite(asOf)) {
    return { params: p, asOf: null, items: [], popular: new Map(), stats: { ...stats, reason: 'There are no orders, cart adds or product views to learn from yet.' } };
  }

  // Customer × product matrix (weights), each customer's list cut to their most recent products.
  const byCustomer = csr(nc, pc, Int32Array.from({ length: nPairs }, (_, k) => k), null, nPairs);
  const rows: number[] = [];
  const cols: number[] = [];
  const vals: number[] = [];
  const userWeight = new Float64Array(nc);
  for (let c = 0; c < nc; c++) {
    let list = Array.from(byCustomer.cols.subarray(byCustomer.start[c]!, byCustomer.start[c + 1]!));
    if (list.length > p.maxProductsPerCustomer) list = list.sort((a, b) => pt[b]! - pt[a]! || pi[a]! - pi[b]!).slice(0, p.maxProductsPerCustomer);
    userWeight[c] = p.inverseUserFrequency ? 1 / Math.log2(2 + list.length) : 1;
    for (const k of list) {
      rows.push(c);
      cols.push(pi[k]!);
      vals.push(pw[k]!);
    }
  }
  const ui = csr(nc, rows, cols, vals, rows.length);
  const iu = csr(nProducts, cols, rows, vals, rows.length);

  // n(i) = Σ_u iuf(u) over the customers who touched i. The interaction weights enter only the
  // co-occurrence c(i,j) = Σ_u iuf(u)·r(u,i)·r(u,j): a cosine over weighted columns would divide a
  // view's lower weight away again. With every weight 1 this is the plain binary cosine.
  const norm = new Float64Array(nProducts);
  for (let i = 0; i < nProducts; i++) {
    for (let k = iu.start[i]!; k < iu.start[i + 1]!; k++) norm[i]! += userWeight[iu.cols[k]!]!;
  }
  const acc = new Float64Array(nProducts);
  const common = new Int32Array(nProducts);
  const touched: number[] = [];
  const similar: Neighbour[][] = [];
  for (let i = 0; i < nProducts; i++) {
    touched.length = 0;
    for (let k = iu.start[i]!; k < iu.start[i + 1]!; k++) {
      const u = iu.cols[k]!;
      const ru = iu.vals[k]! * userWeight[u]!;
      for (let m = ui.start[u]!; m < ui.start[u + 1]!; m++) {
        const j = ui.cols[m]!;
        if (j === i) continue;
        if (common[j] === 0) touched.push(j);
        acc[j]! += ru * ui.vals[m]!;
        common[j]!++;
      }
    }
    const list: { j: number; s: number }[] = [];
    for (const j of touched) {
      const co = common[j]!;
      if (co >= p.minCommon && norm[i]! > 0 && norm[j]! > 0) {
        let s = acc[j]! / (norm[i]! ** p.alpha * norm[j]! ** (1 - p.alpha));
        if (p.shrink > 0) s *= co / (co + p.shrink);
        if (Number.isFinite(s) && s > 0) list.push({ j, s });
      }
      acc[j] = 0;
      common[j] = 0;
    }
    similar.push(topK(list, p.neighbours).map((x) => ({ product: products.keys[x.j]!, score: round(x.s) })));
  }

  // Association rules over orders (baskets): each basket's products once, big baskets left out.
  const nb = baskets.size;
  const raw = csr(nb, bRow, bCol, null, bRow.length);
  const stamp = new Int32Array(nProducts).fill(-1);
  const fr: number[] = [];
  const fc: number[] = [];
  for (let b = 0; b < nb; b++) {
    const from = fr.length;
    for (let k = raw.start[b]!; k < raw.start[b + 1]!; k++) {
      const i = raw.cols[k]!;
      if (stamp[i] === b) continue;
      stamp[i] = b;
      fr.push(b);
      fc.push(i);
    }
    if (fr.length - from > p.fbt.maxBasket) {
      fr.length = from;
      fc.length = from;
    }
  }
  const bi = csr(nb, fr, fc, null, fr.length);
  const ib = csr(nProducts, fc, fr, null, fr.length);
  const counted = fr.length ? nb : 0;
  const together: BoughtTogether[][] = [];
  for (let i = 0; i < nProducts; i++) {
    touched.length = 0;
    const ni = ib.start[i + 1]! - ib.start[i]!;
    for (let k = ib.start[i]!; k < ib.start[i + 1]!; k++) {
      const b = ib.cols[k]!;
      for (let m = bi.start[b]!; m < bi.start[b + 1]!; m++) {
        const j = bi.cols[m]!;
        if (j === i) continue;
        if (common[j] === 0) touched.push(j);
        common[j]!++;
      }
    }
    const rules: { j: number; co: number; conf: number; lift: number }[] = [];
    for (const j of touched) {
      const co = common[j]!;
      common[j] = 0;
      const nj = ib.start[j + 1]! - ib.start[j]!;
      if (co < p.fbt.minCount || ni === 0 || nj === 0) continue;
      const conf = co / ni;
      const lift = conf / (nj / counted);
      if (conf >= p.fbt.minConfidence && lift >= p.fbt.minLift) rules.push({ j, co, conf, lift });
    }
    rules.sort((a, b) => b.conf - a.conf || b.lift - a.lift || a.j - b.j);
    together.push(rules.slice(0, p.fbt.max).map((r) => ({ product: products.keys[r.j]!, support: round(r.co / counted), confidence: round(r.conf), lift: round(r.lift) })));
    stats.boughtTogetherRules += Math.min(rules.length, p.fbt.max);
  }

  // Repurchase: a buyer who bought the product on two or more different days.
  const buyers = new Int32Array(nProducts);
  const repeaters = new Int32Array(nProducts);
  const orderCount = new Int32Array(nProducts);
  for (let k = 0; k < nPairs; k++) {
    if (!pdays[k]) continue;
    const i = pi[k]!;
    buyers[i]!++;
    orderCount[i]! += pdays[k]!;
    if (pmulti[k]) repeaters[i]!++;
  }
  let allBuyers = 0;
  let allRepeaters = 0;
  for (let i = 0; i < nProducts; i++) {
    allBuyers += buyers[i]!;
    allRepeaters += repeaters[i]!;
  }
  const mean = allBuyers ? allRepeaters / allBuyers : 0;
  stats.meanRepurchaseRate = round(mean);

  const items: ItemModel[] = [];
  for (let i = 0; i < nProducts; i++) {
    const rate = (repeaters[i]! + p.repurchase.prior * mean) / (buyers[i]! + p.repurchase.prior);
    const replenishable = buyers[i]! > 0 && rate >= p.repurchase.threshold;
    if (replenishable) stats.replenishable++;
    if (similar[i]!.length) stats.productsWithNeighbours++;
    items.push({ product: products.keys[i]!, buyers: buyers[i]!, orders: orderCount[i]!, repurchaseRate: round(rate), replenishable, similar: similar[i]!, boughtTogether: together[i]! });
  }

  // Popular: distinct buyers in the last `popularityDays`, per segment and overall.
  const since = asOf - p.popularityDays * DAY;
  const counts = new Map<string, Map<number, number>>([['all', new Map()]]);
  const segmentOf = new Map<number, string | null>();
  for (let k = 0; k < nPairs; k++) {
    if (pt[k]! < since || !pdays[k]) continue;
    const c = pc[k]!;
    const i = pi[k]!;
    let seg = segmentOf.get(c);
    if (seg === undefined) segmentOf.set(c, (seg = opts.segmentOf?.(customers.keys[c]!) ?? null));
    for (const sname of seg ? ['all', seg] : ['all']) {
      let m = counts.get(sname);
      if (!m) counts.set(sname, (m = new Map()));
      m.set(i, (m.get(i) ?? 0) + 1);
    }
  }
  const popular = new Map<string, Neighbour[]>();
  for (const [seg, m] of counts) {
    const list = topK([...m].map(([j, s]) => ({ j, s })), p.popularMax);
    // A segment of a handful of customers says little: it needs a few buyers of its top product.
    if (seg !== 'all' && (list[0]?.s ?? 0) < 3) continue;
    if (list.length) popular.set(seg, list.map((x) => ({ product: products.keys[x.j]!, score: x.s })));
  }
  if (!stats.orders) stats.reason = 'No orders yet: only views and cart adds, so there is nothing bought to recommend from.';
  else if (!stats.productsWithNeighbours) stats.reason = 'Too few customers bought more than one product to find similar products; recommendations show best-sellers.';
  return { params: p, asOf, items, popular, stats };
}

/** The k best by score (ties: lower index first, so results are stable); a bounded heap, not a full sort. */
function topK<T extends { j: number; s: number }>(list: T[], k: number): T[] {
  const better = (a: T, b: T) => a.s > b.s || (a.s === b.s && a.j < b.j);
  if (list.length <= k) return list.sort((a, b) => (better(a, b) ? -1 : 1));
  // Min-heap of the best k so far: the root is the worst kept.
  const heap: T[] = [];
  const down = (i: number) => {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let w = i;
      if (l < heap.length && better(heap[w]!, heap[l]!)) w = l;
      if (r < heap.length && better(heap[w]!, heap[r]!)) w = r;
      if (w === i) return;
      [heap[i], heap[w]] = [heap[w]!, heap[i]!];
      i = w;
    }
  };
  for (const x of list) {
    if (heap.length < k) {
      heap.push(x);
      for (let i = heap.length - 1; i > 0;) {
        const parent = (i - 1) >> 1;
        if (!better(heap[parent]!, heap[i]!)) break;
        [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
        i = parent;
      }
    } else if (better(x, heap[0]!)) {
      heap[0] = x;
      down(0);
    }
  }
  return heap.sort((a, b) => (better(a, b) ? -1 : 1));
}

const round = (x: number): number => Math.round(x * 1e6) / 1e6;
