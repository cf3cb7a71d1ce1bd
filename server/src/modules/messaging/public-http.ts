import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Executor } from '../../platform/db/db.ts';
import type { Hit } from './bots.ts';
import { storeVars } from './context.ts';
import { brandColor, type Brand } from './pages.ts';
import type { Evidence } from './preferences.service.ts';

/** Recipients' pages: never cached or indexed, no referrer (the URL is a capability), no script, no framing. */
export const PAGE_HEADERS = {
  'cache-control': 'no-store', 'x-robots-tag': 'noindex', 'referrer-policy': 'no-referrer', 'x-content-type-options': 'nosniff',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
};

export const html = (reply: FastifyReply, status: number, body: string) => reply.status(status).headers(PAGE_HEADERS).type('text/html; charset=utf-8').send(body);

/** A transparent 1×1 GIF (43 bytes). */
export const PIXEL_GIF = Buffer.from('R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==', 'base64');

export function hitOf(req: FastifyRequest): Hit {
  return { method: req.method, userAgent: req.headers['user-agent'], ip: req.ip, sentAt: null, at: new Date() };
}

export function evidenceOf(req: FastifyRequest): Evidence {
  return { ip: req.ip ?? null, userAgent: req.headers['user-agent']?.slice(0, 500) ?? null };
}

/**
 * The fields of a small body, whatever its encoding: form (urlencoded or multipart, as mail providers
 * send RFC 8058 one-click posts), JSON (gateways' receipts), or none.
 */
export function formOf(req: FastifyRequest): URLSearchParams {
  const body = Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '';
  const type = (req.headers['content-type'] ?? '').toLowerCase();
  if (!body) return new URLSearchParams();
  if (type.includes('json')) {
    try {
      const v = JSON.parse(body) as unknown;
      const out = new URLSearchParams();
      if (v && typeof v === 'object' && !Array.isArray(v)) {
        for (const [k, x] of Object.entries(v)) if (typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean') out.append(k, String(x));
      }
      return out;
    } catch {
      return new URLSearchParams();
    }
  }
  if (type.startsWith('multipart/form-data')) {
    const out = new URLSearchParams();
    for (const m of body.matchAll(/content-disposition:\s*form-data;\s*name="([^"]+)"[^\r\n]*\r?\n(?:[^\r\n]+\r?\n)*\r?\n([\s\S]*?)\r?\n--/gi)) out.append(m[1]!, m[2]!);
    return out;
  }
  return new URLSearchParams(body);
}

/** The store's name and colour for recipients' pages (re-read at most once a minute). */
export function brandLoader(db: Executor): () => Promise<Brand> {
  let cached: { at: number; brand: Brand } | undefined;
  return async () => {
    if (cached && Date.now() - cached.at < 60_000) return cached.brand;
    const { vars } = await storeVars(db);
    cached = { at: Date.now(), brand: { storeName: vars.name, color: brandColor(vars.brand_color) } };
    return cached.brand;
  };
}
