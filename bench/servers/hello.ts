import Fastify from 'fastify';

// The baseline: a bare Fastify hello-world JSON route, no plugins, no logging.
const app = Fastify({ logger: false });
app.get('/', async () => ({ hello: 'world' }));
const address = await app.listen({ port: 0, host: '127.0.0.1' });
console.log(`READY ${JSON.stringify({ url: address })}`);
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
