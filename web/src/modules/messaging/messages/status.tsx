import { Badge, Tooltip } from '@mantine/core';
import type { MantineColor } from '@mantine/core';
import { SKIP_REASONS } from '../../../../../server/src/modules/messaging/guardrails.ts';
import type { MessagePurpose, MessageStatus, MessageSummary } from './api.ts';

export const STATUS_INFO: Record<MessageStatus, { label: string; color: MantineColor; hint: string }> = {
  queued: { label: 'Queued', color: 'blue', hint: 'Waiting for its send time' },
  sending: { label: 'Sending', color: 'blue', hint: 'Being handed to the mail server now' },
  sent: { label: 'Sent', color: 'teal', hint: 'Accepted by the mail server (or kept in the outbox)' },
  failed: { label: 'Failed', color: 'red', hint: 'Could not be sent' },
  skipped: { label: 'Skipped', color: 'gray', hint: 'Not sent on purpose' },
  cancelled: { label: 'Cancelled', color: 'gray', hint: 'Cancelled before it was sent' },
  uncertain: { label: 'Uncertain', color: 'orange', hint: 'Handed over, but the answer never came: never resent' },
};

export const PURPOSE_LABELS: Record<MessagePurpose, string> = {
  campaign: 'Campaign',
  flow: 'Flow',
  transactional: 'Transactional',
  test: 'Test send',
  system: 'System',
};

export const purposeLabel = (p: string): string => PURPOSE_LABELS[p as MessagePurpose] ?? p.charAt(0).toUpperCase() + p.slice(1);

/** The reason a message was skipped, in words (reasons from other parts fall back to their code, made readable). */
export function skipReasonText(reason: string | null): string | null {
  if (!reason) return null;
  const known = (SKIP_REASONS as Record<string, string>)[reason];
  if (known) return known;
  const t = reason.replace(/[_-]+/g, ' ');
  return t.charAt(0).toUpperCase() + t.slice(1);
}

/** Why a message is in its state, when there is more to say than the badge: skip reason or error. */
export function statusDetail(m: Pick<MessageSummary, 'status' | 'skipReason' | 'lastError'>): string | null {
  if (m.status === 'skipped') return skipReasonText(m.skipReason);
  if (m.status === 'queued' && m.lastError) return `Retrying: ${m.lastError}`;
  if (m.status === 'failed' || m.status === 'uncertain') return m.lastError;
  return null;
}

/** A message's status as a badge; the skip reason or error is in its tooltip. */
export function MessageStatusBadge({ message: m, size = 'sm' }: { message: Pick<MessageSummary, 'status' | 'skipReason' | 'lastError'>; size?: 'sm' | 'md' | 'lg' }) {
  const info = STATUS_INFO[m.status];
  const detail = statusDetail(m);
  return (
    <Tooltip label={detail ?? info.hint} withArrow multiline maw={320}>
      <Badge size={size} variant={m.status === 'sending' ? 'dot' : 'light'} color={info.color} style={{ cursor: 'help' }}>
        {info.label}
      </Badge>
    </Tooltip>
  );
}

export const EVENT_INFO: Record<string, { label: string; color: MantineColor }> = {
  delivered: { label: 'Delivered', color: 'teal' },
  opened: { label: 'Opened', color: 'blue' },
  clicked: { label: 'Clicked', color: 'violet' },
  bounced: { label: 'Bounced', color: 'red' },
  complained: { label: 'Marked as spam', color: 'red' },
  unsubscribed: { label: 'Unsubscribed', color: 'orange' },
  failed: { label: 'Failed', color: 'red' },
};
