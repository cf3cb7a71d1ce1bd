import { Alert, Button, PasswordInput, Stack, TextInput } from '@mantine/core';
import { IconAlertCircle, IconClock } from '@tabler/icons-react';
import { getRouteApi, useNavigate } from '@tanstack/react-router';
import { useState } from 'react';
import type { FormEvent, ReactNode } from 'react';
import { ApiError, errorMessage } from '../../lib/api.ts';
import { safeNext } from '../../lib/next.ts';
import { useLogin } from '../../modules/session/api.ts';
import { AuthLayout } from './AuthLayout.tsx';

const route = getRouteApi('/login');

export function LoginPage(): ReactNode {
  const { next } = route.useSearch();
  const navigate = useNavigate();
  const login = useLogin();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');

  const submit = (e: FormEvent) => {
    e.preventDefault();
    login.mutate({ email, password }, { onSuccess: () => void navigate({ href: safeNext(next), replace: true }) });
  };

  const err = login.error;
  const fields = err instanceof ApiError ? err.fields : {};
  const locked = err instanceof ApiError && err.status === 429;

  return (
    <AuthLayout title="Log in to Patron" subtitle="Welcome back. Use the email and password of your Patron account.">
      <form onSubmit={submit} noValidate>
        <Stack gap="md">
          {err && (
            <Alert color={locked ? 'orange' : 'red'} variant="light" icon={locked ? <IconClock size={18} /> : <IconAlertCircle size={18} />} role="alert">
              {errorMessage(err)}
            </Alert>
          )}
          <TextInput label="Email" type="email" autoComplete="username" value={email} onChange={(e) => setEmail(e.currentTarget.value)} error={fields.email} required data-autofocus autoFocus />
          <PasswordInput label="Password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.currentTarget.value)} error={fields.password} required />
          <Button type="submit" fullWidth loading={login.isPending} mt="xs">
            Log in
          </Button>
        </Stack>
      </form>
    </AuthLayout>
  );
}
