import { createHash } from 'node:crypto';
import { audit, type Actor } from '../../../platform/audit/audit.ts';
import type { Db, Tx } from '../../../platform/db/db.ts';
import { badRequest, conflict, HttpError, notFound } from '../../../platform/http/problem.ts';
import { newId } from '../../../platform/ids.ts';
import type { Jobs } from '../../../platform/jobs/jobs.ts';
import { getStoreSettings, putSetting } from '../../../platform/settings.ts';
import { FileFormatError } from './csv.ts';
import { detect } from './detect.ts';
import { emptySummary, runImport, type EngineDeps, type IssueSink } from './engine.ts';
import { importsRepo, type ImportRow } from './imports.repo.ts';
import {
  mappingSchema, type Detected, type ImportIssue, type ImportKind, type ImportSummary, type ImportView, type Mapping, type PresetName, type StartImportBody,
} from './imports.schemas.ts';
import { PRESET_DEFS } from './presets.ts';
import { fingerprint, localFile, type FileSource } from './source.ts';

export const IMPORT_JOB = 'integrations.import';
/** Largest upload accepted (the UCI file is 48 MB as CSV, 7.6 MB gzipped). */
export const MAX_UPLOAD_BYTES = 200 * 1024 * 1024;
const CHUNK_BYTES = 1 << 20;

export type ImportEngineDeps = Omit<EngineDeps, 'db' | 'adoptCurrency'>;

/** Runs inside the transaction that marks an import completed (not dry runs): enqueue follow-up work there. */
export type ImportFinishedListener = (tx: Tx, e: { importId: string; kind: ImportKind; summary: ImportSummary }) => Promise<void>;

/** What the command line gets back from a run. */
export interface FileRunResult {
  importId: string | null;
  summary: ImportSummary;
  issues: ImportIssue[];
  issueCount: number;
}

/** CSV imports: uploads stored in the database, runs as background jobs (or from the CLI), progress and issues. */
export class ImportsService {
  private readonly db: Db;
  private readonly jobs: Jobs;
  private readonly engine: EngineDeps;
  private readonly finishedListeners: ImportFinishedListener[] = [];

  constructor(db: Db, jobs: Jobs, engine: ImportEngineDeps) {
    this.db = db;
    this.jobs = jobs;
    this.engine = { ...engine, db, adoptCurrency: (tx, currency, actor) => adoptCurrency(tx, currency, actor) };
  }

  /** Called as every real (not dry) import completes, from the web app or the command line, in its final transaction. */
  onImportFinished(listener: ImportFinishedListener): void {
    this.finishedListeners.push(listener);
  }

