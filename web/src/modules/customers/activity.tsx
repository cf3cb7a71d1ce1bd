import {
  IconBolt, IconBuildingCommunity, IconChartPie, IconLink, IconCircleX, IconCreditCard, IconDeviceMobile, IconEye, IconFingerprint, IconGitMerge, IconList, IconNote, IconReceipt,
  IconReceiptRefund, IconSearch, IconShieldCheck, IconShoppingBag, IconShoppingCart, IconShoppingCartMinus, IconShoppingCartPlus, IconTicket,
  IconUserEdit, IconUserPlus, IconWorld,
} from '@tabler/icons-react';
import type { Icon } from '@tabler/icons-react';
import { plural } from '../../lib/format.ts';
import { formatMoney, majorToMinor } from '../../lib/money.ts';
import type { Activity } from './api.ts';

/** How an activity type looks on the timeline: an icon, a colour and a short label for filter chips. */
export interface ActivityKind {
  icon: Icon;
  color: string;
  label: string;
}

const KINDS: Record<string, ActivityKind> = {
  'Order Completed': { icon: IconShoppingBag, color: 'teal', label: 'Orders' },
  'Order Updated': { icon: IconReceipt, color: 'blue', label: 'Order updates' },
  'Order Refunded': { icon: IconReceiptRefund, color: 'orange', label: 'Refunds' },
  'Order Cancelled': { icon: IconCircleX, color: 'red', label: 'Cancellations' },
  'Checkout Started': { icon: IconCreditCard, color: 'grape', label: 'Checkouts' },
  'Checkout Step Completed': { icon: IconCreditCard, color: 'grape', label: 'Checkout steps' },
  'Payment Info Entered': { icon: IconCreditCard, color: 'grape', label: 'Payment info' },
  'Cart Viewed': { icon: IconShoppingCart, color: 'violet', label: 'Cart views' },
  'Product Added': { icon: IconShoppingCartPlus, color: 'violet', label: 'Added to cart' },
  'Product Removed': { icon: IconShoppingCartMinus, color: 'violet', label: 'Removed from cart' },
  'Product Viewed': { icon: IconEye, color: 'cyan', label: 'Product views' },
  'Product List Viewed': { icon: IconList, color: 'cyan', label: 'List views' },
  'Products Searched': { icon: IconSearch, color: 'cyan', label: 'Searches' },
  'Page Viewed': { icon: IconWorld, color: 'gray', label: 'Page views' },
  'Screen Viewed': { icon: IconDeviceMobile, color: 'gray', label: 'Screen views' },
  'Coupon Applied': { icon: IconTicket, color: 'pink', label: 'Coupons' },
  Identified: { icon: IconFingerprint, color: 'indigo', label: 'Identified' },
  Group: { icon: IconBuildingCommunity, color: 'indigo', label: 'Groups' },
  Aliased: { icon: IconLink, color: 'indigo', label: 'Aliases' },
  'Customer Created': { icon: IconUserPlus, color: 'indigo', label: 'Created' },
  'Profile Updated': { icon: IconUserEdit, color: 'indigo', label: 'Profile changes' },
  'Note Added': { icon: IconNote, color: 'yellow', label: 'Notes' },
  'Profiles Merged': { icon: IconGitMerge, color: 'indigo', label: 'Merges' },
  'Consent Changed': { icon: IconShieldCheck, color: 'lime', label: 'Consent' },
  'Segment Entered': { icon: IconChartPie, color: 'blue', label: 'Segments entered' },
  'Segment Exited': { icon: IconChartPie, color: 'gray', label: 'Segments left' },
};

/** The activity types Patron itself names (for pickers); custom events may have any name. */
export const KNOWN_ACTIVITY_TYPES = Object.keys(KINDS);

export function activityKind(type: string): ActivityKind {
  return KINDS[type] ?? { icon: IconBolt, color: 'gray', label: type };
}

const FIELD_LABELS: Record<string, string> = {
  firstName: 'first name', lastName: 'last name', email: 'email', phone: 'phone', birthday: 'birthday', locale: 'language', timeZone: 'time zone',
  country: 'country', tags: 'tags', attributes: 'attributes', addresses: 'addresses',
  first_name: 'first name', last_name: 'last name', time_zone: 'time zone',
};

