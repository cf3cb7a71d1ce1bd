import type { Tx } from '../../platform/db/db.ts';
import type { Actor } from '../../platform/audit/audit.ts';
import type { Ticket, TicketMessage } from './tickets.schemas.ts';
import type { AuthorType, MessageDirection, TicketChannel, TicketPriority, TicketStatus } from './tickets.tables.ts';

/** Inputs and events of the ticket core (TicketService). */

/** Who a conversation is with: an existing profile, or identities to find or create one by. */
export interface Requester {
  customerId?: string;
  email?: string | null;
  phone?: string | null;
  name?: string | null;
  /** A social or chat identity: stored as the external identity `social:<network>` / id. */
  handle?: { network: string; id: string } | null;
}

/** A message to store on a ticket. */
export interface NewMessage {
  direction: MessageDirection;
  authorType: AuthorType;
  authorUserId?: string | null;
  authorName?: string | null;
  /** Defaults to the ticket's channel. */
  channel?: TicketChannel;
  fromAddress?: string | null;
  toAddresses?: string[];
  ccAddresses?: string[];
  subject?: string | null;
  bodyText: string;
  /** Sanitised again on write (tickets.map.ts safeHtml). */
  bodyHtml?: string | null;
  messageIdHeader?: string | null;
  inReplyTo?: string | null;
  references?: string[];
  /** The message's id on the system it came from: the same (channel, externalId) is stored once. */
  externalId?: string | null;
  /** Users mentioned in an internal note (notified). */
  mentions?: string[];
  /** Outbound only; default 'pending' on email (the email part sends it), 'sent' elsewhere. */
  deliveryStatus?: 'pending' | 'sent' | 'failed' | null;
  metadata?: Record<string, unknown>;
  /** When it happened (imports, demo data); default now. */
  createdAt?: Date;
}

export interface NewTicket {
  channel: TicketChannel;
  subject: string;
  requester: Requester;
  message: Omit<NewMessage, 'channel'>;
  status?: TicketStatus;
  priority?: TicketPriority;
  tags?: string[];
  teamId?: string | null;
  assigneeId?: string | null;
  customFields?: Record<string, unknown>;
  language?: string | null;
  followUpOf?: string | null;
  /** The conversation on another system (social thread id, chat session id); see findOpenByThread. */
  externalThread?: string | null;
  /** Where it came from, for the activity (`email`, `chat`, `form`, `ui`, `api`, …); default the channel. */
  source?: string;
}

export interface TicketChange {
  status?: TicketStatus;
  priority?: TicketPriority;
  subject?: string;
  tags?: string[];
  addTags?: string[];
  removeTags?: string[];
  assigneeId?: string | null;
  teamId?: string | null;
  customFields?: Record<string, unknown>;
  language?: string | null;
}

export interface CreatedEvent { ticket: Ticket; message: TicketMessage; actor: Actor }
export interface MessageEvent { ticket: Ticket; message: TicketMessage; actor: Actor }
export interface ChangedEvent { ticket: Ticket; before: Ticket; changed: (keyof TicketChange)[]; actor: Actor }
/** Runs inside the writing transaction. */
export type Listener<E> = (tx: Tx, e: E) => Promise<void>;

