import { majorToMinor, minorToMajorString } from '../../lib/money.ts';

export const SORTS = [
  { value: 'created_desc', label: 'Newest first' },
  { value: 'last_order_desc', label: 'Last order' },
  { value: 'total_spent_desc', label: 'Total spent' },
  { value: 'order_count_desc', label: 'Most orders' },
  { value: 'name_asc', label: 'Name (A–Z)' },
] as const;
export type CustomerSort = (typeof SORTS)[number]['value'];

export const EMAIL_CONSENT_OPTIONS = [
  { value: 'subscribed', label: 'Subscribed' },
  { value: 'not_subscribed', label: 'Not subscribed' },
  { value: 'unsubscribed', label: 'Unsubscribed (opted out)' },
  { value: 'pending', label: 'Pending confirmation' },
] as const;
export type EmailConsentFilter = (typeof EMAIL_CONSENT_OPTIONS)[number]['value'];

/**
 * The customer list's filters as they live in the address bar (so that Back from a profile, a reload
 * or a shared link shows the same list): amounts in major units as typed, dates as local days.
 */
export interface ListSearch {
  q?: string;
  tags?: string[];
  country?: string;
  minOrders?: number;
  maxOrders?: number;
  minSpent?: string;
  maxSpent?: string;
  /** YYYY-MM-DD, local days, both inclusive. */
  from?: string;
  to?: string;
  /** Email marketing consent. */
  emailConsent?: EmailConsentFilter;
  sort?: CustomerSort;
  view?: string;
}

/** The filters as GET /api/customers takes them: minor units, ISO instants. */
export interface ApiFilters {
  q?: string;
  tag?: string[];
  country?: string;
  minOrders?: number;
  maxOrders?: number;
  minSpent?: number;
  maxSpent?: number;
  lastOrderFrom?: string;
  lastOrderTo?: string;
  emailConsent?: EmailConsentFilter;
  sort?: CustomerSort;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v : undefined);
const num = (v: unknown): number | undefined => {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  return Number.isInteger(n) && n >= 0 ? n : undefined;
};
const day = (v: unknown): string | undefined => (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v) ? v : undefined);
const amount = (v: unknown): string | undefined => (typeof v === 'string' || typeof v === 'number') && /^\d+(\.\d+)?$/.test(String(v)) ? String(v) : undefined;

/** Router validateSearch: keeps what is well-formed, drops the rest. */
export function parseListSearch(s: Record<string, unknown>): ListSearch {
  const tags = Array.isArray(s.tags) ? s.tags.filter((t): t is string => typeof t === 'string' && t !== '') : typeof s.tags === 'string' && s.tags ? [s.tags] : [];
  const sort = SORTS.find((o) => o.value === s.sort)?.value;
  const country = str(s.country)?.toUpperCase();
  const emailConsent = EMAIL_CONSENT_OPTIONS.find((o) => o.value === s.emailConsent)?.value;
  return {
    q: str(s.q),
    tags: tags.length ? tags : undefined,
    country: country && /^[A-Z]{2}$/.test(country) ? country : undefined,
    minOrders: num(s.minOrders),
    maxOrders: num(s.maxOrders),
    minSpent: amount(s.minSpent),
    maxSpent: amount(s.maxSpent),
    from: day(s.from),
    to: day(s.to),
    emailConsent,
    sort: sort === 'created_desc' ? undefined : sort,
    view: str(s.view),
  };
}

/** "2025-03-01" (a local day) → the ISO instant it starts at; `plusDay` gives the start of the next day. */
export function dayStart(value: string, plusDay = false): string | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return undefined;
  const d = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + (plusDay ? 1 : 0));
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

