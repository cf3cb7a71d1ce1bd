import { audit } from './audit/audit.ts';
import type { Db } from './db/db.ts';
import { actorOf } from './http/context.ts';
import { badRequest } from './http/problem.ts';
import type { ZodApp } from './http/server.ts';
import { isCurrency } from './money.ts';
import { getStoreSettings, putSetting, storeSettingsSchema } from './settings.ts';

/** Store settings: name, currency, time zone, tracking consent mode. */
export function settingsRoutes(app: ZodApp, db: Db): void {
  const tags = ['Settings'];
  app.get('/api/settings/store', { config: { access: 'authenticated' }, schema: { tags, summary: 'Store settings', response: { 200: storeSettingsSchema } } },
    async () => getStoreSettings(db));

  app.put('/api/settings/store', { config: { access: 'settings:write' }, schema: { tags, summary: 'Change store settings', body: storeSettingsSchema.partial().strict(), response: { 200: storeSettingsSchema } } },
    async (req) => {
      const b = req.body;
      if (b.currency && !isCurrency(b.currency)) throw badRequest(`${b.currency} is not an ISO 4217 currency.`, [{ pointer: '/body/currency', detail: 'is not an ISO 4217 currency code' }]);
      if (b.timeZone) {
        try {
          new Intl.DateTimeFormat('en', { timeZone: b.timeZone });
        } catch {
          throw badRequest(`"${b.timeZone}" is not an IANA time zone.`, [{ pointer: '/body/timeZone', detail: 'is not an IANA time zone such as Europe/London' }]);
        }
      }
      return db.transaction().execute(async (tx) => {
        const before = await getStoreSettings(tx);
        const after = storeSettingsSchema.parse({ ...before, ...b });
        await putSetting(tx, 'store', after);
        await audit.record(tx, actorOf(req), { action: 'settings.store_updated', entityType: 'settings', entityId: 'store', summary: 'Changed store settings', before, after });
        return after;
      });
    });
}
