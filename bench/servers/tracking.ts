import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildPatron } from '../../server/src/app.ts';
import { loadConfig } from '../../server/src/config.ts';
import { CLI_ACTOR } from '../../server/src/platform/audit/audit.ts';
import { createLogger } from '../../server/src/platform/log.ts';

// Patron as deployed (embedded Postgres with its default, durable settings unless DATABASE_URL),
// logging at `warn`, with a public and a secret write key, and the database URL for the raw-insert baseline.
const dataDir = process.env.PATRON_DATA_DIR ?? fs.mkdtempSync(path.join(os.tmpdir(), 'patron-bench-tracking-'));
const config = { ...loadConfig({ ...process.env, PATRON_DATA_DIR: dataDir }), port: 0 };
const log = createLogger(process.env.BENCH_LOG_LEVEL ?? 'warn', false);
const patron = await buildPatron(config, log, { http: true, worker: false, role: 'owner' });
const users = patron.modules.users.service;
const pk = (await users.createApiKey(CLI_ACTOR, { name: 'bench site', kind: 'public', scopes: [] })).key;
const sk = (await users.createApiKey(CLI_ACTOR, { name: 'bench server', kind: 'secret', scopes: ['tracking:write'] })).key;
const address = await patron.http!.listen({ port: 0, host: '127.0.0.1' });
console.log(`READY ${JSON.stringify({ url: address, pk, sk, dbUrl: patron.dbh.url, poolSize: config.poolSize })}`);
process.on('SIGTERM', () => {
  void patron.close().then(() => {
    if (!process.env.PATRON_DATA_DIR) fs.rmSync(dataDir, { recursive: true, force: true });
    process.exit(0);
  });
});