const s = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v : typeof v === 'number' ? String(v) : undefined);
const n = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : undefined);

/** An amount from an activity: the exact `<key>_minor` when the producer sent it, else the Segment-style major amount. */
function amount(p: Record<string, unknown>, key: string): string | undefined {
  const currency = s(p.currency);
  if (!currency) return undefined;
  const minor = n(p[`${key}_minor`]);
  if (minor !== undefined) return formatMoney(minor, currency);
  const major = n(p[key]);
  if (major === undefined) return undefined;
  const m = majorToMinor(major.toFixed(4).replace(/0+$/, '').replace(/\.$/, ''), currency);
  return m === undefined ? `${major} ${currency}` : formatMoney(m, currency);
}

function products(p: Record<string, unknown>): { name?: string; quantity: number }[] {
  const list = Array.isArray(p.products) ? p.products : [];
  return list.filter((x): x is Record<string, unknown> => typeof x === 'object' && x !== null).map((x) => ({ name: s(x.name) ?? s(x.title) ?? s(x.sku), quantity: n(x.quantity) ?? 1 }));
}

function items(p: Record<string, unknown>): string | undefined {
  const list = products(p);
  if (!list.length) return undefined;
  return plural(list.reduce((t, x) => t + x.quantity, 0), 'item');
}

const join = (...parts: (string | undefined | false)[]) => parts.filter(Boolean).join(' · ');

function orderRef(p: Record<string, unknown>): string {
  const num = s(p.number) ?? s(p.order_id);
  return num ? `Order #${num.replace(/^#/, '')}` : 'Order';
}

function pagePath(p: Record<string, unknown>): string | undefined {
  const path = s(p.path);
  if (path) return path;
  const url = s(p.url);
  if (!url) return s(p.name) ?? s(p.title);
  try {
    const u = new URL(url);
    return u.pathname + u.search;
  } catch {
    return url;
  }
}

