import fs from 'node:fs';
import { ConfigError } from '../../../config.ts';
import type { Actor } from '../../../platform/audit/audit.ts';
import { importKindSchema, mappingSchema, presetSchema, type ImportSummary } from './imports.schemas.ts';
import type { ImportsService } from './imports.service.ts';

export interface ImportCommandOptions {
  preset: string;
  dryRun?: boolean;
  json?: boolean;
  mapping?: string;
}

/** Checks the command line's arguments before anything connects to the database. */
export function parseImportArgs(kindArg: string, file: string, opts: ImportCommandOptions) {
  const kind = importKindSchema.safeParse(kindArg);
  if (!kind.success) throw new ConfigError(`Invalid <kind> "${kindArg}": expected customers, products or orders`);
  const preset = presetSchema.safeParse(opts.preset);
  if (!preset.success) throw new ConfigError(`Invalid --preset "${opts.preset}": expected one of ${presetSchema.options.join(', ')}`);
  if (!fs.existsSync(file) || !fs.statSync(file).isFile()) throw new ConfigError(`No file ${file}`);
  let mapping;
  if (opts.mapping !== undefined) {
    let raw: unknown;
    try {
      raw = JSON.parse(opts.mapping);
    } catch (e) {
      throw new ConfigError(`Invalid --mapping: not JSON (${(e as Error).message})`);
    }
    const m = mappingSchema.safeParse(raw);
    if (!m.success) {
      const i = m.error.issues[0];
      throw new ConfigError(`Invalid --mapping: ${i?.path.join('.') || '(root)'}: ${i?.message ?? 'invalid'}`);
    }
    mapping = m.data;
  }
  return { kind: kind.data, preset: preset.data, mapping, dryRun: !!opts.dryRun, json: !!opts.json };
}

/** `patron import`: runs in this process, progress on stderr, a summary (or JSON with --json) on stdout. */
export async function runImportCommand(imports: ImportsService, actor: Actor, file: string, args: ReturnType<typeof parseImportArgs>): Promise<void> {
  let lastLine = 0;
  const onProgress = (s: ImportSummary) => {
    if (Date.now() - lastLine < 2000 && s.phase !== 'done') return;
    lastLine = Date.now();
    process.stderr.write(`${s.phase}: ${s.rowsRead.toLocaleString('en-US')} rows read, ${s.rowsRejected.toLocaleString('en-US')} rejected` +
      (s.phase === 'validating' ? '' : ` · orders +${s.orders.created + s.guestOrders.created} · refunds +${s.refunds.created} · customers +${s.customers.created} · products +${s.products.created}`) +
      ` · ${s.seconds} s\n`);
  };
  const r = await imports.runFile(actor, file, { kind: args.kind, preset: args.preset, mapping: args.mapping, dryRun: args.dryRun, onProgress });
  const s = r.summary;
  if (args.json) {
    console.log(JSON.stringify({ importId: r.importId, file, kind: args.kind, preset: args.preset, ...s, issueCount: r.issueCount, issues: r.issues.slice(0, 100) }));
    return;
  }
  const row = (name: string, c: ImportSummary['orders']) => `  ${name.padEnd(12)} ${String(c.found).padStart(8)} found ${String(c.created).padStart(8)} created ${String(c.updated).padStart(8)} updated ${String(c.skipped).padStart(8)} unchanged ${String(c.invalid).padStart(6)} invalid`;
  console.log(`${s.dryRun ? 'Dry run (nothing written)' : 'Imported'} ${file} as ${args.kind} (${args.preset}) in ${s.seconds} s`);
  console.log(`  rows: ${s.rowsRead} read, ${s.rowsRejected} rejected, ${s.rowsIgnored} ignored, ${s.warnings} warnings`);
  if (args.kind !== 'products') console.log(row('customers', s.customers));
  console.log(row('products', s.products));
  if (args.kind === 'orders') {
    console.log(row('orders', s.orders));
    console.log(row('guest orders', s.guestOrders));
    console.log(row('refunds', s.refunds));
    for (const [cur, m] of Object.entries(s.money)) console.log(`  money ${cur}: orders ${m.orders}, refunds ${m.refunds}, net ${m.net} (minor units)`);
  }
  if (r.issueCount) {
    console.log(`${r.issueCount} issue${r.issueCount === 1 ? '' : 's'}${r.issueCount > 20 ? ' (first 20)' : ''}:`);
    for (const i of r.issues.slice(0, 20)) console.log(`  line ${i.line ?? '-'}: ${i.severity}${i.column ? ` [${i.column}]` : ''}: ${i.message}`);
    if (r.importId) console.log(`All of them: GET /api/imports/${r.importId}/errors.csv`);
    else if (r.issueCount > 20) console.log('All of them: run again with --json (first 100), or without --dry-run to store them.');
  }
}
