import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildPatron } from '../../server/src/app.ts';
import { loadConfig } from '../../server/src/config.ts';
import { CLI_ACTOR } from '../../server/src/platform/audit/audit.ts';
import { createLogger } from '../../server/src/platform/log.ts';

// Patron with live chat on (assistant off, so a visitor's first message goes to a person) and one support
// agent to log in as. Its own process, so the bench's 1,000 sockets do not share its event loop.
const dataDir = process.env.PATRON_DATA_DIR ?? fs.mkdtempSync(path.join(os.tmpdir(), 'patron-bench-chat-'));
const config = { ...loadConfig({ ...process.env, PATRON_DATA_DIR: dataDir }), port: 0, poolSize: 10 };
const log = createLogger(process.env.BENCH_LOG_LEVEL ?? 'warn', false);
const patron = await buildPatron(config, log, { http: true, worker: false, role: 'owner' });
const email = `agent-${Date.now()}@bench.test`;
const password = 'bench password 1';
await patron.modules.users.service.createFromCli({ email, name: 'Bench Agent', role: 'support', password }, CLI_ACTOR);
const chat = patron.modules.support.chat.service;
await chat.putSettings(CLI_ACTOR, { ...(await chat.settings()), enabled: true, assistant: false, greeting: '' });
const address = await patron.http!.listen({ port: 0, host: '127.0.0.1' });
console.log(`READY ${JSON.stringify({ url: address, email, password })}`);
process.on('SIGTERM', () => {
  void patron.close().then(() => {
    if (!process.env.PATRON_DATA_DIR) fs.rmSync(dataDir, { recursive: true, force: true });
    process.exit(0);
  });
});
