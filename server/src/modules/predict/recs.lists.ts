import type { BoughtTogether, Neighbour } from './recs.model.ts';
import type { ItemInfo } from './recs.score.ts';

/** One product's lists as stored by a build (recs_items), the shape `CompactLists.add` takes. */
export interface ItemLists {
  productId: string;
  repurchaseRate: number;
  replenishable: boolean;
  similarIds: string[];
  similarScores: number[];
  fbtIds: string[];
  fbtSupport: number[];
  fbtConfidence: number[];
  fbtLift: number[];
}

/** A growable Float64Array/Int32Array pair of columns: appends without an object per entry. */
class Column<T extends Float64Array | Int32Array> {
  data: T;
  length = 0;
  private readonly make: (n: number) => T;
  constructor(make: (n: number) => T) {
    this.make = make;
    this.data = make(1024);
  }
  push(v: number): void {
    if (this.length === this.data.length) {
      const bigger = this.make(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = v;
  }
}

/**
 * Every product's lists of one build, held in typed arrays: product ids once each (an index), and
 * the neighbours and bought-together rules as columns of numbers. A million neighbours are a few
 * typed arrays, not a million objects, so the garbage collector has nothing to trace or copy when
 * a process keeps a whole build; `get` makes the objects one request needs, which die young.
 */
export class CompactLists {
  readonly modelId: string;
  private readonly ids: string[] = [];
  private readonly index = new Map<string, number>();
  /** Per product index: where its lists start in the columns (-1: the build has no lists for it). */
  private row = new Int32Array(1024).fill(-1);
  private readonly simStart = new Column((n) => new Int32Array(n));
  private readonly fbtStart = new Column((n) => new Int32Array(n));
  private readonly repurchase = new Column((n) => new Float64Array(n));
  private readonly replenishable = new Column((n) => new Int32Array(n));
  private readonly simIdx = new Column((n) => new Int32Array(n));
  private readonly simScore = new Column((n) => new Float64Array(n));
  private readonly fbtIdx = new Column((n) => new Int32Array(n));
  private readonly fbtSupport = new Column((n) => new Float64Array(n));
  private readonly fbtConfidence = new Column((n) => new Float64Array(n));
  private readonly fbtLift = new Column((n) => new Float64Array(n));
  private products = 0;

  constructor(modelId: string) {
    this.modelId = modelId;
  }

  /** Products with lists. */
  get size(): number {
    return this.products;
  }

  private intern(id: string): number {
    let i = this.index.get(id);
    if (i === undefined) {
      i = this.ids.length;
      this.ids.push(id);
      this.index.set(id, i);
      if (i >= this.row.length) {
        const bigger = new Int32Array(this.row.length * 2).fill(-1);
        bigger.set(this.row);
        this.row = bigger;
      }
    }
    return i;
  }

  add(item: ItemLists): void {
    const p = this.intern(item.productId);
    if (this.row[p] !== -1) return;
    this.row[p] = this.products++;
    this.simStart.push(this.simIdx.length);
    this.fbtStart.push(this.fbtIdx.length);
    this.repurchase.push(item.repurchaseRate);
    this.replenishable.push(item.replenishable ? 1 : 0);
    item.similarIds.forEach((id, k) => {
      this.simIdx.push(this.intern(id));
      this.simScore.push(item.similarScores[k] ?? 0);
    });
    item.fbtIds.forEach((id, k) => {
      this.fbtIdx.push(this.intern(id));
      this.fbtSupport.push(item.fbtSupport[k] ?? 0);
      this.fbtConfidence.push(item.fbtConfidence[k] ?? 0);
      this.fbtLift.push(item.fbtLift[k] ?? 0);
    });
  }

  /** Whether the build has lists for the product (false: unknown to the build, or no lists). */
  has(productId: string): boolean {
    const p = this.index.get(productId);
    return p !== undefined && this.row[p] !== -1;
  }

  /** The product's lists as the scorers take them; undefined when the build has none for it. */
  get(productId: string): ItemInfo | undefined {
    const p = this.index.get(productId);
    const r = p === undefined ? -1 : this.row[p]!;
    if (r === -1) return undefined;
    const last = r + 1 === this.products;
    const simEnd = last ? this.simIdx.length : this.simStart.data[r + 1]!;
    const fbtEnd = last ? this.fbtIdx.length : this.fbtStart.data[r + 1]!;
    const similar: Neighbour[] = [];
    for (let k = this.simStart.data[r]!; k < simEnd; k++) similar.push({ product: this.ids[this.simIdx.data[k]!]!, score: this.simScore.data[k]! });
    const fbtFrom = this.fbtStart.data[r]!;
    // The rules are made only when asked for: a customer's list (the busiest request) never reads them.
    let rules: BoughtTogether[] | undefined;
    const boughtTogether = (): BoughtTogether[] => {
      if (rules) return rules;
      rules = [];
      for (let k = fbtFrom; k < fbtEnd; k++) {
        rules.push({ product: this.ids[this.fbtIdx.data[k]!]!, support: this.fbtSupport.data[k]!, confidence: this.fbtConfidence.data[k]!, lift: this.fbtLift.data[k]! });
      }
      return rules;
    };
    return {
      similar, repurchaseRate: this.repurchase.data[r]!, replenishable: this.replenishable.data[r] === 1, category: null,
      get boughtTogether() {
        return boughtTogether();
      },
    };
  }
}
