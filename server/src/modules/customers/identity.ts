import type { IdentityKind } from './customers.schemas.ts';

/** An identity as given by a source, before lookup. */
export interface IdentityClaim {
  kind: IdentityKind;
  /** The system that owns an external id or user id (shopify, csv, tracking, …); empty for email and phone. */
  source?: string;
  value: string;
  /**
   * True when the source vouches for it: store platforms, imports and secret-key API calls.
   * Client-side tracking (public keys) is not verified: an unverified email or phone never
   * joins a profile that already owns it, so nobody can attach their browsing to someone else.
   */
  verified?: boolean;
}

export interface NormalisedIdentity {
  kind: IdentityKind;
  source: string;
  value: string;
  verified: boolean;
}

/** Phone numbers compared by digits, keeping a leading + (E.164 style). */
export function normalisePhone(raw: string): string | undefined {
  const trimmed = raw.trim();
  const plus = trimmed.startsWith('+') || trimmed.startsWith('00');
  const digits = trimmed.replace(/\D/g, '').replace(/^00/, '');
  if (digits.length < 5 || digits.length > 15) return undefined;
  return plus ? `+${digits}` : digits;
}

export function normaliseEmail(raw: string): string | undefined {
  const e = raw.trim().toLowerCase();
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(e) && e.length <= 320 ? e : undefined;
}

/** Canonical form of claims; drops ones that cannot be used (malformed email or phone) and duplicates. */
export function normaliseClaims(claims: IdentityClaim[]): NormalisedIdentity[] {
  const out = new Map<string, NormalisedIdentity>();
  for (const c of claims) {
    let value: string | undefined;
    let source = (c.source ?? '').trim().toLowerCase();
    if (c.kind === 'email') {
      value = normaliseEmail(c.value);
      source = '';
    } else if (c.kind === 'phone') {
      value = normalisePhone(c.value);
      source = '';
    } else {
      value = c.value.trim().slice(0, 320) || undefined;
      if (!source) source = c.kind === 'anonymous' || c.kind === 'user_id' ? 'tracking' : 'api';
    }
    if (!value) continue;
    const key = `${c.kind}\u0000${source}\u0000${value}`;
    const prev = out.get(key);
    out.set(key, { kind: c.kind, source, value, verified: (prev?.verified ?? false) || (c.verified ?? false) });
  }
  return [...out.values()];
}

/** Whether finding this claim on an existing profile makes it the same customer. */
export function claimJoins(claim: NormalisedIdentity): boolean {
  if (claim.kind === 'email' || claim.kind === 'phone') return claim.verified;
  return true;
}

/** Strength order for picking the survivor of an automatic merge: a known person beats a cookie. */
export const KIND_STRENGTH: Record<IdentityKind, number> = { external: 4, user_id: 4, email: 3, phone: 2, anonymous: 0 };
