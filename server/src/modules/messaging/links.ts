import { sql } from 'kysely';
import type { Executor } from '../../platform/db/db.ts';
import type { MessageRow } from './messaging.tables.ts';
import type { EmailDecorator } from './send.types.ts';
import type { TokenSigner } from './tokens.ts';
import { engagementSettings } from './engagement.settings.ts';

/** Signature purposes: a signature made for one never verifies as another. */
export const PURPOSE = {
  unsubscribe: 'unsubscribe',
  preferences: 'preferences',
  view: 'view',
  open: 'open',
  click: 'click',
  confirm: 'confirm',
  smsReceipt: 'sms-receipt',
  inbound: 'inbound-webhook',
} as const;
/** What Links needs of TokenSigner. */
export type Signer = Pick<TokenSigner, 'init' | 'sign' | 'verify'>;
type MessagePurpose = 'unsubscribe' | 'preferences' | 'view' | 'open';

/** How long a double opt-in confirmation link works. */
export const CONFIRM_TTL_DAYS = 30;

type DecorateMessage = Parameters<EmailDecorator['decorateHtml']>[1] & { variant?: string | null };

const HTML_ENTITIES: Record<string, string> = { amp: '&', quot: '"', apos: "'", lt: '<', gt: '>', '#39': "'" };

/** Decodes the entities that occur in href attributes (`&amp;` between query parameters above all). */
export function decodeHref(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|amp|quot|apos|lt|gt);/gi, (m, e: string) => {
    const k = e.toLowerCase();
    if (k.startsWith('#x')) return String.fromCodePoint(parseInt(k.slice(2), 16));
    if (k.startsWith('#')) return String.fromCodePoint(parseInt(k.slice(1), 10));
    return HTML_ENTITIES[k] ?? m;
  });
}

export function escapeAttr(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

const A_TAG = /<a\b[^>]*>/gi;
const HREF = /(\shref\s*=\s*)("([^"]*)"|'([^']*)'|([^\s"'>]+))/i;

/**
 * Calls `rewrite` with the decoded href of every `<a>` tag and puts back what it returns (undefined:
 * unchanged). Tags marked `data-patron-no-track` are left alone.
 */
export function rewriteAnchors(html: string, rewrite: (href: string) => string | undefined): string {
  return html.replace(A_TAG, (tag) => {
    if (/\sdata-patron-no-track\b/i.test(tag)) return tag;
    const m = HREF.exec(tag);
    if (!m) return tag;
    const raw = m[3] ?? m[4] ?? m[5] ?? '';
    const next = rewrite(decodeHref(raw).trim());
    if (next === undefined) return tag;
    return tag.slice(0, m.index) + `${m[1]}"${escapeAttr(next)}"` + tag.slice(m.index + m[0].length);
  });
}

/** `www.shop.com` and `shop.com` are the same store. */
export function normaliseHost(host: string): string {
  return host.trim().toLowerCase().replace(/^www\./, '').replace(/\.$/, '');
}

/**
 * Adds utm_source/medium/campaign/content to a link to the store (its host is one of `storeHosts`)
 * that carries no UTM parameter yet; other links are returned as they were.
 */
export function addUtm(url: string, storeHosts: ReadonlySet<string>, utm: { campaign: string; content?: string | null }): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return url;
  }
  if (!storeHosts.has(normaliseHost(u.hostname))) return url;
  if ([...u.searchParams.keys()].some((k) => k.toLowerCase().startsWith('utm_'))) return url;
  u.searchParams.set('utm_source', 'patron');
  u.searchParams.set('utm_medium', 'email');
  u.searchParams.set('utm_campaign', utm.campaign);
  if (utm.content) u.searchParams.set('utm_content', utm.content);
  return u.toString();
}

/** Puts `tag` right before the last `</body>` (or at the end when there is none). */
export function insertBeforeBodyEnd(html: string, tag: string): string {
  const i = html.toLowerCase().lastIndexOf('</body>');
  return i < 0 ? html + tag : html.slice(0, i) + tag + html.slice(i);
}

const HOSTS_TTL_MS = 5 * 60_000;

/**
 * The links Patron adds to email (implements the dispatcher's EmailDecorator): signed unsubscribe,
 * preference-centre and view-in-browser URLs, click tracking through a signed redirect, UTM
 * parameters on links to the store, the open pixel and the RFC 8058 one-click unsubscribe headers.
 */
export class Links implements EmailDecorator {
  readonly publicUrl: string;
  private readonly signer: Signer;
  private storeHosts = new Set<string>();
  private hostsLoadedAt = 0;
  private loader: ((db: Executor) => Promise<string[]>) | undefined;
  private db: Executor | undefined;

  constructor(opts: { signer: Signer; publicUrl: string; storeHosts?: string[] }) {
    this.signer = opts.signer;
    this.publicUrl = opts.publicUrl.replace(/\/+$/, '');
    if (opts.storeHosts) this.setStoreHosts(opts.storeHosts);
  }

  /** The hosts whose links get UTM parameters (the store's own site). */
  setStoreHosts(hosts: string[]): void {
    this.storeHosts = new Set(hosts.map(normaliseHost).filter(Boolean));
    this.hostsLoadedAt = Date.now();
  }

  /** Loads the store's hosts now and keeps them fresh (every 5 minutes, in the background, as mail is decorated). */
  async init(db: Executor): Promise<void> {
    await this.signer.init();
    this.db = db;
    this.loader = loadStoreHosts;
    this.setStoreHosts(await loadStoreHosts(db));
  }

