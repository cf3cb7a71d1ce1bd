import { Anchor, Group } from '@mantine/core';
import { IconArrowLeft } from '@tabler/icons-react';
import { Link } from '@tanstack/react-router';
import type { LinkProps } from '@tanstack/react-router';

/** "← Customers" above a detail page's title. */
export function BackLink({ to, label, search }: { to: NonNullable<LinkProps['to']>; label: string; search?: LinkProps['search'] }) {
  return (
    <Anchor renderRoot={(props) => <Link to={to} search={search} {...props} />} fz="sm" c="dimmed" mb="xs" display="inline-block">
      <Group gap={4} wrap="nowrap">
        <IconArrowLeft size={14} aria-hidden />
        {label}
      </Group>
    </Anchor>
  );
}
