import { AppShell, Burger, Center, Group, Loader, NavLink, ScrollArea, Stack, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconExternalLink } from '@tabler/icons-react';
import { Link, Outlet, useLocation } from '@tanstack/react-router';
import { useEffect } from 'react';
import type { ReactNode } from 'react';
import { Logo } from '../../components/Logo.tsx';
import { can } from '../../lib/permissions.ts';
import { useMeQuery } from '../../modules/session/api.ts';
import { SessionContext } from '../../modules/session/context.tsx';
import { NAV } from './nav.ts';
import { UserMenu } from './UserMenu.tsx';

export function AppLayout(): ReactNode {
  const { data: me } = useMeQuery();
  const [opened, { toggle, close }] = useDisclosure(false);
  const location = useLocation();

  useEffect(close, [location.pathname, close]);

  // No session: the route guard, the 401 handler (main.tsx) or logout is already on its way to /login.
  if (!me) {
    return (
      <Center h="100vh">
        <Loader aria-label="Loading" />
      </Center>
    );
  }

  const matches = (to: string) => (to === '/' ? location.pathname === '/' : location.pathname === to || location.pathname.startsWith(`${to}/`));
  // The longest matching item wins: /segments/rfm lights "RFM", not also "Segments".
  const activeTo = NAV.flatMap((s) => s.items.map((i) => String(i.to))).filter(matches).sort((a, b) => b.length - a.length)[0];
  const isActive = (to: string) => to === activeTo;

  return (
    <SessionContext value={me}>
      <AppShell
        header={{ height: 56 }}
        navbar={{ width: 240, breakpoint: 'sm', collapsed: { mobile: !opened } }}
        padding={{ base: 'md', sm: 'xl' }}
        styles={{ main: { background: 'var(--patron-surface)' } }}
      >
        <AppShell.Header>
          <Group h="100%" px="md" justify="space-between" wrap="nowrap">
            <Group gap="sm" wrap="nowrap">
              <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label={opened ? 'Close navigation' : 'Open navigation'} />
              <Link to="/" style={{ color: 'inherit', textDecoration: 'none' }}>
                <Logo size={26} />
              </Link>
            </Group>
            <UserMenu me={me} />
          </Group>
        </AppShell.Header>

        <AppShell.Navbar p="sm" aria-label="Main navigation">
          <AppShell.Section grow component={ScrollArea}>
            <Stack gap="lg">
              {NAV.map((section, i) => {
                const items = section.items.filter((item) => can(me.permissions, item.permission));
                if (items.length === 0) return null;
                return (
                  <Stack gap={2} key={section.label ?? i}>
                    {section.label && (
                      <Text fz="xs" fw={600} c="dimmed" tt="uppercase" px="sm" pb={4} style={{ letterSpacing: '0.05em' }}>
                        {section.label}
                      </Text>
                    )}
                    {items.map((item) => (
                      <NavLink
                        key={item.to}
                        label={item.label}
                        leftSection={<item.icon size={18} stroke={1.6} />}
                        active={isActive(item.to)}
                        variant="light"
                        style={{ borderRadius: 'var(--mantine-radius-md)' }}
                        renderRoot={(props) => <Link to={item.to} {...props} />}
                      />
                    ))}
                  </Stack>
                );
              })}
            </Stack>
          </AppShell.Section>
          <AppShell.Section>
            <NavLink
              href="/api/docs"
              target="_blank"
              rel="noreferrer"
              label="API reference"
              c="dimmed"
              leftSection={<IconExternalLink size={16} stroke={1.6} />}
              style={{ borderRadius: 'var(--mantine-radius-md)' }}
            />
          </AppShell.Section>
        </AppShell.Navbar>

        <AppShell.Main>
          <div style={{ maxWidth: 1200, margin: '0 auto' }}>
            <Outlet />
          </div>
        </AppShell.Main>
      </AppShell>
    </SessionContext>
  );
}
