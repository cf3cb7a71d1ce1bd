import { z } from 'zod';
import type { Actor } from '../../platform/audit/audit.ts';
import type { ZodApp } from '../../platform/http/server.ts';
import { csatRoutes } from './csat.routes.ts';
import { CSAT_SEND_JOB, CsatService } from './csat.service.ts';
import { reportsRoutes } from './reports.routes.ts';
import { ReportsService } from './reports.service.ts';
import { SlaConfig } from './sla.config.ts';
import { loadSlaDemo } from './sla.demo.ts';
import { slaRoutes } from './sla.routes.ts';
import { SlaService } from './sla.service.ts';
import type { SupportDeps, SupportRole } from './support.deps.ts';
import type { TicketsModule } from './tickets.module.ts';

export const SLA_CHECK_JOB = 'support.sla.check';
export const SLA_RESYNC_JOB = 'support.sla.resync';

/**
 * SLA policies and business hours, each ticket's SLA clock and breach job, CSAT surveys, support reports.
 * Hooks into the ticket core's listeners: every ticket write recomputes its clock in the same transaction.
 */
export function createSla(deps: SupportDeps, tickets: TicketsModule) {
  const { db } = deps;
  const config = new SlaConfig(db);
  const sla = new SlaService(db, config, deps.activities, tickets.live);
  const csat = new CsatService(db, deps.messaging, deps.activities, deps.baseUrl);
  const reports = new ReportsService(db);

  tickets.service.onTicketCreated((tx, e) => sla.sync(tx, e.ticket.id));
  tickets.service.onMessageAdded((tx, e) => sla.sync(tx, e.ticket.id));
  tickets.service.onTicketChanged(async (tx, e) => {
    if (e.changed.includes('status') || e.changed.includes('priority')) await sla.sync(tx, e.ticket.id);
    const wasDone = e.before.status === 'solved' || e.before.status === 'closed';
    if (e.ticket.status === 'solved' && !wasDone) await csat.onSolved(tx, e.ticket);
  });

  deps.jobs.register({ name: SLA_CHECK_JOB, payload: z.object({}).passthrough(), maxAttempts: 3, handler: async (_p, ctx) => {
    const r = await sla.checkBreaches();
    if (r.warned || r.breached) ctx.log.info(`support sla: ${r.warned} at risk, ${r.breached} breached`);
  } });
  deps.jobs.cron({ pattern: '* * * * *', job: SLA_CHECK_JOB });
  deps.jobs.register({ name: CSAT_SEND_JOB, payload: z.object({ ticketId: z.string() }), maxAttempts: 10, handler: async (p) => {
    await csat.send(p.ticketId);
  } });
  csat.enqueue = (tx, ticketId) => deps.jobs.enqueue(tx, CSAT_SEND_JOB, { ticketId }, { jobKey: `csat:${ticketId}` });
  // Changed hours or holidays move the deadlines of open tickets on that calendar (new tickets use them anyway).
  deps.jobs.register({ name: SLA_RESYNC_JOB, payload: z.object({ calendarId: z.string() }), maxAttempts: 5, handler: async (p, ctx) => {
    const n = await sla.resyncCalendar(p.calendarId);
    ctx.log.info(`support sla: ${n} open tickets re-timed after a calendar change`);
  } });
  config.onCalendarChanged = (tx, calendarId) => deps.jobs.enqueue(tx, SLA_RESYNC_JOB, { calendarId }, { jobKey: `sla-resync:${calendarId}`, runAt: new Date(Date.now() + 5_000) });

  return {
    config,
    service: sla,
    csat,
    reports,
    routes(app: ZodApp): void {
      slaRoutes(app, { config, sla });
      csatRoutes(app, csat);
      reportsRoutes(app, reports);
    },
    /** `patron demo`: business hours, policies, SLA clocks and CSAT ratings on the demo tickets. */
    demo: (actor: Actor, log: (m: string) => void = () => undefined, opts: { tickets?: number } = {}) => loadSlaDemo({ db, config, sla, activities: deps.activities, tickets: tickets.service }, actor, log, opts),
    /** Ratings and comments are personal data (csat_surveys); SLA clocks hold none beyond the ticket's. */
    exportCustomer: (customerId: string) => csat.exportCustomer(customerId),
    eraseCustomer: (customerId: string) => csat.eraseCustomer(customerId),
    /** Listeners (role.http) and background work (role.worker), called once the process is up. */
    async start(_role: SupportRole): Promise<void> {},
    async stop(): Promise<void> {},
  };
}
export type SlaModule = ReturnType<typeof createSla>;
