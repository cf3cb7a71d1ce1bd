import { Avatar, Badge, Group, Menu, Stack, Text, UnstyledButton, useComputedColorScheme, useMantineColorScheme } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconChevronDown, IconLock, IconLogout, IconMoon, IconSun } from '@tabler/icons-react';
import { useNavigate } from '@tanstack/react-router';
import { notifyError } from '../../components/notify.tsx';
import { ROLE_COLORS, roleLabel } from '../../lib/permissions.ts';
import type { WireMe } from '../../lib/types.ts';
import { useLogout } from '../../modules/session/api.ts';
import { ChangePasswordModal } from '../../modules/session/ChangePasswordModal.tsx';

export function initials(name: string, email: string): string {
  const parts = (name || email).split(/[\s@.]+/).filter(Boolean);
  return ((parts[0]?.[0] ?? '?') + (parts.length > 1 ? (parts[1]?.[0] ?? '') : '')).toUpperCase();
}

export function UserMenu({ me }: { me: WireMe }) {
  const [pwOpened, pw] = useDisclosure(false);
  const logout = useLogout();
  const navigate = useNavigate();
  const { setColorScheme } = useMantineColorScheme();
  const scheme = useComputedColorScheme('light');
  const { user } = me;

  const onLogout = () =>
    logout.mutate(undefined, {
      onSuccess: () => void navigate({ to: '/login', search: {} }),
      onError: (err) => {
        notifyError(err, 'Could not log out');
        void navigate({ to: '/login', search: {} });
      },
    });

  return (
    <>
      <Menu position="bottom-end" width={260} shadow="md" withinPortal>
        <Menu.Target>
          <UnstyledButton aria-label="User menu" px={6} py={4} style={{ borderRadius: 'var(--mantine-radius-md)' }}>
            <Group gap={8} wrap="nowrap">
              <Avatar size={30} radius="xl" color={ROLE_COLORS[user.role] ?? 'indigo'}>
                {initials(user.name, user.email)}
              </Avatar>
              <Text fz="sm" fw={500} visibleFrom="xs" maw={180} truncate>
                {user.name || user.email}
              </Text>
              <IconChevronDown size={14} stroke={1.8} color="var(--mantine-color-dimmed)" />
            </Group>
          </UnstyledButton>
        </Menu.Target>
        <Menu.Dropdown>
          <Stack gap={4} px="sm" py="xs">
            <Group justify="space-between" wrap="nowrap" gap="xs">
              <Text fz="sm" fw={600} truncate>
                {user.name || user.email}
              </Text>
              <Badge size="sm" variant="light" color={ROLE_COLORS[user.role] ?? 'gray'} style={{ flexShrink: 0 }}>
                {roleLabel(user.role)}
              </Badge>
            </Group>
            <Text fz="xs" c="dimmed" truncate>
              {user.email}
            </Text>
          </Stack>
          <Menu.Divider />
          <Menu.Item leftSection={<IconLock size={16} />} onClick={pw.open}>
            Change password
          </Menu.Item>
          <Menu.Item
            leftSection={scheme === 'dark' ? <IconSun size={16} /> : <IconMoon size={16} />}
            onClick={() => setColorScheme(scheme === 'dark' ? 'light' : 'dark')}
          >
            {scheme === 'dark' ? 'Light mode' : 'Dark mode'}
          </Menu.Item>
          <Menu.Divider />
          <Menu.Item leftSection={<IconLogout size={16} />} onClick={onLogout} disabled={logout.isPending}>
            Log out
          </Menu.Item>
        </Menu.Dropdown>
      </Menu>
      <ChangePasswordModal opened={pwOpened} onClose={pw.close} />
    </>
  );
}
