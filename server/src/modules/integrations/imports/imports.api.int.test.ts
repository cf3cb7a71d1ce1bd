import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPatron, type Patron } from '../../../app.ts';
import { CLI_ACTOR } from '../../../platform/audit/audit.ts';
import { createLogger } from '../../../platform/log.ts';
import { loginAs, startTestApp, testConfig, type Session, type TestApp } from '../../../testing/harness.ts';
import type { ImportView } from './imports.schemas.ts';
import { foldUci, removeTmpFiles, tmpFile, uciLines, uciSlice } from './uci.fixture.ts';

// The web app's API: upload, preview, start as a background job, progress, errors.csv, saved mappings.
let app: TestApp;
let worker: Patron;
let admin: Session;
let analyst: Session;
let slice: string[];
let gz: Buffer;

beforeAll(async () => {
  // HTTP here, jobs in a second Patron on the same database: the stored file must be readable by any worker.
  app = await startTestApp({ worker: false });
  worker = await buildPatron(testConfig(), createLogger('silent', false), { http: false, worker: true, databaseUrl: app.patron.dbh.url, skipMigrate: true });
  admin = await loginAs(app, 'admin');
  analyst = await loginAs(app, 'analyst');
  slice = await uciSlice(3000, 30);
  gz = gzipSync(slice.join('\n') + '\n');
});
afterAll(async () => {
  removeTmpFiles();
  await worker?.close();
  await app?.close();
});

const http = () => app.patron.http!;

async function upload(body: Buffer | string, contentType: string, s: Session = admin, name = 'online_retail.csv.gz') {
  return http().inject({ method: 'POST', url: `/api/imports?name=${encodeURIComponent(name)}`, headers: { ...s.headers, 'content-type': contentType }, payload: body });
}

async function finished(id: string): Promise<ImportView & { issues: { line: number | null; message: string }[] }> {
  for (let i = 0; i < 600; i++) {
    const r = await http().inject({ url: `/api/imports/${id}`, headers: admin.headers });
    const v = r.json() as ImportView & { issues: { line: number | null; message: string }[] };
    if (v.status === 'completed' || v.status === 'failed') return v;
    await new Promise((res) => setTimeout(res, 100));
  }
  throw new Error(`import ${id} did not finish`);
}

