import { Button, Paper } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import { errorMessage } from '../lib/api.ts';
import { Empty } from './Empty.tsx';

/** A list that failed to load: the problem detail and a way to try again. */
export function ErrorState({ error, onRetry }: { error: unknown; onRetry: () => void }) {
  return (
    <Paper withBorder radius="md">
      <Empty
        icon={<IconAlertTriangle size={24} />}
        title="Could not load this"
        description={errorMessage(error)}
        action={
          <Button variant="default" onClick={onRetry}>
            Try again
          </Button>
        }
      />
    </Paper>
  );
}
