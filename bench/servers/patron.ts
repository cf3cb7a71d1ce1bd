import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildPatron } from '../../server/src/app.ts';
import { loadConfig } from '../../server/src/config.ts';
import { CLI_ACTOR } from '../../server/src/platform/audit/audit.ts';
import { createLogger } from '../../server/src/platform/log.ts';

// Patron as deployed (embedded Postgres unless DATABASE_URL), with request logging at
// `warn` as production would run under load, and a secret API key for the bench client.
const dataDir = process.env.PATRON_DATA_DIR ?? fs.mkdtempSync(path.join(os.tmpdir(), 'patron-bench-'));
const config = { ...loadConfig({ ...process.env, PATRON_DATA_DIR: dataDir }), port: 0 };
const log = createLogger(process.env.BENCH_LOG_LEVEL ?? 'warn', false);
const patron = await buildPatron(config, log, { http: true, worker: false, role: 'owner' });
const svc = patron.modules.users.service;
for (let i = 0; i < 20; i++) {
  await svc.createFromCli({ email: `member${i}-${Date.now()}@bench.test`, name: `Member ${i}`, role: 'support', password: 'bench password' }, CLI_ACTOR);
}
const { key } = await svc.createApiKey(CLI_ACTOR, { name: 'bench', kind: 'secret', scopes: ['team:read'] });
const address = await patron.http!.listen({ port: 0, host: '127.0.0.1' });
console.log(`READY ${JSON.stringify({ url: address, key })}`);
process.on('SIGTERM', () => {
  void patron.close().then(() => {
    if (!process.env.PATRON_DATA_DIR) fs.rmSync(dataDir, { recursive: true, force: true });
    process.exit(0);
  });
});
