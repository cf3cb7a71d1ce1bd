/**
 * The Kysely database interface. Each module adds its own tables by declaration merging:
 *   declare module '../../platform/db/types.ts' { interface Database { users: UsersTable } }
 * so the platform never imports a module.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled in by declaration merging
export interface Database {}