/** An ISO instant → the local day it falls on ("YYYY-MM-DD"); `minusDay` for exclusive ends. */
function localDay(iso: string, minusDay = false): string | undefined {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return undefined;
  if (minusDay) d.setDate(d.getDate() - 1);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

export interface FilterProblems {
  orders?: string;
  spent?: string;
  dates?: string;
}

/** Ranges that cannot match anything: said under the inputs, and left out of the query. */
export function filterProblems(s: ListSearch, currency: string): FilterProblems {
  const out: FilterProblems = {};
  if (s.minOrders !== undefined && s.maxOrders !== undefined && s.minOrders > s.maxOrders) out.orders = 'The minimum is above the maximum';
  const lo = s.minSpent ? majorToMinor(s.minSpent, currency) : undefined;
  const hi = s.maxSpent ? majorToMinor(s.maxSpent, currency) : undefined;
  if ((s.minSpent && lo === undefined) || (s.maxSpent && hi === undefined)) out.spent = `Amounts in ${currency} with at most the currency’s decimals`;
  else if (lo !== undefined && hi !== undefined && lo > hi) out.spent = 'The minimum is above the maximum';
  if (s.from && s.to && s.from > s.to) out.dates = '“From” must be on or before “To”';
  return out;
}

export function toApiFilters(s: ListSearch, currency: string): ApiFilters {
  const bad = filterProblems(s, currency);
  return {
    q: s.q?.trim() || undefined,
    tag: s.tags?.length ? s.tags : undefined,
    country: s.country,
    minOrders: bad.orders ? undefined : s.minOrders,
    maxOrders: bad.orders ? undefined : s.maxOrders,
    minSpent: bad.spent || !s.minSpent ? undefined : majorToMinor(s.minSpent, currency),
    maxSpent: bad.spent || !s.maxSpent ? undefined : majorToMinor(s.maxSpent, currency),
    lastOrderFrom: bad.dates || !s.from ? undefined : dayStart(s.from),
    lastOrderTo: bad.dates || !s.to ? undefined : dayStart(s.to, true),
    emailConsent: s.emailConsent,
    sort: s.sort,
  };
}

/** Saved views store the API form (so they mean the same to API users), without empty keys. */
export function toViewFilters(f: ApiFilters): Record<string, unknown> {
  return Object.fromEntries(Object.entries(f).filter(([, v]) => v !== undefined && !(Array.isArray(v) && v.length === 0)));
}

/** A saved view's filters → the address-bar form. */
export function fromViewFilters(f: Record<string, unknown>, currency: string): ListSearch {
  const money = (v: unknown) => (typeof v === 'number' && Number.isInteger(v) ? minorToMajorString(v, currency) : undefined);
  const tags = Array.isArray(f.tag) ? f.tag.filter((t): t is string => typeof t === 'string') : typeof f.tag === 'string' ? [f.tag] : undefined;
  return parseListSearch({
    q: f.q,
    tags,
    country: f.country,
    minOrders: f.minOrders,
    maxOrders: f.maxOrders,
    minSpent: money(f.minSpent),
    maxSpent: money(f.maxSpent),
    from: typeof f.lastOrderFrom === 'string' ? localDay(f.lastOrderFrom) : undefined,
    to: typeof f.lastOrderTo === 'string' ? localDay(f.lastOrderTo, true) : undefined,
    emailConsent: f.emailConsent,
    sort: f.sort,
  });
}

/** How many filters (not the search or the sort) are set. */
export function activeFilterCount(s: ListSearch): number {
  return [s.tags?.length, s.country, s.minOrders !== undefined || s.maxOrders !== undefined, s.minSpent || s.maxSpent, s.from || s.to, s.emailConsent].filter(Boolean).length;
}

/** The filters of two searches are the same (a view is "current" while nothing changed). */
export function sameFilters(a: ListSearch, b: ListSearch): boolean {
  const norm = (s: ListSearch) => JSON.stringify({ ...s, view: undefined, tags: s.tags ? [...s.tags].sort() : undefined, q: s.q?.trim() || undefined });
  return norm(a) === norm(b);
}

// The customer list's last filters, so "← Customers" on a profile returns to the same list.
let last: ListSearch = {};
export function rememberListSearch(s: ListSearch): void {
  last = s;
}
export function lastListSearch(): ListSearch {
  return last;
}
