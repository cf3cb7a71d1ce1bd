import type { Logger } from 'pino';
import { SMTPServer, type SMTPServerAddress, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import type { EmailInbound } from './email.service.ts';
import { matchInbound } from './email.settings.ts';

export interface ReceiverOptions {
  port: number;
  host: string;
  maxBytes: number;
  inbound: EmailInbound;
  log: Logger;
}

const smtpError = (code: number, message: string) => Object.assign(new Error(message), { responseCode: code });

/**
 * The built-in SMTP receiver: takes mail for the support addresses (Settings → Support email) straight
 * from the sending servers (point the domain's MX here, or forward to it). Refuses other recipients at
 * RCPT TO (no open relay), refuses messages over the size limit, answers 250 only once the message is
 * stored, and 451 (try later: the sender keeps it) when the database cannot take it.
 */
export class SmtpReceiver {
  private readonly o: ReceiverOptions;
  private server: SMTPServer | undefined;

  constructor(o: ReceiverOptions) {
    this.o = o;
  }

  async start(): Promise<number> {
    const { inbound, log, maxBytes } = this.o;
    const server = new SMTPServer({
      name: undefined,
      banner: 'Patron support mail',
      size: maxBytes,
      authOptional: true,
      disabledCommands: ['AUTH'],
      logger: false,
      maxClients: 200,
      socketTimeout: 60_000,
      onRcptTo(address: SMTPServerAddress, _session: SMTPServerSession, cb: (err?: Error | null) => void) {
        inbound.settings().then((s) => {
          if (!s.inboundAddresses.length) return cb(smtpError(550, '5.1.1 No support address is configured on this server'));
          if (!matchInbound(s, address.address).ours) return cb(smtpError(550, `5.1.1 <${address.address}>: no such mailbox here`));
          cb();
        }, () => cb(smtpError(451, '4.3.0 Temporary failure, try again later')));
      },
      onData(stream: SMTPServerDataStream, session: SMTPServerSession, cb: (err?: Error | null, message?: string) => void) {
        const chunks: Buffer[] = [];
        let size = 0;
        stream.on('data', (c: Buffer) => {
          size += c.length;
          if (size <= maxBytes) chunks.push(c);
        });
        stream.on('error', (e) => cb(e));
        stream.on('end', () => {
          if (stream.sizeExceeded || size > maxBytes) return cb(smtpError(552, `5.3.4 Message too big (limit ${maxBytes} bytes)`));
          const mf = session.envelope.mailFrom;
          const mailFrom = mf === false ? null : mf.address;
          const rcptTo = session.envelope.rcptTo.map((r) => r.address.toLowerCase());
          inbound.receiveRaw(Buffer.concat(chunks), { source: 'smtp', mailFrom, rcptTo }).then(
            (r) => cb(null, `2.0.0 Accepted (${r.status})`),
            (e: unknown) => {
              log.error({ err: e }, 'support email: SMTP message could not be stored; asked the sender to retry');
              cb(smtpError(451, '4.3.0 Temporary failure, try again later'));
            },
          );
        });
      },
    });
    server.on('error', (e) => log.warn({ err: e }, 'support email: SMTP receiver error'));
    await new Promise<void>((resolve, reject) => {
      server.server.once('error', reject);
      // Several Patron processes on one host share the port (Linux SO_REUSEPORT).
      server.server.listen({ port: this.o.port, host: this.o.host, reusePort: true }, () => {
        server.server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    const port = (server.server.address() as { port: number }).port;
    log.info(`support email: SMTP receiver listening on ${this.o.host}:${port}`);
    return port;
  }

  async stop(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  }
}
