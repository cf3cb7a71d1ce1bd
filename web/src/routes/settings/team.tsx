import { Avatar, Badge, Button, Group, Menu, Modal, Select, Stack, Table, Text, VisuallyHidden } from '@mantine/core';
import { CopyField } from '../../components/CopyField.tsx';
import { useDisclosure } from '@mantine/hooks';
import { IconLink, IconMailOff, IconPlayerPlay, IconUserOff, IconUserPlus, IconUsersGroup } from '@tabler/icons-react';
import { useState } from 'react';
import type { ReactNode } from 'react';
import { ConfirmModal } from '../../components/ConfirmModal.tsx';
import { TableCard } from '../../components/DataTable.tsx';
import { Empty } from '../../components/Empty.tsx';
import { ErrorState } from '../../components/ErrorState.tsx';
import { RowMenu } from '../../components/RowMenu.tsx';
import { notifyError, notifySuccess } from '../../components/notify.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { RequirePermission } from '../../components/RequirePermission.tsx';
import { TableLoadingCard } from '../../components/TableSkeleton.tsx';
import { TimeAgo } from '../../components/TimeAgo.tsx';
import { useIsMobile } from '../../components/useIsMobile.ts';
import { ROLE_COLORS, roleLabel } from '../../lib/permissions.ts';
import type { Role, WireUser } from '../../lib/types.ts';
import { useCan, useSession } from '../../modules/session/context.tsx';
import { useReissueInvite, useRevokeInvite, useRoles, useUpdateUser, useUsers } from '../../modules/team/api.ts';
import type { RoleInfo } from '../../modules/team/api.ts';
import { AddMemberModal } from '../../modules/team/AddMemberModal.tsx';
import { initials } from '../app/UserMenu.tsx';

export function TeamPage(): ReactNode {
  return (
    <RequirePermission permission="team:read">
      <Team />
    </RequirePermission>
  );
}

const STATUS: Record<WireUser['status'], { label: string; color: string }> = {
  active: { label: 'Active', color: 'teal' },
  invited: { label: 'Invited', color: 'blue' },
  deactivated: { label: 'Deactivated', color: 'gray' },
};

type Pending = { user: WireUser; change: { status: 'active' | 'deactivated' } | { role: Role } };