  /** Stores an uploaded file (streamed, in chunks) and reads its head: columns, preview, suggested preset. */
  async upload(actor: Actor, body: AsyncIterable<Buffer>, fileName: string, limit = MAX_UPLOAD_BYTES): Promise<ImportView> {
    const id = newId();
    await this.db.insertInto('imports').values({
      id, origin: 'upload', file_name: fileName, size: 0, sha256: null, stored: true, status: 'uploading', kind: null, preset: null, mapping: null,
      dry_run: false, detected: null, progress: '{}', checkpoint: 0, issue_count: 0, error: null, actor: JSON.stringify(actor), lease_until: null, started_at: null, finished_at: null,
    }).execute();
    const hash = createHash('sha256');
    let size = 0;
    let seq = 0;
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    try {
      for await (const piece of body) {
        size += piece.length;
        if (size > limit) throw new HttpError(413, 'payload-too-large', 'Payload too large', `The file is larger than ${limit} bytes, the most an upload may be. Gzip it (a .csv.gz is read as it is), or use the command line: patron import.`);
        hash.update(piece);
        pending.push(piece);
        pendingBytes += piece.length;
        if (pendingBytes >= CHUNK_BYTES) {
          // Rows of at most 1 MB, however the body arrives.
          let all = Buffer.concat(pending);
          while (all.length >= CHUNK_BYTES) {
            await importsRepo.appendChunk(this.db, id, seq++, all.subarray(0, CHUNK_BYTES));
            all = all.subarray(CHUNK_BYTES);
          }
          pending = all.length ? [all] : [];
          pendingBytes = all.length;
        }
      }
      if (pendingBytes) await importsRepo.appendChunk(this.db, id, seq++, Buffer.concat(pending));
      if (size === 0) throw badRequest('The file is empty: send the CSV as the request body.', [{ pointer: '/body', detail: 'is empty' }]);
      let detected: Detected;
      try {
        detected = await detect(importsRepo.storedFile(this.db, id, fileName));
      } catch (e) {
        if (e instanceof FileFormatError) throw badRequest(e.message, [{ pointer: '/body', detail: e.message }]);
        throw e;
      }
      return await this.db.transaction().execute(async (tx) => {
        const row = await tx.updateTable('imports').set({ status: 'uploaded', size, sha256: hash.digest('hex'), detected: JSON.stringify(detected), updated_at: new Date() })
          .where('id', '=', id).returningAll().executeTakeFirstOrThrow();
        await audit.record(tx, actor, { action: 'import.uploaded', entityType: 'import', entityId: id, summary: `Uploaded ${fileName} (${size} bytes) for import`, after: { fileName, size, suggestion: detected.suggestion } });
        return toView(row);
      });
    } catch (e) {
      await this.db.deleteFrom('imports').where('id', '=', id).execute();
      throw e;
    }
  }

  /** Queues a run (or a dry run) of an uploaded file as a background job. */
  async start(actor: Actor, id: string, body: StartImportBody): Promise<ImportView> {
    const row = await importsRepo.byId(this.db, id);
    if (!row) throw notFound(`No import ${id}.`);
    if (!row.stored) throw conflict('This import ran from the command line: its file is not stored here. Upload the file to run it from the web app.');
    // A run whose lease has expired was lost with its worker: starting again is allowed (imports are idempotent).
    const lost = row.status === 'running' && (!row.lease_until || row.lease_until < new Date());
    if (['uploading', 'queued', 'running'].includes(row.status) && !lost) throw conflict(`Import ${id} is ${row.status}: wait until it has finished.`, 'import-busy');
    checkStart(body.kind, body.preset, body.mapping);
    return this.db.transaction().execute(async (tx) => {
      await tx.deleteFrom('import_issues').where('import_id', '=', id).execute();
      const updated = await tx.updateTable('imports').set({
        status: 'queued', kind: body.kind, preset: body.preset, mapping: body.mapping ? JSON.stringify(body.mapping) : null, dry_run: body.dryRun,
        progress: JSON.stringify(emptySummary(body.dryRun)), checkpoint: 0, issue_count: 0, error: null, actor: JSON.stringify(actor),
        started_at: null, finished_at: null, lease_until: null, updated_at: new Date(),
      }).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
      // No job key: the status check above is what keeps one run per import, and a job stuck with a dead worker must not block the new one.
      await this.jobs.enqueue(tx, IMPORT_JOB, { importId: id });
      await audit.record(tx, actor, {
        action: body.dryRun ? 'import.dry_run_started' : 'import.started', entityType: 'import', entityId: id,
        summary: `${body.dryRun ? 'Dry run' : 'Import'} of ${row.file_name} as ${body.kind} (${body.preset})`, after: body,
      });
      return toView(updated);
    });
  }

  /** The job: runs a queued import, continuing after its checkpoint if an earlier attempt stopped. */
  async runQueued(id: string, attempt: number, maxAttempts: number): Promise<void> {
    const row = await importsRepo.claim(this.db, id);
    if (!row) return;
    try {
      await this.execute(row, importsRepo.storedFile(this.db, id, row.file_name), { attempt, maxAttempts });
    } catch (e) {
      // The file cannot be read as configured: recorded as failed, and retrying will not help.
      if (e instanceof HttpError && e.status < 500) return;
      throw e;
    }
  }

