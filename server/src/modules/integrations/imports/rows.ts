import { isCurrency, lineTotalMinor, MoneyError, toMinor } from '../../../platform/money.ts';
import type { Address } from '../../customers/customers.schemas.ts';
import type { ConsentSignalStatus } from '../../customers/index.ts';
import { countryCode } from './countries.ts';
import { FileFormatError, type RawRecord } from './csv.ts';
import { parseDate, type DateOptions } from './dates.ts';
import type { Field, ImportIssue, ImportKind } from './imports.schemas.ts';
import type { Settled } from './presets.ts';

/** A customer as one row describes them. */
export interface CustomerValue {
  externalId?: string;
  email?: string;
  phone?: string;
  firstName?: string;
  lastName?: string;
  country?: string;
  company?: string;
  address?: Address;
  tags?: string[];
  locale?: string;
  birthday?: string;
  /** Marketing consent as the file says it, with the text it was read from (kept as evidence). */
  emailConsent?: { status: ConsentSignalStatus; raw: string };
  smsConsent?: { status: ConsentSignalStatus; raw: string };
}

const CONSENT_WORDS: Record<string, ConsentSignalStatus> = {
  yes: 'subscribed', y: 'subscribed', true: 'subscribed', '1': 'subscribed', subscribed: 'subscribed', 'opted in': 'subscribed',
  // "No" in an export means no consent was given, not that the person opted out (docs/consent.md).
  no: 'not_subscribed', n: 'not_subscribed', false: 'not_subscribed', '0': 'not_subscribed', not_subscribed: 'not_subscribed', 'not subscribed': 'not_subscribed',
  unsubscribed: 'unsubscribed', 'opted out': 'unsubscribed', pending: 'pending',
};

/** A consent cell (Shopify writes yes/no); undefined when empty, null when not understood. */
export function consentCell(raw: string): ConsentSignalStatus | undefined | null {
  const t = raw.trim().toLowerCase();
  if (!t) return undefined;
  return CONSENT_WORDS[t] ?? null;
}

export interface LineValue { productExternalId?: string; sku?: string; title: string; quantity: number; unitPrice: number; total: number }

export interface OrderHeader {
  externalId?: string; number?: string; placedAt?: Date; subtotal?: number; discountTotal?: number; taxTotal?: number; shippingTotal?: number; total?: number;
  refundedAmount?: number; financialStatus?: string; fulfillmentStatus?: string; cancelledAt?: Date; discountCodes?: string[]; shippingAddress?: Address;
}

export type RowValue =
  | { kind: 'order'; group: string; line: number; cancellation: boolean; currency: string; customer?: CustomerValue; item?: LineValue; header: OrderHeader }
  | { kind: 'customer'; group: string; line: number; customer: CustomerValue }
  | { kind: 'product'; group: string; line: number; product: { externalId: string; title?: string; sku?: string; price?: number; currency?: string; vendor?: string; category?: string; status?: string; url?: string; imageUrl?: string } };

export type MapResult =
  | { ok: true; value: RowValue; warnings: ImportIssue[] }
  | { ok: false; group: string | undefined; issues: ImportIssue[] }
  | { ok: 'ignored' };

const REQUIRED: Record<ImportKind, (Field | Field[])[]> = {
  orders: ['orderId', 'placedAt', ['unitPrice', 'lineTotal', 'total']],
  customers: [['customerId', 'email', 'phone']],
  products: ['productId'],
};

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const QUANTITY = /^[+-]?\d+(?:\.0*)?$/;

