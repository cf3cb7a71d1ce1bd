import { Anchor, Button, Group, Text, TextInput } from '@mantine/core';
import { useNavigate } from '@tanstack/react-router';
import { useState, type ReactNode } from 'react';
import { FormModal } from '../../../components/FormModal.tsx';
import { notifications } from '@mantine/notifications';
import { IconCheck } from '@tabler/icons-react';
import { ApiError, errorMessage } from '../../../lib/api.ts';
import { useSession } from '../../session/context.tsx';
import { CustomerPicker } from './CustomerPicker.tsx';
import { useTestSend, type Template } from './api.ts';

/**
 * Sends the template (with the editor's unsaved content) to a person of the team, filled with a
 * customer's data. It goes through the normal sender, so it shows in the outbox.
 */
export function TestSendModal(props: {
  opened: boolean;
  onClose: () => void;
  template: Template;
  content: { subject: string; preheader: string; body: string };
  customerId: string | null;
  current: { id: string; name: string; email: string | null } | null;
}): ReactNode {
  const me = useSession();
  const sms = props.template.channel === 'sms';
  const [to, setTo] = useState(sms ? '' : me.user.email);
  const [customerId, setCustomerId] = useState<string | null>(props.customerId);
  const send = useTestSend(props.template.id);
  const navigate = useNavigate();
  const fields = send.error instanceof ApiError ? send.error.fields : {};
  const close = () => {
    send.reset();
    props.onClose();
  };
  const submit = () => {
    const changed = props.content.subject !== props.template.subject || props.content.preheader !== props.template.preheader || props.content.body !== props.template.body;
    send.mutate(
      { to: to.trim() || undefined, customerId: customerId ?? props.current?.id, ...(changed ? props.content : {}) },
      {
        onSuccess: (r) => {
          notifications.show({
            color: 'teal',
            icon: <IconCheck size={18} />,
            title: 'Test sent',
            autoClose: 6000,
            message: (
              <>
                Queued for {r.to}.{' '}
                {/* Notifications live outside the router: navigate from here rather than render a router Link. */}
                <Anchor component="button" type="button" fz="sm" onClick={() => void navigate({ to: '/messages' })}>
                  Open the outbox
                </Anchor>
              </>
            ),
          });
          close();
        },
      },
    );
  };
  return (
    <FormModal
      opened={props.opened}
      onClose={close}
      title="Send a test"
      onSubmit={submit}
      problem={send.error && !fields.to && !fields.customerId ? errorMessage(send.error) : undefined}
      problemTitle="The test was not sent"
    >
      <Text fz="sm" c="dimmed">
        The {sms ? 'message' : 'email'} is filled with a customer’s data and sent to you, not to them. It goes out like any message (or waits in the outbox when no
        {sms ? ' SMS gateway' : ' SMTP server'} is set up); consent and sending limits do not apply to tests.
      </Text>
      <TextInput
        label={sms ? 'Phone number' : 'Send to'}
        placeholder={sms ? '+44 7700 900123' : 'you@yourstore.com'}
        value={to}
        onChange={(e) => setTo(e.currentTarget.value)}
        error={fields.to}
        data-autofocus
        required
      />
      <CustomerPicker label="Using the data of" value={customerId} onChange={setCustomerId} current={props.current} />
      {fields.customerId && (
        <Text fz="sm" c="red.7">
          {fields.customerId}
        </Text>
      )}
      <Group justify="flex-end" gap="sm">
        <Button variant="default" onClick={close}>
          Cancel
        </Button>
        <Button type="submit" loading={send.isPending}>
          Send test
        </Button>
      </Group>
    </FormModal>
  );
}
