import type { AssistantTurn } from './assistant.ts';

/** What a visitor's message is about, by rules (no model): the assistant's first step. */
export type Intent = 'handover' | 'order-status' | 'greeting' | 'thanks' | 'question';

const EMAIL = /[a-z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*\.[a-z]{2,}/i;

const HANDOVER = [
  /\b(human|humans|operator|representative|real (person|people|human)|staff member|mensch|humain)\b/i,
  /\b(agent|agents)\b(?!\s+(fee|fees|commission))/i,
  /\b(talk|speak|chat|connect|transfer|put)\b.{0,20}\b(to|with|through)\s+(a|an|some|your|the)?\s*(someone|somebody|person|people|human|agent|support|team|staff)\b/i,
  /\b(live|customer)\s+(support|service|chat)\b/i,
  /\b(contact|call)\s+(support|you|the team)\b/i,
];

const ORDER_STATUS = [
  /\bwhere('?s| is| are)?\s+(is\s+)?my\s+(order|package|parcel|delivery|shipment|stuff|items?)\b/i,
  /\b(track|tracking|trace)\b.*\b(order|package|parcel|delivery|shipment)\b/i,
  /\b(order|package|parcel|delivery|shipment)\b.*\b(track|tracking)\b/i,
  /\b(order|delivery|shipping|shipment)\s+status\b/i,
  /\bstatus\s+of\s+(my|the)\s+(order|package|parcel|delivery|shipment)\b/i,
  /\b(has|have|did|was)\s+my\s+(order|package|parcel|items?)\s+(been\s+)?(ship|shipped|sent|dispatched|posted)\b/i,
  /\bwhen\s+(will|does|is)\s+my\s+(order|package|parcel|delivery|items?)\b.*\b(arrive|come|ship|be delivered|get here|delivered)\b/i,
  /\b(not|never|haven'?t|have not|didn'?t|did not)\s+(yet\s+)?(received|receive|got|get|arrived)\b.*\b(order|package|parcel|items?)\b/i,
  /\bmy\s+(order|package|parcel)\s+(hasn'?t|has not|never|didn'?t|did not)\s+(arrived|come|shipped)/i,
  /\bwismo\b/i,
];

const GREETING = /^\s*(hi|hello|hey|hiya|hallo|bonjour|hola|good\s+(morning|afternoon|evening))\b[\s!.,:)]*(there|team|all)?[\s!.,:)]*$/i;
const THANKS = /^\s*(thanks|thank\s+you|thx|ty|cheers|great|perfect|awesome|ok|okay|got\s+it|that\s+helps?|brilliant)\b[\s\w!.,:)]{0,20}$/i;

/** The intent of one message. Handover wins (someone who asks for a person gets one). */
export function detectIntent(text: string): Intent {
  // Phones type curly apostrophes: "where’s my order".
  // Email addresses say nothing about intent ("someone.else@…" is not a request for someone).
  const t = text.trim().replace(/[\u2018\u2019\u02bc`´]/g, "'").replace(new RegExp(EMAIL.source, 'gi'), ' ');
  if (!t) return 'question';
  if (HANDOVER.some((r) => r.test(t))) return 'handover';
  if (ORDER_STATUS.some((r) => r.test(t))) return 'order-status';
  if (GREETING.test(t)) return 'greeting';
  if (THANKS.test(t)) return 'thanks';
  return 'question';
}

/** The first email address in a message, lower-cased. */
export function extractEmail(text: string): string | null {
  return EMAIL.exec(text)?.[0]?.toLowerCase() ?? null;
}

/**
 * An order number in a message: "#1001", "order 536365", "no. A-1234", or a lone token with at least
 * three digits (email addresses, dates and money amounts are not order numbers).
 */
export function extractOrderNumber(text: string): string | null {
  const t = text.replace(new RegExp(EMAIL.source, 'gi'), ' ').replace(/\b\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}\b/g, ' ').replace(/[£$€]\s?\d[\d,.]*/g, ' ');
  const labelled = /(?:#|\border\s*(?:number|no\.?|nr\.?|#)?\s*:?\s*#?|\bnumber\s*:?\s*#?|\bno\.\s*)\s*([a-z]{0,6}-?\d[\w-]{2,24})/i.exec(t);
  if (labelled?.[1]) return labelled[1].toUpperCase();
  const lone = /(?:^|[\s(,:])#?([a-z]{0,6}-?\d{3,24}[a-z]{0,3})(?=$|[\s).,!?;])/i.exec(t);
  return lone?.[1]?.toUpperCase() ?? null;
}

/** Where the conversation stands: is the assistant waiting for order details, what was said since, how often nothing was found. */
export function conversationState(conversation: AssistantTurn[]): { awaitingVerification: boolean; sinceAsk: string[]; noAnswers: number } {
  let lastAssistant = -1;
  for (let i = conversation.length - 1; i >= 0; i--) {
    if (conversation[i]!.role === 'assistant') {
      lastAssistant = i;
      break;
    }
  }
  const last = lastAssistant >= 0 ? conversation[lastAssistant] : undefined;
  const awaitingVerification = last?.kind === 'verify';
  const sinceAsk = conversation.slice(lastAssistant + 1).filter((t) => t.role === 'visitor').map((t) => t.text);
  // Visitor messages of the order flow before the last ask (number in one message, email in the next).
  if (awaitingVerification) {
    for (let i = lastAssistant - 1; i >= 0; i--) {
      const t = conversation[i]!;
      if (t.role === 'assistant' && t.kind !== 'verify') break;
      if (t.role === 'visitor') sinceAsk.unshift(t.text);
    }
  }
  let noAnswers = 0;
  for (let i = conversation.length - 1; i >= 0; i--) {
    const t = conversation[i]!;
    if (t.role !== 'assistant') continue;
    if (t.kind === 'no-answer') noAnswers++;
    else break;
  }
  return { awaitingVerification, sinceAsk, noAnswers };
}
