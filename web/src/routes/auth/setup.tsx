import { Alert, Button, PasswordInput, Stack, Text, TextInput } from '@mantine/core';
import { IconAlertCircle, IconTerminal2 } from '@tabler/icons-react';
import { getRouteApi, useNavigate } from '@tanstack/react-router';
import { useState } from 'react';
import type { FormEvent, ReactNode } from 'react';
import { ApiError, errorMessage } from '../../lib/api.ts';
import { useSetup } from '../../modules/session/api.ts';
import { AuthLayout } from './AuthLayout.tsx';

const route = getRouteApi('/setup');

export function SetupPage(): ReactNode {
  const search = route.useSearch();
  const navigate = useNavigate();
  const setup = useSetup();
  const [token, setToken] = useState(search.token ?? '');
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [local, setLocal] = useState<Record<string, string>>({});

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const errs: Record<string, string> = {};
    if (!token.trim()) errs.token = 'Paste the setup token from the server log';
    if (!name.trim()) errs.name = 'Enter your name';
    if (!email.trim()) errs.email = 'Enter your email';
    if (password.length < 10) errs.password = 'Use at least 10 characters';
    if (confirm !== password) errs.confirm = 'The passwords do not match';
    setLocal(errs);
    if (Object.keys(errs).length) return;
    setup.mutate({ token: token.trim(), name: name.trim(), email: email.trim(), password }, { onSuccess: () => void navigate({ to: '/', replace: true }) });
  };

  const err = setup.error;
  const fields = { ...(err instanceof ApiError ? err.fields : {}), ...local };
  const showAlert = err && !(err instanceof ApiError && Object.keys(err.fields).length > 0);

  return (
    <AuthLayout title="Set up Patron" subtitle="Create the owner account. You can invite the rest of your team afterwards." width={460}>
      <form onSubmit={submit} noValidate>
        <Stack gap="md">
          {showAlert && (
            <Alert color="red" variant="light" icon={<IconAlertCircle size={18} />} role="alert">
              {errorMessage(err)}
            </Alert>
          )}
          <TextInput
            label="Setup token"
            description={
              <>
                Printed in the server log at start-up (look for “First-run setup”). It proves you run this server.
              </>
            }
            leftSection={<IconTerminal2 size={16} />}
            value={token}
            onChange={(e) => setToken(e.currentTarget.value)}
            error={fields.token}
            autoComplete="off"
            spellCheck={false}
            styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
            required
          />
          <TextInput label="Your name" autoComplete="name" value={name} onChange={(e) => setName(e.currentTarget.value)} error={fields.name} required autoFocus={Boolean(search.token)} />
          <TextInput label="Email" type="email" autoComplete="username" value={email} onChange={(e) => setEmail(e.currentTarget.value)} error={fields.email} required />
          <PasswordInput label="Password" description="At least 10 characters." autoComplete="new-password" value={password} onChange={(e) => setPassword(e.currentTarget.value)} error={fields.password} required />
          <PasswordInput label="Confirm password" autoComplete="new-password" value={confirm} onChange={(e) => setConfirm(e.currentTarget.value)} error={fields.confirm} required />
          <Button type="submit" fullWidth loading={setup.isPending} mt="xs">
            Create owner account
          </Button>
          <Text fz="xs" c="dimmed" ta="center">
            The owner can do everything, including managing the team and API keys.
          </Text>
        </Stack>
      </form>
    </AuthLayout>
  );
}