  /** The command line: imports a local file in this process. A dry run stores nothing; a real run resumes an interrupted run of the same file. */
  async runFile(actor: Actor, file: string, opts: { kind: ImportKind; preset: PresetName; mapping?: Mapping; dryRun: boolean; onProgress?: (s: ImportSummary) => void }): Promise<FileRunResult> {
    checkStart(opts.kind, opts.preset, opts.mapping);
    const src = localFile(file);
    const kept: ImportIssue[] = [];
    let count = 0;
    const keep = (issues: ImportIssue[]) => {
      count += issues.length;
      for (const i of issues) if (kept.length < 1000) kept.push(i);
    };
    if (opts.dryRun) {
      const summary = await runImport(this.engine, { file: src, kind: opts.kind, preset: opts.preset, mapping: opts.mapping, dryRun: true, actor, onProgress: opts.onProgress, issues: { add: async (i) => keep(i) } });
      return { importId: null, summary, issues: kept, issueCount: count };
    }
    const { size, sha256 } = await fingerprint(src);
    const mappingJson = opts.mapping ? JSON.stringify(opts.mapping) : null;
    const prior = await this.db.selectFrom('imports').selectAll().where('origin', '=', 'cli').where('sha256', '=', sha256).where('kind', '=', opts.kind)
      .where('preset', '=', opts.preset).where('status', 'in', ['queued', 'running', 'failed']).orderBy('id', 'desc').executeTakeFirst();
    let id: string;
    if (prior && canonical(prior.mapping ?? null) === canonical(opts.mapping ?? null)) {
      id = prior.id;
      await this.db.updateTable('imports').set({ status: 'queued', actor: JSON.stringify(actor) }).where('id', '=', id).where('status', '=', 'failed').execute();
    } else {
      id = newId();
      await this.db.transaction().execute(async (tx) => {
        await tx.insertInto('imports').values({
          id, origin: 'cli', file_name: src.name, size, sha256, stored: false, status: 'queued', kind: opts.kind, preset: opts.preset, mapping: mappingJson, dry_run: false,
          detected: null, progress: JSON.stringify(emptySummary(false)), checkpoint: 0, issue_count: 0, error: null, actor: JSON.stringify(actor), lease_until: null, started_at: null, finished_at: null,
        }).execute();
        await audit.record(tx, actor, { action: 'import.started', entityType: 'import', entityId: id, summary: `Import of ${src.name} as ${opts.kind} (${opts.preset}) from the command line`, after: { file: src.name, size, sha256, ...opts, onProgress: undefined } });
      });
    }
    const row = await importsRepo.claim(this.db, id);
    if (!row) throw conflict(`This file is being imported by another process right now (import ${id}). Wait for it, or for its lease to expire if that process died.`, 'import-busy');
    const summary = await this.execute(row, src, { attempt: 1, maxAttempts: 1, onProgress: opts.onProgress, onIssues: keep });
    return { importId: id, summary, issues: kept, issueCount: count };
  }

