import { describe, expect, it } from 'vitest';
import { clickBotReason, openBotReason, type Hit } from './bots.ts';

const CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36';
const SAFARI = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15';
const sentAt = new Date('2026-03-01T10:00:00Z');
const later = new Date('2026-03-01T10:30:00Z');
const hit = (o: Partial<Hit> = {}): Hit => ({ method: 'GET', userAgent: CHROME, ip: '203.0.113.9', sentAt, at: later, ...o });

describe('open bot heuristics', () => {
  it('counts a person opening in a browser or a mail app', () => {
    expect(openBotReason(hit())).toBeNull();
    expect(openBotReason(hit({ userAgent: SAFARI, ip: '198.51.100.7' }))).toBeNull();
    // Gmail and Yahoo fetch images through their proxies when the person opens the message.
    expect(openBotReason(hit({ userAgent: 'Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)' }))).toBeNull();
    expect(openBotReason(hit({ userAgent: 'YahooMailProxy; https://help.yahoo.com/kb/yahoo-mail-proxy-SLN28749.html' }))).toBeNull();
    // Unknown send time: the timing rule cannot apply.
    expect(openBotReason(hit({ sentAt: null }))).toBeNull();
  });

  it('flags HEAD requests, missing agents, scanners and fetches within 2 s of sending', () => {
    expect(openBotReason(hit({ method: 'HEAD' }))).toBe('head_request');
    expect(openBotReason(hit({ userAgent: undefined }))).toBe('no_user_agent');
    expect(openBotReason(hit({ userAgent: '  ' }))).toBe('no_user_agent');
    for (const ua of ['Barracuda Sentinel (EE)', 'Mozilla/5.0 (compatible; Mimecast)', 'python-requests/2.31', 'curl/8.5.0', 'Go-http-client/1.1', 'Microsoft Office Protocol Discovery', 'Googlebot/2.1']) {
      expect(openBotReason(hit({ userAgent: ua })), ua).toBe('scanner_agent');
    }
    expect(openBotReason(hit({ at: new Date(sentAt.getTime() + 1500) }))).toBe('too_soon');
    expect(openBotReason(hit({ at: new Date(sentAt.getTime() + 2500) }))).toBeNull();
  });

  it('flags Apple Mail Privacy Protection prefetches', () => {
    expect(openBotReason(hit({ userAgent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko)' }))).toBe('apple_mpp');
    expect(openBotReason(hit({ userAgent: 'Mozilla/5.0', ip: '17.58.101.4' }))).toBe('apple_mpp');
    expect(openBotReason(hit({ userAgent: 'Mozilla/5.0', ip: '::ffff:17.58.101.4' }))).toBe('apple_mpp');
    // A person browsing in Safari from Apple's own network is still a person.
    expect(openBotReason(hit({ userAgent: SAFARI, ip: '17.58.101.4' }))).toBeNull();
  });
});

describe('click bot heuristics', () => {
  const at = (ms: number) => new Date(later.getTime() + ms);
  it('counts one person clicking two links', () => {
    expect(clickBotReason(hit(), 'https://a.test/1', [])).toBeNull();
    expect(clickBotReason(hit({ at: at(3000) }), 'https://a.test/2', [{ url: 'https://a.test/1', at: later }])).toBeNull();
    // The same link twice is not a burst.
    expect(clickBotReason(hit({ at: at(1000) }), 'https://a.test/1', [{ url: 'https://a.test/1', at: later }, { url: 'https://a.test/1', at: at(500) }])).toBeNull();
  });

  it('flags a scanner following every link within seconds', () => {
    expect(clickBotReason(hit({ at: at(800) }), 'https://a.test/3', [{ url: 'https://a.test/1', at: later }, { url: 'https://a.test/2', at: at(400) }])).toBe('link_burst');
    // Spread over minutes: a person reading.
    expect(clickBotReason(hit({ at: at(120_000) }), 'https://a.test/3', [{ url: 'https://a.test/1', at: later }, { url: 'https://a.test/2', at: at(60_000) }])).toBeNull();
  });

  it('flags HEAD, scanner agents and clicks within 2 s of sending', () => {
    expect(clickBotReason(hit({ method: 'HEAD' }), 'https://a.test/', [])).toBe('head_request');
    expect(clickBotReason(hit({ userAgent: 'Mozilla/5.0 (compatible; proofpoint)' }), 'https://a.test/', [])).toBe('scanner_agent');
    expect(clickBotReason(hit({ at: new Date(sentAt.getTime() + 900) }), 'https://a.test/', [])).toBe('too_soon');
  });
});
