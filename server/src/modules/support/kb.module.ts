import type { Actor } from '../../platform/audit/audit.ts';
import type { ZodApp } from '../../platform/http/server.ts';
import type { Assistant } from './assistant.ts';
import { BuiltinAssistant, retrieve, type Retrieved } from './assistant.builtin.ts';
import { HelpCentre } from './helpcentre.service.ts';
import { helpCentreRoutes } from './helpcentre.routes.ts';
import { loadKbDemo } from './kb.demo.ts';
import { kbRoutes } from './kb.routes.ts';
import { KbService } from './kb.service.ts';
import { TermWeights } from './kb.weights.ts';
import type { SupportDeps, SupportRole } from './support.deps.ts';

export type { Assistant, AssistantAnswer, AssistantRequest, AssistantTurn, AssistantVisitor } from './assistant.ts';

export interface KbOptions {
  /** A ticket's subject and what the customer wrote, for suggestions by ticket id (given by the tickets part). */
  ticketText?: (ticketId: string) => Promise<string>;
  /** Replaces the self-service assistant (see assistant.ts); receives the built-in one to delegate to. */
  assistant?: (builtin: Assistant, kb: { retrieve(question: string, limit?: number): Promise<Retrieved[]> }) => Assistant;
}

/**
 * Knowledge base, help centre, search, suggestions and the self-service assistant. Other parts use
 * `service` (KbService: search, suggest) and `assistant` (the chat widget's bot).
 */
export function createKb(deps: SupportDeps, opts: KbOptions = {}) {
  const base = deps.baseUrl.replace(/\/+$/, '');
  const articleUrl = (slug: string) => `${base}/help/articles/${encodeURIComponent(slug)}`;
  const weights = new TermWeights(deps.db);
  const service = new KbService(deps.db, articleUrl, weights);
  const help = new HelpCentre(deps.db, service);
  const kb = { retrieve: (question: string, limit?: number) => retrieve(deps.db, weights, articleUrl, question, limit) };
  const builtin = new BuiltinAssistant(deps.db, weights, articleUrl);
  const assistant: Assistant = opts.assistant ? opts.assistant(builtin, kb) : builtin;
  return {
    service,
    help,
    /** The self-service assistant the chat widget talks to. */
    assistant,
    /** Passages of published public articles for a question (grounding for a plugged-in assistant). */
    retrieve: kb.retrieve,
    articleUrl,
    /** `patron demo`: help categories and articles for the demo store. */
    demo: (actor: Actor, log: (m: string) => void = () => undefined) => loadKbDemo(service, actor, log),
    routes(app: ZodApp): void {
      kbRoutes(app, { kb: service, assistant, ticketText: opts.ticketText });
      helpCentreRoutes(app, { help, kb: service });
    },
    /** Listeners (role.http) and background work (role.worker), called once the process is up. */
    async start(_role: SupportRole): Promise<void> {},
    async stop(): Promise<void> {},
  };
}
export type KbModule = ReturnType<typeof createKb>;
