/**
 * Telling machine opens and clicks from people's (docs/messaging.md, "Tracking, unsubscribe and
 * preferences"). Mail security gateways fetch every image and follow every link of a message as it
 * arrives; Apple Mail Privacy Protection fetches images on Apple's servers whether or not the mail
 * is read. Such hits are recorded with `is_bot` and a reason but count neither as opens nor clicks.
 */

export type BotReason = 'head_request' | 'too_soon' | 'scanner_agent' | 'no_user_agent' | 'apple_mpp' | 'link_burst';

export interface Hit {
  method: string;
  userAgent: string | undefined;
  ip: string | undefined;
  /** When the message was sent (null: not recorded). */
  sentAt: Date | null;
  at: Date;
}

/** A hit this soon after sending is a gateway scanning the mail on arrival, not a person. */
export const TOO_SOON_MS = 2_000;
/** Distinct links of one message clicked within this window… */
export const BURST_WINDOW_MS = 5_000;
/** …this many times (the hit included) is a link scanner following every link. */
export const BURST_LINKS = 3;

// Security gateways, link expanders and HTTP libraries. Deliberately not matched: GoogleImageProxy and
// YahooMailProxy, which fetch images when a Gmail or Yahoo user opens the message (they are real opens).
const SCANNER_UA = new RegExp(
  [
    'bot\\b', 'bot/', 'crawl', 'spider', 'slurp', 'scanner', 'preview', 'barracuda', 'mimecast', 'proofpoint', 'ironport', 'cisco',
    'symantec', 'messagelabs', 'trend ?micro', 'forcepoint', 'sophos', 'fortiguard', 'zscaler', 'safelinks', 'appriver', 'vadesecure',
    'python-requests', 'python-urllib', 'aiohttp', 'curl/', 'wget', 'go-http-client', 'java/', 'okhttp', 'libwww', 'httpclient',
    'axios', 'node-fetch', 'undici', 'headless', 'phantomjs', 'ms-office', 'microsoft office', 'skypeuripreview', 'facebookexternalhit',
    'whatsapp', 'slackbot', 'discordbot', 'linkexpanding', 'outlook-ios-android/.*preview',
  ].join('|'),
  'i',
);

// Apple's proxies send a bare WebKit agent without Safari's "Version/… Safari/…" tokens, from Apple's 17.0.0.0/8.
const APPLE_PROXY_UA = /^Mozilla\/5\.0 \(Macintosh; Intel Mac OS X [\d_]+\) AppleWebKit\/[\d.]+ \(KHTML, like Gecko\)$/;
const APPLE_NET = /^(::ffff:)?17\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;

function commonReason(h: Hit): BotReason | null {
  if (h.method === 'HEAD') return 'head_request';
  const ua = h.userAgent?.trim() ?? '';
  if (!ua) return 'no_user_agent';
  if (SCANNER_UA.test(ua)) return 'scanner_agent';
  if (h.sentAt && h.at.getTime() - h.sentAt.getTime() < TOO_SOON_MS) return 'too_soon';
  return null;
}

/** Why an open-pixel fetch is a machine's, or null for a person's. */
export function openBotReason(h: Hit): BotReason | null {
  const r = commonReason(h);
  if (r) return r;
  const ua = h.userAgent?.trim() ?? '';
  if (APPLE_PROXY_UA.test(ua) || (h.ip && APPLE_NET.test(h.ip) && !/Version\/[\d.]+ .*Safari/.test(ua))) return 'apple_mpp';
  return null;
}

/**
 * Why a click is a machine's, or null for a person's. `recent` are the message's other clicks
 * (URL and time) in the last BURST_WINDOW_MS: a scanner follows every link within a few seconds.
 */
export function clickBotReason(h: Hit, url: string, recent: { url: string; at: Date }[]): BotReason | null {
  const r = commonReason(h);
  if (r) return r;
  const urls = new Set(recent.filter((c) => Math.abs(h.at.getTime() - c.at.getTime()) <= BURST_WINDOW_MS).map((c) => c.url));
  urls.add(url);
  return urls.size >= BURST_LINKS ? 'link_burst' : null;
}
