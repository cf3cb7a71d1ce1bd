/** Operators in the words a marketer would use, and the kind of value each one needs. */

export type ValueShape =
  | 'none'
  | 'text'
  | 'textList'
  | 'options'
  | 'number'
  | 'numberPair'
  | 'money'
  | 'moneyPair'
  | 'percent'
  | 'date'
  | 'datePair'
  | 'duration';

const NO_VALUE = new Set(['exists', 'notExists', 'isTrue', 'isFalse', 'isEmpty', 'isNotEmpty']);

/** What a field condition with this type and operator takes as its value. */
export function valueShape(type: string, op: string, hasOptions: boolean): ValueShape {
  if (NO_VALUE.has(op)) return 'none';
  if (op === 'topPercent' || op === 'bottomPercent') return 'percent';
  if (op === 'in' || op === 'notIn' || op === 'hasAny' || op === 'hasAll' || op === 'hasNone') return hasOptions ? 'options' : 'textList';
  if (op === 'inLast' || op === 'notInLast' || op === 'inNext') return 'duration';
  const dateLike = type === 'date' || type === 'timestamp';
  if (op === 'between') return dateLike ? 'datePair' : type === 'money' ? 'moneyPair' : 'numberPair';
  if (dateLike) return 'date';
  if (type === 'money') return 'money';
  if (type === 'number') return 'number';
  return 'text';
}

const TEXT: Record<string, string> = {
  is: 'is', isNot: 'is not', contains: 'contains', notContains: 'does not contain', startsWith: 'starts with', endsWith: 'ends with',
  in: 'is any of', notIn: 'is none of', exists: 'is set', notExists: 'is not set',
};
const NUMBER: Record<string, string> = {
  eq: 'equals', neq: 'does not equal', gt: 'is more than', gte: 'is at least', lt: 'is less than', lte: 'is at most', between: 'is between',
  exists: 'is set', notExists: 'is not set', topPercent: 'is in the top %', bottomPercent: 'is in the bottom %',
};
const BOOLEAN: Record<string, string> = { isTrue: 'is yes', isFalse: 'is no', exists: 'is set', notExists: 'is not set' };
const DATE: Record<string, string> = {
  inLast: 'is in the last', notInLast: 'is more than … ago', inNext: 'is in the next', before: 'is before', after: 'is after', on: 'is on', between: 'is between',
  exists: 'is set', notExists: 'is not set',
};
const LIST: Record<string, string> = { hasAny: 'includes any of', hasAll: 'includes all of', hasNone: 'includes none of', isEmpty: 'is empty', isNotEmpty: 'is not empty' };

const BY_TYPE: Record<string, Record<string, string>> = { text: TEXT, number: NUMBER, money: NUMBER, boolean: BOOLEAN, date: DATE, timestamp: DATE, list: LIST };
/** Dates read best starting from the relative operators; the rest keep the server's order. */
const DATE_ORDER = ['inLast', 'notInLast', 'inNext', 'before', 'after', 'on', 'between', 'exists', 'notExists'];

/** The operator choices of a field, labelled and ordered. */
export function fieldOps(type: string, ops: string[], recurring: boolean): { value: string; label: string }[] {
  const labels = BY_TYPE[type] ?? TEXT;
  let list = type === 'date' || type === 'timestamp' ? DATE_ORDER.filter((o) => ops.includes(o)) : ops;
  // "In the next 7 days" only means something for dates that come round again (birthdays) or lie ahead.
  if (!recurring && type === 'timestamp') list = list.filter((o) => o !== 'inNext');
  return list.map((o) => ({ value: o, label: labels[o] ?? o }));
}

/** Dates of activities ("the last Order Completed is in the last 30 days"). */
export const ACTIVITY_TIME_OPS = fieldOps('timestamp', DATE_ORDER, false);

export const COUNT_CHOICES = [
  { value: 'atLeast', label: 'at least' },
  { value: 'atMost', label: 'at most' },
  { value: 'exactly', label: 'exactly' },
  { value: 'never', label: 'zero times' },
];

export const WINDOW_CHOICES = [
  { value: 'ever', label: 'over all time' },
  { value: 'inLast', label: 'in the last' },
  { value: 'between', label: 'between dates' },
];

export const UNIT_CHOICES = [
  { value: 'minutes', label: 'minutes' },
  { value: 'hours', label: 'hours' },
  { value: 'days', label: 'days' },
  { value: 'weeks', label: 'weeks' },
  { value: 'months', label: 'months' },
];

export const PROPERTY_OP_CHOICES = [
  { value: 'eq', label: 'is' },
  { value: 'neq', label: 'is not' },
  { value: 'contains', label: 'contains' },
  { value: 'gt', label: 'is more than' },
  { value: 'gte', label: 'is at least' },
  { value: 'lt', label: 'is less than' },
  { value: 'lte', label: 'is at most' },
  { value: 'exists', label: 'is set' },
  { value: 'notExists', label: 'is not set' },
];

export const SCORE_OPS = [
  { value: 'gte', label: 'is at least' },
  { value: 'lte', label: 'is at most' },
  { value: 'eq', label: 'equals' },
  { value: 'neq', label: 'does not equal' },
  { value: 'gt', label: 'is more than' },
  { value: 'lt', label: 'is less than' },
  { value: 'between', label: 'is between' },
];

export const CONSENT_STATUS_CHOICES = [
  { value: 'subscribed', label: 'Subscribed' },
  { value: 'unsubscribed', label: 'Unsubscribed' },
  { value: 'pending', label: 'Pending confirmation' },
  { value: 'none', label: 'Never subscribed' },
];

export const MATCH_CHOICES = [
  { value: 'all', label: 'all' },
  { value: 'any', label: 'any' },
  { value: 'none', label: 'none' },
];