/** One line saying what happened, e.g. "Order #536365 · £139.12 · 12 items" or "Viewed /products/mug". */
export function activitySummary(a: Activity): string {
  const p = a.properties;
  switch (a.type) {
    case 'Order Completed':
      return join(orderRef(p), amount(p, 'total'), items(p));
    case 'Order Updated':
      return join(`${orderRef(p)} updated`, s(p.financial_status)?.replace(/_/g, ' '), s(p.fulfillment_status)?.replace(/_/g, ' '));
    case 'Order Cancelled':
      return join(`${orderRef(p)} cancelled`, amount(p, 'total'));
    case 'Order Refunded': {
      const what = p.kind === 'cancellation' ? 'Cancellation' : 'Refund';
      const total = amount(p, 'total');
      return join(`${what}${total ? ` of ${total}` : ''}${s(p.order_id) ? ` on order #${s(p.order_id)}` : ''}`, s(p.reason), items(p));
    }
    case 'Checkout Started':
      return join('Started checkout', amount(p, 'value') ?? amount(p, 'total'), items(p));
    case 'Checkout Step Completed':
      return `Completed checkout step ${s(p.step) ?? ''}`.trim();
    case 'Payment Info Entered':
      return join('Entered payment details', s(p.payment_method));
    case 'Cart Viewed':
      return join('Viewed cart', items(p));
    case 'Product Added':
    case 'Product Removed': {
      const q = n(p.quantity);
      const name = s(p.name) ?? s(p.sku) ?? 'a product';
      const verb = a.type === 'Product Added' ? 'Added' : 'Removed';
      return join(`${verb} ${q && q > 1 ? `${q} × ` : ''}${name} ${a.type === 'Product Added' ? 'to' : 'from'} cart`, amount(p, 'price'));
    }
    case 'Product Viewed':
      return join(`Viewed ${s(p.name) ?? s(p.sku) ?? 'a product'}`, amount(p, 'price'));
    case 'Product List Viewed':
      return `Viewed the ${s(p.category) ?? s(p.list_id) ?? 'product'} list`;
    case 'Products Searched':
      return s(p.query) ? `Searched for “${s(p.query)}”` : 'Searched the store';
    case 'Page Viewed':
      return `Viewed ${pagePath(p) ?? 'a page'}`;
    case 'Screen Viewed':
      return `Viewed screen ${s(p.name) ?? ''}`.trim();
    case 'Coupon Applied':
      return `Applied coupon ${s(p.coupon_name) ?? s(p.coupon_id) ?? ''}`.trim();
    case 'Identified': {
      const traits = typeof p.traits === 'object' && p.traits !== null ? (p.traits as Record<string, unknown>) : {};
      const who = s(traits.email) ?? s(p.email) ?? s(p.userId) ?? s(p.user_id);
      return who ? `Identified as ${who}` : 'Identified';
    }
    case 'Group': {
      const traits = typeof p.traits === 'object' && p.traits !== null ? (p.traits as Record<string, unknown>) : {};
      return `Joined ${s(traits.name) ?? s(p.groupId) ?? 'a group'}`;
    }
    case 'Aliased':
      return s(p.previousId) && s(p.userId) ? `Linked ${s(p.previousId)} to ${s(p.userId)}` : 'Linked another id';
    case 'Customer Created': {
      const ids = Array.isArray(p.identities) ? p.identities.map((i) => (typeof i === 'object' && i && 'kind' in i ? String((i as { kind: unknown }).kind).replace('_', ' ') : '')).filter(Boolean) : [];
      return join(`Profile created from ${a.source}`, ids.length ? `by ${[...new Set(ids)].join(', ')}` : undefined);
    }
    case 'Profile Updated': {
      const changed = Array.isArray(p.changed) ? p.changed.map((f) => FIELD_LABELS[String(f)] ?? String(f)) : [];
      return join(changed.length ? `Updated ${changed.join(', ')}` : 'Updated the profile', s(p.by) && `by ${s(p.by)}`);
    }
    case 'Note Added':
      return `Note by ${s(p.by) ?? 'a teammate'}: “${(s(p.excerpt) ?? '').slice(0, 140)}${(s(p.excerpt)?.length ?? 0) > 140 ? '…' : ''}”`;
    case 'Profiles Merged': {
      const moved = typeof p.moved === 'object' && p.moved ? movedSummary(p.moved as Record<string, unknown>) : '';
      return join(`Merged another profile into this one${s(p.reason) === 'manual' ? ' by hand' : s(p.reason) ? ` (${s(p.reason)})` : ''}`, moved || undefined);
    }
    case 'Consent Changed': {
      const channel = s(p.channel) === 'sms' ? 'SMS marketing' : s(p.channel) === 'email' ? 'Email marketing' : s(p.channel) === 'tracking' ? 'Website tracking' : undefined;
      const status = s(p.status)?.replace('_', ' ');
      const was = s(p.previousStatus)?.replace('_', ' ');
      if (channel && status) return join(`${channel}: ${status}${was ? ` (was ${was})` : ''}`, s(p.method) === 'merge' ? 'kept from a merged profile' : s(p.source) && `from ${s(p.source)}`);
      return join('Consent changed', s(p.category) ?? s(p.purpose), typeof p.granted === 'boolean' ? (p.granted ? 'granted' : 'withdrawn') : status);
    }
    case 'Segment Entered':
    case 'Segment Exited':
      return `${a.type === 'Segment Entered' ? 'Entered' : 'Left'} segment ${s(p.segment_name) ?? s(p.name) ?? ''}`.trim();
    default:
      return a.type;
  }
}

const MOVED_LABELS: Record<string, [string, string]> = {
  identities: ['identity', 'identities'],
  notes: ['note', 'notes'],
  activities: ['activity', 'activities'],
  orders: ['order', 'orders'],
  refunds: ['refund', 'refunds'],
  carts: ['cart', 'carts'],
  consentEvents: ['consent record', 'consent records'],
};

/** { orders: 3, identities: 2 } → "moved 3 orders, 2 identities". */
export function movedSummary(moved: Record<string, unknown>): string {
  const parts = Object.entries(moved)
    .filter(([, v]) => typeof v === 'number' && v > 0)
    .map(([k, v]) => {
      const [one, many] = MOVED_LABELS[k] ?? [k, k];
      return plural(v as number, one, many);
    });
  return parts.length ? `moved ${parts.join(', ')}` : '';
}

/** The internal order id an activity links to, if any. */
export function activityOrderId(a: Activity): string | undefined {
  return s(a.properties.patron_order_id);
}
