import { badRequest } from './problem.ts';

/** An opaque keyset-pagination cursor: any JSON value, base64url-encoded. */
export function encodeCursor(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** Reads a cursor made by `encodeCursor`; anything else (tampered, from another list) is a 400 naming the parameter. */
export function decodeCursor<T>(s: string, valid: (v: unknown) => v is T): T {
  try {
    const v: unknown = JSON.parse(Buffer.from(s, 'base64url').toString('utf8'));
    if (valid(v)) return v;
  } catch {
    // falls through to the 400 below
  }
  throw badRequest('The cursor is not valid: pass the nextCursor of the previous page unchanged.', [{ pointer: '/querystring/cursor', detail: 'is not a cursor from this API' }]);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** For cursor checks: a UUID string. */
export const isUuidString = (v: unknown): v is string => typeof v === 'string' && UUID.test(v);
/** For cursor checks: a string `Date.parse` reads. */
export const isDateString = (v: unknown): v is string => typeof v === 'string' && !Number.isNaN(Date.parse(v));
