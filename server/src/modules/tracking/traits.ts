import type { Address, ProfileFields } from '../customers/customers.schemas.ts';

type AttrValue = string | number | boolean | string[] | null;
const str = (v: unknown, max = 200): string | undefined => (typeof v === 'string' && v.trim() ? v.trim().slice(0, max) : typeof v === 'number' && Number.isFinite(v) ? String(v) : undefined);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Segment's reserved identify traits that become profile fields rather than attributes. */
const MAPPED = new Set(['email', 'phone', 'firstName', 'first_name', 'lastName', 'last_name', 'name', 'birthday', 'address', 'id', 'userId', 'user_id', 'locale', 'timezone', 'timeZone', 'country']);

function birthday(v: unknown): string | undefined {
  if (typeof v !== 'string') return undefined;
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(v.trim());
  if (!m) return undefined;
  const d = new Date(`${m[1]}-${m[2]}-${m[3]}T00:00:00Z`);
  return Number.isNaN(d.getTime()) || d.getUTCDate() !== Number(m[3]) ? undefined : `${m[1]}-${m[2]}-${m[3]}`;
}

function country(v: unknown): string | undefined {
  const s = str(v);
  return s && /^[A-Za-z]{2}$/.test(s) ? s.toUpperCase() : undefined;
}

function timeZone(v: unknown): string | undefined {
  const s = str(v, 64);
  if (!s) return undefined;
  try {
    new Intl.DateTimeFormat('en', { timeZone: s });
    return s;
  } catch {
    return undefined;
  }
}

/** An attribute value the profile can hold; objects become JSON text, anything too big is dropped. */
function attribute(v: unknown): AttrValue | undefined {
  if (v === null || typeof v === 'boolean') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string') return v.slice(0, 2000);
  if (Array.isArray(v) && v.length <= 100 && v.every((x) => typeof x === 'string' || typeof x === 'number')) return v.map((x) => String(x).slice(0, 200));
  if (typeof v === 'object') {
    const json = JSON.stringify(v);
    return json.length <= 2000 ? json : undefined;
  }
  return undefined;
}

/**
 * Segment identify traits → profile fields: email, phone, names (or `name` split in two),
 * birthday, address, locale and time zone; every other trait into custom attributes.
 */
export function profileFromTraits(traits: Record<string, unknown>, context: Record<string, unknown> = {}): ProfileFields {
  const p: ProfileFields = {};
  const email = str(traits.email, 320);
  if (email && /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) p.email = email.toLowerCase();
  const phone = str(traits.phone, 50);
  if (phone) p.phone = phone;
  const first = str(traits.firstName ?? traits.first_name);
  const last = str(traits.lastName ?? traits.last_name);
  const full = str(traits.name);
  if (first) p.firstName = first;
  if (last) p.lastName = last;
  if (full && !first && !last) {
    const parts = full.split(/\s+/);
    p.firstName = parts[0]!;
    if (parts.length > 1) p.lastName = parts.slice(1).join(' ');
  }
  const bd = birthday(traits.birthday);
  if (bd) p.birthday = bd;
  const locale = str(traits.locale ?? context.locale, 35);
  if (locale) p.locale = locale;
  const tz = timeZone(traits.timezone ?? traits.timeZone ?? context.timezone);
  if (tz) p.timeZone = tz;

  const address = isObject(traits.address) ? traits.address : undefined;
  const c = country(traits.country) ?? country(address?.country);
  if (c) p.country = c;
  if (address) {
    const a: Address = { kind: 'other', isDefault: false };
    const line1 = str(address.street ?? address.line1, 300);
    if (line1) a.line1 = line1;
    const line2 = str(address.line2, 300);
    if (line2) a.line2 = line2;
    const city = str(address.city);
    if (city) a.city = city;
    const region = str(address.state ?? address.region);
    if (region) a.region = region;
    const postal = str(address.postalCode ?? address.postal_code ?? address.zip, 40);
    if (postal) a.postalCode = postal;
    const ac = country(address.country);
    if (ac) a.country = ac;
    if (Object.keys(a).length > 2) p.addresses = [a];
  }

  const attributes: Record<string, AttrValue> = {};
  for (const [k, v] of Object.entries(traits)) {
    if (MAPPED.has(k) || !k || k.length > 100) continue;
    // A company object (Segment's reserved trait) is kept by its name.
    const value = k === 'company' && isObject(v) ? (str(v.name, 2000) ?? attribute(v)) : attribute(v);
    if (value !== undefined) attributes[k] = value;
  }
  if (Object.keys(attributes).length) p.attributes = attributes;
  return p;
}

/** A group call's mark on the profile: the company (group) the person belongs to. */
export function profileFromGroup(groupId: string, traits: Record<string, unknown>): ProfileFields {
  return { attributes: { group_id: groupId, company: str(traits.name, 2000) ?? groupId } };
}

/** Profile fields of several calls for one person, later calls winning field by field. */
export function mergeProfiles(list: ProfileFields[]): ProfileFields {
  const out: ProfileFields = {};
  for (const p of list) {
    const { attributes, addresses, ...rest } = p;
    Object.assign(out, rest);
    if (attributes) out.attributes = { ...(out.attributes ?? {}), ...attributes };
    if (addresses) out.addresses = [...(out.addresses ?? []), ...addresses];
  }
  return out;
}
