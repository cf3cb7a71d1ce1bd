import { Badge } from '@mantine/core';
import type { ReactNode } from 'react';

const FLOW: Record<string, { label: string; color: string }> = {
  live: { label: 'Live', color: 'teal' },
  paused: { label: 'Paused', color: 'yellow' },
  draft: { label: 'Draft', color: 'gray' },
  archived: { label: 'Archived', color: 'gray' },
};

export function FlowStatusBadge({ status }: { status: string }): ReactNode {
  const s = FLOW[status] ?? { label: status, color: 'gray' };
  return (
    <Badge variant={status === 'live' ? 'filled' : 'light'} color={s.color} size="sm" data-testid="flow-status">
      {s.label}
    </Badge>
  );
}

const RUN: Record<string, { label: string; color: string }> = {
  active: { label: 'In progress', color: 'blue' },
  waiting: { label: 'Waiting', color: 'blue' },
  completed: { label: 'Completed', color: 'teal' },
  exited: { label: 'Exited', color: 'orange' },
  failed: { label: 'Failed', color: 'red' },
};

export function RunStatusBadge({ status }: { status: string }): ReactNode {
  const s = RUN[status] ?? { label: status, color: 'gray' };
  return (
    <Badge variant="light" color={s.color} size="sm">
      {s.label}
    </Badge>
  );
}
