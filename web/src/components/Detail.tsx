import { Stack, Text } from '@mantine/core';

/** A small labelled value in an expanded row (ids, IPs, times). */
export function Detail({ label, value, mono }: { label: string; value: string | null; mono?: boolean }) {
  return (
    <Stack gap={2} style={{ minWidth: 0 }}>
      <Text fz="xs" fw={600} c="dimmed" tt="uppercase">
        {label}
      </Text>
      <Text fz="sm" ff={mono ? 'monospace' : undefined} style={{ wordBreak: 'break-all' }}>
        {value ?? '—'}
      </Text>
    </Stack>
  );
}
