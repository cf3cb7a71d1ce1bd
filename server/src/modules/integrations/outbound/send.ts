import { signStandard, standardKey } from '../webhooks/signatures.ts';

export interface SendResult {
  succeeded: boolean;
  statusCode: number | null;
  responseMs: number;
  error: string | null;
  responseExcerpt: string | null;
}

const EXCERPT_BYTES = 1024;
const MAX_SAME_ORIGIN_REDIRECTS = 3;

/** Reads at most `limit` bytes of a response body, then stops reading (a huge or endless body costs nothing more). */
async function excerpt(res: Response, limit = EXCERPT_BYTES): Promise<string | null> {
  if (!res.body) return null;
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < limit) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  const text = Buffer.concat(chunks).subarray(0, limit).toString('utf8');
  return text || null;
}

/**
 * POSTs a JSON body signed with Standard Webhooks headers. The whole exchange, body included,
 * is bounded by `timeoutMs`; redirects are followed only to the same origin and only when they keep
 * the POST (307/308), so a subscription can never be bounced to another host.
 */
export async function sendSigned(url: string, secret: string, messageId: string, body: string, opts: { timeoutMs: number; userAgent?: string }): Promise<SendResult> {
  const timestamp = Math.floor(Date.now() / 1000);
  const headers = {
    'content-type': 'application/json',
    'user-agent': opts.userAgent ?? 'Patron-Webhooks/1',
    'webhook-id': messageId,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': signStandard(standardKey(secret), messageId, timestamp, body),
  };
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const signal = AbortSignal.timeout(opts.timeoutMs);
  let target = new URL(url);
  try {
    for (let hop = 0; ; hop++) {
      const res = await fetch(target, { method: 'POST', headers, body, redirect: 'manual', signal });
      if (res.status >= 300 && res.status < 400) {
        const location = res.headers.get('location');
        await res.body?.cancel().catch(() => undefined);
        const next = location ? new URL(location, target) : undefined;
        if ((res.status === 307 || res.status === 308) && next && next.origin === target.origin && hop < MAX_SAME_ORIGIN_REDIRECTS) {
          target = next;
          continue;
        }
        const why = !next ? 'without a Location' : next.origin !== target.origin ? `to another host (${next.origin}), which is never followed` : res.status === 307 || res.status === 308 ? 'too many times' : 'with a status that would turn the POST into a GET';
        return { succeeded: false, statusCode: res.status, responseMs: elapsed(), error: `Redirected (HTTP ${res.status}) ${why}.`, responseExcerpt: null };
      }
      // The status decides; a body that trickles past the deadline only loses its excerpt.
      const text = await excerpt(res).catch(() => null);
      const ok = res.status >= 200 && res.status < 300;
      return { succeeded: ok, statusCode: res.status, responseMs: elapsed(), error: ok ? null : `HTTP ${res.status}`, responseExcerpt: text };
    }
  } catch (e) {
    const err = e as Error & { cause?: { code?: string; message?: string } };
    const timedOut = err.name === 'TimeoutError' || signal.aborted;
    const detail = timedOut ? `No complete answer within ${opts.timeoutMs} ms.` : `${err.message}${err.cause?.message ? `: ${err.cause.message}` : err.cause?.code ? `: ${err.cause.code}` : ''}`;
    return { succeeded: false, statusCode: null, responseMs: elapsed(), error: detail, responseExcerpt: null };
  }
}
