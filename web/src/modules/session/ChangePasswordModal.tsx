import { Button, Group, Modal, PasswordInput, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import type { FormEvent } from 'react';
import { notifyError, notifySuccess } from '../../components/notify.tsx';
import { ApiError } from '../../lib/api.ts';
import { useChangePassword } from './api.ts';

export function ChangePasswordModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const change = useChangePassword();

  const close = () => {
    setCurrent('');
    setNext('');
    setConfirm('');
    setErrors({});
    onClose();
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const errs: Record<string, string> = {};
    if (!current) errs.currentPassword = 'Enter your current password';
    if (next.length < 10) errs.newPassword = 'Use at least 10 characters';
    if (confirm !== next) errs.confirm = 'The passwords do not match';
    setErrors(errs);
    if (Object.keys(errs).length) return;
    change.mutate(
      { currentPassword: current, newPassword: next },
      {
        onSuccess: () => {
          notifySuccess('Your other sessions have been logged out.', 'Password changed');
          close();
        },
        onError: (err) => {
          if (err instanceof ApiError && Object.keys(err.fields).length) setErrors(err.fields);
          else notifyError(err, 'Could not change your password');
        },
      },
    );
  };

  return (
    <Modal opened={opened} onClose={close} title={<Text fw={600}>Change password</Text>} centered>
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          <PasswordInput label="Current password" autoComplete="current-password" value={current} onChange={(e) => setCurrent(e.currentTarget.value)} error={errors.currentPassword} data-autofocus required />
          <PasswordInput label="New password" description="At least 10 characters." autoComplete="new-password" value={next} onChange={(e) => setNext(e.currentTarget.value)} error={errors.newPassword} required />
          <PasswordInput label="Confirm new password" autoComplete="new-password" value={confirm} onChange={(e) => setConfirm(e.currentTarget.value)} error={errors.confirm} required />
          <Text fz="xs" c="dimmed">
            You stay logged in here; every other session of yours is ended.
          </Text>
          <Group justify="flex-end" mt="xs">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button type="submit" loading={change.isPending}>
              Change password
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
