import { Alert, Badge, Button, Group, Paper, PasswordInput, Skeleton, Stack, Text, TextInput, ThemeIcon } from '@mantine/core';
import { IconAlertCircle, IconMailOff } from '@tabler/icons-react';
import { getRouteApi, Link, useNavigate } from '@tanstack/react-router';
import { useEffect, useState } from 'react';
import type { FormEvent, ReactNode } from 'react';
import { ApiError, errorMessage } from '../../lib/api.ts';
import { shortDate } from '../../lib/format.ts';
import { ROLE_COLORS, roleLabel } from '../../lib/permissions.ts';
import { useAcceptInvite, useInvite } from '../../modules/session/api.ts';
import { AuthLayout } from './AuthLayout.tsx';

const route = getRouteApi('/invite/$token');

export function InvitePage(): ReactNode {
  const { token } = route.useParams();
  const invite = useInvite(token);
  const accept = useAcceptInvite();
  const navigate = useNavigate();
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [local, setLocal] = useState<Record<string, string>>({});

  useEffect(() => {
    if (invite.data?.name) setName((n) => n || invite.data.name);
  }, [invite.data]);

  if (invite.isPending) {
    return (
      <AuthLayout title="Join Patron">
        <Stack gap="md" aria-busy="true">
          <Skeleton h={56} />
          <Skeleton h={36} />
          <Skeleton h={36} />
        </Stack>
      </AuthLayout>
    );
  }

  if (invite.isError) {
    return (
      <AuthLayout title="This invite can’t be used" subtitle={errorMessage(invite.error)}>
        <Group gap="sm">
          <ThemeIcon variant="light" color="gray" size={36} radius="xl" aria-hidden>
            <IconMailOff size={18} />
          </ThemeIcon>
          <Text fz="sm" c="dimmed" style={{ flex: 1 }}>
            Invites are valid for a limited time and only once. Ask the person who invited you for a new link.
          </Text>
        </Group>
        <Button component={Link} to="/login" variant="default" fullWidth mt="lg">
          Go to log in
        </Button>
      </AuthLayout>
    );
  }

  const info = invite.data;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const errs: Record<string, string> = {};
    if (!name.trim()) errs.name = 'Enter your name';
    if (password.length < 10) errs.password = 'Use at least 10 characters';
    if (confirm !== password) errs.confirm = 'The passwords do not match';
    setLocal(errs);
    if (Object.keys(errs).length) return;
    accept.mutate({ token, name: name.trim(), password }, { onSuccess: () => void navigate({ to: '/', replace: true }) });
  };
  const err = accept.error;
  const fields = { ...(err instanceof ApiError ? err.fields : {}), ...local };

  return (
    <AuthLayout title="Join Patron" subtitle="You have been invited to your store’s Patron. Choose a password to finish.">
      <form onSubmit={submit} noValidate>
        <Stack gap="md">
          <Paper withBorder radius="md" p="sm" bg="var(--patron-surface)">
            <Group justify="space-between" wrap="nowrap" gap="xs">
              <Stack gap={0} style={{ minWidth: 0 }}>
                <Text fz="xs" c="dimmed">
                  Invited as
                </Text>
                <Text fz="sm" fw={600} truncate>
                  {info.email}
                </Text>
              </Stack>
              <Badge variant="light" color={ROLE_COLORS[info.role] ?? 'gray'} style={{ flexShrink: 0 }}>
                {roleLabel(info.role)}
              </Badge>
            </Group>
            <Text fz="xs" c="dimmed" mt={6}>
              This invite expires on {shortDate(info.expiresAt)}.
            </Text>
          </Paper>
          {err && !(err instanceof ApiError && Object.keys(err.fields).length) && (
            <Alert color="red" variant="light" icon={<IconAlertCircle size={18} />} role="alert">
              {errorMessage(err)}
            </Alert>
          )}
          <TextInput label="Your name" autoComplete="name" value={name} onChange={(e) => setName(e.currentTarget.value)} error={fields.name} required />
          <PasswordInput label="Password" description="At least 10 characters." autoComplete="new-password" value={password} onChange={(e) => setPassword(e.currentTarget.value)} error={fields.password} required autoFocus />
          <PasswordInput label="Confirm password" autoComplete="new-password" value={confirm} onChange={(e) => setConfirm(e.currentTarget.value)} error={fields.confirm} required />
          <Button type="submit" fullWidth loading={accept.isPending} mt="xs">
            Join and log in
          </Button>
        </Stack>
      </form>
    </AuthLayout>
  );
}
