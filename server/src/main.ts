import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { runDemo } from './demo/demo.ts';
import { Command, Option } from 'commander';
import { z } from 'zod';
import { buildPatron, type Patron } from './app.ts';
import { ConfigError, loadConfig, processesOf, type Config } from './config.ts';
import { announceListening, isApiProcess, startApiProcesses } from './platform/cluster.ts';
import { createMetrics } from './platform/metrics.ts';
import { CLI_ACTOR, SYSTEM_ACTOR } from './platform/audit/audit.ts';
import { DatabaseUnavailableError, resolveDatabase } from './platform/db/connect.ts';
import { openDb } from './platform/db/db.ts';
import { migrate } from './platform/db/migrate.ts';
import { HttpError } from './platform/http/problem.ts';
import { API_KEY_SCOPES, ROLES, type Role } from './platform/http/rbac.ts';
import { createLogger } from './platform/log.ts';
import { emailSchema, passwordSchema } from './modules/users/users.schemas.ts';
import { parseImportArgs, runImportCommand, type ImportCommandOptions } from './modules/integrations/imports/imports.cli.ts';
import { runPredictFit, type PredictFitOptions } from './modules/predict/clv.cli.ts';

const program = new Command('patron')
  .description('Patron: the self-hosted customer platform for online stores')
  .showHelpAfterError()
  .configureOutput({ outputError: (s, write) => write(s) });

function config(): Config {
  return loadConfig();
}

/** Runs a CLI command on a Patron with no HTTP and no worker, borrowing the embedded server if one runs. */
async function withPatron<T>(fn: (p: Patron) => Promise<T>): Promise<T> {
  const cfg = config();
  const log = createLogger(process.env.PATRON_LOG_LEVEL ?? 'warn', cfg.log.pretty, 2);
  const p = await buildPatron({ ...cfg, poolSize: 4 }, log, { http: false, worker: false, role: 'guest' });
  try {
    return await fn(p);
  } finally {
    await p.close();
  }
}

program
  .command('start')
  .description('Start the web app, API and job worker (embedded PostgreSQL unless DATABASE_URL is set)')
  .addOption(new Option('--port <port>', 'port to listen on (default: PORT or 4000)'))
  .addOption(new Option('--processes <n>', 'HTTP processes sharing the port: a number, or "auto" for one per CPU core (default: PATRON_PROCESSES or 1)'))
  .addOption(new Option('--no-worker', 'do not process jobs in this process (run `patron worker` instead)'))
  .action(async (opts: { port?: string; processes?: string; worker: boolean }) => {
    const cfg = config();
    if (opts.port !== undefined) {
      const port = Number(opts.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ConfigError(`Invalid --port ${opts.port}: expected a number from 0 to 65535`);
      cfg.port = port;
    }
    if (opts.processes !== undefined) cfg.processes = processesOf(opts.processes);
    const log = createLogger(cfg.log.level, cfg.log.pretty);
    // One of several HTTP processes (forked below by the primary, with this same command line).
    if (isApiProcess()) {
      const patron = await buildPatron(cfg, log, { http: true, worker: false, role: 'guest' });
      // Ctrl-C reaches every process of the terminal's group: the primary relays it as SIGTERM, once.
      handleSignals(patron, undefined, ['SIGTERM']);
      process.on('SIGINT', () => undefined);
      announceListening(await patron.http!.listen({ port: cfg.port, host: cfg.host }));
      return;
    }
    let patron: Patron;
    let port = cfg.port;
    if (cfg.processes > 1) {
      // The primary: the embedded database, migrations and the job worker; the HTTP processes serve.
      const metrics = createMetrics();
      patron = await buildPatron(cfg, log, { http: false, worker: opts.worker && cfg.worker.enabled, role: 'owner' });
      const api = await startApiProcesses({ count: cfg.processes, log, registry: metrics.registry }).catch(async (e: unknown) => {
        await patron.close();
        throw e;
      });
      handleSignals(patron, () => api.stop());
      port = api.port;
      log.info(`${cfg.processes} HTTP processes share port ${port}`);
    } else {
      patron = await buildPatron(cfg, log, { http: true, worker: opts.worker && cfg.worker.enabled, role: 'owner' });
      handleSignals(patron);
      await patron.http?.listen({ port: cfg.port, host: cfg.host });
    }
    // The built-in segments (new, repeat, VIP, at risk, lapsed, cart abandoners, …): installed once per store, in the background.
    patron.modules.segments.service.ensureBuiltins(SYSTEM_ACTOR).catch((err: unknown) => log.warn({ err }, 'could not install the built-in segments'));
    const url = cfg.publicUrl ?? `http://localhost:${port}`;
    log.info(`Patron is running at ${url} (API reference: ${url}/api/docs)`);
    const token = await patron.modules.users.service.setupToken();
    if (token) {
      log.warn(`First-run setup: open ${url}/setup?token=${token} to create the owner account (setup token: ${token}), or run: npx patron user create --email you@example.com --role owner`);
    }
  });

program
  .command('worker')
  .description('Process jobs only (scale out: run several next to `patron start --no-worker`)')
  .action(async () => {
    const cfg = config();
    const log = createLogger(cfg.log.level, cfg.log.pretty);
    const patron = await buildPatron(cfg, log, { http: false, worker: true, role: 'owner' });
    handleSignals(patron);
    log.info(`Patron worker running (concurrency ${cfg.worker.concurrency})`);
  });

program
  .command('migrate')
  .description('Apply database migrations (also done at every start)')
  .action(async () => {
    const cfg = config();
    const target = await resolveDatabase(cfg, 'guest', () => undefined);
    const dbh = openDb(target.url, 2);
    try {
      const { applied } = await migrate(dbh.db, dbh.pool);
      console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'Database is up to date.');
    } finally {
      await dbh.close();
      await target.embedded?.stop();
    }
  });

