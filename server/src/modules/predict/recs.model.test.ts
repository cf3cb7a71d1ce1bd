import { describe, expect, it } from 'vitest';
import { evaluateRecs, scoreList } from './recs.eval.ts';
import { buildRecsModel, DEFAULT_PARAMS, PLAIN_KNN_PARAMS, type Interaction, type RecsParams } from './recs.model.ts';
import { diversify, isMerchandise, itemLookup, recommendForBasket, recommendForCustomer, recommendPlainKnn } from './recs.score.ts';

const DAY = 86_400_000;
const T0 = Date.UTC(2024, 0, 1);
let basketSeq = 0;

/** One order of `customer` on day `d` holding `products`. */
function order(customer: string, d: number, ...products: string[]): Interaction[] {
  const basket = `o${++basketSeq}`;
  return products.map((product) => ({ customer, product, t: T0 + d * DAY, kind: 'order' as const, basket }));
}

const noDamping: Partial<RecsParams> = { shrink: 0, minCommon: 1, inverseUserFrequency: false };

describe('item-to-item similarity', () => {
  it('is the cosine of the binary customer × product columns with α = 0.5 and no shrinkage', () => {
    const m = buildRecsModel([...order('u1', 0, 'A', 'B'), ...order('u2', 0, 'A', 'B'), ...order('u3', 0, 'B')], { params: noDamping });
    const a = m.items.find((i) => i.product === 'A')!;
    // |A ∩ B| = 2, |A| = 2, |B| = 3: 2 / √(2·3)
    expect(a.similar).toEqual([{ product: 'B', score: round(2 / Math.sqrt(6)) }]);
  });

  it('damps popular products: a niche companion ranks above a best-seller everyone buys', () => {
    const xs: Interaction[] = [];
    // A and B go together for 4 customers; C (a best-seller) is bought by 40 customers, 5 of them with A.
    for (let u = 0; u < 4; u++) xs.push(...order(`ab${u}`, u, 'A', 'B', 'C'));
    xs.push(...order('a5', 5, 'A', 'C'));
    for (let u = 0; u < 35; u++) xs.push(...order(`c${u}`, u, 'C'));
    const m = buildRecsModel(xs);
    const a = m.items.find((i) => i.product === 'A')!;
    expect(a.similar.map((s) => s.product)).toEqual(['B', 'C']);
    // Plain conditional probability P(C | A) = 1 would put C first.
    const cond = buildRecsModel(xs, { params: { ...noDamping, alpha: 1 } });
    expect(cond.items.find((i) => i.product === 'A')!.similar[0]!.product).toBe('C');
  });

  it('keeps no neighbour resting on fewer common customers than minCommon, and at most `neighbours`', () => {
    const xs = [...order('u1', 0, 'A', 'B'), ...order('u2', 0, 'A', 'C'), ...order('u3', 0, 'A', 'C')];
    const m = buildRecsModel(xs, { params: { minCommon: 2, shrink: 0 } });
    expect(m.items.find((i) => i.product === 'A')!.similar.map((s) => s.product)).toEqual(['C']);
    const one = buildRecsModel(xs, { params: { ...noDamping, neighbours: 1 } });
    expect(one.items.find((i) => i.product === 'A')!.similar).toHaveLength(1);
  });

  it('counts views and cart adds lower than purchases', () => {
    const viewed: Interaction[] = [
      ...order('u1', 0, 'A'), { customer: 'u1', product: 'B', t: T0, kind: 'view', basket: null },
      ...order('u2', 0, 'A'), ...order('u2', 1, 'C'),
    ];
    const m = buildRecsModel(viewed, { params: noDamping });
    const a = m.items.find((i) => i.product === 'A')!;
    expect(a.similar[0]!.product).toBe('C');
    expect(a.similar.find((s) => s.product === 'B')!.score).toBeLessThan(a.similar[0]!.score);
  });

  it('is deterministic', () => {
    const xs = [...order('u1', 0, 'A', 'B', 'C'), ...order('u2', 3, 'B', 'C'), ...order('u3', 4, 'C', 'D')];
    expect(JSON.stringify(buildRecsModel(xs).items)).toBe(JSON.stringify(buildRecsModel([...xs]).items));
  });
});

