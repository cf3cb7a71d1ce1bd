import { buildRecsModel, PLAIN_KNN_PARAMS, type Interaction, type RecsParams } from './recs.model.ts';
import { itemLookup, recommendForCustomer, recommendPlainKnn, type HistoryEntry, type Scored } from './recs.score.ts';

/**
 * Offline evaluation of the recommender on a time split: train on everything before `split`, then
 * for each customer with purchases after it, compare their top 10 with what they bought.
 * Used by `npm run eval:recs` (scripts/eval-recs.ts) with the Online Retail data.
 */

export interface Metrics {
  method: string;
  /** Share of test customers with at least one bought product in their top k. */
  hitRate: number;
  /** |top k ∩ bought| / |bought|, averaged over customers. */
  recall: number;
  /** Binary-relevance NDCG@k, averaged over customers. */
  ndcg: number;
  /** Distinct products recommended to anyone / products in the training catalogue. */
  coverage: number;
  customers: number;
}

/** The per-customer metrics of one list against the products bought. */
export function scoreList(list: string[], bought: Set<string>, k: number): { hit: number; recall: number; ndcg: number } {
  const top = list.slice(0, k);
  let hits = 0;
  let dcg = 0;
  top.forEach((p, i) => {
    if (bought.has(p)) {
      hits++;
      dcg += 1 / Math.log2(i + 2);
    }
  });
  let idcg = 0;
  for (let i = 0; i < Math.min(k, bought.size); i++) idcg += 1 / Math.log2(i + 2);
  return { hit: hits > 0 ? 1 : 0, recall: bought.size ? hits / bought.size : 0, ndcg: idcg ? dcg / idcg : 0 };
}

export interface EvalInput {
  /** Every interaction (guest orders under a pseudo-customer); split by time here. */
  interactions: Interaction[];
  split: number;
  /** Customers whose purchases are evaluated (not guests). */
  isCustomer: (customer: string) => boolean;
  segmentOf?: (customer: string) => string | null;
  k?: number;
  params?: Partial<RecsParams>;
  /** Interactions at or after this time are ignored (a validation split inside the training period). */
  until?: number;
}

export interface EvalResult {
  /** Every test customer. */
  rows: Metrics[];
  /** Only test customers who had bought before the split: the ones a personal list can be made for. */
  warmRows: Metrics[];
  testCustomers: number;
  coldCustomers: number;
  trainInteractions: number;
  catalogue: number;
  buildMs: number;
  /** Share of test purchases that were products the customer had bought before the split. */
  repeatShare: number;
}

export function evaluateRecs(input: EvalInput): EvalResult {
  const k = input.k ?? 10;
  const train = input.interactions.filter((x) => x.t < input.split);
  const warm = new Set(train.filter((x) => x.kind === 'order').map((x) => x.customer));
  const test = new Map<string, Set<string>>();
  for (const x of input.interactions) {
    if (x.t < input.split || (input.until !== undefined && x.t >= input.until) || x.kind !== 'order' || !input.isCustomer(x.customer)) continue;
    let s = test.get(x.customer);
    if (!s) test.set(x.customer, (s = new Set()));
    s.add(x.product);
  }
  const history = new Map<string, HistoryEntry[]>();
  for (const x of train) {
    let h = history.get(x.customer);
    if (!h) history.set(x.customer, (h = []));
    h.push({ product: x.product, t: x.t, kind: x.kind });
  }
  const started = performance.now();
  const model = buildRecsModel(train, { params: input.params, segmentOf: input.segmentOf });
  const buildMs = performance.now() - started;
  const plain = buildRecsModel(train, { params: PLAIN_KNN_PARAMS });
  const lookup = itemLookup(model);
  const plainLookup = itemLookup(plain);
  const catalogue = model.items.length;

  // Popularity baseline: the most-bought products of the whole training period, the same for everyone.
  const buyers = model.items.filter((i) => i.buyers > 0).sort((a, b) => b.buyers - a.buyers || (a.product < b.product ? -1 : 1));
  const popular = buyers.slice(0, k).map((i) => i.product);
  const all = model.popular.get('all') ?? [];

  const methods: Record<string, (c: string) => Scored[] | string[]> = {
    'recommender': (c) => {
      const seg = input.segmentOf?.(c);
      const fallback = [seg ? model.popular.get(seg) : undefined, all].filter((x) => x !== undefined);
      return recommendForCustomer(lookup, { history: history.get(c) ?? [], now: input.split, n: k, fallback }, model.params);
    },
    'popularity': () => popular,
    'item-kNN (plain)': (c) => recommendPlainKnn(plainLookup, history.get(c) ?? [], k),
  };
  let repeats = 0;
  let purchases = 0;
  for (const [c, bought] of test) {
    const had = new Set((history.get(c) ?? []).filter((h) => h.kind === 'order').map((h) => h.product));
    for (const p of bought) if (had.has(p)) repeats++;
    purchases += bought.size;
  }
  const lists = new Map<string, Map<string, string[]>>();
  for (const [method, rec] of Object.entries(methods)) {
    const m = new Map<string, string[]>();
    for (const c of test.keys()) m.set(c, rec(c).map((x) => (typeof x === 'string' ? x : x.product)));
    lists.set(method, m);
  }
  const measure = (only: (c: string) => boolean): Metrics[] => [...lists].map(([method, byCustomer]) => {
    let hit = 0;
    let recall = 0;
    let ndcg = 0;
    let n = 0;
    const shown = new Set<string>();
    for (const [c, bought] of test) {
      if (!only(c)) continue;
      const list = byCustomer.get(c)!;
      for (const p of list) shown.add(p);
      const s = scoreList(list, bought, k);
      hit += s.hit;
      recall += s.recall;
      ndcg += s.ndcg;
      n++;
    }
    const d = n || 1;
    return { method, hitRate: hit / d, recall: recall / d, ndcg: ndcg / d, coverage: catalogue ? shown.size / catalogue : 0, customers: n };
  });
  const rows = measure(() => true);
  const warmRows = measure((c) => warm.has(c));
  const cold = [...test.keys()].filter((c) => !history.has(c)).length;
  return { rows, warmRows, testCustomers: test.size, coldCustomers: cold, trainInteractions: train.length, catalogue, buildMs, repeatShare: purchases ? repeats / purchases : 0 };
}

/** The result as a Markdown table (docs/predictions.md and the script's output). */
export function markdownTable(r: EvalResult, k = 10): string {
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  const row = (who: string) => (m: Metrics) => `| ${who} (${m.customers}) | ${m.method} | ${pct(m.hitRate)} | ${pct(m.recall)} | ${m.ndcg.toFixed(4)} | ${pct(m.coverage)} |`;
  const lines = [
    `| test customers | method | hit-rate@${k} | recall@${k} | NDCG@${k} | catalogue coverage |`,
    '|---|---|---:|---:|---:|---:|',
    ...r.warmRows.map(row('bought before the split')),
    ...r.rows.map(row('all')),
  ];
  return lines.join('\n');
}
