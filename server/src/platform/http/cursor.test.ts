import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor, isDateString, isUuidString } from './cursor.ts';
import { HttpError } from './problem.ts';

const isKey = (v: unknown): v is [string, string] => Array.isArray(v) && v.length === 2 && isDateString(v[0]) && isUuidString(v[1]);

describe('cursors', () => {
  it('round-trips a value', () => {
    const key: [string, string] = ['2026-11-23T07:00:00.000Z', '01a2073a-7551-73d0-b4f4-ad504117c12b'];
    expect(decodeCursor(encodeCursor(key), isKey)).toEqual(key);
  });

  it('refuses tampered, foreign or malformed cursors with a 400 naming the parameter', () => {
    for (const bad of ['not-base64!', encodeCursor(['yesterday', 'x']), encodeCursor({ t: 1 }), Buffer.from('{').toString('base64url')]) {
      try {
        decodeCursor(bad, isKey);
        expect.unreachable();
      } catch (e) {
        expect(e).toBeInstanceOf(HttpError);
        expect((e as HttpError).status).toBe(400);
        expect(JSON.stringify(e)).toBeTruthy();
      }
    }
  });
});
