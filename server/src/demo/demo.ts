import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { z } from 'zod';
import type { Patron } from '../app.ts';
import { audit, type Actor } from '../platform/audit/audit.ts';
import type { Db } from '../platform/db/db.ts';
import { conflict } from '../platform/http/problem.ts';
import { getSetting, getStoreSettings, putSetting } from '../platform/settings.ts';
import { generateDemoBehaviour } from '../modules/commerce/commerce.demo.ts';
import { generateStore } from './synthetic.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
/** Where the UCI Online Retail file sits next to a checkout of the project (../shared/data). */
const DEFAULT_FILES = [path.resolve(here, '../../../../shared/data/online-retail/online_retail_uci.csv.gz'), path.resolve('../shared/data/online-retail/online_retail_uci.csv.gz')];

export const demoStatusSchema = z.object({
  status: z.enum(['none', 'running', 'done', 'failed']),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  dataset: z.string().nullable(),
  summary: z.record(z.string(), z.unknown()).nullable(),
  error: z.string().nullable(),
});
export type DemoStatus = z.infer<typeof demoStatusSchema>;

export interface DemoOptions {
  /** The UCI Online Retail file; default: PATRON_DEMO_FILE or ../shared/data/…; a synthetic store when none is found. */
  file?: string;
  log?: (m: string) => void;
}

export async function demoStatus(db: Db): Promise<DemoStatus> {
  const s = (await getSetting(db, 'demo')) as Partial<DemoStatus> | undefined;
  return demoStatusSchema.parse({ status: 'none', startedAt: null, finishedAt: null, dataset: null, summary: null, error: null, ...(s ?? {}) });
}

/** Refuses to pour demo data into a store that already has real orders or customers. */
export async function assertEmptyStore(db: Db): Promise<void> {
  const n = await sql<{ orders: number; customers: number }>`select (select count(*) from orders)::int as orders, (select count(*) from customers)::int as customers`.execute(db);
  const r = n.rows[0]!;
  if (r.orders > 0 || r.customers > 0) {
    throw conflict(`This store already has ${r.customers} customers and ${r.orders} orders; demo data is only loaded into an empty store (start with a new PATRON_DATA_DIR to try it).`, 'store-not-empty');
  }
}

/**
 * Loads the demo store: a real shop's order history (the UCI Online Retail data, 541,909 lines) when
 * the file is at hand, else a seeded synthetic store; then browsing and checkout behaviour consistent
 * with those orders. Each module contributes its part: integrations imports, commerce adds behaviour.
 */
export async function runDemo(p: Patron, actor: Actor, opts: DemoOptions = {}): Promise<Record<string, unknown>> {
  const db = p.dbh.db;
  const log = opts.log ?? (() => undefined);
  await assertEmptyStore(db);
  const file = opts.file ?? process.env.PATRON_DEMO_FILE ?? DEFAULT_FILES.find((f) => fs.existsSync(f));
  const started = new Date();
  await putSetting(db, 'demo', { status: 'running', startedAt: started.toISOString(), finishedAt: null, dataset: file ? 'uci-online-retail' : 'synthetic', summary: null, error: null });
  try {
    const summary: Record<string, unknown> = {};
    if (file) {
      log(`Importing ${file} (UCI Online Retail)…`);
      const r = await p.modules.integrations.imports.service.runFile(actor, file, {
        kind: 'orders', preset: 'uci', dryRun: false,
        onProgress: (s) => log(`  ${s.phase}: ${s.rowsRead.toLocaleString('en-US')} rows`),
      });
      summary.import = { orders: r.summary.orders, guestOrders: r.summary.guestOrders, refunds: r.summary.refunds, customers: r.summary.customers, products: r.summary.products, money: r.summary.money };
      await putSetting(db, 'store', { ...(await getStoreSettings(db)), name: 'Demo gift shop (UCI Online Retail)', timeZone: 'Europe/London' });
    } else {
      log('No UCI Online Retail file found: generating a synthetic store (5,000 customers)…');
      summary.synthetic = await generateStore(db, { customers: 5000, seed: 7, until: new Date(), log: (m) => log(`  ${m}`) });
      await putSetting(db, 'store', { ...(await getStoreSettings(db)), name: 'Demo store (synthetic)' });
    }
    log('Generating browsing and checkout behaviour consistent with the orders…');
    summary.behaviour = await generateDemoBehaviour(db);
    await p.modules.customers.service.refreshAllCommerceStats(db);
    log('Scoring customers (RFM)…');
    await p.modules.rfm.service.recompute('manual', actor);
    log('Computing segments…');
    await p.modules.segments.service.ensureBuiltins(actor);
    const seg = await p.modules.segments.refreshAll();
    summary.segments = { evaluated: seg.evaluated };
    log('Setting up messaging (addresses and consent, templates, flows, a newsletter)…');
    summary.messaging = await p.modules.messaging.demo(actor, log);
    log('Writing the help centre (knowledge-base categories and articles)…');
    summary.helpCentre = await p.modules.support.kb.demo(actor, log);
    log('Support: teams, macros, rules and a few dozen conversations…');
    summary.supportTickets = await p.modules.support.tickets.demo(actor, log);
    summary.supportEmail = await p.modules.support.email.demo(actor, log);
    summary.liveChat = await p.modules.support.chat.demo(actor, log);
    log('Support: business hours, SLA policies, three weeks of ticket history and satisfaction ratings…');
    summary.supportSla = await p.modules.support.sla.demo(actor, log);
    summary.forecast = await p.modules.predict.forecast.demo(actor, log);
    summary.recommendations = await p.modules.predict.recs.demo(actor, log);
    summary.lifetimeValue = await p.modules.predict.clv.demo(actor, log);
    await putSetting(db, 'demo', { status: 'done', startedAt: started.toISOString(), finishedAt: new Date().toISOString(), dataset: file ? 'uci-online-retail' : 'synthetic', summary, error: null });
    await audit.record(db, actor, { action: 'demo.loaded', entityType: 'settings', entityId: 'demo', summary: `Loaded the demo store (${file ? 'UCI Online Retail' : 'synthetic'})`, after: summary });
    return summary;
  } catch (e) {
    await putSetting(db, 'demo', { status: 'failed', startedAt: started.toISOString(), finishedAt: new Date().toISOString(), dataset: null, summary: null, error: (e as Error).message });
    throw e;
  }
}
