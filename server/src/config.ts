import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';

/** Environment variables Patron reads, with their defaults. README "Configuration" mirrors this list. */
const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'a postgres:// or postgresql:// URL')
    .optional(),
  PATRON_DATA_DIR: z.string().min(1).default('./data'),
  PATRON_DB_POOL_SIZE: z.coerce.number().int().min(2).max(500).default(20),
  PATRON_PROCESSES: z.string().regex(/^(auto|[1-9]\d?)$/, 'a number of processes from 1 to 99, or "auto" (one per CPU core)').default('1'),
  PATRON_PUBLIC_URL: z.url().optional(),
  PATRON_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  PATRON_LOG_PRETTY: z.enum(['true', 'false', 'auto']).default('auto'),
  PATRON_SESSION_IDLE_HOURS: z.coerce.number().positive().default(24 * 7),
  PATRON_SESSION_MAX_DAYS: z.coerce.number().positive().default(30),
  PATRON_LOGIN_MAX_FAILURES: z.coerce.number().int().min(1).default(5),
  PATRON_LOGIN_LOCK_MINUTES: z.coerce.number().positive().default(15),
  PATRON_LOGIN_RATE_PER_MINUTE: z.coerce.number().int().min(1).default(30),
  PATRON_BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).default(1024 * 1024),
  PATRON_WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(100).default(4),
  PATRON_WORKER: z.enum(['true', 'false']).default('true'),
  PATRON_METRICS_TOKEN: z.string().min(16).optional(),
  PATRON_COOKIE_SECURE: z.enum(['true', 'false', 'auto']).default('auto'),
  PATRON_TRUST_PROXY: z.enum(['true', 'false']).default('false'),
  PATRON_WEBHOOKS_ALLOW_PRIVATE: z.enum(['true', 'false']).default('false'),
  PATRON_SUPPORT_SMTP_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  PATRON_SUPPORT_SMTP_HOST: z.string().min(1).default('0.0.0.0'),
  PATRON_SUPPORT_SMTP_MAX_BYTES: z.coerce.number().int().min(64 * 1024).default(30 * 1024 * 1024),
});

export type Env = z.infer<typeof envSchema>;

export interface Config {
  port: number;
  host: string;
  databaseUrl: string | undefined;
  dataDir: string;
  poolSize: number;
  /** HTTP processes `patron start` runs on its port (node:cluster); 1: the one process serves. */
  processes: number;
  publicUrl: string | undefined;
  log: { level: Env['PATRON_LOG_LEVEL']; pretty: boolean };
  session: { idleMs: number; maxMs: number };
  login: { maxFailures: number; lockMs: number; ratePerMinute: number };
  bodyLimit: number;
  worker: { enabled: boolean; concurrency: number };
  metricsToken: string | undefined;
  cookieSecure: 'auto' | boolean;
  trustProxy: boolean;
  /** Outbound webhooks may target private, loopback and link-local addresses. */
  webhooksAllowPrivate: boolean;
  /** Support's built-in SMTP receiver: off unless a port is set (runs in processes that serve HTTP). */
  supportSmtp: { port: number | null; host: string; maxBytes: number };
}

/** Thrown for a bad environment; its message is one line naming the variable and what it expects. */
export class ConfigError extends Error {}

/** `PATRON_PROCESSES` / `--processes`: a count, or "auto" for one per CPU core. */
export function processesOf(v: string): number {
  if (v === 'auto') return os.availableParallelism();
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 99) throw new ConfigError(`Invalid processes ${JSON.stringify(v)}: expected a number from 1 to 99, or "auto" (one per CPU core)`);
  return n;
}

/** Reads and validates the environment; never returns a half-valid config. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const name = String(issue?.path[0] ?? 'environment');
    const got = env[name];
    throw new ConfigError(
      `Invalid configuration: ${name}=${JSON.stringify(got ?? '')}: expected ${describeIssue(issue)}`,
    );
  }
  const e = parsed.data;
  const pretty = e.PATRON_LOG_PRETTY === 'auto' ? Boolean(process.stdout.isTTY) : e.PATRON_LOG_PRETTY === 'true';
  return {
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    dataDir: path.resolve(e.PATRON_DATA_DIR),
    poolSize: e.PATRON_DB_POOL_SIZE,
    processes: processesOf(e.PATRON_PROCESSES),
    publicUrl: e.PATRON_PUBLIC_URL?.replace(/\/$/, ''),
    log: { level: e.PATRON_LOG_LEVEL, pretty },
    session: { idleMs: e.PATRON_SESSION_IDLE_HOURS * 3600_000, maxMs: e.PATRON_SESSION_MAX_DAYS * 86400_000 },
    login: { maxFailures: e.PATRON_LOGIN_MAX_FAILURES, lockMs: e.PATRON_LOGIN_LOCK_MINUTES * 60_000, ratePerMinute: e.PATRON_LOGIN_RATE_PER_MINUTE },
    bodyLimit: e.PATRON_BODY_LIMIT_BYTES,
    worker: { enabled: e.PATRON_WORKER === 'true', concurrency: e.PATRON_WORKER_CONCURRENCY },
    metricsToken: e.PATRON_METRICS_TOKEN,
    cookieSecure: e.PATRON_COOKIE_SECURE === 'auto' ? 'auto' : e.PATRON_COOKIE_SECURE === 'true',
    trustProxy: e.PATRON_TRUST_PROXY === 'true',
    webhooksAllowPrivate: e.PATRON_WEBHOOKS_ALLOW_PRIVATE === 'true',
    supportSmtp: { port: e.PATRON_SUPPORT_SMTP_PORT ?? null, host: e.PATRON_SUPPORT_SMTP_HOST, maxBytes: e.PATRON_SUPPORT_SMTP_MAX_BYTES },
  };
}

function describeIssue(issue: z.core.$ZodIssue | undefined): string {
  if (!issue) return 'a valid value';
  switch (issue.code) {
    case 'invalid_type':
      return `a ${issue.expected}`;
    case 'too_small':
      return `a value of at least ${String(issue.minimum)}${issue.origin === 'string' ? ' characters' : ''}`;
    case 'too_big':
      return `a value of at most ${String(issue.maximum)}`;
    case 'invalid_value':
      return `one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    default:
      return issue.message.replace(/^Invalid (input|string): /, '').replace(/^must match pattern.*/, 'a valid value');
  }
}