  private async execute(row: ImportRow, src: FileSource, run: { attempt: number; maxAttempts: number; onProgress?: (s: ImportSummary) => void; onIssues?: (i: ImportIssue[]) => void }): Promise<ImportSummary> {
    const id = row.id;
    const actor = row.actor as Actor;
    const kind = row.kind!;
    const preset = row.preset as PresetName;
    const mapping = row.mapping ? mappingSchema.parse(row.mapping) : undefined;
    // Issues are found again by pass 1 on a rerun: start their list afresh.
    await this.db.deleteFrom('import_issues').where('import_id', '=', id).execute();
    let seq = 0;
    const sink: IssueSink = {
      add: async (issues) => {
        run.onIssues?.(issues);
        await importsRepo.addIssues(this.db, id, seq, issues);
        seq += issues.length;
      },
    };
    let lastSaved = 0;
    let pendingSave: Promise<void> | undefined;
    try {
      const summary = await runImport(this.engine, {
        file: src, kind, preset, mapping, dryRun: row.dry_run, actor, issues: sink, checkpoint: row.checkpoint,
        resume: row.checkpoint > 0 ? (row.progress as ImportSummary) : undefined,
        onProgress: (s) => {
          run.onProgress?.(s);
          if (Date.now() - lastSaved > 1000 && !pendingSave) {
            lastSaved = Date.now();
            // Not awaited (progress is advisory), but finished before the run is marked done,
            // so a late write can never put back an old summary or a lease.
            pendingSave = importsRepo.saveProgress(this.db, id, s).then(() => undefined, () => undefined).finally(() => { pendingSave = undefined; });
          }
        },
        onBatch: async (tx, checkpoint, s) => void (await importsRepo.saveProgress(tx, id, s, checkpoint)),
      });
      await pendingSave;
      await this.db.transaction().execute(async (tx) => {
        await tx.updateTable('imports').set({ status: 'completed', progress: JSON.stringify(summary), error: null, lease_until: null, finished_at: new Date(), updated_at: new Date() }).where('id', '=', id).execute();
        await audit.record(tx, actor, { action: row.dry_run ? 'import.dry_run_completed' : 'import.completed', entityType: 'import', entityId: id, summary: describe(row.file_name, summary), after: summary });
        if (!row.dry_run) for (const l of this.finishedListeners) await l(tx, { importId: id, kind, summary });
      });
      return summary;
    } catch (e) {
      const permanent = e instanceof FileFormatError || (e instanceof HttpError && e.status < 500);
      const last = permanent || run.attempt >= run.maxAttempts;
      const message = e instanceof Error ? e.message : String(e);
      await this.db.transaction().execute(async (tx) => {
        await tx.updateTable('imports').set({ status: last ? 'failed' : 'queued', error: last ? message : `${message} (attempt ${run.attempt} of ${run.maxAttempts}; it will be retried)`, lease_until: null, updated_at: new Date(), ...(last ? { finished_at: new Date() } : {}) })
          .where('id', '=', id).execute();
        if (last) await audit.record(tx, actor, { action: 'import.failed', entityType: 'import', entityId: id, summary: `Import of ${row.file_name} failed: ${message}` });
      });
      if (permanent) throw e instanceof FileFormatError ? badRequest(e.message) : e;
      throw e;
    }
  }

  async get(id: string): Promise<ImportView & { issues: ImportIssue[] }> {
    const row = await importsRepo.byId(this.db, id);
    if (!row) throw notFound(`No import ${id}.`);
    const issues = await importsRepo.issues(this.db, id, 100);
    return { ...toView(row), issues: issues.map((i) => ({ line: i.line, severity: i.severity, column: i.column_name, message: i.message })) };
  }

  async list(limit: number, cursor?: string): Promise<{ items: ImportView[]; nextCursor: string | null }> {
    const rows = await importsRepo.list(this.db, limit + 1, cursor);
    const page = rows.slice(0, limit);
    return { items: page.map(toView), nextCursor: rows.length > limit ? (page.at(-1)?.id ?? null) : null };
  }

  /** Every issue of an import as CSV text, a page at a time. */
  async *issuesCsv(id: string): AsyncGenerator<string> {
    if (!(await importsRepo.byId(this.db, id))) throw notFound(`No import ${id}.`);
    yield 'line,severity,column,message\r\n';
    for (let after = -1; ;) {
      const page = await importsRepo.issues(this.db, id, 5000, after);
      if (!page.length) return;
      yield page.map((i) => [i.line ?? '', i.severity, i.column_name ?? '', i.message].map(csvCell).join(',')).join('\r\n') + '\r\n';
      after = page.at(-1)!.seq;
    }
  }

  /** Drops the stored files of imports that finished more than `days` ago (uploads hold customers' personal data). */
  async purgeStoredFiles(days: number): Promise<number> {
    const old = await this.db.selectFrom('imports').select('id').where('stored', '=', true).where('status', 'in', ['completed', 'failed'])
      .where('finished_at', '<', new Date(Date.now() - days * 86_400_000)).execute();
    if (!old.length) return 0;
    const ids = old.map((o) => o.id);
    await this.db.transaction().execute(async (tx) => {
      await tx.deleteFrom('import_file_chunks').where('import_id', 'in', ids).execute();
      await tx.updateTable('imports').set({ stored: false, updated_at: new Date() }).where('id', 'in', ids).execute();
    });
    return ids.length;
  }

