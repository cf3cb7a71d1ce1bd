import { Button, Group, SegmentedControl, Stack, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import type { ReactNode } from 'react';
import { FormModal } from '../../../components/FormModal.tsx';
import { notifySuccess } from '../../../components/notify.tsx';
import { ApiError, errorMessage } from '../../../lib/api.ts';
import { useAddSuppression } from './api.ts';

/** Suppress an address by hand (someone asked by phone, a role address, a known typo). */
export function AddSuppressionModal({ opened, onClose }: { opened: boolean; onClose: () => void }): ReactNode {
  const add = useAddSuppression();
  const [channel, setChannel] = useState<'email' | 'sms'>('email');
  const [address, setAddress] = useState('');
  const [detail, setDetail] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [problem, setProblem] = useState<string | null>(null);

  const close = () => {
    setAddress('');
    setDetail('');
    setErrors({});
    setProblem(null);
    add.reset();
    onClose();
  };
  const submit = () => {
    if (!address.trim()) {
      setErrors({ address: channel === 'email' ? 'Enter the email address' : 'Enter the phone number' });
      return;
    }
    setProblem(null);
    add.mutate({ channel, address: address.trim(), detail: detail.trim() || undefined }, {
      onSuccess: (s) => {
        notifySuccess(`Patron will not send to ${s.address}.`, 'Address suppressed');
        close();
      },
      onError: (err) => {
        const fields = err instanceof ApiError ? err.fields : {};
        if (Object.keys(fields).length) setErrors(fields);
        else setProblem(errorMessage(err));
      },
    });
  };

  return (
    <FormModal opened={opened} onClose={close} title="Add an address" onSubmit={submit} problem={problem}>
      <Text fz="sm" c="dimmed">
        Nothing will be sent to it, marketing or transactional, until it is removed from the list.
      </Text>
      <Stack gap="xs">
        <Text fz="sm" fw={500} id="suppress-channel">Channel</Text>
        <SegmentedControl aria-labelledby="suppress-channel" value={channel} onChange={(v) => setChannel(v as 'email' | 'sms')} data={[{ value: 'email', label: 'Email' }, { value: 'sms', label: 'SMS' }]} />
      </Stack>
      <TextInput
        label={channel === 'email' ? 'Email address' : 'Phone number'}
        placeholder={channel === 'email' ? 'name@example.com' : '+44 20 7946 0958'}
        value={address}
        onChange={(e) => {
          setAddress(e.currentTarget.value);
          if (errors.address) setErrors({});
        }}
        error={errors.address}
        data-autofocus
        required
      />
      <TextInput label="Note" description="Why, for whoever looks at this later (optional)" placeholder="Asked by phone not to be emailed" value={detail} onChange={(e) => setDetail(e.currentTarget.value)} error={errors.detail} maxLength={500} />
      <Group justify="flex-end">
        <Button variant="default" onClick={close}>Cancel</Button>
        <Button type="submit" loading={add.isPending}>Suppress</Button>
      </Group>
    </FormModal>
  );
}
