import { Alert, Stack, Text, UnstyledButton } from '@mantine/core';
import { IconAlertCircle, IconAlertTriangle } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import type { Issue, Warning } from './api.ts';
import { where } from './issues.ts';

/**
 * Errors (the template cannot be saved or sent) and warnings (it renders, but something is empty),
 * each naming its place; a click puts the cursor there.
 */
export function ProblemsList({ errors, warnings, onJump }: { errors: Issue[]; warnings: Warning[]; onJump: (i: Issue) => void }): ReactNode {
  if (!errors.length && !warnings.length) return null;
  return (
    <Stack gap="xs">
      {errors.length > 0 && (
        <Alert color="red" variant="light" icon={<IconAlertCircle size={18} />} title={errors.length === 1 ? 'The template has an error' : `The template has ${errors.length} errors`} p="sm">
          <Rows items={errors} onJump={onJump} color="red.8" />
        </Alert>
      )}
      {warnings.length > 0 && (
        <Alert color="yellow" variant="light" icon={<IconAlertTriangle size={18} />} title={warnings.length === 1 ? '1 warning for this customer' : `${warnings.length} warnings for this customer`} p="sm">
          <Rows items={warnings} onJump={onJump} color="yellow.9" />
        </Alert>
      )}
    </Stack>
  );
}

function Rows({ items, onJump, color }: { items: Issue[]; onJump: (i: Issue) => void; color: string }) {
  return (
    <Stack gap={2}>
      {items.map((i, n) => (
        <UnstyledButton key={n} onClick={() => onJump(i)} aria-label={`Go to ${where(i)}`} style={{ borderRadius: 4 }} px={4} py={2} className="patron-problem-row">
          <Text fz="sm" lh={1.45}>
            <Text span fw={600} c={color}>
              {where(i)}
            </Text>
            {' · '}
            {i.message}
          </Text>
        </UnstyledButton>
      ))}
    </Stack>
  );
}
