import { FormModal } from '../../components/FormModal.tsx';
import { Button, Group, Radio, Stack, Text, Textarea } from '@mantine/core';
import { useEffect, useState } from 'react';
import { notifyError, notifySuccess } from '../../components/notify.tsx';
import { ApiError } from '../../lib/api.ts';
import { useSetConsent } from './api.ts';
import type { ConsentChannel, ConsentState, ConsentStatus } from './api.ts';
import { CHANNEL_LABELS, CHANNEL_NAMES, consentText, STATUS_LABELS } from './ConsentBadge.tsx';

const CHOICES: { value: ConsentStatus; label: string; description: string }[] = [
  { value: 'subscribed', label: 'Subscribed', description: 'They agreed to receive marketing on this channel.' },
  { value: 'unsubscribed', label: 'Unsubscribed', description: 'They asked not to receive it (an opt-out is kept as proof).' },
  { value: 'pending', label: 'Pending', description: 'They signed up and have not confirmed yet (double opt-in).' },
];

/** Changes one channel's marketing consent by hand; the reason is kept in the consent ledger. */
export function ConsentModal({ customerId, channel, state, onClose }: { customerId: string; channel: ConsentChannel | null; state: ConsentState | null; onClose: () => void }) {
  const set = useSetConsent(customerId);
  const [status, setStatus] = useState<ConsentStatus | null>(null);
  const [reason, setReason] = useState('');
  const [errors, setErrors] = useState<{ status?: string; reason?: string }>({});

  useEffect(() => {
    if (channel) {
      setStatus(null);
      setReason('');
      setErrors({});
    }
  }, [channel]);

  const submit = () => {
    if (!channel) return;
    const next: typeof errors = {};
    if (!status) next.status = 'Pick the new status';
    else if (state && status === state.status) next.status = `It is ${STATUS_LABELS[status].toLowerCase()} already`;
    if (!reason.trim()) next.reason = 'Say why, e.g. “asked by phone on 3 March to stop the newsletter”';
    setErrors(next);
    if (next.status || next.reason || !status) return;
    set.mutate(
      { channel, status, reason: reason.trim() },
      {
        onSuccess: () => {
          notifySuccess(`${CHANNEL_LABELS[channel]} is now ${STATUS_LABELS[status].toLowerCase()}.`, 'Consent changed');
          onClose();
        },
        onError: (err) => {
          if (err instanceof ApiError && (err.fields.reason || err.fields.status)) setErrors({ reason: err.fields.reason, status: err.fields.status });
          else notifyError(err, 'Could not change the consent');
        },
      },
    );
  };

  return (
    <FormModal opened={channel !== null} onClose={onClose} title={`Change ${channel ? CHANNEL_NAMES[channel] : ''} consent`} onSubmit={submit}>
      {state && (
        <Text fz="sm" c="dimmed">
          Now: {consentText(state)}
          {state.source ? ` (from ${state.source})` : ''}.
        </Text>
      )}
      <Radio.Group
        label="New status"
        value={status}
        onChange={(v) => {
          setStatus(v as ConsentStatus);
          setErrors((e) => ({ ...e, status: undefined }));
        }}
        error={errors.status}
      >
        <Stack gap="xs" mt={6}>
          {CHOICES.map((c) => (
            <Radio key={c.value} value={c.value} label={c.label} description={c.description} disabled={state?.status === c.value} />
          ))}
        </Stack>
      </Radio.Group>
      <Textarea
        label="Reason"
        description="Kept in the consent history with your name and the time, as proof of the change."
        placeholder="Customer asked by email on 3 March to stop the newsletter"
        value={reason}
        onChange={(e) => {
          setReason(e.currentTarget.value);
          setErrors((x) => ({ ...x, reason: undefined }));
        }}
        error={errors.reason}
        autosize
        minRows={2}
        maxLength={1000}
        withAsterisk
      />
      <Group justify="flex-end">
        <Button variant="default" onClick={onClose}>
          Cancel
        </Button>
        <Button type="submit" loading={set.isPending}>
          Save consent
        </Button>
      </Group>
    </FormModal>
  );
}