function Team() {
  const me = useSession();
  const can = useCan();
  const writable = can('team:write');
  const users = useUsers();
  const roles = useRoles();
  const update = useUpdateUser(me.user.id);
  const [addOpened, add] = useDisclosure(false);
  const [pending, setPending] = useState<Pending | null>(null);
  const [withdrawing, setWithdrawing] = useState<WireUser | null>(null);
  const [reissued, setReissued] = useState<{ user: WireUser; url: string } | null>(null);
  const reissue = useReissueInvite();
  const revoke = useRevokeInvite();
  const isOwner = me.user.role === 'owner';

  const onReissue = (user: WireUser) =>
    reissue.mutate(user.id, {
      onSuccess: (out) => out.inviteUrl && setReissued({ user, url: out.inviteUrl }),
      onError: (err) => notifyError(err, 'Could not create a new invite link'),
    });
  const onWithdraw = (user: WireUser) =>
    revoke.mutate(user.id, {
      onSuccess: () => {
        setWithdrawing(null);
        notifySuccess(`The invite to ${user.email} no longer works.`, 'Invite withdrawn');
      },
      onError: (err) => {
        setWithdrawing(null);
        notifyError(err, 'Could not withdraw the invite');
      },
    });
  const mobile = useIsMobile();

  const apply = (p: Pending) =>
    update.mutate(
      { id: p.user.id, ...p.change },
      {
        onSuccess: (u) => {
          setPending(null);
          const who = u.name || u.email;
          if ('role' in p.change) notifySuccess(`${who} is now ${labelOf(roles.data, u.role)}.`, 'Role changed');
          else notifySuccess(u.status === 'deactivated' ? `${who} can no longer log in.` : `${who} can log in again.`, u.status === 'deactivated' ? 'Member deactivated' : 'Member reactivated');
        },
        onError: (err) => {
          setPending(null);
          notifyError(err, 'Could not update the member');
        },
      },
    );

  const roleOptions = (roles.data ?? []).filter((r) => isOwner || r.role !== 'owner').map((r) => ({ value: r.role, label: r.label }));

  const onRoleChange = (user: WireUser, role: Role) => {
    if (role === user.role) return;
    const p: Pending = { user, change: { role } };
    // Changing your own role can take away the rights you need to undo it: ask first.
    if (user.id === me.user.id) setPending(p);
    else apply(p);
  };

  const list = users.data ?? [];
  const rows = list.map((u) => {
    const self = u.id === me.user.id;
    const ownerLocked = u.role === 'owner' && !isOwner;
    const roleEditable = writable && !ownerLocked && u.status !== 'deactivated';
    const name = u.name || u.email;
    const roleControl = roleEditable ? (
      <Select
        aria-label={`Role of ${name}`}
        size="xs"
        w={mobile ? 170 : 180}
        data={roleOptions.some((o) => o.value === u.role) ? roleOptions : [...roleOptions, { value: u.role, label: labelOf(roles.data, u.role) }]}
        value={u.role}
        allowDeselect={false}
        onChange={(v) => v && onRoleChange(u, v as Role)}
        disabled={update.isPending && update.variables.id === u.id}
        comboboxProps={{ withinPortal: true }}
      />
    ) : (
      <Badge variant="light" color={ROLE_COLORS[u.role] ?? 'gray'}>
        {labelOf(roles.data, u.role)}
      </Badge>
    );
    return (
      <Table.Tr key={u.id} className={u.status === 'deactivated' ? 'patron-row-dimmed' : undefined}>
        <Table.Td>
          <Group gap="sm" wrap="nowrap">
            {!mobile && (
              <Avatar size={32} radius="xl" color={ROLE_COLORS[u.role] ?? 'gray'}>
                {initials(u.name, u.email)}
              </Avatar>
            )}
            <Stack gap={2} style={{ minWidth: 0 }}>
              <Group gap={6} wrap="nowrap">
                <Text fz="sm" fw={500} truncate maw={220}>
                  {u.name || <Text span c="dimmed" fz="sm">No name yet</Text>}
                </Text>
                {self && (
                  <Badge size="xs" variant="outline" color="gray">
                    You
                  </Badge>
                )}
              </Group>
              {mobile && (
                <>
                  <Text fz="xs" c="dimmed" truncate maw={200}>
                    {u.email}
                  </Text>
                  <Group gap={6} mt={4} wrap="nowrap">
                    {roleControl}
                    {u.status !== 'active' && (
                      <Badge size="xs" variant="dot" color={STATUS[u.status].color}>
                        {STATUS[u.status].label}
                      </Badge>
                    )}
                  </Group>
                </>
              )}
            </Stack>
          </Group>
        </Table.Td>
        {!mobile && (
          <Table.Td>
            <Text fz="sm" c="dimmed">
              {u.email}
            </Text>
          </Table.Td>
        )}
        {!mobile && <Table.Td>{roleControl}</Table.Td>}
        {!mobile && (
          <Table.Td>
            <Badge variant="dot" color={STATUS[u.status].color}>
              {STATUS[u.status].label}
            </Badge>
          </Table.Td>
        )}
        <Table.Td visibleFrom="md">
          <TimeAgo date={u.lastLoginAt} fallback="Never" />
        </Table.Td>
        {writable && (
          <Table.Td w={52}>
            <MemberMenu
              user={u}
              self={self}
              ownerLocked={ownerLocked}
              onStatus={(status) => setPending({ user: u, change: { status } })}
              onReissue={() => onReissue(u)}
              onWithdraw={() => setWithdrawing(u)}
            />
          </Table.Td>
        )}
      </Table.Tr>
    );
  });

  return (
    <>
      <PageHeader
        title="Team"
        description="Everyone who can log in to Patron, and what their role lets them do."
        actions={
          writable && (
            <Button leftSection={<IconUserPlus size={16} />} onClick={add.open}>
              Add member
            </Button>
          )
        }
      />

      {users.isPending ? (
        <TableLoadingCard rows={4} />
      ) : users.isError ? (
        <ErrorState error={users.error} onRetry={() => void users.refetch()} />
      ) : list.length <= 1 && writable ? (
        <>
          <TableCard>
            <TeamHead writable={writable} />
            <Table.Tbody>{rows}</Table.Tbody>
          </TableCard>
          <EmptyTeamHint />
        </>
      ) : (
        <TableCard>
          <TeamHead writable={writable} />
          <Table.Tbody>{rows}</Table.Tbody>
        </TableCard>
      )}

      <AddMemberModal opened={addOpened} onClose={add.close} roles={roleOptions} roleInfo={roles.data ?? []} />

      <ConfirmModal
        opened={withdrawing !== null}
        onClose={() => setWithdrawing(null)}
        loading={revoke.isPending}
        title="Withdraw invite"
        confirmLabel="Withdraw invite"
        color="red"
        onConfirm={() => withdrawing && onWithdraw(withdrawing)}
      >
        {withdrawing ? `${withdrawing.email} will not be able to join with the link they were sent.` : ''}
      </ConfirmModal>

      <Modal opened={reissued !== null} onClose={() => setReissued(null)} title={<Text fw={600}>New invite link</Text>} centered>
        {reissued && (
          <Stack>
            <Text fz="sm">Send this link to {reissued.user.email}. It works for 7 days; the link sent before no longer works.</Text>
            <CopyField label="Invite link" value={reissued.url} />
            <Group justify="flex-end">
              <Button onClick={() => setReissued(null)}>Done</Button>
            </Group>
          </Stack>
        )}
      </Modal>

      <ConfirmModal
        opened={pending !== null}
        onClose={() => setPending(null)}
        loading={update.isPending}
        {...confirmText(pending, roles.data)}
        onConfirm={() => pending && apply(pending)}
      />
    </>
  );
}

