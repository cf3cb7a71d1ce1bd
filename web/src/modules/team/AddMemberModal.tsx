import { Alert, Button, Group, Modal, PasswordInput, Select, Stack, Text, TextInput } from '@mantine/core';
import { IconCheck, IconLink } from '@tabler/icons-react';
import { useState } from 'react';
import type { FormEvent } from 'react';
import { CopyField } from '../../components/CopyField.tsx';
import { notifyError, notifySuccess } from '../../components/notify.tsx';
import { ApiError } from '../../lib/api.ts';
import { absoluteTime } from '../../lib/format.ts';
import type { Role } from '../../lib/types.ts';
import { useCreateUser } from './api.ts';
import type { CreatedUser, RoleInfo } from './api.ts';

/** "Can change customers, segments · can view commerce, analytics" from a role's permissions. */
function describeRole(info: RoleInfo | undefined): string | undefined {
  if (!info) return undefined;
  const write = info.permissions.filter((p) => p.endsWith(':write')).map((p) => p.split(':')[0] ?? p);
  const read = info.permissions.filter((p) => p.endsWith(':read')).map((p) => p.split(':')[0] ?? p).filter((a) => !write.includes(a));
  if (info.role === 'owner') return 'Everything, including managing owners.';
  if (info.role === 'admin') return 'Everything except changing owners.';
  const parts = [];
  if (write.length) parts.push(`Can change ${write.join(', ')}`);
  if (read.length) parts.push(`can view ${read.join(', ')}`);
  return parts.join('; ') + '.';
}

export function AddMemberModal({ opened, onClose, roles, roleInfo }: {
  opened: boolean;
  onClose: () => void;
  roles: { value: string; label: string }[];
  roleInfo: RoleInfo[];
}) {
  const create = useCreateUser();
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [role, setRole] = useState<string | null>(null);
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [created, setCreated] = useState<CreatedUser | null>(null);

  const close = () => {
    setEmail('');
    setName('');
    setRole(null);
    setPassword('');
    setErrors({});
    setCreated(null);
    create.reset();
    onClose();
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const errs: Record<string, string> = {};
    if (!email.trim()) errs.email = 'Enter their email';
    if (!role) errs.role = 'Choose a role';
    if (password && password.length < 10) errs.password = 'Use at least 10 characters, or leave empty';
    setErrors(errs);
    if (Object.keys(errs).length || !role) return;
    create.mutate(
      { email: email.trim(), name: name.trim(), role: role as Role, ...(password ? { password } : {}) },
      {
        onSuccess: (out) => {
          if (out.inviteUrl) setCreated(out);
          else {
            notifySuccess(`${out.user.name || out.user.email} can log in now with the password you set.`, 'Member added');
            close();
          }
        },
        onError: (err) => {
          if (err instanceof ApiError && Object.keys(err.fields).length) setErrors(err.fields);
          else notifyError(err, 'Could not add the member');
        },
      },
    );
  };

  return (
    <Modal opened={opened} onClose={close} title={<Text fw={600}>{created ? 'Member invited' : 'Add team member'}</Text>} centered size="md">
      {created?.inviteUrl ? (
        <Stack gap="md">
          <Alert color="teal" variant="light" icon={<IconCheck size={18} />}>
            {created.user.email} has been invited. Send them this link: they choose their own password and are logged in.
          </Alert>
          <CopyField
            label="Invite link"
            value={created.inviteUrl}
            description={created.inviteExpiresAt ? `Valid until ${absoluteTime(created.inviteExpiresAt)}. Anyone with the link can join as this person.` : undefined}
          />
          <Group justify="flex-end">
            <Button onClick={close}>Done</Button>
          </Group>
        </Stack>
      ) : (
        <form onSubmit={submit} noValidate>
          <Stack gap="sm">
            <TextInput label="Email" type="email" autoComplete="off" value={email} onChange={(e) => setEmail(e.currentTarget.value)} error={errors.email} required data-autofocus />
            <TextInput label="Name" description="Optional; they can set it when they accept the invite." value={name} onChange={(e) => setName(e.currentTarget.value)} error={errors.name} />
            <Select
              label="Role"
              placeholder="Choose a role"
              data={roles}
              value={role}
              onChange={setRole}
              error={errors.role}
              description={describeRole(roleInfo.find((r) => r.role === role)) ?? 'What they may see and change.'}
              allowDeselect={false}
              required
              comboboxProps={{ withinPortal: true }}
            />
            <PasswordInput
              label="Password"
              description="Optional. Leave empty to get an invite link to send them instead."
              autoComplete="new-password"
              value={password}
              onChange={(e) => setPassword(e.currentTarget.value)}
              error={errors.password}
            />
            <Group justify="flex-end" mt="sm">
              <Button variant="default" onClick={close}>
                Cancel
              </Button>
              <Button type="submit" loading={create.isPending} leftSection={password ? undefined : <IconLink size={16} />}>
                {password ? 'Add member' : 'Create invite link'}
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}
