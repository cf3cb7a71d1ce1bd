import sanitizeHtml from 'sanitize-html';
import type { TicketListRow } from './tickets.repo.ts';
import type { Ticket, TicketAttachment, TicketMessage } from './tickets.schemas.ts';
import type { AttachmentRow, MessageRow } from './tickets.tables.ts';

/** API shape of a ticket row. */
export function toTicket(r: TicketListRow): Ticket {
  return {
    id: r.id, number: r.number, subject: r.subject, status: r.status, priority: r.priority, channel: r.channel,
    customerId: r.customer_id, customerName: r.customer_name ?? r.requester_name ?? r.requester_email ?? r.requester_phone ?? r.requester_handle,
    requester: { name: r.requester_name, email: r.requester_email, phone: r.requester_phone, handle: r.requester_handle },
    assigneeId: r.assignee_id, assigneeName: r.assignee_name, teamId: r.team_id, teamName: r.team_name, tags: r.tags,
    customFields: (r.custom_fields ?? {}) as Record<string, unknown>, language: r.language, replyToken: r.reply_token,
    mergedInto: r.merged_into, followUpOf: r.follow_up_of, externalThread: r.external_thread, messageCount: r.message_count, preview: r.preview,
    lastMessageAt: r.last_message_at, lastCustomerMessageAt: r.last_customer_message_at, firstResponseAt: r.first_response_at,
    lastAgentReplyAt: r.last_agent_reply_at, solvedAt: r.solved_at, closedAt: r.closed_at, slaDueAt: r.sla_due_at,
    slaFirstResponseDueAt: r.sla_first_response_due_at, slaResolutionDueAt: r.sla_resolution_due_at, createdAt: r.created_at, updatedAt: r.updated_at,
  };
}

export function toAttachment(a: AttachmentRow): TicketAttachment {
  return {
    id: a.id, messageId: a.message_id, filename: a.filename, contentType: a.content_type, size: a.size_bytes, inline: a.inline,
    contentId: a.content_id, url: `/api/support/tickets/${a.ticket_id}/attachments/${a.id}`,
  };
}

export function toMessage(m: MessageRow, attachments: AttachmentRow[] = []): TicketMessage {
  return {
    id: m.id, ticketId: m.ticket_id, direction: m.direction, channel: m.channel, authorType: m.author_type, authorUserId: m.author_user_id,
    authorCustomerId: m.author_customer_id, authorName: m.author_name, fromAddress: m.from_address, toAddresses: m.to_addresses,
    ccAddresses: m.cc_addresses, subject: m.subject, bodyText: m.body_text, bodyHtml: m.body_html, messageIdHeader: m.message_id_header,
    inReplyTo: m.in_reply_to, references: m.references, externalId: m.external_id, mentions: m.mentions, deliveryStatus: m.delivery_status,
    deliveryError: m.delivery_error, sentAt: m.sent_at, metadata: (m.metadata ?? {}) as Record<string, unknown>,
    attachments: attachments.filter((a) => a.message_id === m.id).map(toAttachment), createdAt: m.created_at,
  };
}

/**
 * The HTML an agent's browser may render: formatting, links, images (https, cid: and data: images only);
 * no scripts, styles, forms, frames or event handlers. Applied to every message body on write, whoever
 * stored it (the email part may sanitise more strictly first; sanitising twice changes nothing).
 */
export function safeHtml(html: string): string {
  return sanitizeHtml(html, {
    allowedTags: [...sanitizeHtml.defaults.allowedTags, 'img', 'span', 'font', 'center'],
    allowedAttributes: { a: ['href', 'name', 'title', 'rel', 'target'], img: ['src', 'alt', 'title', 'width', 'height'], td: ['colspan', 'rowspan', 'align'], th: ['colspan', 'rowspan', 'align'], '*': ['dir', 'lang'] },
    allowedSchemes: ['http', 'https', 'mailto', 'tel'],
    allowedSchemesByTag: { img: ['https', 'cid', 'data'] },
    allowProtocolRelative: false,
    transformTags: { a: sanitizeHtml.simpleTransform('a', { rel: 'noopener noreferrer nofollow', target: '_blank' }) },
  });
}

/** Plain text of a message for previews and search: whitespace collapsed. */
export function previewOf(text: string, max = 200): string {
  const t = text.replace(/\s+/g, ' ').trim();
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
}

/** Tags normalised: trimmed, lower case, unique, in order. */
export function normTags(tags: readonly string[]): string[] {
  return [...new Set(tags.map((t) => t.trim().toLowerCase()).filter(Boolean))];
}
