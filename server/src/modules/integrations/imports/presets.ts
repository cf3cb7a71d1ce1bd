import type { Delimiter, Encoding } from './csv.ts';
import type { Field, ImportKind, Mapping, PresetName } from './imports.schemas.ts';

/** A mapping with every option settled, plus the presets' own switches that are not user options. */
export interface Settled {
  columns: Partial<Record<Field, string | string[]>>;
  source: string;
  currency: string | undefined;
  dateOrder: 'auto' | 'dmy' | 'mdy';
  timeZone: string;
  delimiter: Delimiter | undefined;
  encoding: Encoding;
  header: boolean | 'auto';
  decimalComma: boolean;
  cancellationPrefix: string | undefined;
  negativeQuantity: 'reject' | 'keep';
  adoptStoreCurrency: boolean;
  syntheticOrderId: boolean;
  /** Every line gets this title (CDNOW: "CDs"). */
  lineTitle?: string;
  /** Customer ids lose leading zeros (CDNOW writes 00004 in one file and 4 in another). */
  stripLeadingZeros?: boolean;
  /** Customers from line-level files: rows without a customer are guest lines, ignored rather than rejected. */
  ignoreRowsWithoutCustomer?: boolean;
}

interface PresetDef {
  kinds: ImportKind[];
  describe: string;
  /** Columns per kind; `width` is the number of columns of the first line (for positional presets). */
  columns(kind: ImportKind, width: number): Settled['columns'];
  options: Partial<Settled>;
  /** How well a header row matches (0..1), for suggestions. */
  match(header: string[]): number;
}

const has = (header: string[], names: string[]) => {
  const set = new Set(header.map((h) => h.trim().toLowerCase()));
  return names.filter((n) => set.has(n.toLowerCase())).length / names.length;
};

const UCI_COLUMNS = ['InvoiceNo', 'StockCode', 'Description', 'Quantity', 'InvoiceDate', 'UnitPrice', 'CustomerID', 'Country'];