describe('imports API', () => {
  let id: string;

  it('uploads a gzip file: stored in chunks, columns, the first 10 rows and a suggested preset come back', async () => {
    const res = await upload(gz, 'application/gzip');
    expect(res.statusCode, res.body).toBe(201);
    const v = res.json() as ImportView;
    id = v.id;
    expect(v).toMatchObject({ status: 'uploaded', origin: 'upload', fileName: 'online_retail.csv.gz', size: gz.length, createdBy: expect.stringContaining('admin') });
    expect(v.detected).toMatchObject({
      format: { compressed: true, delimiter: ',', encoding: 'utf-8', header: true },
      columns: ['InvoiceNo', 'StockCode', 'Description', 'Quantity', 'InvoiceDate', 'UnitPrice', 'CustomerID', 'Country'],
      suggestion: { kind: 'orders', preset: 'uci', confidence: 'high' },
    });
    expect(v.detected!.preview).toHaveLength(10);
    expect(v.detected!.preview[0]).toEqual(['536365', '85123A', 'WHITE HANGING HEART T-LIGHT HOLDER', '6', '2010-12-01 08:26:00', '2.55', '17850.0', 'United Kingdom']);
    const chunks = await app.patron.dbh.db.selectFrom('import_file_chunks').select(['seq']).where('import_id', '=', id).execute();
    expect(chunks.length).toBeGreaterThan(0);
  });

  it('takes files beyond the API’s usual 1 MB body limit, whatever content type the browser sends', async () => {
    const lines: string[] = [];
    for await (const l of uciLines()) {
      lines.push(l);
      if (lines.length > 40_000) break;
    }
    const big = Buffer.from(lines.join('\n') + '\n');
    expect(big.length).toBeGreaterThan(3 * 1024 * 1024);
    const res = await upload(big, 'application/vnd.ms-excel', admin, 'large.csv');
    expect(res.statusCode, res.body).toBe(201);
    const v = res.json() as ImportView;
    expect(v).toMatchObject({ size: big.length, detected: { format: { compressed: false }, suggestion: { preset: 'uci' } } });
    const chunks = await app.patron.dbh.db.selectFrom('import_file_chunks').select(['seq']).where('import_id', '=', v.id).orderBy('seq').execute();
    expect(chunks.map((c) => c.seq)).toEqual(Array.from({ length: Math.ceil(big.length / (1 << 20)) }, (_, i) => i));
    expect((await http().inject({ method: 'DELETE', url: `/api/imports/${v.id}`, headers: admin.headers })).statusCode).toBe(204);
  });

  it('a dry run runs as a job and reports the bad rows, writing no data', async () => {
    const res = await http().inject({ method: 'POST', url: `/api/imports/${id}/start`, headers: admin.headers, payload: { kind: 'orders', preset: 'uci', dryRun: true } });
    expect(res.statusCode, res.body).toBe(202);
    expect(res.json()).toMatchObject({ status: 'queued', dryRun: true });
    const v = await finished(id);
    const fold = foldUci(slice);
    expect(v).toMatchObject({ status: 'completed', dryRun: true, issueCount: fold.rejectedLines, progress: { phase: 'done', rowsRead: fold.lines, rowsRejected: fold.rejectedLines } });
    expect(v.issues[0]).toMatchObject({ line: expect.any(Number), message: expect.stringContaining('negative quantity') });
    expect(Number((await app.patron.dbh.db.selectFrom('orders').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n)).toBe(0);
  });

  it('the real run imports, counts and totals; errors.csv lists every issue', async () => {
    const res = await http().inject({ method: 'POST', url: `/api/imports/${id}/start`, headers: admin.headers, payload: { kind: 'orders', preset: 'uci' } });
    expect(res.statusCode, res.body).toBe(202);
    const v = await finished(id);
    const fold = foldUci(slice);
    expect(v.status, v.error ?? '').toBe('completed');
    expect(v.progress).toMatchObject({ customers: { created: fold.customers.size }, refunds: { created: fold.acceptedCancellations.size }, money: { GBP: { net: Number(fold.pence) } } });
    const csv = await http().inject({ url: `/api/imports/${id}/errors.csv`, headers: analyst.headers });
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    const lines = csv.body.trim().split('\r\n');
    expect(lines[0]).toBe('line,severity,column,message');
    expect(lines).toHaveLength(fold.rejectedLines + 1);
    expect(lines[1]).toMatch(/^\d+,error,Quantity,"negative quantity -\d+ outside a cancellation \(order \d+ does not start with ""C""\)"$/);
    const audit = await app.patron.dbh.db.selectFrom('audit_log').select(['action', 'actor_label']).where('entity_id', '=', id).orderBy('at').execute();
    expect(audit.map((a) => a.action)).toEqual(['import.uploaded', 'import.dry_run_started', 'import.dry_run_completed', 'import.started', 'import.completed']);
    expect(audit.every((a) => a.actor_label.startsWith('admin'))).toBe(true);
  });

  it('lists imports; an analyst may read but not import', async () => {
    const list = await http().inject({ url: '/api/imports', headers: analyst.headers });
    expect(list.statusCode).toBe(200);
    expect((list.json() as { items: ImportView[] }).items.map((i) => i.id)).toContain(id);
    expect((await upload('a,b\n1,2\n', 'text/csv', analyst)).statusCode).toBe(403);
    expect((await http().inject({ method: 'POST', url: `/api/imports/${id}/start`, headers: analyst.headers, payload: { kind: 'orders', preset: 'uci' } })).statusCode).toBe(403);
  });

  it('refuses what cannot work with precise problems', async () => {
    const plain = (await upload('Order,Date,Total\nA1,2020-01-01,3.00\n', 'text/csv', admin, 'orders.csv')).json() as ImportView;
    expect(plain.detected).toMatchObject({ format: { compressed: false }, columns: ['Order', 'Date', 'Total'], suggestion: { preset: 'generic', kind: 'orders', mapping: { columns: { orderId: 'Order', placedAt: 'Date', total: 'Total' } } } });
    const start = (body: object, importId = plain.id) => http().inject({ method: 'POST', url: `/api/imports/${importId}/start`, headers: admin.headers, payload: body });
    let r = await start({ kind: 'orders', preset: 'generic' });
    expect(r.statusCode).toBe(400);
    expect(r.json()).toMatchObject({ type: '/problems/validation-error', errors: [{ pointer: '/body/mapping/columns' }] });
    r = await start({ kind: 'orders', preset: 'shopify-customers' });
    expect(r.json()).toMatchObject({ status: 400, errors: [{ pointer: '/body/kind' }] });
    r = await start({ kind: 'orders', preset: 'generic', mapping: { columns: { orderId: 'Order' }, currency: 'XXY' } });
    expect(r.statusCode).toBe(400);
    expect(r.json().detail).toContain('currency');
    r = await start({ kind: 'orders', preset: 'generic', mapping: { columns: { orderId: 'Order' }, timeZone: 'Mars/Olympus' } });
    expect(r.json()).toMatchObject({ status: 400, errors: [{ pointer: '/body/mapping/timeZone' }] });
    expect((await start({ kind: 'orders', preset: 'uci' }, '0190a4c2-0000-7000-8000-000000000001')).statusCode).toBe(404);
    // A mapping whose columns are not in the file fails the run with the reason, not the server.
    r = await start({ kind: 'orders', preset: 'generic', mapping: { columns: { orderId: 'Order', placedAt: 'When', total: 'Total' } } });
    expect(r.statusCode).toBe(202);
    const v = await finished(plain.id);
    expect(v).toMatchObject({ status: 'failed', error: expect.stringContaining('Missing required column: placedAt ("When")') });
    const empty = await upload('', 'text/csv');
    expect(empty.statusCode).toBe(400);
    const zip = await upload(Buffer.from([0x50, 0x4b, 3, 4, 1, 2, 3]), 'application/octet-stream');
    expect(zip.json()).toMatchObject({ status: 400, detail: expect.stringContaining('zip archive') });
    await expect(app.patron.modules.integrations.imports.service.upload(CLI_ACTOR, (async function* () { yield Buffer.alloc(64); })(), 'big.csv', 10)).rejects.toMatchObject({ status: 413 });
    expect(await app.patron.dbh.db.selectFrom('imports').select('id').where('file_name', '=', 'big.csv').execute()).toEqual([]);
  });

  it('saved mappings: create, replace by name, list, delete', async () => {
    const body = { name: 'Legacy shop', kind: 'orders', preset: 'generic', mapping: { columns: { orderId: 'Order', placedAt: 'Date', total: 'Total' }, currency: 'EUR', dateOrder: 'dmy' } };
    const created = await http().inject({ method: 'POST', url: '/api/import-mappings', headers: admin.headers, payload: body });
    expect(created.statusCode, created.body).toBe(201);
    const replaced = await http().inject({ method: 'POST', url: '/api/import-mappings', headers: admin.headers, payload: { ...body, mapping: { ...body.mapping, currency: 'GBP' } } });
    expect(replaced.statusCode).toBe(200);
    const list = (await http().inject({ url: '/api/import-mappings', headers: analyst.headers })).json() as { items: { id: string; name: string; mapping: { currency: string } }[] };
    expect(list.items).toEqual([expect.objectContaining({ name: 'Legacy shop', kind: 'orders', mapping: expect.objectContaining({ currency: 'GBP' }) })]);
    const bad = await http().inject({ method: 'POST', url: '/api/import-mappings', headers: admin.headers, payload: { ...body, mapping: { columns: { nonsense: 'x' } } } });
    expect(bad.statusCode).toBe(400);
    expect((await http().inject({ method: 'DELETE', url: `/api/import-mappings/${list.items[0]!.id}`, headers: analyst.headers })).statusCode).toBe(403);
    expect((await http().inject({ method: 'DELETE', url: `/api/import-mappings/${list.items[0]!.id}`, headers: admin.headers })).statusCode).toBe(204);
    expect((await http().inject({ method: 'DELETE', url: `/api/import-mappings/${list.items[0]!.id}`, headers: admin.headers })).statusCode).toBe(404);
  });

  it('deletes an import and its stored file', async () => {
    expect((await http().inject({ method: 'DELETE', url: `/api/imports/${id}`, headers: admin.headers })).statusCode).toBe(204);
    expect(await app.patron.dbh.db.selectFrom('import_file_chunks').select('seq').where('import_id', '=', id).execute()).toEqual([]);
    expect((await http().inject({ url: `/api/imports/${id}`, headers: admin.headers })).statusCode).toBe(404);
  });
});

describe('patron import (the command line)', () => {
  const root = path.resolve(import.meta.dirname, '../../../../..');
  const run = (args: string[], dir: string) => new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const env: NodeJS.ProcessEnv = { ...process.env, PATRON_DATA_DIR: dir, PATRON_LOG_PRETTY: 'false' };
    delete env.DATABASE_URL;
    const child = spawn(process.execPath, [path.join(root, 'bin/patron.mjs'), ...args], { env, cwd: root });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });

  it('imports a .csv.gz with --json, and a second run changes nothing', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'patron-cli-import-'));
    try {
      const file = tmpFile('slice.csv.gz', slice.join('\n') + '\n', true);
      const fold = foldUci(slice);
      const dry = await run(['import', 'orders', file, '--preset', 'uci', '--dry-run', '--json'], dir);
      expect(dry.code, dry.stderr).toBe(0);
      expect(JSON.parse(dry.stdout)).toMatchObject({ importId: null, dryRun: true, rowsRead: fold.lines, issueCount: fold.rejectedLines });
      const first = await run(['import', 'orders', file, '--preset', 'uci', '--json'], dir);
      expect(first.code, first.stderr).toBe(0);
      expect(first.stderr).toMatch(/done: [\d,]+ rows read/);
      const s = JSON.parse(first.stdout);
      expect(s).toMatchObject({ kind: 'orders', preset: 'uci', rowsRead: fold.lines, customers: { created: fold.customers.size }, refunds: { created: fold.acceptedCancellations.size }, money: { GBP: { net: Number(fold.pence) } } });
      expect(s.orders.created + s.guestOrders.created).toBe(fold.acceptedInvoices.size - fold.acceptedCancellations.size);
      const again = JSON.parse((await run(['import', 'orders', file, '--preset', 'uci', '--json'], dir)).stdout);
      expect(again).toMatchObject({ customers: { created: 0, updated: 0 }, orders: { created: 0, updated: 0 }, refunds: { created: 0 } });
      const bad = await run(['import', 'orders', file, '--preset', 'nonsense'], dir);
      expect(bad.code).toBe(1);
      expect(bad.stderr).toContain('Invalid --preset "nonsense"');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
