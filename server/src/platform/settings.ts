import type { Executor } from './db/db.ts';
import { z } from 'zod';

export interface SettingsTable {
  key: string;
  value: unknown;
  updated_at: Date;
}

declare module './db/types.ts' {
  interface Database {
    settings: SettingsTable;
  }
}

/** Store-wide settings every module may read. */
export const storeSettingsSchema = z.object({
  name: z.string().trim().min(1).max(200).default('My store'),
  /** ISO 4217: customers' totals, dashboards and imports without a currency use it. */
  currency: z.string().regex(/^[A-Z]{3}$/).default('USD'),
  /** IANA time zone for day and month boundaries. */
  timeZone: z.string().min(1).max(64).default('UTC'),
  /** When true the tracking snippet sends nothing until the visitor consents. */
  trackingConsentRequired: z.boolean().default(false),
});
export type StoreSettings = z.infer<typeof storeSettingsSchema>;

export async function getSetting(db: Executor, key: string): Promise<unknown> {
  return (await db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst())?.value;
}

export async function putSetting(db: Executor, key: string, value: unknown): Promise<void> {
  await db
    .insertInto('settings')
    .values({ key, value: JSON.stringify(value), updated_at: new Date() })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value: JSON.stringify(value), updated_at: new Date() }))
    .execute();
}

export async function deleteSetting(db: Executor, key: string): Promise<void> {
  await db.deleteFrom('settings').where('key', '=', key).execute();
}

export async function getStoreSettings(db: Executor): Promise<StoreSettings> {
  return storeSettingsSchema.parse((await getSetting(db, 'store')) ?? {});
}
