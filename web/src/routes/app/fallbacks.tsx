import { Button, Center, Code, Paper, Stack } from '@mantine/core';
import { IconAlertTriangle, IconMapOff } from '@tabler/icons-react';
import { Link } from '@tanstack/react-router';
import type { ErrorComponentProps } from '@tanstack/react-router';
import { Empty } from '../../components/Empty.tsx';
import { errorMessage } from '../../lib/api.ts';

export function NotFound() {
  return (
    <Center mih="70vh" p="md">
      <Paper withBorder radius="md" maw={520} w="100%">
        <Empty
          icon={<IconMapOff size={24} />}
          title="Page not found"
          description="There is nothing at this address. It may have moved, or the link may be mistyped."
          action={
            <Button component={Link} to="/">
              Go to Home
            </Button>
          }
        />
      </Paper>
    </Center>
  );
}

export function RouteError({ error, reset }: ErrorComponentProps) {
  return (
    <Center mih="70vh" p="md">
      <Paper withBorder radius="md" maw={560} w="100%">
        <Empty
          icon={<IconAlertTriangle size={24} />}
          title="This page could not be shown"
          description={
            <Stack gap="xs" align="center">
              <span>Something went wrong while loading it. Reloading usually helps.</span>
              <Code>{errorMessage(error)}</Code>
            </Stack>
          }
          action={
            <Button
              onClick={() => {
                reset();
                window.location.reload();
              }}
            >
              Reload
            </Button>
          }
        />
      </Paper>
    </Center>
  );
}
