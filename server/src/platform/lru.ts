/**
 * A bounded map for per-process caches: least recently used entries go first when it is full,
 * and an entry older than `ttlMs` is treated as absent. Maps iterate in insertion order, so
 * moving an entry to the end on every hit keeps the least recently used at the front.
 */
export class LruCache<V> {
  private readonly map = new Map<string, { value: V; until: number }>();
  private readonly max: number;
  private readonly ttlMs: number;

  constructor(max: number, ttlMs = Number.POSITIVE_INFINITY) {
    this.max = max;
    this.ttlMs = ttlMs;
  }

  get(key: string, now = Date.now()): V | undefined {
    const e = this.map.get(key);
    if (!e) return undefined;
    if (e.until < now) {
      this.map.delete(key);
      return undefined;
    }
    this.map.delete(key);
    this.map.set(key, e);
    return e.value;
  }

  has(key: string, now = Date.now()): boolean {
    const e = this.map.get(key);
    return !!e && e.until >= now;
  }

  set(key: string, value: V, now = Date.now()): void {
    this.map.delete(key);
    this.map.set(key, { value, until: now + this.ttlMs });
    while (this.map.size > this.max) this.map.delete(this.map.keys().next().value as string);
  }

  delete(key: string): void {
    this.map.delete(key);
  }

  clear(): void {
    this.map.clear();
  }

  get size(): number {
    return this.map.size;
  }
}
