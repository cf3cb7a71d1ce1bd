import { nonPublicAddressesOf } from '../integrations/outbound/address.ts';
import { sendSigned, type SendResult } from '../integrations/outbound/send.ts';

export interface FlowWebhookOptions {
  /** http:// to localhost (development); otherwise https only. */
  allowLoopbackHttp: boolean;
  /** Deliver to hosts that resolve to private, loopback or link-local addresses (PATRON_WEBHOOKS_ALLOW_PRIVATE). */
  allowPrivateTargets: boolean;
  timeoutMs: number;
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * The webhook step's HTTP call, with the safety of outbound webhooks (integrations/outbound):
 * https only (http to localhost in development), no credentials in the URL, hosts that resolve
 * to private addresses refused at call time, Standard Webhooks signature, bounded time and body,
 * redirects only to the same origin.
 */
export class FlowWebhookCaller {
  readonly options: FlowWebhookOptions;

  constructor(options: Partial<FlowWebhookOptions> = {}) {
    this.options = { allowLoopbackHttp: false, allowPrivateTargets: false, timeoutMs: 10_000, ...options };
  }

  /** Why a URL cannot be a webhook step's target, or null when it can. */
  checkUrl(raw: string): string | null {
    let u: URL;
    try {
      u = new URL(raw);
    } catch {
      return 'must be an absolute URL like https://example.com/hooks/patron';
    }
    if (u.username || u.password) return 'must not contain a user name or password; put a token in the path or query instead';
    if (u.protocol === 'https:') return null;
    if (u.protocol === 'http:' && LOOPBACK.has(u.hostname) && this.options.allowLoopbackHttp) return null;
    return 'must be an https:// URL (http:// only to localhost in development)';
  }

  async call(url: string, secret: string, messageId: string, body: string): Promise<SendResult> {
    const why = this.checkUrl(url);
    if (why) return { succeeded: false, statusCode: null, responseMs: 0, error: `Refused: the URL ${why}.`, responseExcerpt: null };
    const host = new URL(url).hostname;
    if (!this.options.allowPrivateTargets && !(this.options.allowLoopbackHttp && LOOPBACK.has(host))) {
      let bad: string[];
      try {
        bad = await nonPublicAddressesOf(host);
      } catch (e) {
        return { succeeded: false, statusCode: null, responseMs: 0, error: `Cannot resolve ${host}: ${(e as Error).message}`, responseExcerpt: null };
      }
      if (bad.length) {
        return { succeeded: false, statusCode: null, responseMs: 0, responseExcerpt: null,
          error: `Refused: ${host} resolves to a non-public address (${bad.join(', ')}). Set PATRON_WEBHOOKS_ALLOW_PRIVATE=true to call internal hosts.` };
      }
    }
    return sendSigned(url, secret, messageId, body, { timeoutMs: this.options.timeoutMs, userAgent: 'Patron-Flows/1' });
  }
}