describe('frequently bought together', () => {
  it('computes support, confidence and lift over orders and keeps rules above the thresholds', () => {
    const xs: Interaction[] = [];
    for (let k = 0; k < 4; k++) xs.push(...order(`u${k}`, k, 'A', 'B'));
    for (let k = 0; k < 6; k++) xs.push(...order(`v${k}`, k, 'C'));
    xs.push(...order('w', 1, 'A', 'C'));
    const m = buildRecsModel(xs, { params: { fbt: { ...DEFAULT_PARAMS.fbt, minCount: 3 } } });
    const a = m.items.find((i) => i.product === 'A')!;
    // 11 orders; A in 5, B in 4, A∧B in 4: support 4/11, confidence 4/5, lift (4/5)/(4/11) = 2.2.
    expect(a.boughtTogether).toEqual([{ product: 'B', support: round(4 / 11), confidence: 0.8, lift: 2.2 }]);
    // A∧C happens once: below minCount.
    expect(a.boughtTogether.some((r) => r.product === 'C')).toBe(false);
  });

  it('drops rules whose lift is below the threshold (together no more often than by chance)', () => {
    const xs: Interaction[] = [];
    for (let k = 0; k < 10; k++) xs.push(...order(`u${k}`, k, 'A', 'B'));
    const m = buildRecsModel(xs);
    // Every order holds both: lift 1.
    expect(m.items.find((i) => i.product === 'A')!.boughtTogether).toEqual([]);
  });
});

describe('repurchase', () => {
  it('learns a shrunk repurchase rate per product and marks replenishable ones', () => {
    const xs: Interaction[] = [];
    // Coffee: 8 of 10 buyers buy again another day. Kettle: nobody does.
    for (let u = 0; u < 10; u++) {
      xs.push(...order(`u${u}`, 0, 'coffee', 'kettle'));
      if (u < 8) xs.push(...order(`u${u}`, 30, 'coffee'));
    }
    const m = buildRecsModel(xs, { params: { repurchase: { prior: 10, threshold: 0.3 } } });
    const coffee = m.items.find((i) => i.product === 'coffee')!;
    const kettle = m.items.find((i) => i.product === 'kettle')!;
    const mean = 8 / 20;
    expect(m.stats.meanRepurchaseRate).toBe(mean);
    expect(coffee.repurchaseRate).toBe(round((8 + 10 * mean) / (10 + 10)));
    expect(kettle.repurchaseRate).toBe(round((0 + 10 * mean) / (10 + 10)));
    expect(coffee.replenishable).toBe(true);
    expect(kettle.replenishable).toBe(false);
  });
});

describe('a customer’s recommendations', () => {
  const xs: Interaction[] = [];
  for (let u = 0; u < 6; u++) xs.push(...order(`u${u}`, u, 'tent', 'stove', 'gas'), ...order(`u${u}`, 40 + u, 'gas'));
  for (let u = 0; u < 4; u++) xs.push(...order(`v${u}`, u, 'tent', 'mat'));
  for (let u = 0; u < 12; u++) xs.push(...order(`p${u}`, 50, 'socks'));
  const model = buildRecsModel(xs, { params: { repurchase: { prior: 2, threshold: 0.3 } } });
  const lookup = itemLookup(model);
  const now = T0 + 60 * DAY;
  const fallback = [model.popular.get('all')!];

  it('recommends neighbours of what they bought, never a non-replenishable product they just bought, and offers replenishables again', () => {
    const recs = recommendForCustomer(lookup, { history: [{ product: 'tent', t: now - 5 * DAY, kind: 'order' }, { product: 'gas', t: now - 5 * DAY, kind: 'order' }], now, n: 4, fallback }, model.params);
    const ids = recs.map((r) => r.product);
    expect(ids).not.toContain('tent');
    expect(ids).toContain('stove');
    expect(recs.find((r) => r.product === 'gas')?.reason).toBe('buy-again');
    expect(new Set(ids).size).toBe(ids.length);
    expect(recs.every((r) => Number.isFinite(r.score))).toBe(true);
  });

  it('can keep room for discoveries: past maxBuyAgainShare, products bought before move behind the others', () => {
    const history = [{ product: 'tent', t: now - 5 * DAY, kind: 'order' as const }, { product: 'gas', t: now - 5 * DAY, kind: 'order' as const }];
    const capped = recommendForCustomer(lookup, { history, now, n: 2, fallback }, { ...model.params, maxBuyAgainShare: 0 });
    expect(capped.map((r) => r.reason)).not.toContain('buy-again');
    const open = recommendForCustomer(lookup, { history, now, n: 2, fallback }, model.params);
    expect(open[0]!.reason).toBe('buy-again');
  });

  it('falls back to best-sellers for a new customer', () => {
    const recs = recommendForCustomer(lookup, { history: [], now, n: 3, fallback }, model.params);
    expect(recs.length).toBe(3);
    expect(recs.every((r) => r.reason === 'popular')).toBe(true);
    expect(recs[0]!.product).toBe('socks');
  });

  it('uses views when there is no order', () => {
    const recs = recommendForCustomer(lookup, { history: [{ product: 'mat', t: now, kind: 'view' }], now, n: 2, fallback: [] }, model.params);
    expect(recs[0]).toMatchObject({ product: 'tent', reason: 'similar' });
  });

  it('suggests for a basket: bought-together rules first, never what is in it', () => {
    const recs = recommendForBasket(lookup, ['tent'], 3, fallback, model.params);
    expect(recs[0]!.reason).toBe('bought-together');
    expect(recs.map((r) => r.product)).not.toContain('tent');
  });

  it('the plain kNN baseline never recommends what the customer had', () => {
    const recs = recommendPlainKnn(itemLookup(buildRecsModel(xs, { params: PLAIN_KNN_PARAMS })), [{ product: 'tent', t: now, kind: 'order' }], 5);
    expect(recs.map((r) => r.product)).not.toContain('tent');
    expect(recs.length).toBeGreaterThan(0);
  });
});

