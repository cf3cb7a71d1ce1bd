import { Anchor, Box, Center, Group, Paper, Stack, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { Logo } from '../../components/Logo.tsx';

/** Centered card for the pages you see before you are logged in. */
export function AuthLayout({ title, subtitle, children, width = 420 }: { title: string; subtitle?: ReactNode; children: ReactNode; width?: number }) {
  return (
    <Box
      mih="100vh"
      style={{
        background:
          'radial-gradient(1200px 600px at 50% -10%, var(--mantine-color-indigo-light) 0%, transparent 60%), var(--patron-surface)',
      }}
    >
      <Center mih="100vh" px="md" py={48}>
        <Stack w="100%" maw={width} gap="lg">
          <Center>
            <Logo size={34} />
          </Center>
          <Paper withBorder radius="lg" p={{ base: 'lg', xs: 32 }} shadow="sm">
            <Stack gap={4} mb="lg">
              <Title order={1} fz={22} fw={650}>
                {title}
              </Title>
              {subtitle && (
                <Text c="dimmed" fz="sm">
                  {subtitle}
                </Text>
              )}
            </Stack>
            {children}
          </Paper>
          <Group justify="center" gap={6} fz="xs" c="dimmed">
            <Text span fz="xs" c="dimmed">
              Patron · self-hosted customer platform
            </Text>
            <Text span fz="xs" c="dimmed" aria-hidden>
              ·
            </Text>
            <Anchor href="/api/docs" fz="xs" c="dimmed" underline="always" target="_blank" rel="noreferrer">
              API reference
            </Anchor>
          </Group>
        </Stack>
      </Center>
    </Box>
  );
}
