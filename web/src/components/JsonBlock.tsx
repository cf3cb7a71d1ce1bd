import { Code, Stack, Text } from '@mantine/core';

/** Pretty-printed JSON under a small caption (audit before/after, job payloads). */
export function JsonBlock({ label, value }: { label: string; value: unknown }) {
  const empty = value === null || value === undefined;
  return (
    <Stack gap={4} style={{ minWidth: 0 }}>
      <Text fz="xs" fw={600} c="dimmed" tt="uppercase">
        {label}
      </Text>
      {empty ? (
        <Text fz="sm" c="dimmed">
          —
        </Text>
      ) : (
        <Code block fz="xs" style={{ maxHeight: 320, overflow: 'auto', whiteSpace: 'pre-wrap', wordBreak: 'break-word' }}>
          {JSON.stringify(value, null, 2)}
        </Code>
      )}
    </Stack>
  );
}
