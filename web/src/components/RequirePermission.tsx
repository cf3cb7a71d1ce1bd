import { Paper } from '@mantine/core';
import { IconLock } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { useCan } from '../modules/session/context.tsx';
import { Empty } from './Empty.tsx';

/** Renders children only for people with the permission; others see why not. */
export function RequirePermission({ permission, children }: { permission: string; children: ReactNode }) {
  const can = useCan();
  if (can(permission)) return children;
  return (
    <Paper withBorder radius="md" mt="xl">
      <Empty
        icon={<IconLock size={24} />}
        title="You don’t have access to this page"
        description={`It needs the “${permission}” permission. Ask an owner or admin to change your role.`}
      />
    </Paper>
  );
}
