import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildPatron } from '../app.ts';
import { testConfig } from '../testing/harness.ts';
import { createLogger } from './log.ts';
import { startEmbedded } from './db/embedded.ts';
import { withDatabase } from './db/db.ts';
import { resolveDatabase } from './db/connect.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'patron-dbdown-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

async function until(cond: () => Promise<boolean>, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('database lost while running', () => {
  it('fails /readyz and answers 503, then recovers when the database is back', async () => {
    const port = await freePort();
    let pgServer = await startEmbedded({ dataDir: dir, role: 'owner', port });
    const config = testConfig({ dataDir: dir });
    // Creates the patron database on the embedded server.
    const target = await resolveDatabase({ ...config, databaseUrl: withDatabase(pgServer.url, 'patron') }, 'guest', () => undefined);
    const patron = await buildPatron(config, createLogger('silent', false), { http: true, worker: true, databaseUrl: target.url });
    const http = patron.http!;
    try {
      expect((await http.inject({ url: '/readyz' })).statusCode).toBe(200);
      await pgServer.stop();

      const ready = await http.inject({ url: '/readyz' });
      expect(ready.statusCode).toBe(503);
      expect(ready.json().checks.database).toBe('unreachable');
      const api = await http.inject({ url: '/api/setup/status' });
      expect(api.statusCode).toBe(503);
      expect(api.headers['content-type']).toContain('application/problem+json');
      expect(api.json().type).toBe('/problems/service-unavailable');
      expect((await http.inject({ url: '/healthz' })).statusCode).toBe(200);

      pgServer = await startEmbedded({ dataDir: dir, role: 'owner', port });
      await until(async () => (await http.inject({ url: '/readyz' })).statusCode === 200);
      const back = await http.inject({ url: '/api/setup/status' });
      expect(back.statusCode).toBe(200);
    } finally {
      await patron.close();
      await pgServer.stop();
    }
  }, 90_000);
});
