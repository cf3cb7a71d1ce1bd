import { Badge, Tooltip } from '@mantine/core';
import type { MantineColor } from '@mantine/core';
import { absoluteTime } from '../../../lib/format.ts';
import type { Campaign, CampaignStatus, Metric, Schedule } from './api.ts';

export const CAMPAIGN_STATUS: Record<CampaignStatus, { label: string; color: MantineColor; hint: string }> = {
  draft: { label: 'Draft', color: 'gray', hint: 'Not sent yet: edit it, then send or schedule it' },
  scheduled: { label: 'Scheduled', color: 'blue', hint: 'Will start at its scheduled time' },
  sending: { label: 'Sending', color: 'indigo', hint: 'Messages are going out (or waiting for their time, throttle or A/B winner)' },
  sent: { label: 'Sent', color: 'teal', hint: 'Every message has left the queue' },
  cancelled: { label: 'Cancelled', color: 'orange', hint: 'Stopped: messages still queued were not sent' },
  failed: { label: 'Failed', color: 'red', hint: 'Could not be sent' },
};

export function CampaignStatusBadge({ campaign: c, size = 'sm' }: { campaign: Pick<Campaign, 'status' | 'error'>; size?: 'sm' | 'md' | 'lg' }) {
  const info = CAMPAIGN_STATUS[c.status];
  return (
    <Tooltip label={c.status === 'failed' && c.error ? c.error : info.hint} withArrow multiline maw={340}>
      <Badge size={size} variant={c.status === 'sending' ? 'dot' : 'light'} color={info.color} style={{ cursor: 'help', flexShrink: 0 }}>
        {info.label}
      </Badge>
    </Tooltip>
  );
}

export const METRIC_LABEL: Record<Metric, string> = { opens: 'Open rate', clicks: 'Click rate', revenue: 'Revenue per recipient' };

const day = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });

/** "Now", "12 Jun 2026, 09:00", "10:00 on 12 Jun 2026 in each recipient's time zone". */
export function scheduleText(s: Schedule): string {
  if (s.mode === 'now') return 'As soon as it is sent';
  if (s.mode === 'at') return absoluteTime(s.sendAt);
  return `${s.time} on ${day.format(new Date(`${s.date}T12:00:00Z`))}, in each recipient’s time zone`;
}

/** 0.1234 → "12.3%"; null → "—". */
export function pct(r: number | null | undefined, digits = 1): string {
  if (r === null || r === undefined) return '—';
  return `${(r * 100).toFixed(r > 0 && r < 0.001 ? 2 : digits)}%`;
}
