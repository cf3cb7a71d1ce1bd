import { CALL_TYPES, type CallType, type Message, type Rejection } from './tracking.schemas.ts';

/** Segment's per-call limit; a batch may be larger, each of its calls may not. */
export const MAX_CALL_BYTES = 32 * 1024;
/** Timestamps later than receivedAt by more than this are clamped to receivedAt. */
export const FUTURE_TOLERANCE_MS = 60_000;
const MAX_ID = 320;
const MAX_EVENT_NAME = 255;

/** What clients send nearly always (JavaScript's toISOString): read natively, the lenient parser being the fallback. */
const ISO_CANONICAL = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?Z$/;
const ISO_LENIENT = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:[.,](\d{1,9}))?)?)?\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;

/**
 * Parses a Segment timestamp leniently: ISO 8601 with unpadded fields ("2015-2-02T00:30:08.276Z",
 * seen in Segment's own docs), a missing zone (UTC), epoch milliseconds or seconds. Undefined when
 * it is not a time.
 */
export function parseTimestamp(v: unknown): Date | undefined {
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? undefined : v;
  if (typeof v === 'number') {
    if (!Number.isFinite(v) || v <= 0) return undefined;
    return new Date(v < 1e11 ? v * 1000 : v);
  }
  if (typeof v !== 'string') return undefined;
  if (ISO_CANONICAL.test(v)) {
    const t = Date.parse(v);
    // Date.parse rolls 2015-02-31 over into March (and 24:00 into the next day): those take the long way.
    if (!Number.isNaN(t)) {
      const date = new Date(t);
      if (date.getUTCDate() === Number(v.slice(8, 10))) return date;
    }
  }
  const s = v.trim();
  const m = ISO_LENIENT.exec(s);
  if (m) {
    const [, y, mo, d, h, mi, sec, frac, zone] = m;
    const month = Number(mo), day = Number(d), hour = Number(h ?? 0), min = Number(mi ?? 0), second = Number(sec ?? 0);
    if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 24 || min > 59 || second > 60) return undefined;
    const ms = frac ? Math.round(Number(`0.${frac}`) * 1000) : 0;
    let t = Date.UTC(Number(y), month - 1, day, hour, min, second, ms);
    if (zone && zone !== 'Z' && zone !== 'z') {
      const zm = /^([+-])(\d{2}):?(\d{2})?$/.exec(zone)!;
      const offset = (Number(zm[2]) * 60 + Number(zm[3] ?? 0)) * (zm[1] === '-' ? -1 : 1);
      t -= offset * 60_000;
    }
    const date = new Date(t);
    // Date.UTC rolls 2015-02-31 over into March: refuse it rather than guess.
    if (date.getUTCDate() !== day && hour < 24) return undefined;
    return date;
  }
  if (/^\d{9,13}$/.test(s)) return parseTimestamp(Number(s));
  const t = Date.parse(s);
  return Number.isNaN(t) ? undefined : new Date(t);
}

export interface TimeInput {
  timestamp?: unknown;
  originalTimestamp?: unknown;
  sentAt?: unknown;
  receivedAt: Date;
}

/**
 * When the event happened, as Segment computes it: the device's time corrected by the device's
 * clock skew, timestamp + (receivedAt − sentAt) when sentAt is known. Unparseable → receivedAt
 * (noted); later than receivedAt beyond a small tolerance → clamped (noted).
 */
export function eventTime(t: TimeInput): { at: Date; original?: Date; notes: Record<string, unknown> } {
  const notes: Record<string, unknown> = {};
  const raw = t.originalTimestamp ?? t.timestamp;
  const original = raw === undefined || raw === null || raw === '' ? undefined : parseTimestamp(raw);
  if (raw !== undefined && raw !== null && raw !== '' && !original) notes.timestampInvalid = String(raw).slice(0, 100);
  if (!original || original.getTime() < Date.UTC(1970, 0, 2)) {
    if (original) notes.timestampInvalid = String(raw).slice(0, 100);
    return { at: t.receivedAt, notes };
  }
  const sentAt = t.sentAt === undefined || t.sentAt === null ? undefined : parseTimestamp(t.sentAt);
  let at = sentAt ? new Date(original.getTime() + (t.receivedAt.getTime() - sentAt.getTime())) : original;
  if (at.getTime() > t.receivedAt.getTime() + FUTURE_TOLERANCE_MS) {
    notes.timestampClamped = at.toISOString();
    at = t.receivedAt;
  }
  return { at, original, notes };
}

export interface NormaliseOptions {
  /** JSON pointer of this call in the request: `/body` or `/body/batch/3`. */
  pointer: string;
  index: number;
  /** The endpoint's type (/v1/track …); batch calls carry their own. */
  type?: CallType;
  batchContext?: Record<string, unknown>;
  batchSentAt?: unknown;
  receivedAt: Date;
  /** The caller's address, for context.ip when the call has none. */
  ip: string;
  /** Measure the call's size (only needed when the whole request could hold an oversized call). */
  checkSize: boolean;
}

/**
 * An upper bound of the UTF-8 bytes of `JSON.stringify(v)` (a UTF-16 unit is at most 6 bytes, as a
 * \u escape), stopping once past `budget`. About a seventh of the cost of stringifying the value.
 */
