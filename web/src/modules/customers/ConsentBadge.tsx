import { Badge, Tooltip } from '@mantine/core';
import { IconMail, IconMessage, IconWorldWww } from '@tabler/icons-react';
import { absoluteTime, shortDate } from '../../lib/format.ts';
import type { ConsentChannel, ConsentState } from './api.ts';

export const CHANNEL_LABELS: Record<ConsentChannel, string> = { email: 'Email marketing', sms: 'SMS marketing', tracking: 'Tracking (website)' };
/** For the middle of a sentence: "email marketing", "SMS marketing". */
/** One-word channel names for badges and the ledger. */
export const SHORT_NAMES: Record<ConsentChannel, string> = { email: 'Email', sms: 'SMS', tracking: 'Tracking' };
export const CHANNEL_NAMES: Record<ConsentChannel, string> = { email: 'email marketing', sms: 'SMS marketing', tracking: 'tracking' };
export const STATUS_LABELS: Record<ConsentState['status'], string> = { subscribed: 'Subscribed', unsubscribed: 'Unsubscribed', pending: 'Pending', none: 'Not subscribed' };
export const STATUS_COLORS: Record<ConsentState['status'], string> = { subscribed: 'teal', unsubscribed: 'red', pending: 'yellow', none: 'gray' };

/** "Subscribed since 1 Mar 2025", "Unsubscribed 3 Mar 2025", "Pending", "Not subscribed". */
export function consentText(s: ConsentState): string {
  if (s.status === 'subscribed' && s.updatedAt) return `Subscribed since ${shortDate(s.updatedAt)}`;
  if (s.status === 'unsubscribed' && s.updatedAt) return `Unsubscribed ${shortDate(s.updatedAt)}`;
  if (s.status === 'pending') return 'Pending confirmation';
  return STATUS_LABELS[s.status];
}

/** One channel's consent as a badge; the full time and source in its tooltip. */
export function ConsentBadge({ channel, state, withChannel = true }: { channel: ConsentChannel; state: ConsentState; withChannel?: boolean }) {
  const Icon = channel === 'email' ? IconMail : channel === 'sms' ? IconMessage : IconWorldWww;
  const text = consentText(state);
  const label = withChannel ? `${SHORT_NAMES[channel]}: ${text}` : text;
  const tip = state.updatedAt
    ? `${CHANNEL_LABELS[channel]}: ${STATUS_LABELS[state.status].toLowerCase()} since ${absoluteTime(state.updatedAt)}${state.source ? `, from ${state.source}` : ''}`
    : `${CHANNEL_LABELS[channel]}: no consent recorded`;
  return (
    <Tooltip label={tip} withArrow multiline maw={300}>
      <Badge
        variant={state.status === 'subscribed' ? 'light' : 'outline'}
        color={STATUS_COLORS[state.status]}
        leftSection={<Icon size={12} />}
        tt="none"
        fw={500}
        aria-label={`${CHANNEL_LABELS[channel]}: ${text}`}
      >
        {label}
      </Badge>
    </Tooltip>
  );
}
