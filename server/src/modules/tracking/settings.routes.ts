import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { audit } from '../../platform/audit/audit.ts';
import type { Db } from '../../platform/db/db.ts';
import { actorOf, baseUrl } from '../../platform/http/context.ts';
import type { ZodApp } from '../../platform/http/server.ts';
import { getStoreSettings, putSetting, storeSettingsSchema } from '../../platform/settings.ts';
import type { UsersService } from '../users/users.service.ts';
import { trackingSettingsBodySchema, trackingSettingsSchema } from './tracking.schemas.ts';

const SDK_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../sdk');
export const SCRIPT_PATH = '/sdk/patron.js';
export const KEY_PLACEHOLDER = 'PUBLIC_WRITE_KEY';

/** The copy-paste install snippet (sdk/snippet.js filled in), wrapped in a script tag. */
export function installSnippet(o: { scriptUrl: string; host: string; writeKey: string; consentRequired: boolean }): string {
  const stub = fs.readFileSync(path.join(SDK_DIR, 'snippet.js'), 'utf8').replace(/^\/\*[\s\S]*?\*\/\n/, '');
  const js = stub
    .replace("'__SCRIPT_URL__'", JSON.stringify(o.scriptUrl))
    .replace("'__WRITE_KEY__'", JSON.stringify(o.writeKey))
    .replace('/*OPTIONS*/ {}', JSON.stringify({ host: o.host, consentRequired: o.consentRequired }));
  // Safe inside <script>: no "</" can end the element early.
  return `<script>\n${js.replace(/<\//g, '<\\/')}</script>\n`;
}

/** The browser script at a stable URL, and the settings page's API: install snippet, public keys, consent mode. */
export function trackingSettingsRoutes(app: ZodApp, deps: { db: Db; users: UsersService; publicUrl: string | undefined }): void {
  const script = fs.readFileSync(path.join(SDK_DIR, 'patron.js'));
  const etag = `"${createHash('sha256').update(script).digest('base64url').slice(0, 27)}"`;
  app.get(SCRIPT_PATH, { config: { access: 'public' }, schema: { hide: true } }, async (req, reply) => {
    reply.header('cache-control', 'public, max-age=3600, stale-while-revalidate=86400').header('etag', etag)
      .header('x-content-type-options', 'nosniff').header('access-control-allow-origin', '*');
    if (req.headers['if-none-match'] === etag) return reply.code(304).send();
    return reply.type('text/javascript; charset=utf-8').send(script);
  });

  const tags = ['Settings'];
  const read = async (req: Parameters<typeof baseUrl>[0]) => {
    const base = baseUrl(req, deps.publicUrl);
    const { trackingConsentRequired } = await getStoreSettings(deps.db);
    const keys = (await deps.users.listApiKeys()).filter((k) => k.kind === 'public' && !k.revokedAt);
    const scriptUrl = `${base}${SCRIPT_PATH}`;
    return {
      scriptUrl, host: base, consentRequired: trackingConsentRequired,
      snippet: installSnippet({ scriptUrl, host: base, writeKey: KEY_PLACEHOLDER, consentRequired: trackingConsentRequired }),
      publicKeys: keys.map((k) => ({ id: k.id, name: k.name, prefix: k.prefix, createdAt: k.createdAt, lastUsedAt: k.lastUsedAt })),
    };
  };
  app.get('/api/settings/tracking', {
    config: { access: 'settings:read' },
    schema: { tags, summary: 'Tracking install: script URL, snippet to paste, public write keys, consent mode', response: { 200: trackingSettingsSchema } },
  }, async (req) => read(req));

  app.put('/api/settings/tracking', {
    config: { access: 'settings:write' },
    schema: { tags, summary: 'Turn consent mode on or off (the snippet then waits for patron.consent.grant())', body: trackingSettingsBodySchema, response: { 200: trackingSettingsSchema } },
  }, async (req) => {
    await deps.db.transaction().execute(async (tx) => {
      const before = await getStoreSettings(tx);
      const after = storeSettingsSchema.parse({ ...before, trackingConsentRequired: req.body.consentRequired });
      await putSetting(tx, 'store', after);
      await audit.record(tx, actorOf(req), {
        action: 'settings.tracking_updated', entityType: 'settings', entityId: 'store',
        summary: `Tracking consent mode ${req.body.consentRequired ? 'on' : 'off'}`, before: { consentRequired: before.trackingConsentRequired }, after: { consentRequired: after.trackingConsentRequired },
      });
    });
    return read(req);
  });
}
