import { buildPatron } from '../../server/src/app.ts';
import { loadConfig } from '../../server/src/config.ts';
import { CLI_ACTOR } from '../../server/src/platform/audit/audit.ts';
import { createLogger } from '../../server/src/platform/log.ts';

// Patron serving recommendations from an existing data dir (PATRON_DATA_DIR, prepared by
// bench/predict-recs.bench.ts), in a process of its own so the load generator does not share its
// event loop. Prints READY with the URL and a key that may read predictions.
const config = { ...loadConfig({ ...process.env, PATRON_LOG_LEVEL: 'warn' }), port: 0 };
const patron = await buildPatron(config, createLogger('warn', false), { http: true, worker: false, role: 'owner' });
const { key } = await patron.modules.users.service.createApiKey(CLI_ACTOR, { name: `bench-recs-${Date.now()}`, kind: 'secret', scopes: ['predict:read'] });
const url = await patron.http!.listen({ port: 0, host: '127.0.0.1' });
console.log(`READY ${JSON.stringify({ url, key, pid: process.pid })}`);
process.on('SIGTERM', () => void patron.close().then(() => process.exit(0)));
