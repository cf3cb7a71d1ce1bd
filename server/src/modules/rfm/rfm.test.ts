import { describe, expect, it } from 'vitest';
import { allCells, CLASS_INFO, classFor, RFM_CLASSES, type RfmClass } from './rfm.classes.ts';
import { quintileScores, scoreFor } from './rfm.scoring.ts';

describe('RFM class map', () => {
  // The whole grid written out by hand, row by row (F from 5 down to 1, R from 1 to 5), as docs/rfm.md shows it.
  const GRID: Record<number, RfmClass[]> = {
    5: ['cant_lose_them', 'cant_lose_them', 'loyal', 'loyal', 'champions'],
    4: ['at_risk', 'at_risk', 'loyal', 'loyal', 'champions'],
    3: ['at_risk', 'at_risk', 'needs_attention', 'potential_loyalist', 'potential_loyalist'],
    2: ['hibernating', 'hibernating', 'about_to_sleep', 'potential_loyalist', 'potential_loyalist'],
    1: ['lost', 'hibernating', 'about_to_sleep', 'promising', 'new'],
  };

  for (const f of [5, 4, 3, 2, 1]) {
    for (const r of [1, 2, 3, 4, 5]) {
      const expected = GRID[f]![r - 1]!;
      it(`R${r} F${f} is ${expected}`, () => expect(classFor(r, f)).toBe(expected));
    }
  }

  it('matches the widely used "rf" regex map, with R1 F1 as Lost', () => {
    // The 10-class map as published (keys are the two-digit string recency score + frequency score).
    const SEG_MAP: [RegExp, RfmClass][] = [
      [/^[1-2][1-2]$/, 'hibernating'], [/^[1-2][3-4]$/, 'at_risk'], [/^[1-2]5$/, 'cant_lose_them'], [/^3[1-2]$/, 'about_to_sleep'],
      [/^33$/, 'needs_attention'], [/^[3-4][4-5]$/, 'loyal'], [/^41$/, 'promising'], [/^51$/, 'new'], [/^[4-5][2-3]$/, 'potential_loyalist'], [/^5[4-5]$/, 'champions'],
    ];
    for (const { r, f, class: cls } of allCells()) {
      const key = `${r}${f}`;
      const matches = SEG_MAP.filter(([re]) => re.test(key));
      expect(matches, key).toHaveLength(1);
      expect(cls).toBe(key === '11' ? 'lost' : matches[0]![1]);
    }
  });

  it('uses all 11 classes, each with a label, a description and an action', () => {
    expect(new Set(allCells().map((c) => c.class))).toEqual(new Set(RFM_CLASSES));
    expect(allCells()).toHaveLength(25);
    for (const k of RFM_CLASSES) expect(CLASS_INFO[k].label && CLASS_INFO[k].description && CLASS_INFO[k].action).toBeTruthy();
  });

  it('refuses scores outside 1–5', () => {
    expect(() => classFor(0, 3)).toThrow(RangeError);
    expect(() => classFor(3, 6)).toThrow(RangeError);
    expect(() => classFor(2.5, 3)).toThrow(RangeError);
  });
});

describe('quintile scores', () => {
  it('splits distinct values into five equal fifths, like ntile', () => {
    const values = Array.from({ length: 10 }, (_, i) => i * 7);
    expect(quintileScores(values, 'higher')).toEqual([1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
    expect(quintileScores(values, 'lower')).toEqual([5, 5, 4, 4, 3, 3, 2, 2, 1, 1]);
    // Order of the input does not matter.
    expect(quintileScores([63, 0, 35, 7], 'higher')).toEqual([4, 1, 3, 2]);
  });

  it('gives equal values equal scores, and the group of ties the fifth where it starts', () => {
    // 10 customers: six with 1 order, two with 2, one with 3, one with 7.
    const orders = [1, 1, 1, 1, 1, 1, 2, 2, 3, 7];
    expect(quintileScores(orders, 'higher')).toEqual([1, 1, 1, 1, 1, 1, 4, 4, 5, 5]);
    // Fewer days is better: 3 customers bought today (0 days), 7 longer ago, so "today" is worse than no more than 7/10.
    expect(quintileScores([0, 0, 0, 10, 10, 40, 90, 90, 90, 365], 'lower')).toEqual([4, 4, 4, 3, 3, 3, 1, 1, 1, 1]);
  });

  it('the lowest value always scores 1; the best scores 5 only when at least 4/5 of the customers are worse', () => {
    expect(quintileScores([5, 5, 5, 5, 5], 'higher')).toEqual([1, 1, 1, 1, 1]);
    expect(quintileScores([1, 1, 1, 1, 9], 'higher')).toEqual([1, 1, 1, 1, 5]);
    expect(quintileScores([1, 1, 1, 9, 9], 'higher')).toEqual([1, 1, 1, 4, 4]);
    expect(quintileScores([42], 'higher')).toEqual([1]);
    expect(quintileScores([], 'higher')).toEqual([]);
  });

  it('handles negative net revenue (refunds larger than purchases) like any other value', () => {
    expect(quintileScores([-500, 0, 0, 1200, 99_999], 'higher')).toEqual([1, 2, 2, 4, 5]);
  });

  it('most customers on one order: they all get F1 and the scale still reaches 5', () => {
    // 1,000 customers: 600 with 1 order, 150 with 2, 100 with 3, 80 with 4–5, 70 with 6+.
    const orders = [...Array(600).fill(1), ...Array(150).fill(2), ...Array(100).fill(3), ...Array(40).fill(4), ...Array(40).fill(5), ...Array(70).fill(9)] as number[];
    const s = quintileScores(orders, 'higher');
    const byValue = new Map<number, Set<number>>();
    orders.forEach((o, i) => byValue.set(o, (byValue.get(o) ?? new Set()).add(s[i]!)));
    for (const scores of byValue.values()) expect(scores.size).toBe(1);
    expect([...byValue.entries()].map(([o, sc]) => [o, [...sc][0]])).toEqual([[1, 1], [2, 4], [3, 4], [4, 5], [5, 5], [9, 5]]);
  });

  it('scoreFor is 1 + ⌊5w/n⌋ and refuses impossible counts', () => {
    expect(scoreFor(0, 1)).toBe(1);
    expect(scoreFor(199, 1000)).toBe(1);
    expect(scoreFor(200, 1000)).toBe(2);
    expect(scoreFor(799, 1000)).toBe(4);
    expect(scoreFor(800, 1000)).toBe(5);
    expect(scoreFor(999, 1000)).toBe(5);
    expect(() => scoreFor(5, 5)).toThrow(RangeError);
    expect(() => scoreFor(-1, 5)).toThrow(RangeError);
  });
});
