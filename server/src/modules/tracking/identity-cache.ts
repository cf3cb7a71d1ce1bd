/**
 * identity key → customer id, for this process. An entry is only a hint: the ingest path
 * checks in the same transaction that the id is still a live profile (customers.bulk.touchLastSeen
 * locks it against merges) and looks the identity up again when it is not. Entries expire so an
 * identity moved by hand (not by a merge) is followed within minutes.
 */
export class IdentityCache {
  private readonly map = new Map<string, { id: string; until: number }>();
  private readonly max: number;
  private readonly ttlMs: number;

  constructor(max = 200_000, ttlMs = 10 * 60_000) {
    this.max = max;
    this.ttlMs = ttlMs;
  }

  get(key: string, now = Date.now()): string | undefined {
    const e = this.map.get(key);
    if (!e) return undefined;
    if (e.until < now) {
      this.map.delete(key);
      return undefined;
    }
    return e.id;
  }

  set(key: string, id: string, now = Date.now()): void {
    this.map.delete(key);
    this.map.set(key, { id, until: now + this.ttlMs });
    // Maps iterate in insertion order: the first keys are the least recently set.
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
