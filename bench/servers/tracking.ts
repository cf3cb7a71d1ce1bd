import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildPatron } from '../../server/src/app.ts';
import { loadConfig } from '../../server/src/config.ts';
import { CLI_ACTOR } from '../../server/src/platform/audit/audit.ts';
import { announceListening, isApiProcess, startApiProcesses } from '../../server/src/platform/cluster.ts';
import { createLogger } from '../../server/src/platform/log.ts';
import { createMetrics } from '../../server/src/platform/metrics.ts';

// Patron as deployed (embedded Postgres with its default, durable settings unless DATABASE_URL),
// logging at `warn`, with a public and a secret write key, and the database URL for the raw-insert baseline.
// PATRON_PROCESSES > 1: as `patron start --processes N` (this script's primary owns the database, N forked
// processes serve HTTP on one port).
const log = createLogger(process.env.BENCH_LOG_LEVEL ?? 'warn', false);
if (isApiProcess()) {
  const config = { ...loadConfig(process.env), port: 0 };
  const patron = await buildPatron(config, log, { http: true, worker: false, role: 'guest' });
  announceListening(await patron.http!.listen({ port: 0, host: '127.0.0.1' }));
  process.on('SIGTERM', () => void patron.close().then(() => process.exit(0)));
} else {
  const dataDir = process.env.PATRON_DATA_DIR ?? fs.mkdtempSync(path.join(os.tmpdir(), 'patron-bench-tracking-'));
  const config = { ...loadConfig({ ...process.env, PATRON_DATA_DIR: dataDir }), port: 0 };
  const several = config.processes > 1;
  const metrics = several ? createMetrics() : undefined;
  const patron = await buildPatron(config, log, { http: !several, worker: false, role: 'owner' });
  const users = patron.modules.users.service;
  const pk = (await users.createApiKey(CLI_ACTOR, { name: 'bench site', kind: 'public', scopes: [] })).key;
  const sk = (await users.createApiKey(CLI_ACTOR, { name: 'bench server', kind: 'secret', scopes: ['tracking:write'] })).key;
  const api = several ? await startApiProcesses({ count: config.processes, log, registry: metrics!.registry, env: { PATRON_DATA_DIR: dataDir } }) : undefined;
  const address = api ? `http://127.0.0.1:${api.port}` : await patron.http!.listen({ port: 0, host: '127.0.0.1' });
  console.log(`READY ${JSON.stringify({ url: address, pk, sk, dbUrl: patron.dbh.url, poolSize: config.poolSize, processes: config.processes })}`);
  process.on('SIGTERM', () => {
    void (api?.stop() ?? Promise.resolve()).then(() => patron.close()).then(() => {
      if (!process.env.PATRON_DATA_DIR) fs.rmSync(dataDir, { recursive: true, force: true });
      process.exit(0);
    });
  });
}
