import { LruCache } from '../../platform/lru.ts';

/**
 * identity key → customer id, for this process. An entry is only a hint: the ingest path
 * checks in the same transaction that the id is still a live profile (customers.bulk.touchLastSeen
 * locks it against merges) and looks the identity up again when it is not. Entries expire so an
 * identity moved by hand (not by a merge) is followed within minutes.
 */
export class IdentityCache extends LruCache<string> {
  constructor(max = 200_000, ttlMs = 10 * 60_000) {
    super(max, ttlMs);
  }
}