describe('category diversity', () => {
  it('takes at most `cap` per category, then fills with the skipped if the list is short', () => {
    const ranked = ['a1', 'a2', 'a3', 'b1', 'x'].map((product, i) => ({ product, score: 10 - i, reason: 'similar' as const }));
    const cat = (p: string) => (p === 'x' ? null : p[0]!);
    expect(diversify(ranked, 4, cat, 2).map((r) => r.product)).toEqual(['a1', 'a2', 'b1', 'x']);
    expect(diversify(ranked, 5, cat, 2).map((r) => r.product)).toEqual(['a1', 'a2', 'b1', 'x', 'a3']);
  });
});

describe('too little data', () => {
  it('an empty store gives an empty model with a reason and no NaN', () => {
    const m = buildRecsModel([]);
    expect(m.items).toEqual([]);
    expect(m.asOf).toBeNull();
    expect(m.stats.reason).toMatch(/no orders/i);
    expect(recommendForCustomer(itemLookup(m), { history: [], now: T0, n: 5, fallback: [] })).toEqual([]);
  });

  it('a store where everyone bought one product once finds no neighbours and says so', () => {
    const xs = Array.from({ length: 5 }, (_, u) => order(`u${u}`, u, `p${u}`)).flat();
    const m = buildRecsModel(xs);
    expect(m.stats.productsWithNeighbours).toBe(0);
    expect(m.stats.reason).toMatch(/best-sellers/);
    expect(Number.isFinite(m.stats.meanRepurchaseRate)).toBe(true);
  });

  it('ignores interactions with an invalid time', () => {
    const m = buildRecsModel([{ customer: 'u', product: 'A', t: Number.NaN, kind: 'order', basket: 'o' }]);
    expect(m.stats.interactions).toBe(0);
  });
});

describe('evaluation metrics', () => {
  it('hit, recall and binary NDCG of one list', () => {
    const s = scoreList(['a', 'x', 'b'], new Set(['a', 'b', 'c', 'd']), 3);
    expect(s.hit).toBe(1);
    expect(s.recall).toBe(0.5);
    const dcg = 1 + 1 / Math.log2(4);
    const idcg = 1 + 1 / Math.log2(3) + 1 / Math.log2(4);
    expect(s.ndcg).toBeCloseTo(dcg / idcg, 12);
    expect(scoreList([], new Set(['a']), 10)).toEqual({ hit: 0, recall: 0, ndcg: 0 });
  });

  it('evaluates on a time split: the recommender finds a replenished product the baselines miss', () => {
    const xs: Interaction[] = [];
    for (let u = 0; u < 10; u++) xs.push(...order(`u${u}`, 0, 'coffee', `mug${u}`), ...order(`u${u}`, 20, 'coffee'));
    for (let u = 0; u < 30; u++) xs.push(...order(`p${u}`, 10, 'socks'));
    for (let u = 0; u < 10; u++) xs.push(...order(`u${u}`, 40, 'coffee'));
    const r = evaluateRecs({ interactions: xs, split: T0 + 30 * DAY, isCustomer: () => true, k: 1, params: { repurchase: { prior: 1, threshold: 0.3 } } });
    expect(r.testCustomers).toBe(10);
    const [rec, pop] = r.rows;
    expect(rec!.method).toBe('recommender');
    expect(rec!.hitRate).toBe(1);
    expect(pop!.hitRate).toBe(0);
  });
});

describe('isMerchandise', () => {
  it('leaves out postage, fees and manual lines', () => {
    expect(isMerchandise('POST', 'POSTAGE')).toBe(false);
    expect(isMerchandise('BANK CHARGES', 'Bank Charges')).toBe(false);
    expect(isMerchandise('X1', 'Carriage')).toBe(false);
    expect(isMerchandise('85123A', 'WHITE HANGING HEART T-LIGHT HOLDER')).toBe(true);
    expect(isMerchandise(null, 'Postcard set')).toBe(true);
  });
});

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