  private maybeRefresh(): void {
    if (!this.loader || !this.db || Date.now() - this.hostsLoadedAt < HOSTS_TTL_MS) return;
    this.hostsLoadedAt = Date.now();
    this.loader(this.db).then((h) => this.setStoreHosts(h), () => undefined);
  }

  sign(purpose: string, data: string): string {
    return this.signer.sign(purpose, data);
  }

  /** Whether `sig` is our signature of a message link for `purpose`. */
  verifyMessage(purpose: MessagePurpose, messageId: string, sig: string): boolean {
    return this.signer.verify(purpose, messageId, sig);
  }

  verifyClick(messageId: string, url: string, sig: string): boolean {
    return this.signer.verify(PURPOSE.click, `${messageId}\n${url}`, sig);
  }

  private messageUrl(path: string, purpose: MessagePurpose, id: string, suffix = ''): string {
    return `${this.publicUrl}/m/${path}/${id}/${this.signer.sign(purpose, id)}${suffix}`;
  }

  unsubscribeUrl(messageId: string): string {
    return this.messageUrl('u', PURPOSE.unsubscribe, messageId);
  }
  preferencesUrl(messageId: string): string {
    return this.messageUrl('p', PURPOSE.preferences, messageId);
  }
  viewUrl(messageId: string): string {
    return this.messageUrl('v', PURPOSE.view, messageId);
  }
  openPixelUrl(messageId: string): string {
    return this.messageUrl('o', PURPOSE.open, messageId, '.gif');
  }
  clickUrl(messageId: string, url: string): string {
    return `${this.publicUrl}/m/c/${messageId}/${this.signer.sign(PURPOSE.click, `${messageId}\n${url}`)}?u=${encodeURIComponent(url)}`;
  }

  /** A double opt-in link for one customer, valid CONFIRM_TTL_DAYS from `issuedAt`. */
  confirmUrl(customerId: string, issuedAt: Date = new Date()): string {
    const t = Math.floor(issuedAt.getTime() / 1000);
    return `${this.publicUrl}/m/confirm/${customerId}/${t}/${this.signer.sign(PURPOSE.confirm, `${customerId}:${t}`)}`;
  }
  verifyConfirm(customerId: string, issued: string, sig: string, now: Date = new Date()): 'ok' | 'expired' | 'invalid' {
    if (!/^\d{1,12}$/.test(issued) || !this.signer.verify(PURPOSE.confirm, `${customerId}:${issued}`, sig)) return 'invalid';
    return now.getTime() - Number(issued) * 1000 > CONFIRM_TTL_DAYS * 86_400_000 ? 'expired' : 'ok';
  }

  /** Where an SMS gateway posts delivery receipts (one signed URL per installation). */
  smsReceiptUrl(): string {
    return `${this.publicUrl}/m/sms/receipt/${this.signer.sign(PURPOSE.smsReceipt, 'v1')}`;
  }
  verifySmsReceipt(sig: string): boolean {
    return this.signer.verify(PURPOSE.smsReceipt, 'v1', sig);
  }

  /** The token that authenticates bounce and provider webhooks (`?token=` or `Authorization: Bearer`). */
  inboundToken(): string {
    return this.signer.sign(PURPOSE.inbound, 'v1');
  }
  verifyInboundToken(token: string | undefined): boolean {
    return !!token && this.signer.verify(PURPOSE.inbound, 'v1', token);
  }

  linkVars(message: Pick<MessageRow, 'id' | 'customer_id' | 'kind'>): Record<string, string> {
    return { unsubscribe_url: this.unsubscribeUrl(message.id), preferences_url: this.preferencesUrl(message.id), view_in_browser_url: this.viewUrl(message.id) };
  }

  decorateHtml(html: string, message: DecorateMessage): string {
    this.maybeRefresh();
    const own = `${this.publicUrl}/m/`;
    const utm = { campaign: message.campaign_id ?? message.flow_id ?? message.purpose, content: message.flow_step_id ?? message.variant ?? null };
    const out = rewriteAnchors(html, (href) => {
      if (!/^https?:\/\//i.test(href) || href.startsWith(own)) return undefined;
      const target = message.kind === 'marketing' ? addUtm(href, this.storeHosts, utm) : href;
      return this.clickUrl(message.id, target);
    });
    const pixel = `<img src="${escapeAttr(this.openPixelUrl(message.id))}" width="1" height="1" alt="" style="display:block;width:1px;height:1px;border:0;" />`;
    return insertBeforeBodyEnd(out, pixel);
  }

  headers(message: Pick<MessageRow, 'id' | 'kind'>): Record<string, string> {
    // Bounce reports and provider webhooks find the message by this header.
    const h: Record<string, string> = { 'X-Patron-Message-Id': message.id };
    if (message.kind === 'marketing') {
      h['List-Unsubscribe'] = `<${this.unsubscribeUrl(message.id)}>`;
      h['List-Unsubscribe-Post'] = 'List-Unsubscribe=One-Click';
    }
    return h;
  }
}

/** The store's hosts: the configured store URL and the hosts of product pages. */
async function loadStoreHosts(db: Executor): Promise<string[]> {
  const s = await engagementSettings.get(db);
  const rows = await sql<{ host: string }>`
    select distinct lower(substring(url from '^https?://([^/:?#]+)')) as host from (select url from products where url is not null limit 5000) p
    where url ~* '^https?://'`.execute(db);
  const hosts = rows.rows.map((r) => r.host).filter(Boolean).slice(0, 50);
  if (s.storeUrl) hosts.push(new URL(s.storeUrl).hostname);
  return hosts;
}
