import pino, { type Logger } from 'pino';

/** JSON logs to stdout (stderr for CLI commands, whose stdout is their output); pretty when asked or on a terminal. */
export function createLogger(level: string, pretty: boolean, fd: 1 | 2 = 1): Logger {
  const options = {
    level,
    base: { service: 'patron' },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]', '*.password', '*.token'], censor: '[redacted]' },
  } satisfies pino.LoggerOptions;
  if (pretty) {
    return pino({ ...options, transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,service', destination: fd } } });
  }
  return pino(options, pino.destination({ fd, sync: false }));
}
