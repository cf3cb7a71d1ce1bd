/**
 * Money: integer minor units with an ISO 4217 currency. Decimal strings are parsed exactly
 * (no floating point), and amounts below the minor unit round half to even.
 */

// ISO 4217 minor-unit exponents that are not 2. Every other valid code uses 2.
const EXPONENT: Record<string, number> = {
  BIF: 0, CLP: 0, DJF: 0, GNF: 0, ISK: 0, JPY: 0, KMF: 0, KRW: 0, PYG: 0, RWF: 0, UGX: 0, UYI: 0, VND: 0, VUV: 0, XAF: 0, XOF: 0, XPF: 0,
  BHD: 3, IQD: 3, JOD: 3, KWD: 3, LYD: 3, OMR: 3, TND: 3, CLF: 4, UYW: 4,
};

// Active ISO 4217 codes (2024 list), for validating input.
const CODES = new Set(
  ('AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BOV BRL BSD BTN BWP BYN BZD CAD CDF CHE CHF CHW CLF CLP CNY COP COU CRC CUC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SLL SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD USN UYI UYU UYW UZS VED VES VND VUV WST XAF XCD XCG XOF XPF YER ZAR ZMW ZWG ZWL').split(' '),
);

export function isCurrency(code: string): boolean {
  return CODES.has(code);
}

export function exponentOf(currency: string): number {
  return EXPONENT[currency] ?? 2;
}

/** Thrown for a malformed amount; the message says what was wrong. */
export class MoneyError extends Error {}

const DECIMAL = /^([+-])?(\d+)(?:\.(\d+))?$/;

/** Rounds a scaled BigInt division half to even. */
function divRoundHalfEven(n: bigint, d: bigint): bigint {
  const neg = n < 0n;
  const a = neg ? -n : n;
  let q = a / d;
  const r = a % d;
  if (r * 2n > d || (r * 2n === d && q % 2n === 1n)) q += 1n;
  return neg ? -q : q;
}

/** Parses "12.34", "-0.5", "1e3"-free decimal text (or a number) into minor units of `currency`. */
export function toMinor(amount: string | number, currency: string): number {
  const text = typeof amount === 'number' ? numberToDecimal(amount) : amount.trim().replace(/,(?=\d{3}(\D|$))/g, '');
  const m = DECIMAL.exec(text);
  if (!m) throw new MoneyError(`"${String(amount)}" is not a decimal amount`);
  const exp = exponentOf(currency);
  const frac = m[3] ?? '';
  const digits = BigInt((m[2] ?? '0') + frac);
  const scale = 10n ** BigInt(frac.length);
  let minor = divRoundHalfEven(digits * 10n ** BigInt(exp), scale);
  if (m[1] === '-') minor = -minor;
  return toSafe(minor, amount);
}

/** quantity × unit price (decimal text) in minor units, rounded once at the end. */
export function lineTotalMinor(quantity: number, unitPrice: string | number, currency: string): number {
  const text = typeof unitPrice === 'number' ? numberToDecimal(unitPrice) : unitPrice.trim();
  const m = DECIMAL.exec(text);
  if (!m) throw new MoneyError(`"${String(unitPrice)}" is not a decimal amount`);
  if (!Number.isInteger(quantity)) throw new MoneyError(`quantity ${quantity} is not a whole number`);
  const frac = m[3] ?? '';
  let digits = BigInt((m[2] ?? '0') + frac) * BigInt(quantity);
  if (m[1] === '-') digits = -digits;
  const minor = divRoundHalfEven(digits * 10n ** BigInt(exponentOf(currency)), 10n ** BigInt(frac.length));
  return toSafe(minor, unitPrice);
}

/** Formats minor units as a decimal string ("12.34"). */
export function fromMinor(minor: number, currency: string): string {
  const exp = exponentOf(currency);
  const neg = minor < 0;
  const s = String(Math.abs(minor)).padStart(exp + 1, '0');
  const out = exp === 0 ? s : `${s.slice(0, -exp)}.${s.slice(-exp)}`;
  return neg ? `-${out}` : out;
}

function toSafe(v: bigint, original: unknown): number {
  if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < -BigInt(Number.MAX_SAFE_INTEGER)) throw new MoneyError(`${String(original)} is too large`);
  return Number(v);
}

function numberToDecimal(n: number): string {
  if (!Number.isFinite(n)) throw new MoneyError(`${n} is not a finite amount`);
  // Shortest round-trip representation, then expand any exponent.
  const s = String(n);
  if (!/e/i.test(s)) return s;
  return n.toFixed(20).replace(/\.?0+$/, '');
}
