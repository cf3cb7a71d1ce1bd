import { EmptyState } from '@mantine/core';
import type { ReactNode } from 'react';

/** An empty list: an icon, what is missing, why it matters, and what to do about it. */
export function Empty({ icon, title, description, action }: { icon: ReactNode; title: string; description?: ReactNode; action?: ReactNode }) {
  return (
    <EmptyState py={48} px="md" variant="light" icon={icon} title={title} description={description}>
      {action && <EmptyState.Actions>{action}</EmptyState.Actions>}
    </EmptyState>
  );
}