program
  .command('import')
  .description('Import customers, products or orders from a CSV file (gzip read transparently); progress on stderr')
  .argument('<kind>', 'customers, products or orders')
  .argument('<file>', 'the file (.csv or .csv.gz)')
  .option('--preset <preset>', 'uci, shopify-orders, shopify-customers, cdnow or generic (with --mapping)', 'generic')
  .option('--dry-run', 'validate every row and report the bad ones; write nothing')
  .option('--json', 'print a JSON summary on stdout')
  .option('--mapping <json>', 'columns and options as JSON, e.g. \'{"columns":{"orderId":"Order","placedAt":"Date","total":"Total"},"currency":"EUR"}\'')
  .action(async (kind: string, file: string, opts: ImportCommandOptions) => {
    const args = parseImportArgs(kind, file, opts);
    await withPatron((p) => runImportCommand(p.modules.integrations.imports.service, CLI_ACTOR, file, args));
  });

program
  .command('demo')
  .description('Load the demo store into an empty Patron: the UCI Online Retail orders (or a synthetic store) plus browsing and checkout behaviour')
  .option('--file <file>', 'the UCI Online Retail file (default: PATRON_DEMO_FILE or ../shared/data/online-retail/online_retail_uci.csv.gz)')
  .option('--json', 'print a JSON summary on stdout')
  .action(async (opts: { file?: string; json?: boolean }) => {
    if (opts.file && !fs.existsSync(opts.file)) throw new ConfigError(`No file ${opts.file}`);
    const summary = await withPatron((p) => runDemo(p, CLI_ACTOR, { file: opts.file, log: (m) => process.stderr.write(m + '\n') }));
    if (opts.json) console.log(JSON.stringify(summary));
    else console.log('Demo store loaded. Open Patron and look around: Customers, Orders, Products.');
  });

const predict = program.command('predict').description('Predictions: lifetime value and churn models');

predict
  .command('fit')
  .description('Fit the CLV models (BG/NBD + Gamma-Gamma) and print parameters, standard errors and log-likelihood; without --until every customer is re-scored')
  .option('--until <date>', 'last day of the calibration period (YYYY-MM-DD, store time zone); default today')
  .option('--unit <unit>', 'time unit of the model: day or week', 'week')
  .option('--horizon <months>', 'CLV horizon in months (1-120)', '12')
  .option('--discount <rate>', 'annual discount rate for CLV, e.g. 0.1', '0.1')
  .option('--json', 'print the result as JSON on stdout')
  .action(async (opts: PredictFitOptions) => {
    await withPatron((p) => runPredictFit(p.modules.predict.clv.service, CLI_ACTOR, opts));
  });

const user = program.command('user').description('Manage people who log in to Patron');

user
  .command('create')
  .description('Create a user (active at once); prints a generated password unless --password is given')
  .requiredOption('--email <email>', 'their email address')
  .addOption(new Option('--role <role>', 'their role').choices([...ROLES]).makeOptionMandatory())
  .option('--name <name>', 'their name', '')
  .option('--password <password>', 'their password (at least 10 characters)')
  .option('--json', 'print JSON')
  .action(async (opts: { email: string; role: Role; name: string; password?: string; json?: boolean }) => {
    const email = parseOr('--email', emailSchema, opts.email);
    const generated = opts.password === undefined;
    const password = opts.password ?? randomBytes(12).toString('base64url');
    parseOr('--password', passwordSchema, password);
    const u = await withPatron((p) => p.modules.users.service.createFromCli({ email, name: opts.name, role: opts.role, password }, CLI_ACTOR));
    if (opts.json) console.log(JSON.stringify({ user: u, ...(generated ? { password } : {}) }));
    else console.log(`Created ${u.role} ${u.email}${generated ? `\nPassword: ${password}\n(shown once: change it after logging in)` : ''}`);
  });

