/**
 * The self-service assistant of the chat widget. The built-in one (assistant.builtin.ts) answers from the
 * knowledge base (retrieval, extractive, with its source), looks up orders after verifying the visitor, and
 * hands over to a person. Nothing leaves the server: no external AI service is used.
 *
 * Plugging in another assistant (an LLM, a vendor's bot): implement `Assistant` and pass a factory to
 * `createKb(deps, { assistant: (builtin, kb) => new MyAssistant(builtin, kb) })`. A good one keeps the
 * built-in for what must be exact (order status after verification, handover on request) and uses
 * `kb.retrieve(question)` (published public articles only, with passages) for grounding, citing `sources`.
 */

export interface AssistantTurn {
  role: 'visitor' | 'assistant' | 'agent';
  text: string;
  /** For assistant turns: the `kind` of that answer (the flow continues from it). */
  kind?: string | undefined;
}

export interface AssistantVisitor {
  /** The chat's visitor id: verification attempts are limited per visitor. */
  id: string;
  /** Known from the tracking snippet; never enough on its own to see an order. */
  email?: string | null | undefined;
  customerId?: string | null | undefined;
  ip?: string | null | undefined;
  pageUrl?: string | null | undefined;
  pageTitle?: string | null | undefined;
}

export interface AssistantRequest {
  question: string;
  /** Earlier turns, oldest first (without `question`). Untrusted: it only steers the flow, never grants access. */
  conversation: AssistantTurn[];
  visitor: AssistantVisitor;
}

export interface AssistantSource {
  articleId: string;
  title: string;
  url: string | null;
}

export interface AssistantOrder {
  number: string;
  status: string;
  placedAt: string;
  total: number;
  currency: string;
  items: { title: string; quantity: number }[];
  trackingUrl: string | null;
}

export type AssistantKind = 'answer' | 'order-status' | 'verify' | 'handover' | 'no-answer';

export interface AssistantAnswer {
  /**
   * answer: from an article (see sources) · order-status: a verified order (see order) · verify: asks for order
   * number and email · handover: a person should take over (the widget passes the transcript on) · no-answer:
   * nothing found (the widget offers a person).
   */
  kind: AssistantKind;
  text: string;
  sources: AssistantSource[];
  /** For answers from articles: how sure the retrieval is, 0..1. */
  confidence?: number;
  order?: AssistantOrder;
}

export interface Assistant {
  answer(req: AssistantRequest): Promise<AssistantAnswer>;
}