function jsonBytesBound(v: unknown, budget: number): number {
  if (typeof v === 'string') return v.length * 6 + 2;
  if (typeof v !== 'object' || v === null) return 24;
  let n = 2;
  if (Array.isArray(v)) {
    for (const x of v) {
      n += jsonBytesBound(x, budget - n) + 1;
      if (n > budget) return n;
    }
    return n;
  }
  for (const k of Object.keys(v)) {
    n += k.length * 6 + 4 + jsonBytesBound((v as Record<string, unknown>)[k], budget - n);
    if (n > budget) return n;
  }
  return n;
}

/** Whether a call's JSON is over `limit` bytes: the cheap bound first, the exact size only when the bound is over. */
export function jsonLargerThan(v: unknown, limit: number): boolean {
  return jsonBytesBound(v, limit) > limit && Buffer.byteLength(JSON.stringify(v)) > limit;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function idOf(v: unknown): string | undefined | false {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v !== 'string') return false;
  const s = v.trim();
  if (s.length > MAX_ID) return false;
  return s || undefined;
}

/** Validates one Segment call and brings it to Patron's shape, or says precisely what is wrong. */
export function normaliseCall(raw: unknown, o: NormaliseOptions): Message | Rejection {
  const reject = (field: string, detail: string, messageId?: string): Rejection => ({ index: o.index, messageId, pointer: field ? `${o.pointer}/${field}` : o.pointer, detail });
  if (!isObject(raw)) return reject('', 'must be a JSON object (a Segment call)');
  const messageId = idOf(raw.messageId);
  if (messageId === false) return reject('messageId', `must be a string of at most ${MAX_ID} characters`);
  if (o.checkSize) {
    let large: boolean;
    try {
      large = jsonLargerThan(raw, MAX_CALL_BYTES);
    } catch {
      // JSON.parse reads any depth; measuring (and storing) it recurses, and a call nested thousands deep runs out of stack.
      return reject('', 'is nested too deeply to be stored', messageId);
    }
    if (large) return reject('', 'is larger than 32 KB, the limit for one call', messageId);
  }

  let type: CallType;
  if (o.type) type = o.type;
  else {
    if (typeof raw.type !== 'string') return reject('type', `is required: one of ${CALL_TYPES.join(', ')}`, messageId);
    const t = raw.type.trim().toLowerCase();
    if (!(CALL_TYPES as readonly string[]).includes(t)) return reject('type', `"${raw.type.slice(0, 50)}" is not a call type: use one of ${CALL_TYPES.join(', ')}`, messageId);
    type = t as CallType;
  }

  const ids: Record<'userId' | 'anonymousId' | 'previousId' | 'groupId', string | undefined> = { userId: undefined, anonymousId: undefined, previousId: undefined, groupId: undefined };
  for (const f of ['userId', 'anonymousId', 'previousId', 'groupId'] as const) {
    const v = idOf(raw[f]);
    if (v === false) return reject(f, `must be a string (or number) of at most ${MAX_ID} characters`, messageId);
    ids[f] = v;
  }
  if (type === 'alias') {
    if (!ids.userId) return reject('userId', 'is required: the new id the previous one becomes', messageId);
    if (!ids.previousId) return reject('previousId', 'is required: the id (usually the anonymousId) that is now userId', messageId);
  } else if (!ids.userId && !ids.anonymousId) {
    return reject('userId', 'userId or anonymousId is required: every call must say who it is about', messageId);
  }
  if (type === 'group' && !ids.groupId) return reject('groupId', 'is required for a group call', messageId);

  for (const f of ['properties', 'traits', 'context'] as const) {
    if (raw[f] !== undefined && raw[f] !== null && !isObject(raw[f])) return reject(f, 'must be an object', messageId);
  }
  const properties = (raw.properties as Record<string, unknown> | undefined) ?? {};
  const traits = (raw.traits as Record<string, unknown> | undefined) ?? {};

  let event: string | undefined;
  if (type === 'track') {
    if (typeof raw.event !== 'string' || !raw.event.trim()) return reject('event', 'is required: the name of the event, e.g. "Order Completed"', messageId);
    event = raw.event.trim();
    if (event.length > MAX_EVENT_NAME) return reject('event', `must be at most ${MAX_EVENT_NAME} characters`, messageId);
  }
  let name: string | undefined;
  let category: string | undefined;
  if (type === 'page' || type === 'screen') {
    for (const f of ['name', 'category'] as const) {
      const v = raw[f];
      if (v !== undefined && v !== null && typeof v !== 'string') return reject(f, 'must be a string', messageId);
    }
    name = typeof raw.name === 'string' && raw.name.trim() ? raw.name.trim().slice(0, 500) : undefined;
    category = typeof raw.category === 'string' && raw.category.trim() ? raw.category.trim().slice(0, 500) : undefined;
  }

  const time = eventTime({ timestamp: raw.timestamp, originalTimestamp: raw.originalTimestamp, sentAt: raw.sentAt ?? o.batchSentAt, receivedAt: o.receivedAt });
  const context: Record<string, unknown> = { ...(o.batchContext ?? {}), ...((raw.context as Record<string, unknown> | undefined) ?? {}) };
  if (typeof context.ip !== 'string' || !context.ip) context.ip = o.ip;
  const session = context.sessionId ?? context.session_id ?? properties.session_id;
  if ((typeof session === 'string' && session) || (typeof session === 'number' && Number.isFinite(session))) context.sessionId = String(session).slice(0, 200);
  if (time.original) context.originalTimestamp = time.original.toISOString();
  Object.assign(context, time.notes);

  return {
    index: o.index, type, messageId, ...ids, event, name, category, properties, traits, context, occurredAt: time.at,
  };
}

export const isRejection = (x: Message | Rejection): x is Rejection => 'detail' in x;
