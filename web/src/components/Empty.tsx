import { Button, EmptyState } from '@mantine/core';
import { IconFilterOff } from '@tabler/icons-react';
import type { ReactNode } from 'react';

/** An empty list: an icon, what is missing, why it matters, and what to do about it. */
export function Empty({ icon, title, description, action }: { icon: ReactNode; title: string; description?: ReactNode; action?: ReactNode }) {
  return (
    <EmptyState py={48} px="md" variant="light" icon={icon} title={title} description={description}>
      {action && <EmptyState.Actions>{action}</EmptyState.Actions>}
    </EmptyState>
  );
}

/** A list that is empty only because of the filters: say what searching covers, and offer to clear them. */
export function NoMatches({ title, description, onClear, clearLabel = 'Clear filters' }: { title: string; description?: ReactNode; onClear: () => void; clearLabel?: string }) {
  return (
    <Empty
      icon={<IconFilterOff size={24} />}
      title={title}
      description={description}
      action={
        <Button variant="default" onClick={onClear}>
          {clearLabel}
        </Button>
      }
    />
  );
}