export const PRESET_DEFS: Record<PresetName, PresetDef> = {
  uci: {
    kinds: ['orders', 'customers', 'products'],
    describe: 'UCI Online Retail (InvoiceNo, StockCode, Description, Quantity, InvoiceDate, UnitPrice, CustomerID, Country): GBP, C invoices are cancellations',
    columns: (kind) => kind === 'orders'
      ? { orderId: 'InvoiceNo', productId: 'StockCode', title: 'Description', quantity: 'Quantity', placedAt: 'InvoiceDate', unitPrice: 'UnitPrice', customerId: 'CustomerID', country: 'Country' }
      : kind === 'customers'
        ? { customerId: 'CustomerID', country: 'Country' }
        : { productId: 'StockCode', title: 'Description', price: 'UnitPrice' },
    // The shop is in the UK: times are UK wall-clock time, and the spreadsheet original writes 12/1/2010 8:26.
    options: { source: 'uci', currency: 'GBP', cancellationPrefix: 'C', timeZone: 'Europe/London', dateOrder: 'mdy', ignoreRowsWithoutCustomer: true },
    match: (h) => has(h, UCI_COLUMNS),
  },
  'shopify-orders': {
    kinds: ['orders'],
    describe: 'Shopify order export (one row per line item; order fields on the first row of each order)',
    columns: () => ({
      orderId: 'Name', externalId: 'Id', orderNumber: 'Name', email: 'Email', phone: ['Phone', 'Billing Phone'], fullName: ['Billing Name', 'Shipping Name'],
      country: ['Billing Country', 'Shipping Country'], currency: 'Currency', placedAt: 'Created at', sku: 'Lineitem sku', title: 'Lineitem name',
      quantity: 'Lineitem quantity', unitPrice: 'Lineitem price', subtotal: 'Subtotal', shippingTotal: 'Shipping', taxTotal: 'Taxes', total: 'Total',
      discountTotal: 'Discount Amount', discountCodes: 'Discount Code', financialStatus: 'Financial Status', fulfillmentStatus: 'Fulfillment Status',
      cancelledAt: 'Cancelled at', refundedAmount: 'Refunded Amount', emailConsent: 'Accepts Marketing', shipName: 'Shipping Name', shipAddress1: 'Shipping Address1', shipAddress2: 'Shipping Address2',
      shipCompany: 'Shipping Company', shipCity: 'Shipping City', shipRegion: 'Shipping Province', shipPostalCode: 'Shipping Zip', shipCountry: 'Shipping Country', shipPhone: 'Shipping Phone',
    }),
    options: { source: 'shopify' },
    match: (h) => has(h, ['Name', 'Email', 'Financial Status', 'Created at', 'Lineitem quantity', 'Lineitem name', 'Lineitem price']),
  },
  'shopify-customers': {
    kinds: ['customers'],
    describe: 'Shopify customer export (Customer ID, First Name, Last Name, Email, … Default Address …, Tags)',
    columns: () => ({
      customerId: 'Customer ID', firstName: 'First Name', lastName: 'Last Name', email: 'Email', phone: ['Phone', 'Default Address Phone'],
      company: ['Default Address Company', 'Company'], address1: ['Default Address Address1', 'Address1'], address2: ['Default Address Address2', 'Address2'],
      city: ['Default Address City', 'City'], region: ['Default Address Province Code', 'Province Code', 'Province'],
      country: ['Default Address Country Code', 'Country Code', 'Country'], postalCode: ['Default Address Zip', 'Zip'], tags: 'Tags',
      emailConsent: ['Accepts Email Marketing', 'Accepts Marketing'], smsConsent: 'Accepts SMS Marketing',
    }),
    options: { source: 'shopify' },
    match: (h) => Math.max(has(h, ['First Name', 'Last Name', 'Email', 'Accepts Email Marketing', 'Total Spent', 'Total Orders', 'Tags']), 0),
  },
  cdnow: {
    kinds: ['orders', 'customers'],
    describe: 'CDNOW purchase log: whitespace-separated customer_id date(yyyymmdd) number_of_cds dollar_value (or master_id sample_id date cds dollars); one order per row',
    columns: (kind, width) => {
      const five = width >= 5;
      if (kind === 'customers') return { customerId: '#1' };
      return { customerId: '#1', placedAt: five ? '#3' : '#2', quantity: five ? '#4' : '#3', lineTotal: five ? '#5' : '#4' };
    },
    // Dates without a time: midnight UTC keeps the calendar date whatever the reader's zone.
    options: { source: 'cdnow', currency: 'USD', timeZone: 'UTC', delimiter: 'whitespace', header: 'auto', syntheticOrderId: true, lineTitle: 'CDs', stripLeadingZeros: true },
    match: (h) => (h.length >= 4 && h.length <= 5 && /customer_id|master_id/i.test(h.join(' ')) ? 1 : 0),
  },
  generic: {
    kinds: ['orders', 'customers', 'products'],
    describe: 'Your own columns: map each field to a column',
    columns: () => ({}),
    options: { source: 'csv' },
    match: () => 0,
  },
};

/** The preset's settings overridden by the user's mapping, with the store's defaults last. */
export function settle(preset: PresetName, kind: ImportKind, mapping: Mapping | undefined, width: number, store: { currency: string; timeZone: string }): Settled {
  const def = PRESET_DEFS[preset];
  const o = def.options;
  const m = mapping ?? {};
  return {
    columns: { ...def.columns(kind, width), ...(m.columns ?? {}) },
    source: m.source ?? o.source ?? 'csv',
    currency: m.currency ?? o.currency,
    dateOrder: m.dateOrder ?? o.dateOrder ?? 'auto',
    timeZone: m.timeZone ?? o.timeZone ?? store.timeZone,
    delimiter: m.delimiter ?? o.delimiter,
    encoding: m.encoding ?? o.encoding ?? 'auto',
    header: m.header ?? o.header ?? true,
    decimalComma: m.decimalComma ?? false,
    cancellationPrefix: m.cancellationPrefix ?? o.cancellationPrefix,
    negativeQuantity: m.negativeQuantity ?? 'reject',
    adoptStoreCurrency: m.adoptStoreCurrency ?? true,
    syntheticOrderId: m.syntheticOrderId ?? o.syntheticOrderId ?? false,
    lineTitle: o.lineTitle,
    stripLeadingZeros: o.stripLeadingZeros,
    ignoreRowsWithoutCustomer: o.ignoreRowsWithoutCustomer,
  };
}

