import { z } from 'zod';
import { actorOf } from '../../platform/http/context.ts';
import type { ZodApp } from '../../platform/http/server.ts';
import {
  breakdownsSchema, cohortsSchema, dashboardSchema, drillCsvQuerySchema, drillPageSchema, drillQuerySchema, rangeQuerySchema, roiSchema, segmentSharesSchema, seriesSchema, statusSchema,
} from './analytics.schemas.ts';
import type { AnalyticsService } from './analytics.service.ts';

const tags = ['Analytics'];

export function analyticsRoutes(app: ZodApp, analytics: AnalyticsService): void {
  app.get('/api/analytics/status', { config: { access: 'analytics:read' }, schema: { tags, summary: 'Store currency, time zone, today and the days with orders (for choosing a range)', response: { 200: statusSchema } } },
    async () => analytics.status());

  app.get('/api/analytics/dashboard', { config: { access: 'analytics:read' }, schema: { tags, summary: 'Every KPI of a range of store days and of the period of the same length before it',
    description: 'Money in minor units of the store currency; rates as fractions (null when there is nothing to divide by). `definitions` says how each figure is computed.',
    querystring: rangeQuerySchema, response: { 200: dashboardSchema } } },
  async (req) => analytics.dashboard(req.query.from, req.query.to));

  app.get('/api/analytics/series', { config: { access: 'analytics:read' }, schema: { tags, summary: 'Revenue, orders and new vs returning customers per day, week or month', querystring: rangeQuerySchema, response: { 200: seriesSchema } } },
    async (req) => analytics.series(req.query.from, req.query.to));

  app.get('/api/analytics/breakdowns', { config: { access: 'analytics:read' }, schema: { tags, summary: 'Top products and categories, sales by country, new customers and CAC by channel', querystring: rangeQuerySchema, response: { 200: breakdownsSchema } } },
    async (req) => analytics.breakdowns(req.query.from, req.query.to));

  app.get('/api/analytics/cohorts', { config: { access: 'analytics:read' }, schema: { tags, summary: 'Monthly cohorts by first order: who bought again in month +1, +2, … and their revenue', querystring: rangeQuerySchema, response: { 200: cohortsSchema } } },
    async (req) => analytics.cohorts(req.query.from, req.query.to));

  app.get('/api/analytics/segment-shares', { config: { access: 'analytics:read' }, schema: { tags, summary: 'Members of each segment', response: { 200: segmentSharesSchema } } },
    async () => analytics.segmentShares());

  app.get('/api/analytics/roi', { config: { access: 'analytics:read' }, schema: { tags, summary: 'Revenue attributed to each email campaign and flow, against what its messages cost',
    description: 'Orders placed in the range (store days, store currency) credited to a campaign or flow by last-touch attribution; cost = messages sent in the range × cost per email / SMS. Largest revenue first. `roi` = (revenue − cost) ÷ cost, null when the cost is 0.',
    querystring: rangeQuerySchema, response: { 200: roiSchema } } },
  async (req) => analytics.roi(req.query.from, req.query.to));

  app.get('/api/analytics/drilldown', { config: { access: 'analytics:read' }, schema: { tags, summary: 'The orders, customers, refunds or checkouts behind a figure (one page)', querystring: drillQuerySchema, response: { 200: drillPageSchema } } },
    async (req) => analytics.drill(req.query));

  app.get('/api/analytics/drilldown.csv', { config: { access: 'analytics:read' }, schema: { tags, summary: 'The rows behind a figure as CSV (at most 100,000)', querystring: drillCsvQuerySchema } },
    async (req, reply) => {
      const r = await analytics.drillCsv(req.query);
      return reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${r.name}.csv"`)
        .header('x-patron-truncated', String(r.truncated)).send(r.csv);
    });

  app.post('/api/analytics/rebuild', { config: { access: 'analytics:write' }, schema: { tags, summary: 'Recompute every rollup from orders, refunds, checkouts and activities',
    response: { 200: z.object({ kind: z.string(), customers: z.number(), guestDays: z.number(), salesDays: z.number(), ms: z.number() }) } } },
  async (req) => analytics.rebuild(actorOf(req)));
}
