import { Readable } from 'node:stream';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf } from '../../../platform/http/context.ts';
import { HttpError } from '../../../platform/http/problem.ts';
import type { ZodApp } from '../../../platform/http/server.ts';
import { idOnly } from '../../customers/customers.schemas.ts';
import { importDetailSchema, importSchema, saveMappingBodySchema, savedMappingSchema, startImportBodySchema } from './imports.schemas.ts';
import { MAX_UPLOAD_BYTES, type ImportsService } from './imports.service.ts';
import type { ImportMappingsService } from './mappings.service.ts';

/** The upload's body: the raw stream, with a fixed JSON form so that request hashing (idempotency) never reads it. */
interface RawBody { stream: Readable; toJSON(): string }

export function importRoutes(app: ZodApp, imports: ImportsService, mappings: ImportMappingsService): void {
  const tags = ['Imports'];

  // The upload takes any content type as raw bytes (text/csv, application/gzip, application/octet-stream,
  // Excel's application/vnd.ms-excel for .csv), streamed to the database: never held whole in memory.
  void app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_req, payload, done) => done(null, { stream: payload, toJSON: () => 'file upload' } satisfies RawBody));
    scope.withTypeProvider<ZodTypeProvider>().post('/api/imports', {
      config: { access: 'integrations:write' },
      schema: {
        tags, summary: `Upload a CSV file (optionally gzip) as the raw request body, at most ${MAX_UPLOAD_BYTES / 1024 / 1024} MB; returns its columns, the first 10 rows and a suggested preset`,
        querystring: z.strictObject({ name: z.string().trim().min(1).max(255).default('upload.csv') }),
        response: { 201: importSchema },
      },
    }, async (req, reply) => {
      const declared = Number(req.headers['content-length'] ?? 0);
      if (declared > MAX_UPLOAD_BYTES) throw new HttpError(413, 'payload-too-large', 'Payload too large', `The file is larger than ${MAX_UPLOAD_BYTES} bytes, the most an upload may be. Gzip it, or use the command line: patron import.`);
      const body = req.body as RawBody | undefined;
      if (!body?.stream) throw new HttpError(400, 'validation-error', 'Your request is not valid', 'Send the file as the request body.', { errors: [{ pointer: '/body', detail: 'is required' }] });
      const view = await imports.upload(actorOf(req), body.stream, req.query.name);
      return reply.status(201).send(view);
    });
  });

  app.post('/api/imports/:id/start', { config: { access: 'integrations:write' }, schema: { tags, summary: 'Run (or dry-run) an uploaded file as a background job: kind, preset or mapping', params: idOnly, body: startImportBodySchema, response: { 202: importSchema } } },
    async (req, reply) => reply.status(202).send(await imports.start(actorOf(req), req.params.id, req.body)));

  app.get('/api/imports', { config: { access: 'integrations:read' }, schema: { tags, summary: 'Imports, newest first', querystring: z.strictObject({ cursor: z.guid().optional(), limit: z.coerce.number().int().min(1).max(200).default(50) }),
    response: { 200: z.object({ items: z.array(importSchema), nextCursor: z.string().nullable() }) } } },
    async (req) => imports.list(req.query.limit, req.query.cursor));

  app.get('/api/imports/:id', { config: { access: 'integrations:read' }, schema: { tags, summary: 'An import: status, progress counters and its first 100 issues (rows rejected or read with a warning)', params: idOnly, response: { 200: importDetailSchema } } },
    async (req) => imports.get(req.params.id));

  app.get('/api/imports/:id/errors.csv', { config: { access: 'integrations:read' }, schema: { tags, summary: 'Every issue of an import as CSV: line, severity, column, message', params: idOnly } },
    async (req, reply) => {
      const lines = imports.issuesCsv(req.params.id);
      // Pull the header first so that an unknown import is a 404, not a broken download.
      const first = await lines.next();
      const body = Readable.from((async function* () {
        if (!first.done) yield first.value;
        yield* lines;
      })());
      return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="import-${req.params.id}-issues.csv"`).send(body);
    });

  app.delete('/api/imports/:id', { config: { access: 'integrations:write' }, schema: { tags, summary: 'Delete an import record and its stored file (the imported data stays)', params: idOnly, response: { 204: z.null() } } },
    async (req, reply) => {
      await imports.remove(actorOf(req), req.params.id);
      return reply.status(204).send(null);
    });

  app.get('/api/import-mappings', { config: { access: 'integrations:read' }, schema: { tags, summary: 'Saved column mappings', response: { 200: z.object({ items: z.array(savedMappingSchema) }) } } },
    async () => ({ items: await mappings.list() }));

  app.post('/api/import-mappings', { config: { access: 'integrations:write' }, schema: { tags, summary: 'Save a column mapping by name (replaces one with the same name)', body: saveMappingBodySchema, response: { 200: savedMappingSchema, 201: savedMappingSchema } } },
    async (req, reply) => {
      const r = await mappings.save(actorOf(req), req.body);
      return reply.status(r.created ? 201 : 200).send(r.mapping);
    });

  app.delete('/api/import-mappings/:id', { config: { access: 'integrations:write' }, schema: { tags, summary: 'Delete a saved column mapping', params: idOnly, response: { 204: z.null() } } },
    async (req, reply) => {
      await mappings.remove(actorOf(req), req.params.id);
      return reply.status(204).send(null);
    });
}
