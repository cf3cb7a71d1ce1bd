import { createHmac, timingSafeEqual } from 'node:crypto';

/** base64(HMAC-SHA256(secret, body)): Shopify's X-Shopify-Hmac-Sha256 and WooCommerce's X-WC-Webhook-Signature. */
export function hmacSha256Base64(secret: string | Buffer, body: Buffer | string): string {
  return createHmac('sha256', secret).update(body).digest('base64');
}

/** Constant-time comparison of two base64 signatures (by their bytes, so padding quirks don't matter). */
export function sameSignature(expectedBase64: string, givenBase64: string): boolean {
  const a = Buffer.from(expectedBase64, 'base64');
  const b = Buffer.from(givenBase64.trim(), 'base64');
  return a.length > 0 && a.length === b.length && timingSafeEqual(a, b);
}

/** Verifies a base64 HMAC-SHA256 header over the raw body. */
export function verifyHmacBase64(secret: string, body: Buffer, header: string | undefined): boolean {
  if (!header || !secret) return false;
  return sameSignature(hmacSha256Base64(secret, body), header);
}

/**
 * The HMAC key of a Standard Webhooks secret: `whsec_<base64>` decodes to its bytes; any other
 * text (a BigCommerce app client secret, whose Standard Webhooks secret is base64 of itself)
 * is used as its UTF-8 bytes.
 */
export function standardKey(secret: string): Buffer {
  const s = secret.trim();
  return s.startsWith('whsec_') ? Buffer.from(s.slice(6), 'base64') : Buffer.from(s, 'utf8');
}

/** `v1,<base64 HMAC-SHA256(key, "{id}.{timestamp}.{body}")>` (Standard Webhooks). */
export function signStandard(key: Buffer, id: string, timestamp: number, body: Buffer | string): string {
  const mac = createHmac('sha256', key).update(`${id}.${timestamp}.`).update(body).digest('base64');
  return `v1,${mac}`;
}

export type StandardVerification = { ok: true } | { ok: false; reason: string };

/** Standard Webhooks verification — one `v1,` signature in the space-separated list must match, and the timestamp be recent. */
export function verifyStandard(
  key: Buffer,
  headers: { id: string | undefined; timestamp: string | undefined; signature: string | undefined },
  body: Buffer,
  opts: { nowMs?: number; toleranceSeconds?: number } = {},
): StandardVerification {
  const { id, timestamp, signature } = headers;
  if (!id || !timestamp || !signature) return { ok: false, reason: 'The webhook-id, webhook-timestamp and webhook-signature headers are required.' };
  if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: 'webhook-timestamp must be Unix seconds.' };
  const ts = Number(timestamp);
  const now = Math.floor((opts.nowMs ?? Date.now()) / 1000);
  const tolerance = opts.toleranceSeconds ?? 300;
  if (Math.abs(now - ts) > tolerance) return { ok: false, reason: `webhook-timestamp is more than ${tolerance} s away from this server's clock.` };
  const expected = signStandard(key, id, ts, body).slice(3);
  for (const part of signature.split(' ')) {
    const [version, sig] = part.split(',', 2);
    if (version === 'v1' && sig && sameSignature(expected, sig)) return { ok: true };
  }
  return { ok: false, reason: 'No signature in webhook-signature matches.' };
}
