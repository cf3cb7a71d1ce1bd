import { CloseButton, Group, Text } from '@mantine/core';
import type { ReactNode } from 'react';

/** An active list filter shown as a removable chip ("Customer: Ann Lee ×"). */
export function FilterChip({ label, onClear }: { label: ReactNode; onClear: () => void }): ReactNode {
  return (
    <Group gap={4} wrap="nowrap" px="sm" py={2} style={{ border: '1px solid var(--mantine-color-default-border)', borderRadius: 'var(--mantine-radius-xl)' }}>
      <Text fz="sm">{label}</Text>
      <CloseButton size="sm" onClick={onClear} aria-label="Remove this filter" />
    </Group>
  );
}
