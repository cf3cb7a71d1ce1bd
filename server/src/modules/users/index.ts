import type { Config } from '../../config.ts';
import type { Db } from '../../platform/db/db.ts';
import type { ZodApp } from '../../platform/http/server.ts';
import type { Jobs } from '../../platform/jobs/jobs.ts';
import { z } from 'zod';
import { authRoutes } from './auth.routes.ts';
import { apiKeyRoutes, inviteRoutes, teamRoutes } from './users.routes.ts';
import { UsersService } from './users.service.ts';

export { UsersService } from './users.service.ts';

/** The users module: people, roles, sessions, invites and API keys. */
export function createUsersModule(deps: { db: Db; config: Config; jobs: Jobs }) {
  const service = new UsersService(deps.db, deps.config);
  deps.jobs.register({
    name: 'users.purge-expired-sessions',
    payload: z.object({}).passthrough(),
    maxAttempts: 3,
    handler: async (_p, ctx) => {
      const n = await service.purgeExpiredSessions();
      if (n) ctx.log.info(`purged ${n} expired sessions`);
    },
  });
  deps.jobs.cron({ pattern: '17 * * * *', job: 'users.purge-expired-sessions' });
  return {
    service,
    routes(app: ZodApp) {
      authRoutes(app, service, deps.config);
      teamRoutes(app, service, deps.config);
      inviteRoutes(app, service, deps.config);
      apiKeyRoutes(app, service);
    },
  };
}