/** Suggests a preset (and kind) for a header row. */
export function suggestPreset(header: string[]): { preset: PresetName; kind: ImportKind | null; confidence: 'high' | 'low' } {
  let best: { preset: PresetName; score: number } = { preset: 'generic', score: 0 };
  for (const [name, def] of Object.entries(PRESET_DEFS) as [PresetName, PresetDef][]) {
    const score = def.match(header);
    if (score > best.score) best = { preset: name, score };
  }
  if (best.score >= 0.8) return { preset: best.preset, kind: PRESET_DEFS[best.preset].kinds[0]!, confidence: 'high' };
  return { preset: 'generic', kind: guessKind(header), confidence: 'low' };
}

const GUESSES: Record<string, RegExp> = {
  orderId: /^(order|invoice)[ _-]?(id|no|number|#)?$|^order$|^invoice$/i,
  placedAt: /^(order[ _-]?)?(date|created[ _-]?at|placed[ _-]?at|invoice[ _-]?date|time(stamp)?)$/i,
  customerId: /^(customer|client|buyer)[ _-]?(id|no|number)$/i,
  email: /^(e-?mail|email[ _-]?address|customer[ _-]?email)$/i,
  phone: /^(phone|telephone|mobile)([ _-]?(number|no))?$/i,
  firstName: /^first[ _-]?name$|^given[ _-]?name$/i,
  lastName: /^last[ _-]?name$|^surname$|^family[ _-]?name$/i,
  fullName: /^(full[ _-]?)?name$|^customer[ _-]?name$/i,
  country: /^country([ _-]?code)?$/i,
  currency: /^currency([ _-]?code)?$/i,
  productId: /^(product|item|stock)[ _-]?(id|code)$|^stockcode$/i,
  sku: /^sku$/i,
  title: /^(product[ _-]?)?(title|description|item[ _-]?name|product[ _-]?name)$/i,
  quantity: /^(qty|quantity)$/i,
  unitPrice: /^(unit[ _-]?)?price$/i,
  total: /^(order[ _-]?)?total$|^amount$/i,
  tags: /^tags?$/i,
  emailConsent: /^(accepts[ _-]?(email[ _-]?)?marketing|email[ _-]?(marketing[ _-]?)?(consent|opt[ _-]?in))$/i,
  smsConsent: /^(accepts[ _-]?sms[ _-]?marketing|sms[ _-]?(marketing[ _-]?)?(consent|opt[ _-]?in))$/i,
  city: /^city$/i,
  postalCode: /^(zip|postal[ _-]?code|postcode)$/i,
};

/** A starting mapping for the generic preset from header names; the person checks it. */
export function guessColumns(header: string[]): Partial<Record<Field, string>> {
  const out: Partial<Record<Field, string>> = {};
  for (const h of header) {
    for (const [field, re] of Object.entries(GUESSES)) {
      if (re.test(h.trim()) && !(field in out)) {
        out[field as Field] = h;
        break;
      }
    }
  }
  return out;
}

function guessKind(header: string[]): ImportKind | null {
  const g = guessColumns(header);
  if (g.orderId && g.placedAt) return 'orders';
  if (g.email || g.customerId || g.phone) return 'customers';
  if (g.productId || g.sku) return 'products';
  return null;
}
