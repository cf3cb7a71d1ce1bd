import { SMTPServer } from 'smtp-server';

// A local SMTP sink for the messaging bench: accepts every message, keeps nothing, counts them.
let received = 0;
const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS', 'AUTH'],
  logger: false,
  maxClients: 200,
  onData(stream, _session, cb) {
    stream.on('data', () => {});
    stream.on('end', () => {
      received++;
      cb();
    });
  },
});
server.listen(0, '127.0.0.1', () => {
  const port = (server.server.address() as { port: number }).port;
  console.log(`READY ${JSON.stringify({ port })}`);
});
process.on('SIGTERM', () => {
  console.error(`smtp-sink: ${received} messages received`);
  server.close(() => process.exit(0));
});
