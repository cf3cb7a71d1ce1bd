import { v7 } from 'uuid';

/** A new time-ordered id (UUIDv7), the primary key of every row Patron creates. */
export function newId(): string {
  return v7();
}
