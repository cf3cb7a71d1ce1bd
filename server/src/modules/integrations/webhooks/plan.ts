import type { z } from 'zod';
import { MoneyError, toMinor } from '../../../platform/money.ts';
import type { CartInput, OrderInput, RefundInput } from '../../commerce/commerce.schemas.ts';
import type { Address, ProfileFields } from '../../customers/customers.schemas.ts';
import type { ConsentSignal } from '../../customers/index.ts';
import type { IdentityClaim } from '../../customers/identity.ts';

/** What a webhook asks Patron to do, decided from its payload before any write. */
export type Operation =
  | { kind: 'order'; input: OrderInput; consent?: ConsentSignal[] }
  | { kind: 'refund'; input: RefundInput }
  | { kind: 'cart'; input: CartInput }
  | { kind: 'customer'; externalId: string; identities: IdentityClaim[]; profile: ProfileFields; occurredAt?: Date; updatedAt?: Date; consent?: ConsentSignal[] }
  | { kind: 'cancel-order'; externalId: string; at: Date };

export interface Plan {
  operations: Operation[];
  /** Set when the topic needs no write: the delivery is logged as ignored with this note. */
  ignored?: string;
  note?: string;
  resource?: { type: string; id: string; updatedAt?: Date };
}

/** The payload cannot be processed as it is: retrying will not help (recorded as failed). */
export class PayloadError extends Error {}

export type Json = Record<string, unknown>;

export const ignore = (why: string): Plan => ({ operations: [], ignored: why });

export function obj(v: unknown): Json | undefined {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined;
}

export function root(body: unknown, what: string): Json {
  const o = obj(body);
  if (!o) throw new PayloadError(`The ${what} payload is not a JSON object.`);
  return o;
}

export function arr(v: unknown): Json[] {
  return Array.isArray(v) ? v.map((x) => obj(x)).filter((x): x is Json => !!x) : [];
}

/** A non-empty trimmed string (numbers become their text), else undefined. */
export function str(v: unknown): string | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v !== 'string') return undefined;
  const t = v.trim();
  return t ? t : undefined;
}

/** An id that platforms send as number or string; 0 and empty mean none. */
export function idOf(v: unknown): string | undefined {
  const s = str(v);
  return s && s !== '0' ? s : undefined;
}

export function requireId(v: unknown, field: string): string {
  const s = idOf(v);
  if (!s) throw new PayloadError(`${field} is missing.`);
  return s;
}

export function email(v: unknown): string | undefined {
  const s = str(v)?.toLowerCase();
  return s && /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(s) && s.length <= 320 ? s : undefined;
}

export function int(v: unknown, field: string): number {
  const n = typeof v === 'string' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n)) throw new PayloadError(`${field} must be a whole number (got ${JSON.stringify(v)}).`);
  return n;
}

/** Decimal text or number in major units → minor units of `currency`; undefined when absent. */
export function money(v: unknown, currency: string, field: string): number | undefined {
  if (v === null || v === undefined || v === '') return undefined;
  if (typeof v !== 'string' && typeof v !== 'number') throw new PayloadError(`${field} must be an amount (got ${JSON.stringify(v)}).`);
  try {
    return toMinor(v, currency);
  } catch (e) {
    if (e instanceof MoneyError) throw new PayloadError(`${field}: ${e.message}.`);
    throw e;
  }
}

/** A timestamp; `utc` appends Z to zone-less text (WooCommerce's *_gmt fields). */
export function date(v: unknown, field: string, opts: { utc?: boolean } = {}): Date | undefined {
  let s = str(v);
  if (!s) return undefined;
  if (typeof v === 'number') s = new Date(v * 1000).toISOString();
  else if (opts.utc && !/(Z|[+-]\d\d:?\d\d)$/i.test(s)) s = `${s}Z`;
  const d = new Date(s);
  if (Number.isNaN(d.getTime())) throw new PayloadError(`${field} is not a date (got ${JSON.stringify(v)}).`);
  return d;
}

export function requireDate(v: unknown, field: string, opts: { utc?: boolean } = {}): Date {
  const d = date(v, field, opts);
  if (!d) throw new PayloadError(`${field} is missing.`);
  return d;
}

export function currencyOf(v: unknown, field: string): string {
  const c = str(v)?.toUpperCase();
  if (!c) throw new PayloadError(`${field} is missing.`);
  return c;
}

/** Runs a commerce schema over a mapped input so bad values fail with the field named. */
export function validated<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  const issues = r.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || what}: ${i.message}`);
  throw new PayloadError(`The ${what} cannot be stored: ${issues.join('; ')}.`);
}

/** A platform address as Patron stores addresses (the customers module's address shape). */
export function address(a: Json | undefined, kind: Address['kind'], isDefault = false): Address | undefined {
  if (!a) return undefined;
  const name = str(a.name) ?? ([str(a.first_name), str(a.last_name)].filter(Boolean).join(' ') || undefined);
  const out: Address = {
    kind, name, company: str(a.company), line1: str(a.address1) ?? str(a.address_1) ?? str(a.street_1), line2: str(a.address2) ?? str(a.address_2) ?? str(a.street_2),
    city: str(a.city), region: str(a.province) ?? str(a.state) ?? str(a.state_or_province), postalCode: str(a.zip) ?? str(a.postcode) ?? str(a.postal_code),
    country: country(a.country_code ?? a.country_iso2 ?? a.country), phone: str(a.phone), isDefault,
  };
  // Undefined keys would make two equal addresses compare different once stored.
  for (const k of Object.keys(out) as (keyof Address)[]) if (out[k] === undefined) delete out[k];
  return out.line1 || out.city || out.postalCode || out.country ? out : undefined;
}

export function country(v: unknown): string | undefined {
  const s = str(v);
  return s && /^[A-Za-z]{2}$/.test(s) ? s.toUpperCase() : undefined;
}
