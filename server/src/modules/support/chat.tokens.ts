import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Signed visitor tokens: `v1.<visitorId>.<base64url HMAC-SHA256>`. The widget keeps the token the server
 * issued on first connect and presents it on every reconnect; an id the server did not sign is refused.
 */
export function signVisitor(secret: string, visitorId: string): string {
  return `v1.${visitorId}.${mac(secret, `visitor:${visitorId}`)}`;
}

/** The visitor id a token carries, or null when it was not signed with `secret` (forged, altered, garbage). */
export function verifyVisitor(secret: string, token: unknown): string | null {
  if (typeof token !== 'string' || token.length > 200) return null;
  const m = /^v1\.([0-9a-f-]{36})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!m) return null;
  return safeEqual(m[2]!, mac(secret, `visitor:${m[1]!}`)) ? m[1]! : null;
}

/**
 * The identity hash a store's backend computes for a logged-in shopper (like Intercom's user_hash):
 * hex HMAC-SHA256 of the lower-cased email with the store's identity secret.
 */
export function identityHash(secret: string, email: string): string {
  return createHmac('sha256', secret).update(email.trim().toLowerCase()).digest('hex');
}

export function verifyIdentity(secret: string, email: string, hash: unknown): boolean {
  if (typeof hash !== 'string' || !/^[0-9a-f]{64}$/i.test(hash)) return false;
  return safeEqual(hash.toLowerCase(), identityHash(secret, email));
}

export function newSecret(): string {
  return randomBytes(32).toString('hex');
}

function mac(secret: string, data: string): string {
  return createHmac('sha256', secret).update(data).digest('base64url');
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
