import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fmt, type Bench } from './lib.ts';

const root = path.resolve(import.meta.dirname, '..');
const UCI = path.resolve(root, '../shared/data/online-retail/online_retail_uci.csv.gz');

interface Summary { rowsRead: number; seconds: number; orders: { created: number; skipped: number }; guestOrders: { created: number }; refunds: { created: number }; customers: { created: number }; products: { created: number }; money: Record<string, { net: number }> }

/** Runs `patron import` as a user would (its own process, embedded PostgreSQL in `dir`); returns its JSON summary and wall time. */
function patronImport(dir: string, args: string[]): Promise<{ summary: Summary; wall: number }> {
  const env: NodeJS.ProcessEnv = { ...process.env, PATRON_DATA_DIR: dir, PATRON_LOG_PRETTY: 'false' };
  delete env.DATABASE_URL;
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(root, 'bin/patron.mjs'), 'import', ...args, '--json'], { env, cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`patron import exited with ${String(code)}: ${err.slice(-2000)}`));
      resolve({ summary: JSON.parse(out) as Summary, wall: (performance.now() - started) / 1000 });
    });
  });
}

/** The whole UCI Online Retail file (541,909 lines) into a fresh database, then again (nothing to change), and a dry run. */
export const bench: Bench = {
  name: 'import',
  description: 'patron import orders of the UCI Online Retail file (541,909 lines, .csv.gz) into a fresh embedded PostgreSQL: rows/s and seconds; target < 60 s',
  async run(opts) {
    const file = opts.flags['import-file'] ?? UCI;
    const preset = opts.flags['import-preset'] ?? 'uci';
    if (!fs.existsSync(file)) throw new Error(`No file ${file} (set --import-file)`);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'patron-bench-import-'));
    try {
      const dry = await patronImport(dir, ['orders', file, '--preset', preset, '--dry-run']);
      const first = await patronImport(dir, ['orders', file, '--preset', preset]);
      const again = await patronImport(dir, ['orders', file, '--preset', preset]);
      const row = (name: string, r: { summary: Summary; wall: number }) => ({
        run: name, rows: fmt(r.summary.rowsRead), 'import s': r.summary.seconds, 'rows/s': fmt(r.summary.rowsRead / r.summary.seconds),
        'wall s (incl. start)': fmt(r.wall, 1), 'orders +': fmt(r.summary.orders.created + r.summary.guestOrders.created), 'refunds +': fmt(r.summary.refunds.created),
        'customers +': fmt(r.summary.customers.created), 'products +': fmt(r.summary.products.created),
      });
      const net = Object.entries(first.summary.money).map(([c, m]) => `${m.net} ${c} minor units`).join(', ');
      return {
        rows: [row('dry run (validate only)', dry), row('import into a fresh database', first), row('same file again (changes nothing)', again)],
        notes: [
          `full import: ${first.summary.seconds} s, ${fmt(first.summary.rowsRead / first.summary.seconds)} rows/s — target < 60 s ${first.summary.seconds < 60 ? 'met' : 'MISSED'}`,
          `net money imported: ${net}${preset === 'uci' ? ' (oracle 974774793 GBP pence)' : ''}`,
          `re-import: ${again.summary.seconds} s, ${again.summary.orders.created} orders created, ${again.summary.orders.skipped} unchanged`,
        ],
      };
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
};
