import { describe, expect, it } from 'vitest';
import { LruCache } from './lru.ts';

describe('LruCache', () => {
  it('evicts the least recently used entry, counting reads as use', () => {
    const c = new LruCache<number>(2);
    c.set('a', 1);
    c.set('b', 2);
    expect(c.get('a')).toBe(1);
    c.set('c', 3);
    expect([c.get('a'), c.get('b'), c.get('c')]).toEqual([1, undefined, 3]);
    expect(c.size).toBe(2);
  });

  it('treats expired entries as absent, and remembers null values', () => {
    const c = new LruCache<string | null>(10, 1000);
    c.set('x', null, 0);
    expect(c.get('x', 500)).toBeNull();
    expect(c.has('x', 500)).toBe(true);
    expect(c.get('x', 1500)).toBeUndefined();
    expect(c.has('x', 1500)).toBe(false);
    c.set('y', 'v', 0);
    c.clear();
    expect(c.get('y', 0)).toBeUndefined();
  });
});
