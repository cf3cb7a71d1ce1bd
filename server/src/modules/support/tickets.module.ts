import type { ZodApp } from '../../platform/http/server.ts';
import type { SupportDeps, SupportRole } from './support.deps.ts';

/** Part of the support module; filled in by its own issue work. */
export function createTickets(_deps: SupportDeps) {
  return {
    routes(_app: ZodApp): void {},
    /** Listeners (role.http) and background work (role.worker), called once the process is up. */
    async start(_role: SupportRole): Promise<void> {},
    async stop(): Promise<void> {},
  };
}
