import type { Db } from '../../platform/db/db.ts';
import { fromMinor } from '../../platform/money.ts';
import type { Assistant, AssistantAnswer, AssistantOrder, AssistantRequest } from './assistant.ts';
import { conversationState, detectIntent, extractEmail, extractOrderNumber } from './assistant.intents.ts';
import { assistantRepo, type VerifiedOrder } from './assistant.repo.ts';
import { paragraphs } from './kb.markdown.ts';
import { kbRepo } from './kb.repo.ts';
import type { TermWeights } from './kb.weights.ts';

/** A passage of a published public article that answers a question. */
export interface Retrieved {
  articleId: string;
  title: string;
  url: string | null;
  passage: string;
  /** Share of the question's meaningful words the article has (0..1). */
  confidence: number;
}

export interface AssistantOptions {
  /** Below this confidence the assistant says it does not know rather than guess. */
  minConfidence: number;
  /** Failed order verifications allowed per visitor and per order number within an hour. */
  maxFailures: number;
  /** Failed order verifications allowed per IP address within an hour (a NAT has many visitors). */
  maxFailuresPerIp: number;
}

export const ASSISTANT_DEFAULTS: AssistantOptions = { minConfidence: 0.5, maxFailures: 5, maxFailuresPerIp: 20 };

/** Merges heading-like paragraphs (short, no full stop) into the text they introduce. */
export function passagesOf(text: string): string[] {
  const out: string[] = [];
  let heading = '';
  for (const p of paragraphs(text)) {
    if (p.length < 80 && !/[.!?:]$/.test(p)) {
      heading = heading ? `${heading} · ${p}` : p;
      continue;
    }
    out.push(heading ? `${heading}: ${p}` : p);
    heading = '';
  }
  if (heading) out.push(heading);
  return out;
}

/** At most `max` characters, cut between words (half a word would be a word no article has). */
export function firstWords(s: string, max: number): string {
  return s.length <= max ? s : s.slice(0, max + 1).replace(/\S*$/, '').trimEnd();
}

/** Cuts a passage at a sentence end near `max` characters. */
export function clip(s: string, max = 600): string {
  if (s.length <= max) return s;
  const cut = s.slice(0, max);
  const end = Math.max(cut.lastIndexOf('. '), cut.lastIndexOf('! '), cut.lastIndexOf('? '));
  return end > max / 3 ? cut.slice(0, end + 1) : `${cut.replace(/\s+\S*$/, '')}…`;
}

/**
 * Retrieval over the published public articles: the best articles for a question, each with its best
 * passage; confidence is the share of the question's words the article has, each weighted by how rare it
 * is among the articles (a word no article has counts most against).
 */
export async function retrieve(db: Db, weights: TermWeights, articleUrl: (slug: string) => string, question: string, limit = 3): Promise<Retrieved[]> {
  const related = await kbRepo.related(db, firstWords(question, 2000), 'public', Math.max(limit * 3, 10));
  const hits = (await weights.rank(related, 'public')).slice(0, limit);
  const out: Retrieved[] = [];
  for (const h of hits) {
    const a = await kbRepo.article(db, h.id);
    if (!a) continue;
    const passages = passagesOf(a.body_text);
    const i = await kbRepo.bestPassage(db, question, passages);
    out.push({ articleId: h.id, title: h.title, url: articleUrl(h.slug), passage: clip(passages[i >= 0 ? i : 0] ?? a.title), confidence: h.coverage });
  }
  return out;
}

const ASK_BOTH = 'I can check that for you. What is your order number, and the email address you used for the order?';
const HANDOVER_TEXT = 'I’ll pass you to a member of our team, with our conversation so far. Someone will reply here as soon as possible.';

/**
 * The built-in assistant: rules for intents, retrieval over the knowledge base with a confidence threshold
 * (extractive: the best passage, citing its article), order status after verifying number + email with
 * attempt limits, handover when asked or when it cannot help.
 */
export class BuiltinAssistant implements Assistant {
  readonly db: Db;
  readonly weights: TermWeights;
  readonly articleUrl: (slug: string) => string;
  readonly opts: AssistantOptions;

  constructor(db: Db, weights: TermWeights, articleUrl: (slug: string) => string, opts: Partial<AssistantOptions> = {}) {
    this.db = db;
    this.weights = weights;
    this.articleUrl = articleUrl;
    this.opts = { ...ASSISTANT_DEFAULTS, ...opts };
  }

