import { Group, Paper, Stack, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { ApiError } from '../../../lib/api.ts';

/** One card of the Email & SMS settings: a title (with a badge), what it is for, then its form. */
export function Section({ title, badge, description, action, children, id }: { title: string; badge?: ReactNode; description: ReactNode; action?: ReactNode; children: ReactNode; id?: string }) {
  return (
    <Paper withBorder radius="md" p="lg" component="section" aria-labelledby={id}>
      <Stack gap="md">
        <Group justify="space-between" align="flex-start" wrap="wrap" gap="sm">
          <Stack gap={4} style={{ flex: '1 1 320px', minWidth: 0 }}>
            <Group gap="sm" wrap="wrap">
              <Title order={2} fz="lg" fw={600} id={id}>
                {title}
              </Title>
              {badge}
            </Group>
            <Text fz="sm" c="dimmed" maw={720}>
              {description}
            </Text>
          </Stack>
          {action}
        </Group>
        {children}
      </Stack>
    </Paper>
  );
}

/** A line saying why the form cannot be changed by this person. */
export function ReadOnlyNote({ permission }: { permission: string }) {
  return (
    <Text fz="sm" c="dimmed">
      Only people with the {permission} permission can change these.
    </Text>
  );
}

/** Field errors of a 400 problem keyed by their path under /body ("quietHours/start"), or null when it has none. */
export function fieldErrors(err: unknown): Record<string, string> | null {
  if (!(err instanceof ApiError)) return null;
  const p = err.pointers;
  return Object.keys(p).length ? p : null;
}

/** A NumberInput's value as a number, or undefined while it is empty. */
export const num = (v: string | number): number | undefined => (typeof v === 'number' ? v : v.trim() === '' || Number.isNaN(Number(v)) ? undefined : Number(v));