  /** Deletes an import's record and stored file (what it imported stays). */
  async remove(actor: Actor, id: string): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      const row = await tx.selectFrom('imports').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
      if (!row) throw notFound(`No import ${id}.`);
      if (row.status === 'running' || row.status === 'queued') throw conflict(`Import ${id} is ${row.status}: it can be deleted once it has finished.`, 'import-busy');
      await tx.deleteFrom('imports').where('id', '=', id).execute();
      await audit.record(tx, actor, { action: 'import.deleted', entityType: 'import', entityId: id, summary: `Deleted import ${row.file_name} and its stored file (imported data stays)` });
    });
  }
}

/** Refuses a run that cannot work before anything is queued. */
function checkStart(kind: ImportKind, preset: PresetName, mapping: Mapping | undefined): void {
  const def = PRESET_DEFS[preset];
  if (!def.kinds.includes(kind)) throw badRequest(`The ${preset} preset imports ${def.kinds.join(' or ')}, not ${kind}.`, [{ pointer: '/body/kind', detail: `must be ${def.kinds.join(' or ')} with preset ${preset}` }]);
  if (preset === 'generic' && !Object.keys(mapping?.columns ?? {}).length) {
    throw badRequest('The generic preset needs a mapping that says which column holds each field.', [{ pointer: '/body/mapping/columns', detail: 'is required with the generic preset' }]);
  }
  if (mapping?.timeZone) {
    try {
      new Intl.DateTimeFormat('en', { timeZone: mapping.timeZone });
    } catch {
      throw badRequest(`"${mapping.timeZone}" is not an IANA time zone.`, [{ pointer: '/body/mapping/timeZone', detail: 'is not an IANA time zone such as Europe/London' }]);
    }
  }
}

async function adoptCurrency(tx: Tx, currency: string, actor: Actor): Promise<void> {
  const before = await getStoreSettings(tx);
  const after = { ...before, currency };
  await putSetting(tx, 'store', after);
  await audit.record(tx, actor, { action: 'settings.store_updated', entityType: 'settings', entityId: 'store', summary: `Store currency set to ${currency} by the first order import (the store had no orders)`, before, after });
}

function describe(file: string, s: ImportSummary): string {
  const c = (k: { created: number; updated: number }) => `${k.created} new, ${k.updated} updated`;
  return `${s.dryRun ? 'Dry run of' : 'Imported'} ${file}: ${s.rowsRead} rows, ${s.rowsRejected} rejected; customers ${c(s.customers)}; orders ${c(s.orders)}; guest orders ${c(s.guestOrders)}; refunds ${c(s.refunds)}; products ${c(s.products)}`;
}

/** JSON with sorted keys (jsonb does not keep the order a mapping was written in). */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`).join(',')}}`;
  return JSON.stringify(v) ?? 'null';
}

function csvCell(v: string | number): string {
  const s = String(v);
  // A leading = + - @ would run as a formula in a spreadsheet.
  const safe = /^[=+\-@]/.test(s) ? `'${s}` : s;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function toView(r: ImportRow): ImportView {
  const progress = r.progress && Object.keys(r.progress as object).length ? (r.progress as ImportSummary) : null;
  return {
    id: r.id, origin: r.origin, fileName: r.file_name, size: Number(r.size), status: r.status, kind: r.kind, preset: r.preset as PresetName | null,
    mapping: (r.mapping as Mapping | null) ?? null, dryRun: r.dry_run, detected: (r.detected as Detected | null) ?? null, progress, issueCount: r.issue_count,
    error: r.error, createdBy: (r.actor as Actor).label, createdAt: r.created_at, startedAt: r.started_at, finishedAt: r.finished_at,
  };
}