function TeamHead({ writable }: { writable: boolean }) {
  const mobile = useIsMobile();
  return (
    <Table.Thead>
      <Table.Tr>
        <Table.Th>Name</Table.Th>
        {!mobile && (
          <Table.Th>Email</Table.Th>
        )}
        {!mobile && <Table.Th>Role</Table.Th>}
        {!mobile && (
          <Table.Th>Status</Table.Th>
        )}
        <Table.Th visibleFrom="md">Last login</Table.Th>
        {writable && (
          <Table.Th>
            <VisuallyHidden>Actions</VisuallyHidden>
          </Table.Th>
        )}
      </Table.Tr>
    </Table.Thead>
  );
}

function MemberMenu({ user, self, ownerLocked, onStatus, onReissue, onWithdraw }: {
  user: WireUser;
  self: boolean;
  ownerLocked: boolean;
  onStatus: (s: 'active' | 'deactivated') => void;
  onReissue: () => void;
  onWithdraw: () => void;
}) {
  const name = user.name || user.email;
  const reason = self ? 'You can’t deactivate yourself' : ownerLocked ? 'Only owners can change owners' : null;
  return (
    <RowMenu label={`Actions for ${name}`} width={230}>
      {user.status === 'invited' && (
        <>
          <Menu.Item leftSection={<IconLink size={16} />} onClick={onReissue} disabled={ownerLocked}>
            New invite link
          </Menu.Item>
          <Menu.Item color="red" leftSection={<IconMailOff size={16} />} onClick={onWithdraw} disabled={ownerLocked}>
            Withdraw invite
          </Menu.Item>
          <Menu.Divider />
        </>
      )}
      {user.status === 'deactivated' ? (
        <Menu.Item leftSection={<IconPlayerPlay size={16} />} onClick={() => onStatus('active')} disabled={ownerLocked}>
          Reactivate
        </Menu.Item>
      ) : (
        <Menu.Item color="red" leftSection={<IconUserOff size={16} />} onClick={() => onStatus('deactivated')} disabled={Boolean(reason)}>
          Deactivate
        </Menu.Item>
      )}
      {reason && user.status !== 'deactivated' && (
        <Text fz="xs" c="dimmed" px="sm" py={4}>
          {reason}.
        </Text>
      )}
    </RowMenu>
  );
}

function EmptyTeamHint() {
  return (
    <Empty
      icon={<IconUsersGroup size={24} />}
      title="It’s just you so far"
      description="Add the people who work with your customers with “Add member”. Give them a password yourself, or leave it empty to get an invite link to send them."
    />
  );
}

function confirmText(p: Pending | null, roles: RoleInfo[] | undefined): { title: string; confirmLabel: string; color: string; children: string } {
  const who = p ? p.user.name || p.user.email : '';
  if (p && 'role' in p.change) {
    return {
      title: 'Change your own role?',
      confirmLabel: 'Change my role',
      color: 'indigo',
      children: `You will become ${labelOf(roles, p.change.role)} and may lose access to pages and actions you use now, including this one.`,
    };
  }
  if (p && 'status' in p.change && p.change.status === 'active') {
    return { title: `Reactivate ${who}?`, confirmLabel: 'Reactivate', color: 'indigo', children: 'They can log in again with their existing password and role.' };
  }
  return {
    title: `Deactivate ${who}?`,
    confirmLabel: 'Deactivate',
    color: 'red',
    children: 'They are logged out at once and can no longer log in. Their history stays in Patron, and you can reactivate them at any time.',
  };
}

function labelOf(roles: RoleInfo[] | undefined, role: string): string {
  return roles?.find((r) => r.role === role)?.label ?? roleLabel(role);
}