  async answer(req: AssistantRequest): Promise<AssistantAnswer> {
    const question = firstWords(req.question, 2000);
    const intent = detectIntent(question);
    if (intent === 'handover') return { kind: 'handover', text: HANDOVER_TEXT, sources: [] };
    const state = conversationState(req.conversation);
    const number = extractOrderNumber(question);
    const email = extractEmail(question);
    // An order number with an email address is an order question even without asking "where is my order".
    const inOrderFlow = intent === 'order-status' || (number !== null && email !== null) || (state.awaitingVerification && (number !== null || email !== null));
    if (inOrderFlow) return this.orderStatus(req, [...state.sinceAsk, question]);
    if (intent === 'greeting') return { kind: 'answer', text: 'Hello! Ask me a question, or ask “where is my order?” and I’ll look it up. You can also ask for a person at any time.', sources: [], confidence: 1 };
    if (intent === 'thanks') return { kind: 'answer', text: 'You’re welcome! Anything else I can help with?', sources: [], confidence: 1 };

    const [best] = await retrieve(this.db, this.weights, this.articleUrl, question, 3);
    if (best && best.confidence >= this.opts.minConfidence) {
      return { kind: 'answer', text: best.passage, sources: [{ articleId: best.articleId, title: best.title, url: best.url }], confidence: best.confidence };
    }
    if (state.noAnswers >= 1) return { kind: 'handover', text: `I couldn’t find an answer to that either. ${HANDOVER_TEXT}`, sources: [] };
    return { kind: 'no-answer', text: 'Sorry, I couldn’t find an answer to that. Could you put it another way? Or ask for a person and I’ll pass you on.', sources: [], confidence: best?.confidence ?? 0 };
  }

  /** "Where is my order?": number and email (from this message or the ones since it was asked), then a verified lookup. */
  private async orderStatus(req: AssistantRequest, messages: string[]): Promise<AssistantAnswer> {
    let number: string | null = null;
    let email: string | null = null;
    for (const m of messages) {
      number = extractOrderNumber(m) ?? number;
      email = extractEmail(m) ?? email;
    }
    if (!number && !email) return { kind: 'verify', text: ASK_BOTH, sources: [] };
    if (!number) return { kind: 'verify', text: 'Thanks. And what is the order number? You’ll find it in your order confirmation email.', sources: [] };
    if (!email) return { kind: 'verify', text: `Thanks. What email address did you use for order ${number}?`, sources: [] };

    const keys = [`visitor:${req.visitor.id}`, `order:${number.replace(/^#/, '')}`];
    const ipKey = req.visitor.ip ? `ip:${req.visitor.ip}` : null;
    const all = ipKey ? [...keys, ipKey] : keys;
    const failures = await assistantRepo.failures(this.db, all);
    const blocked = keys.some((k) => (failures.get(k) ?? 0) >= this.opts.maxFailures) || (ipKey !== null && (failures.get(ipKey) ?? 0) >= this.opts.maxFailuresPerIp);
    if (blocked) return { kind: 'handover', text: `For your security I can’t look up more orders right now. ${HANDOVER_TEXT}`, sources: [] };

    const order = await assistantRepo.verifiedOrder(this.db, number, email);
    if (!order) {
      await assistantRepo.addFailure(this.db, all);
      const left = this.opts.maxFailures - 1 - Math.max(...keys.map((k) => failures.get(k) ?? 0));
      if (left <= 0) return { kind: 'handover', text: `I couldn’t find an order with that number and email. ${HANDOVER_TEXT}`, sources: [] };
      return { kind: 'verify', text: 'I couldn’t find an order with that number and email address. Please check both (they are in your order confirmation email) and send them again.', sources: [] };
    }
    const o = await this.describe(order);
    return { kind: 'order-status', text: orderText(o), sources: [], order: o };
  }

  private async describe(o: VerifiedOrder): Promise<AssistantOrder> {
    const [items, trackingUrl] = await Promise.all([assistantRepo.lines(this.db, o.id), assistantRepo.trackingUrl(this.db, o)]);
    return { number: o.number, status: statusOf(o), placedAt: o.placed_at.toISOString(), total: o.total, currency: o.currency, items, trackingUrl };
  }
}

/** The order's state in a customer's words. */
export function statusOf(o: Pick<VerifiedOrder, 'status' | 'fulfillment_status' | 'financial_status'>): string {
  const f = (o.fulfillment_status ?? '').toLowerCase();
  if (o.status === 'cancelled') return 'cancelled';
  if (['delivered'].includes(f)) return 'delivered';
  if (['fulfilled', 'shipped', 'complete', 'completed'].includes(f)) return 'shipped';
  if (['partial', 'partially_fulfilled', 'partially_shipped'].includes(f)) return 'partly shipped';
  if ((o.financial_status ?? '').toLowerCase() === 'refunded') return 'refunded';
  if (o.status === 'completed') return 'completed';
  return 'being prepared';
}

export function orderText(o: AssistantOrder): string {
  const date = new Date(o.placedAt).toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
  const shown = o.items.slice(0, 5).map((i) => `${i.quantity} × ${i.title}`).join(', ');
  const more = o.items.length > 5 ? ` and ${o.items.length - 5} more` : '';
  const total = `${fromMinor(o.total, o.currency)} ${o.currency}`;
  const track = o.trackingUrl ? ` You can track the parcel here: ${o.trackingUrl}` : o.status === 'shipped' ? ' I don’t have a tracking link for it; a person can look into it if you like.' : '';
  return `Order ${o.number}, placed on ${date}, is ${o.status}. Items: ${shown || 'none listed'}${more}. Total: ${total}.${track}`;
}
