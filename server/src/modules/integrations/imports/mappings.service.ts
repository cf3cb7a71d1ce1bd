import { audit, type Actor } from '../../../platform/audit/audit.ts';
import type { Db } from '../../../platform/db/db.ts';
import { notFound } from '../../../platform/http/problem.ts';
import { newId } from '../../../platform/ids.ts';
import type { MappingRow } from './imports.repo.ts';
import { mappingSchema, type PresetName, type SaveMappingBody } from './imports.schemas.ts';

export interface SavedMapping {
  id: string; name: string; kind: MappingRow['kind']; preset: PresetName; mapping: ReturnType<typeof mappingSchema.parse>; createdBy: string; createdAt: Date; updatedAt: Date;
}

const view = (r: MappingRow): SavedMapping => ({
  id: r.id, name: r.name, kind: r.kind, preset: r.preset as PresetName, mapping: mappingSchema.parse(r.mapping), createdBy: r.created_by, createdAt: r.created_at, updatedAt: r.updated_at,
});

/** Column mappings saved by name, to reuse for the next file of the same shape. */
export class ImportMappingsService {
  private readonly db: Db;

  constructor(db: Db) {
    this.db = db;
  }

  async list(): Promise<SavedMapping[]> {
    return (await this.db.selectFrom('import_mappings').selectAll().orderBy('name').execute()).map(view);
  }

  /** Saves a mapping under its name (a mapping with that name is replaced). */
  async save(actor: Actor, body: SaveMappingBody): Promise<{ mapping: SavedMapping; created: boolean }> {
    return this.db.transaction().execute(async (tx) => {
      const before = await tx.selectFrom('import_mappings').selectAll().where('name', '=', body.name).forUpdate().executeTakeFirst();
      const values = { kind: body.kind, preset: body.preset, mapping: JSON.stringify(body.mapping), updated_at: new Date() };
      const row = before
        ? await tx.updateTable('import_mappings').set(values).where('id', '=', before.id).returningAll().executeTakeFirstOrThrow()
        : await tx.insertInto('import_mappings').values({ id: newId(), name: body.name, created_by: actor.label, ...values }).returningAll().executeTakeFirstOrThrow();
      await audit.record(tx, actor, {
        action: before ? 'import_mapping.updated' : 'import_mapping.created', entityType: 'import_mapping', entityId: row.id,
        summary: `${before ? 'Updated' : 'Saved'} import mapping "${body.name}"`, before: before ? view(before) : undefined, after: body,
      });
      return { mapping: view(row), created: !before };
    });
  }

  async remove(actor: Actor, id: string): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      const row = await tx.deleteFrom('import_mappings').where('id', '=', id).returningAll().executeTakeFirst();
      if (!row) throw notFound(`No saved import mapping ${id}.`);
      await audit.record(tx, actor, { action: 'import_mapping.deleted', entityType: 'import_mapping', entityId: id, summary: `Deleted import mapping "${row.name}"`, before: view(row) });
    });
  }
}
