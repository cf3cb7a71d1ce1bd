import { fmt, load, startServer, type Bench } from './lib.ts';

/** An authenticated JSON read (API key lookup + a query) against a bare Fastify hello-world. */
export const bench: Bench = {
  name: 'http',
  description: 'Authenticated JSON read route (GET /api/users, Bearer key) vs a bare Fastify hello-world, autocannon, same run',
  async run(opts) {
    const hello = await startServer<{ url: string }>('hello');
    const patron = await startServer<{ url: string; key: string }>('patron');
    try {
      const warm = { duration: 2, connections: opts.connections };
      await load(hello.info.url, warm);
      await load(`${patron.info.url}/api/users`, { ...warm, headers: { authorization: `Bearer ${patron.info.key}` } });
      const bare = await load(hello.info.url, opts);
      const auth = await load(`${patron.info.url}/api/users`, { ...opts, headers: { authorization: `Bearer ${patron.info.key}` } });
      const rows = [
        { server: 'bare Fastify hello-world', 'req/s': fmt(bare.requestsPerSec), 'p50 ms': bare.p50Ms, 'p99 ms': bare.p99Ms, errors: bare.errors + bare.non2xx },
        { server: 'Patron GET /api/users (API key)', 'req/s': fmt(auth.requestsPerSec), 'p50 ms': auth.p50Ms, 'p99 ms': auth.p99Ms, errors: auth.errors + auth.non2xx },
      ];
      return {
        rows,
        notes: [
          `throughput ratio Patron/bare = ${fmt(auth.requestsPerSec / bare.requestsPerSec, 3)}`,
          `p99 ratio Patron/bare = ${fmt(auth.p99Ms / Math.max(bare.p99Ms, 1), 2)}`,
        ],
      };
    } finally {
      await patron.stop();
      await hello.stop();
    }
  },
};
