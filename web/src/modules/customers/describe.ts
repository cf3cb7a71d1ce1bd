import { countryName } from '../../lib/geo.ts';
import { shortDate } from '../../lib/format.ts';
import { formatMoney, majorToMinor } from '../../lib/money.ts';
import { EMAIL_CONSENT_OPTIONS, SORTS } from './filters.ts';
import type { ListSearch } from './filters.ts';

function range(lo: string | undefined, hi: string | undefined): string | undefined {
  if (lo && hi) return lo === hi ? lo : `${lo} – ${hi}`;
  if (lo) return `at least ${lo}`;
  if (hi) return `at most ${hi}`;
  return undefined;
}

const localDay = (d: string) => {
  const [y, m, dd] = d.split('-').map(Number);
  return shortDate(new Date(y ?? 1970, (m ?? 1) - 1, dd ?? 1));
};

/** The filters in words, one phrase each ("Tags: vip, wholesale"). */
export function describeFilters(s: ListSearch, currency: string): string[] {
  const out: string[] = [];
  if (s.q?.trim()) out.push(`Search “${s.q.trim()}”`);
  if (s.tags?.length) out.push(`${s.tags.length === 1 ? 'Tag' : 'All of the tags'}: ${s.tags.join(', ')}`);
  if (s.country) out.push(`Country: ${countryName(s.country)}`);
  const orders = range(s.minOrders?.toString(), s.maxOrders?.toString());
  if (orders) out.push(`Orders: ${orders}`);
  const money = (v: string | undefined) => {
    if (!v) return undefined;
    const m = majorToMinor(v, currency);
    return m === undefined ? v : formatMoney(m, currency);
  };
  const spent = range(money(s.minSpent), money(s.maxSpent));
  if (spent) out.push(`Total spent: ${spent}`);
  if (s.from || s.to) {
    out.push(`Last order: ${s.from && s.to ? `${localDay(s.from)} – ${localDay(s.to)}` : s.from ? `since ${localDay(s.from)}` : `until ${localDay(s.to ?? '')}`}`);
  }
  if (s.emailConsent) out.push(`Email marketing: ${EMAIL_CONSENT_OPTIONS.find((o) => o.value === s.emailConsent)?.label.toLowerCase() ?? s.emailConsent}`);
  if (s.sort) out.push(`Sorted by ${SORTS.find((o) => o.value === s.sort)?.label.toLowerCase() ?? s.sort}`);
  return out;
}
