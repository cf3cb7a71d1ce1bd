import { describe, expect, it } from 'vitest';
import { CompactLists, type ItemLists } from './recs.lists.ts';

const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

describe('CompactLists', () => {
  it('gives back every product’s lists exactly as added, and nothing for products without lists', () => {
    const items: ItemLists[] = [];
    // Enough products and entries to make every column grow past its first allocation.
    for (let p = 0; p < 3000; p++) {
      const k = p % 7;
      items.push({
        productId: id(p), repurchaseRate: p / 3000, replenishable: p % 3 === 0,
        similarIds: Array.from({ length: k }, (_, j) => id((p + j + 1) % 3500)), similarScores: Array.from({ length: k }, (_, j) => 1 / (j + 1 + p)),
        fbtIds: Array.from({ length: k % 3 }, (_, j) => id(4000 + j)), fbtSupport: Array.from({ length: k % 3 }, (_, j) => 0.01 * j),
        fbtConfidence: Array.from({ length: k % 3 }, (_, j) => 0.1 * j + 0.05), fbtLift: Array.from({ length: k % 3 }, (_, j) => 1.5 + j),
      });
    }
    const lists = new CompactLists('m1');
    for (const it of items) lists.add(it);
    expect(lists.size).toBe(3000);
    for (const it of items) {
      const got = lists.get(it.productId)!;
      expect({ ...got, boughtTogether: got.boughtTogether }).toEqual({
        similar: it.similarIds.map((product, j) => ({ product, score: it.similarScores[j] })),
        boughtTogether: it.fbtIds.map((product, j) => ({ product, support: it.fbtSupport[j], confidence: it.fbtConfidence[j], lift: it.fbtLift[j] })),
        repurchaseRate: it.repurchaseRate, replenishable: it.replenishable, category: null,
      });
      // The rules are made once per lookup.
      expect(got.boughtTogether).toBe(got.boughtTogether);
    }
    // Known only as someone's neighbour, or not at all: no lists.
    expect(lists.has(id(3200))).toBe(false);
    expect(lists.get(id(3200))).toBeUndefined();
    expect(lists.get(id(999_999))).toBeUndefined();
    expect(lists.has(id(5))).toBe(true);
    // A product added twice keeps its first lists.
    lists.add({ ...items[5]!, similarIds: [], similarScores: [] });
    expect(lists.get(id(5))!.similar).toHaveLength(items[5]!.similarIds.length);
  });
});
