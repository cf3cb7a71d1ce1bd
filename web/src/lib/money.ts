/**
 * Money on the wire is integer minor units plus an ISO 4217 currency (as on the server). These helpers
 * format it for people and turn amounts people type ("12.50") into minor units exactly, without floats.
 */

// ISO 4217 minor-unit exponents that are not 2 (the same table as server/src/platform/money.ts).
const EXPONENT: Record<string, number> = {
  BIF: 0, CLP: 0, DJF: 0, GNF: 0, ISK: 0, JPY: 0, KMF: 0, KRW: 0, PYG: 0, RWF: 0, UGX: 0, UYI: 0, VND: 0, VUV: 0, XAF: 0, XOF: 0, XPF: 0,
  BHD: 3, IQD: 3, JOD: 3, KWD: 3, LYD: 3, OMR: 3, TND: 3, CLF: 4, UYW: 4,
};

export function exponentOf(currency: string): number {
  return EXPONENT[currency.toUpperCase()] ?? 2;
}

const formatters = new Map<string, (n: number) => string>();

function formatter(currency: string, compact: boolean): (n: number) => string {
  const key = `${currency}:${compact}`;
  let f = formatters.get(key);
  if (!f) {
    const digits = exponentOf(currency);
    try {
      const nf = new Intl.NumberFormat(undefined, compact
        ? { style: 'currency', currency, notation: 'compact', maximumFractionDigits: 1 }
        : { style: 'currency', currency, minimumFractionDigits: digits, maximumFractionDigits: digits });
      f = (n) => nf.format(n);
    } catch {
      // A code this browser does not know still shows, as "1,234.50 XYZ".
      const nf = new Intl.NumberFormat(undefined, { minimumFractionDigits: digits, maximumFractionDigits: digits });
      f = (n) => `${nf.format(n)} ${currency}`;
    }
    formatters.set(key, f);
  }
  return f;
}

/** 13912 GBP → "£139.12"; null → "—". */
export function formatMoney(minor: number | null | undefined, currency: string | null | undefined, opts: { compact?: boolean } = {}): string {
  if (minor === null || minor === undefined || !currency) return '—';
  return formatter(currency, Boolean(opts.compact))(Number(minor) / 10 ** exponentOf(currency));
}

/** Minor units → the plain major amount people type ("139.12"), for filling inputs. */
export function minorToMajorString(minor: number, currency: string): string {
  const exp = exponentOf(currency);
  if (exp === 0) return String(minor);
  const neg = minor < 0;
  const s = String(Math.abs(Math.trunc(minor))).padStart(exp + 1, '0');
  const out = `${s.slice(0, -exp)}.${s.slice(-exp)}`.replace(/\.?0+$/, '');
  return (neg ? '-' : '') + out;
}

/**
 * "12.5" GBP → 1250. Returns undefined for anything that is not a plain decimal number or that has more
 * decimals than the currency has (so "1.005" GBP is refused rather than silently rounded).
 */
export function majorToMinor(value: string | number, currency: string): number | undefined {
  const s = String(value).trim().replace(/[\s,]/g, '');
  const m = /^(-)?(\d+)(?:\.(\d*))?$/.exec(s);
  if (!m) return undefined;
  const exp = exponentOf(currency);
  const frac = (m[3] ?? '').replace(/0+$/, '');
  if (frac.length > exp) return undefined;
  const minor = Number(m[2]) * 10 ** exp + Number(frac.padEnd(exp, '0') || '0');
  if (!Number.isSafeInteger(minor)) return undefined;
  return m[1] ? -minor : minor;
}

/** The currency's symbol in this browser's locale ("£", "CHF"). */
export function currencySymbol(currency: string): string {
  try {
    const part = new Intl.NumberFormat(undefined, { style: 'currency', currency }).formatToParts(0).find((p) => p.type === 'currency');
    return part?.value ?? currency;
  } catch {
    return currency;
  }
}

/** Plain integers with grouping ("12,345"). */
const int = new Intl.NumberFormat();
export function formatInt(n: number | null | undefined): string {
  return n === null || n === undefined ? '—' : int.format(n);
}
