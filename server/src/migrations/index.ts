import type { Migration } from 'kysely';
import * as m0001 from './0001_platform.ts';
import * as m0002 from './0002_idempotency.ts';

/** Every migration, in order. Append only: a shipped migration is never edited or removed. */
export const migrations: Record<string, Migration> = {
  '0001_platform': m0001,
  '0002_idempotency': m0002,
};
