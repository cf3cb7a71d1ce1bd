import type { ZodApp } from '../../platform/http/server.ts';
import { reportQuery, reportSchema } from './reports.schemas.ts';
import type { ReportsService } from './reports.service.ts';

/** Support reports. */
export function reportsRoutes(app: ZodApp, reports: ReportsService): void {
  app.get('/api/support/reports', {
    config: { access: 'support:read' },
    schema: { tags: ['Support reports'], summary: 'Volume, first response and resolution times (median, p90, business minutes), SLA attainment, CSAT, backlog; per agent and team', querystring: reportQuery, response: { 200: reportSchema } },
  }, async (req) => reports.report(req.query));
}
