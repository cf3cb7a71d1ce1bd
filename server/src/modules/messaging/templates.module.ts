import type { Db } from '../../platform/db/db.ts';
import type { ZodApp } from '../../platform/http/server.ts';
import type { CustomerContexts } from './context.ts';
import { TemplatePreviews } from './templates.preview.ts';
import { templateRoutes } from './templates.routes.ts';
import { TemplatesService, type Enqueuer } from './templates.service.ts';

/** The templates part of messaging: CRUD with versions, gallery, preview, test sends. */
export function createTemplates(deps: { db: Db; contexts: CustomerContexts; sender: Enqueuer }) {
  const previews = new TemplatePreviews(deps.db, deps.contexts);
  const service = new TemplatesService(deps.db, previews, deps.sender);
  return {
    service,
    previews,
    routes(app: ZodApp) {
      templateRoutes(app, { templates: service, previews });
    },
  };
}
