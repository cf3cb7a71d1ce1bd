import nodemailer, { type Transporter } from 'nodemailer';
import type SMTPPool from 'nodemailer/lib/smtp-pool/index.js';
import { Liquid } from 'liquidjs';
import type { Executor } from '../../platform/db/db.ts';
import { messagingSettings, type SmsSettings, type SmtpSettings } from './messaging.settings.ts';

export interface OutgoingEmail {
  from: string;
  to: string;
  replyTo?: string;
  /** Copies (support replies keep the people the customer copied in). */
  cc?: string;
  subject: string;
  html: string;
  text: string;
  /** Our Message-ID, `<id@domain>`: replies and DSNs refer to it. */
  messageId: string;
  headers: Record<string, string>;
}

export interface OutgoingSms {
  from: string;
  to: string;
  body: string;
  messageId: string;
  receiptUrl: string;
}

export interface SendResult {
  transport: 'smtp' | 'outbox' | 'sms-webhook';
  providerId: string | null;
}

/**
 * A failed hand-off. `retry`: nothing reached the server (or it answered 4xx), so sending again later
 * cannot duplicate. `uncertain`: the message may have been accepted; it is never sent again.
 */
export class TransportError extends Error {
  readonly outcome: 'retry' | 'permanent' | 'uncertain';
  constructor(message: string, outcome: 'retry' | 'permanent' | 'uncertain') {
    super(message);
    this.outcome = outcome;
  }
}

// SMTP commands before DATA: a failure there means the server never took the message.
const BEFORE_DATA = new Set(['CONN', 'EHLO', 'HELO', 'LHLO', 'STARTTLS', 'AUTH PLAIN', 'AUTH LOGIN', 'AUTH XOAUTH2', 'AUTH CRAM-MD5', 'MAIL FROM', 'RCPT TO']);
const CONNECT_CODES = new Set(['ECONNECTION', 'ETIMEDOUT', 'EDNS', 'ESOCKET', 'ETLS', 'EAUTH', 'ECONNREFUSED']);

/** Classifies a nodemailer error by whether the message could have been accepted. */
export function classifySmtpError(err: unknown): TransportError {
  const e = err as { message?: string; responseCode?: number; command?: string; code?: string; response?: string };
  const msg = `${e.message ?? String(err)}`.slice(0, 500);
  if (typeof e.responseCode === 'number') {
    // The server answered: 4xx = try later, 5xx = it will never take this message.
    return new TransportError(msg, e.responseCode >= 500 ? 'permanent' : 'retry');
  }
  if ((e.command && BEFORE_DATA.has(e.command.toUpperCase())) || (e.code && CONNECT_CODES.has(e.code) && !e.command)) {
    return new TransportError(msg, 'retry');
  }
  return new TransportError(msg, 'uncertain');
}

/** Email over a pooled SMTP connection, rate-limited per process. */
export class SmtpTransport {
  private readonly t: Transporter<SMTPPool.SentMessageInfo>;
  constructor(s: SmtpSettings) {
    this.t = nodemailer.createTransport({
      pool: true,
      host: s.host,
      port: s.port,
      secure: s.security === 'tls',
      requireTLS: s.security === 'starttls',
      ignoreTLS: s.security === 'none',
      auth: s.username ? { user: s.username, pass: s.password ?? '' } : undefined,
      maxConnections: s.poolSize,
      maxMessages: 1000,
      rateDelta: 1000,
      rateLimit: s.ratePerSecond,
      connectionTimeout: 15_000,
      greetingTimeout: 15_000,
      socketTimeout: 60_000,
    });
  }

  async send(m: OutgoingEmail): Promise<SendResult> {
    try {
      const info = await this.t.sendMail({ from: m.from, to: m.to, ...(m.cc ? { cc: m.cc } : {}), replyTo: m.replyTo, subject: m.subject, html: m.html, text: m.text, messageId: m.messageId, headers: m.headers });
      return { transport: 'smtp', providerId: info.messageId ?? m.messageId };
    } catch (e) {
      throw classifySmtpError(e);
    }
  }