user
  .command('list')
  .description('List users')
  .option('--json', 'print JSON')
  .action(async (opts: { json?: boolean }) => {
    const list = await withPatron((p) => p.modules.users.service.list());
    if (opts.json) return console.log(JSON.stringify(list));
    if (!list.length) return console.log('No users yet.');
    console.table(list.map((u) => ({ email: u.email, name: u.name, role: u.role, status: u.status, lastLogin: u.lastLoginAt?.toISOString() ?? '' })));
  });

user
  .command('reset-password')
  .description('Set a new password, unlock the account and end its sessions')
  .requiredOption('--email <email>', 'the user’s email')
  .option('--password <password>', 'the new password (generated and printed if omitted)')
  .action(async (opts: { email: string; password?: string }) => {
    const email = parseOr('--email', emailSchema, opts.email);
    const password = opts.password ?? randomBytes(12).toString('base64url');
    parseOr('--password', passwordSchema, password);
    const u = await withPatron((p) => p.modules.users.service.resetPassword(email, password, CLI_ACTOR));
    console.log(`Password reset for ${u.email}${opts.password ? '' : `\nNew password: ${password}`}`);
  });

const apikey = program.command('apikey').description('Manage API keys');

apikey
  .command('create')
  .description('Create an API key; the key is printed once')
  .requiredOption('--name <name>', 'what the key is for')
  .addOption(new Option('--kind <kind>', 'secret (server-side, scoped) or public (tracking only)').choices(['secret', 'public']).default('secret'))
  .option('--scopes <list>', `comma-separated permissions, e.g. customers:read,customers:write (any of: ${API_KEY_SCOPES.join(', ')})`, '')
  .option('--json', 'print JSON')
  .action(async (opts: { name: string; kind: 'secret' | 'public'; scopes: string; json?: boolean }) => {
    const scopes = opts.scopes.split(',').map((s) => s.trim()).filter(Boolean);
    const out = await withPatron((p) => p.modules.users.service.createApiKey(CLI_ACTOR, { name: opts.name, kind: opts.kind, scopes }));
    if (opts.json) return console.log(JSON.stringify(out));
    console.log(`Created ${out.apiKey.kind} key "${out.apiKey.name}" (id ${out.apiKey.id})\n${out.key}\n(shown once: store it now)`);
  });

apikey
  .command('list')
  .description('List API keys')
  .option('--json', 'print JSON')
  .action(async (opts: { json?: boolean }) => {
    const list = await withPatron((p) => p.modules.users.service.listApiKeys());
    if (opts.json) return console.log(JSON.stringify(list));
    if (!list.length) return console.log('No API keys yet.');
    console.table(list.map((k) => ({ id: k.id, name: k.name, kind: k.kind, prefix: k.prefix + '…', scopes: k.scopes.join(','), revoked: k.revokedAt ? 'yes' : '' })));
  });

apikey
  .command('revoke')
  .description('Revoke an API key')
  .argument('<id>', 'the key’s id (from `patron apikey list`)')
  .action(async (id: string) => {
    parseOr('<id>', z.guid(), id);
    const k = await withPatron((p) => p.modules.users.service.revokeApiKey(CLI_ACTOR, id));
    console.log(`Revoked "${k.name}" (${k.prefix}…)`);
  });

function parseOr<T>(name: string, schema: z.ZodType<T>, value: unknown): T {
  const r = schema.safeParse(value);
  if (!r.success) throw new ConfigError(`Invalid ${name} ${JSON.stringify(value)}: ${r.error.issues[0]?.message ?? 'invalid'}`);
  return r.data;
}

/** SIGINT/SIGTERM: `first` (the HTTP processes of a primary), then Patron, finish what they are doing and stop. */
function handleSignals(patron: Patron, first?: () => Promise<void>, signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM']): void {
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      patron.log.warn('Second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    patron.log.info(`${signal}: finishing in-flight requests and jobs, then stopping`);
    (first ?? (() => Promise.resolve()))().then(() => patron.close()).then(
      () => process.exit(0),
      (err: unknown) => {
        patron.log.error({ err }, 'error while stopping');
        process.exit(1);
      },
    );
  };
  for (const signal of signals) process.on(signal, () => stop(signal));
}

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof ConfigError || e instanceof DatabaseUnavailableError) {
    console.error(e.message);
  } else if (e instanceof HttpError) {
    console.error(`Error: ${e.message}`);
  } else {
    console.error(e instanceof Error ? (e.stack ?? e.message) : String(e));
  }
  process.exit(1);
}