/** Strips spreadsheet artefacts from an id: a leading ' or ="…", and ".0" on whole numbers (17850.0 → 17850). */
export function normalizeId(raw: string, stripLeadingZeros = false): string {
  let v = raw.trim().replace(/^'+/, '').replace(/^="(.*)"$/, '$1').trim();
  if (/^\d+\.0+$/.test(v)) v = v.replace(/\.0+$/, '');
  if (stripLeadingZeros && /^\d+$/.test(v)) v = v.replace(/^0+(?=\d)/, '');
  return v;
}

/** Decimal text of an amount as written (currency symbols, spaces, (negatives), decimal comma). */
export function decimalText(raw: string, decimalComma: boolean): string {
  let t = raw.trim().replace(/[\s\u00a0£$€¥]/g, '');
  if (/^\(.*\)$/.test(t)) t = '-' + t.slice(1, -1);
  if (decimalComma) t = t.replace(/\./g, '').replace(',', '.');
  return t;
}

/**
 * Turns records into typed values for one kind of import, following a settled mapping.
 * Stateful across a pass (an order's later rows inherit its currency and date), so each pass
 * over a file uses a new binder.
 */
export class RowBinder {
  readonly kind: ImportKind;
  private readonly s: Settled;
  private readonly idx = new Map<Field, number>();
  private readonly names: string[];
  private readonly width: number;
  private readonly dates: DateOptions;
  private readonly storeCurrency: string;
  private readonly groups = new Map<string, { currency: string; dated: boolean; who: string }>();
  private readonly occurrences = new Map<string, number>();
  private readonly unknownCountries = new Set<string>();

  constructor(kind: ImportKind, s: Settled, header: string[] | null, width: number, opts: { storeCurrency: string; dateOrder: 'dmy' | 'mdy' }) {
    this.kind = kind;
    this.s = s;
    this.width = header ? header.length : width;
    this.names = header ?? Array.from({ length: width }, (_, i) => `#${i + 1}`);
    this.dates = { order: opts.dateOrder, timeZone: s.timeZone };
    this.storeCurrency = opts.storeCurrency;
    const lower = this.names.map((h) => h.trim().toLowerCase());
    for (const [field, ref] of Object.entries(s.columns) as [Field, string | string[]][]) {
      for (const name of Array.isArray(ref) ? ref : [ref]) {
        const pos = /^#(\d+)$/.exec(name);
        const i = pos ? Number(pos[1]) - 1 : lower.indexOf(name.trim().toLowerCase());
        if (i >= 0 && i < this.width) {
          this.idx.set(field, i);
          break;
        }
      }
    }
    const missing = REQUIRED[kind]
      .filter((f) => !(Array.isArray(f) ? f.some((x) => this.has(x)) : this.has(f) || (f === 'orderId' && s.syntheticOrderId)))
      .map((f) => (Array.isArray(f) ? f : [f]).map((x) => describeRef(x, s.columns[x])).join(' or '));
    if (missing.length) {
      throw new FileFormatError(`Missing required column${missing.length > 1 ? 's' : ''}: ${missing.join('; ')}. The file's columns are: ${this.names.join(', ')}.`);
    }
  }

  private has(f: Field): boolean {
    return this.idx.has(f);
  }

  private get(fields: string[], f: Field): string {
    const i = this.idx.get(f);
    return i === undefined ? '' : (fields[i] ?? '').trim();
  }

  private col(f: Field): string {
    const i = this.idx.get(f);
    return i === undefined ? f : this.names[i]!;
  }

  map(rec: RawRecord): MapResult {
    const issues: ImportIssue[] = [];
    const warnings: ImportIssue[] = [];
    const bad = (column: string | null, message: string) => issues.push({ line: rec.line, severity: 'error', column, message });
    const f = rec.fields;
    if (rec.error) bad(null, rec.error);
    else if (f.length !== this.width) bad(null, `has ${f.length} field${f.length === 1 ? '' : 's'} where the header has ${this.width} (a missing or extra delimiter, or an unquoted "${this.s.delimiter === ';' ? ';' : ','}" in a value)`);
    let value: RowValue | undefined;
    let group: string | undefined;
    if (this.kind === 'orders') {
      const r = this.order(f, rec.line, bad, warnings);
      group = r.group;
      value = r.value;
      if (r.ignored && !issues.length) return { ok: 'ignored' };
    } else if (this.kind === 'customers') {
      const c = this.customer(f, rec.line, warnings);
      group = c.externalId ?? c.email ?? c.phone;
      if (!group) {
        if (this.s.ignoreRowsWithoutCustomer && !issues.length) return { ok: 'ignored' };
        bad(this.col('customerId'), 'has no customer id, email or phone: the customer could not be found again');
      } else value = { kind: 'customer', group, line: rec.line, customer: c };
    } else {
      value = this.product(f, rec.line, bad);
      group = value?.group;
    }
    if (issues.length || !value) return { ok: false, group, issues };
    return { ok: true, value, warnings };
  }

  private order(f: string[], line: number, bad: (c: string | null, m: string) => void, warnings: ImportIssue[]): { group?: string; value?: RowValue; ignored?: boolean } {
    const s = this.s;
    const customer = this.customer(f, line, warnings);
    const dateText = this.get(f, 'placedAt');
    let orderId = normalizeId(this.get(f, 'orderId'));
    if (s.syntheticOrderId) {
      const key = `${customer.externalId ?? customer.email ?? ''}-${dateText.replace(/\D/g, '')}`;
      const n = (this.occurrences.get(key) ?? 0) + 1;
      this.occurrences.set(key, n);
      orderId = customer.externalId || customer.email ? `${key}-${n}` : '';
    }
    if (!orderId) {
      bad(this.col('orderId'), s.syntheticOrderId ? 'has no customer id to make the order id from' : 'has no order id');
      return {};
    }
    const group = orderId;
    const known = this.groups.get(group);
    const cancellation = !!s.cancellationPrefix && orderId.startsWith(s.cancellationPrefix);

    let currency = this.get(f, 'currency').toUpperCase() || known?.currency || s.currency || this.storeCurrency;
    if (!isCurrency(currency)) {
      bad(this.col('currency'), `unknown currency "${currency}" (ISO 4217 codes such as GBP, EUR, USD)`);
      currency = this.storeCurrency;
    } else if (known && known.currency !== currency) bad(this.col('currency'), `currency ${currency} differs from ${known.currency} on this order's earlier rows`);

    const header: OrderHeader = {};
    if (dateText) {
      const d = parseDate(dateText, this.dates);
      if (typeof d === 'string') bad(this.col('placedAt'), `date ${d}`);
      else header.placedAt = d;
    } else if (!known?.dated) bad(this.col('placedAt'), 'has no order date');

    const who = customer.externalId ?? customer.email ?? '';
    if (who && known?.who && known.who !== who) bad(this.col(customer.externalId ? 'customerId' : 'email'), `customer "${who}" differs from "${known.who}" on this order's earlier rows`);
    if (!known) this.groups.set(group, { currency, dated: !!header.placedAt, who });
    else {
      if (header.placedAt) known.dated = true;
      if (!known.who && who) known.who = who;
    }

    const item = this.line(f, currency, cancellation, orderId, bad);
    const money = (field: Field): number | undefined => {
      const t = this.get(f, field);
      if (!t) return undefined;
      try {
        return toMinor(decimalText(t, s.decimalComma), currency);
      } catch (e) {
        bad(this.col(field), e instanceof MoneyError ? e.message : `"${t}" is not an amount`);
        return undefined;
      }
    };
    const text = (field: Field) => this.get(f, field) || undefined;
    header.externalId = text('externalId') ? normalizeId(this.get(f, 'externalId')) : undefined;
    header.number = text('orderNumber');
    header.subtotal = money('subtotal');
    header.discountTotal = money('discountTotal');
    header.taxTotal = money('taxTotal');
    header.shippingTotal = money('shippingTotal');
    header.total = money('total');
    header.refundedAmount = money('refundedAmount');
    header.financialStatus = text('financialStatus')?.toLowerCase();
    header.fulfillmentStatus = text('fulfillmentStatus')?.toLowerCase();
    const cancelled = this.get(f, 'cancelledAt');
    if (cancelled) {
      const d = parseDate(cancelled, this.dates);
      if (typeof d === 'string') bad(this.col('cancelledAt'), `date ${d}`);
      else header.cancelledAt = d;
    }
    const codes = this.get(f, 'discountCodes');
    if (codes) header.discountCodes = codes.split(',').map((c) => c.trim()).filter(Boolean);
    const address = this.address(f, ['shipName', 'shipAddress1', 'shipAddress2', 'shipCompany', 'shipCity', 'shipRegion', 'shipPostalCode', 'shipCountry', 'shipPhone']);
    if (address) header.shippingAddress = address;
    const hasCustomer = !!(customer.externalId || customer.email || customer.phone);
    return { group, value: { kind: 'order', group, line, cancellation, currency, customer: hasCustomer ? customer : undefined, item, header } };
  }

  private line(f: string[], currency: string, cancellation: boolean, orderId: string, bad: (c: string | null, m: string) => void): LineValue | undefined {
    const s = this.s;
    const title = this.get(f, 'title');
    const sku = this.get(f, 'sku');
    const productId = this.get(f, 'productId');
    const qtyText = this.get(f, 'quantity');
    const priceText = this.get(f, 'unitPrice');
    const totalText = this.get(f, 'lineTotal');
    if (!title && !sku && !productId && !qtyText && !priceText && !totalText && !s.lineTitle) return undefined;
    let quantity = 1;
    if (qtyText) {
      if (!QUANTITY.test(qtyText)) {
        bad(this.col('quantity'), `quantity "${qtyText}" is not a whole number`);
        return undefined;
      }
      quantity = Number.parseInt(qtyText, 10);
    } else if (this.has('quantity')) {
      bad(this.col('quantity'), 'has no quantity');
      return undefined;
    }
    if (cancellation && quantity > 0) bad(this.col('quantity'), `positive quantity ${quantity} in cancellation ${orderId}: cancellation lines give goods back (negative quantities)`);
    if (!cancellation && quantity < 0 && s.negativeQuantity === 'reject') {
      bad(this.col('quantity'), s.cancellationPrefix
        ? `negative quantity ${quantity} outside a cancellation (order ${orderId} does not start with "${s.cancellationPrefix}")`
        : `negative quantity ${quantity}: only cancellations may give goods back`);
    }
    let unitPrice = 0;
    let total = 0;
    try {
      if (priceText) {
        const p = decimalText(priceText, s.decimalComma);
        unitPrice = toMinor(p, currency);
        total = totalText ? toMinor(decimalText(totalText, s.decimalComma), currency) : lineTotalMinor(quantity, p, currency);
      } else if (totalText) {
        total = toMinor(decimalText(totalText, s.decimalComma), currency);
        // The unit price of a line given only by its total (CDNOW: dollars for n CDs), rounded to the minor unit.
        unitPrice = quantity ? Math.round(total / quantity) : total;
      } else if (!this.has('total')) {
        bad(this.col('unitPrice'), 'has no price');
      }
    } catch (e) {
      bad(this.col(priceText ? 'unitPrice' : 'lineTotal'), e instanceof MoneyError ? e.message : 'is not an amount');
    }
    return {
      productExternalId: productId ? normalizeId(productId) : undefined,
      sku: sku || undefined,
      title: s.lineTitle ?? (title || sku || productId || 'Item'),
      quantity, unitPrice, total,
    };
  }

  private customer(f: string[], line: number, warnings: ImportIssue[]): CustomerValue {
    const out: CustomerValue = {};
    const ext = normalizeId(this.get(f, 'customerId'), this.s.stripLeadingZeros);
    if (ext) out.externalId = ext;
    const email = this.get(f, 'email').toLowerCase();
    if (email) {
      if (EMAIL.test(email)) out.email = email;
      else warnings.push({ line, severity: 'warning', column: this.col('email'), message: `"${email}" is not an email address: ignored` });
    }
    const phone = this.get(f, 'phone').replace(/^'/, '');
    if (phone) out.phone = phone;
    let first = this.get(f, 'firstName');
    let last = this.get(f, 'lastName');
    const full = this.get(f, 'fullName');
    if (!first && !last && full) {
      const parts = full.split(/\s+/);
      first = parts[0] ?? '';
      last = parts.slice(1).join(' ');
    }
    if (first) out.firstName = first;
    if (last) out.lastName = last;
    for (const [field, key] of [['emailConsent', 'emailConsent'], ['smsConsent', 'smsConsent']] as const) {
      const raw = this.get(f, field);
      const status = consentCell(raw);
      if (status) out[key] = { status, raw };
      else if (status === null) warnings.push({ line, severity: 'warning', column: this.col(field), message: `"${raw}" is not a consent answer (yes or no): consent left unchanged` });
    }
    const countryText = this.get(f, 'country');
    if (countryText) {
      const code = countryCode(countryText);
      if (code) out.country = code;
      else if (code === undefined && !this.unknownCountries.has(countryText)) {
        this.unknownCountries.add(countryText);
        warnings.push({ line, severity: 'warning', column: this.col('country'), message: `country "${countryText}" is not recognised: left empty (this and later rows)` });
      }
    }
    if (this.kind === 'customers') {
      const address = this.address(f, ['fullName', 'address1', 'address2', 'company', 'city', 'region', 'postalCode', 'country', 'phone']);
      if (address) {
        if (!address.name && (first || last)) address.name = `${first} ${last}`.trim();
        out.address = address;
      }
      const company = this.get(f, 'company');
      if (company) out.company = company;
      const tags = this.get(f, 'tags');
      if (tags) out.tags = tags.split(',').map((t) => t.trim()).filter(Boolean).slice(0, 200);
      const locale = this.get(f, 'locale');
      if (locale) out.locale = locale;
      const birthday = this.get(f, 'birthday');
      if (/^\d{4}-\d{2}-\d{2}$/.test(birthday)) out.birthday = birthday;
    }
    return out;
  }

  /** An address from the given fields, in the customers module's shape (country as an ISO code). */
  private address(f: string[], fields: Field[]): Address | undefined {
    const [name, line1, line2, company, city, region, postalCode, country, phone] = fields.map((x) => this.get(f, x).slice(0, 300) || undefined);
    if (!line1 && !city && !postalCode) return undefined;
    const code = country ? countryCode(country) : undefined;
    const out: Address = { kind: 'shipping', isDefault: true, name, line1, line2, company, city, region, postalCode, country: code ?? undefined, phone };
    for (const k of Object.keys(out) as (keyof Address)[]) if (out[k] === undefined) delete out[k];
    return out;
  }

  private product(f: string[], line: number, bad: (c: string | null, m: string) => void): RowValue | undefined {
    const id = normalizeId(this.get(f, 'productId'));
    if (!id) {
      bad(this.col('productId'), 'has no product id');
      return undefined;
    }
    const currency = (this.get(f, 'currency').toUpperCase() || this.s.currency || this.storeCurrency);
    if (!isCurrency(currency)) bad(this.col('currency'), `unknown currency "${currency}"`);
    let price: number | undefined;
    const priceText = this.get(f, 'price');
    if (priceText) {
      try {
        price = toMinor(decimalText(priceText, this.s.decimalComma), currency);
      } catch (e) {
        bad(this.col('price'), e instanceof MoneyError ? e.message : 'is not an amount');
      }
    }
    const status = this.get(f, 'status').toLowerCase();
    if (status && !['active', 'draft', 'archived'].includes(status)) bad(this.col('status'), `status "${status}" is not active, draft or archived`);
    const t = (x: Field) => this.get(f, x) || undefined;
    return {
      kind: 'product', group: id, line,
      product: { externalId: id, title: t('title'), sku: t('sku'), price, currency, vendor: t('vendor'), category: t('category'), status: status || undefined, url: t('url'), imageUrl: t('imageUrl') },
    };
  }
}

function describeRef(field: Field, ref: string | string[] | undefined): string {
  if (!ref) return `${field} (not mapped to a column)`;
  return `${field} ("${(Array.isArray(ref) ? ref : [ref]).join('" or "')}")`;
}