  /** Connects and authenticates without sending (the settings page's "Test connection"). */
  async verify(): Promise<void> {
    await this.t.verify();
  }

  close(): void {
    this.t.close();
  }
}

const liquid = new Liquid({ templates: {}, strictFilters: true, ownPropertyOnly: true, renderLimit: 1000 });

/** SMS through any HTTP gateway: Patron builds the request body from the store's template. */
export class SmsWebhookTransport {
  private readonly s: SmsSettings;
  constructor(s: SmsSettings) {
    this.s = s;
  }

  /** Nothing held open: one HTTP request per message. */
  close(): void {}

  async send(m: OutgoingSms): Promise<SendResult> {
    const body = await liquid.parseAndRender(this.s.bodyTemplate, { to: m.to, from: m.from || this.s.from, body: m.body, message_id: m.messageId, receipt_url: m.receiptUrl });
    let res: Response;
    try {
      res = await fetch(this.s.url, {
        method: 'POST',
        headers: { 'content-type': this.s.contentType, ...(this.s.authHeader ? { authorization: this.s.authHeader } : {}) },
        body,
        signal: AbortSignal.timeout(15_000),
        redirect: 'error',
      });
    } catch (e) {
      // A timeout may hide an accepted message; a refused connection cannot.
      const code = (e as { cause?: { code?: string } }).cause?.code;
      throw new TransportError(`SMS gateway unreachable: ${(e as Error).message}`, code === 'ECONNREFUSED' || code === 'ENOTFOUND' ? 'retry' : 'uncertain');
    }
    const text = await res.text();
    if (res.status >= 500 || res.status === 429) throw new TransportError(`SMS gateway answered ${res.status}: ${text.slice(0, 200)}`, 'retry');
    if (res.status >= 300) throw new TransportError(`SMS gateway refused the message (${res.status}): ${text.slice(0, 200)}`, 'permanent');
    return { transport: 'sms-webhook', providerId: pick(text, this.s.providerIdPath) };
  }
}

function pick(json: string, path: string): string | null {
  try {
    let v: unknown = JSON.parse(json);
    for (const k of path.split('.').filter(Boolean)) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined;
    return typeof v === 'string' || typeof v === 'number' ? String(v) : null;
  } catch {
    return null;
  }
}

/**
 * A transport built from settings read at most every 10 s: rebuilt (the old one closed) only when the
 * settings changed, so a long-lived worker follows edits made in any process without reconnecting
 * every batch. `invalidate()` after an edit in this process.
 */
export class CachedTransport<S, T extends { close(): void }> {
  private cached: { key: string; t: T | null; at: number } | undefined;
  private readonly read: () => Promise<S | null>;
  private readonly make: (s: S) => T;

  constructor(read: () => Promise<S | null>, make: (s: S) => T) {
    this.read = read;
    this.make = make;
  }

  async get(): Promise<T | null> {
    if (this.cached && Date.now() - this.cached.at < 10_000) return this.cached.t;
    const s = await this.read();
    const key = JSON.stringify(s);
    if (this.cached?.key === key) {
      this.cached.at = Date.now();
      return this.cached.t;
    }
    this.cached?.t?.close();
    this.cached = { key, t: s ? this.make(s) : null, at: Date.now() };
    return this.cached.t;
  }

  invalidate(): void {
    this.cached?.t?.close();
    this.cached = undefined;
  }
}

/** Messaging's SMTP server, as configured under Settings → Messaging (also used by support's replies). */
export function cachedSmtp(db: Executor): CachedTransport<SmtpSettings, SmtpTransport> {
  return new CachedTransport(() => messagingSettings.smtp(db), (s) => new SmtpTransport(s));
}

/** The SMS gateway, as configured under Settings → Messaging. */
export function cachedSms(db: Executor): CachedTransport<SmsSettings, SmsWebhookTransport> {
  return new CachedTransport(() => messagingSettings.sms(db), (s) => new SmsWebhookTransport(s));
}
