import { Alert, Badge, Button, Code, Grid, Group, PasswordInput, Select, Textarea, TextInput } from '@mantine/core';
import { IconAlertCircle, IconDeviceFloppy, IconTrash } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import { ConfirmModal } from '../../../components/ConfirmModal.tsx';
import { CopyField } from '../../../components/CopyField.tsx';
import { notifyError, notifySuccess } from '../../../components/notify.tsx';
import { errorMessage } from '../../../lib/api.ts';
import { useCan } from '../../session/context.tsx';
import { useRemoveSms, useSaveSms } from '../messages/api.ts';
import type { MessagingSettings, SmsBody } from '../messages/api.ts';
import { fieldErrors, ReadOnlyNote, Section } from './Section.tsx';

type ContentType = NonNullable<SmsBody['contentType']>;

interface Form {
  url: string;
  authHeader: string;
  from: string;
  contentType: ContentType;
  bodyTemplate: string;
  providerIdPath: string;
}

const VARIABLES: [string, string][] = [
  ['to', 'the phone number'],
  ['from', 'the sender id above'],
  ['body', 'the message text'],
  ['message_id', 'Patron’s id of the message'],
  ['receipt_url', 'where to post delivery receipts'],
];

function initial(s: MessagingSettings): Form {
  const x = s.sms;
  return { url: x?.url ?? '', authHeader: '', from: x?.from ?? '', contentType: x?.contentType ?? 'application/json', bodyTemplate: x?.bodyTemplate ?? '', providerIdPath: x?.providerIdPath ?? '' };
}

/** The SMS gateway: an HTTP request built from a template, so any provider fits. */
export function SmsCard({ settings }: { settings: MessagingSettings }) {
  const can = useCan();
  const writable = can('settings:write');
  const save = useSaveSms();
  const remove = useRemoveSms();
  const [form, setForm] = useState<Form>(() => initial(settings));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [problem, setProblem] = useState<string | null>(null);
  const [removing, setRemoving] = useState(false);
  const sms = settings.sms;

  useEffect(() => setForm(initial(settings)), [settings.sms]);

  const set = <K extends keyof Form>(k: K, v: Form[K]) => {
    setForm((f) => ({ ...f, [k]: v }));
    if (errors[k]) setErrors((e) => ({ ...e, [k]: '' }));
  };

  const onSave = () => {
    if (!/^https?:\/\/\S+$/.test(form.url.trim())) {
      setErrors({ url: 'The gateway’s http(s) URL, such as https://api.provider.com/v1/messages' });
      return;
    }
    setProblem(null);
    const body: SmsBody = {
      url: form.url.trim(),
      from: form.from.trim(),
      contentType: form.contentType,
      // Empty: the standard JSON body, and the provider id at "id".
      ...(form.bodyTemplate.trim() ? { bodyTemplate: form.bodyTemplate } : {}),
      ...(form.providerIdPath.trim() ? { providerIdPath: form.providerIdPath.trim() } : {}),
      ...(form.authHeader ? { authHeader: form.authHeader } : {}),
    };
    save.mutate(body, {
      onSuccess: () => notifySuccess('Text messages now go to your gateway.', 'SMS gateway saved'),
      onError: (err) => {
        const fe = fieldErrors(err);
        if (fe) setErrors(fe);
        else setProblem(errorMessage(err));
      },
    });
  };

  return (
    <Section
      id="sms-gateway"
      title="SMS gateway"
      badge={
        settings.smsMode === 'webhook' ? (
          <Badge variant="light" color="teal">
            Sending to the gateway
          </Badge>
        ) : (
          <Badge variant="light" color="yellow">
            Outbox only
          </Badge>
        )
      }
      description="Patron sends each text message as an HTTP request to your provider (Twilio, Vonage, MessageBird, or your own), built from the body template below. Without a gateway, SMS stay in the Outbox."
    >
      <form
        onSubmit={(e) => {
          e.preventDefault();
          onSave();
        }}
      >
        <Grid gap="md">
          <Grid.Col span={{ base: 12, md: 8 }}>
            <TextInput
              label="Gateway URL"
              placeholder="https://api.provider.com/v1/messages"
              value={form.url}
              onChange={(e) => set('url', e.currentTarget.value)}
              error={errors.url}
              readOnly={!writable}
              maxLength={2000}
            />
          </Grid.Col>
          <Grid.Col span={{ base: 12, md: 4 }}>
            <TextInput
              label="From"
              description="Sender number or name"
              inputWrapperOrder={['label', 'input', 'description', 'error']}
              placeholder="+441234567890"
              value={form.from}
              onChange={(e) => set('from', e.currentTarget.value)}
              error={errors.from}
              readOnly={!writable}
              maxLength={50}
            />
          </Grid.Col>
          <Grid.Col span={{ base: 12, md: 8 }}>
            <PasswordInput
              label="Authorization header"
              description={sms?.hasAuthHeader ? 'Leave empty to keep the stored value' : 'Sent as is, such as “Bearer …” or “Basic …”; never shown again'}
              inputWrapperOrder={['label', 'input', 'description', 'error']}
              placeholder={sms?.hasAuthHeader ? '•••••• stored' : 'Bearer sk_live_…'}
              value={form.authHeader}
              onChange={(e) => set('authHeader', e.currentTarget.value)}
              error={errors.authHeader}
              readOnly={!writable}
              autoComplete="new-password"
              maxLength={2000}
            />
          </Grid.Col>
          <Grid.Col span={{ base: 12, md: 4 }}>
            <Select
              label="Content type"
              data={[
                { value: 'application/json', label: 'JSON' },
                { value: 'application/x-www-form-urlencoded', label: 'Form (URL-encoded)' },
              ]}
              value={form.contentType}
              onChange={(v) => v && set('contentType', v === 'application/x-www-form-urlencoded' ? v : 'application/json')}
              allowDeselect={false}
              readOnly={!writable}
              error={errors.contentType}
              comboboxProps={{ withinPortal: true }}
            />
          </Grid.Col>
          <Grid.Col span={12}>
            <Textarea
              label="Body template"
              description={
                <>
                  Liquid, over{' '}
                  {VARIABLES.map(([v, what], i) => (
                    <span key={v}>
                      <Code fz="xs">{v}</Code> ({what}){i < VARIABLES.length - 1 ? ', ' : ''}
                    </span>
                  ))}
                  . Use <Code fz="xs">{'{{ body | json }}'}</Code> to quote a value in JSON.{!sms && ' Leave empty for the standard JSON body.'}
                </>
              }
              placeholder='{"to": {{ to | json }}, "body": {{ body | json }}}'
              value={form.bodyTemplate}
              onChange={(e) => set('bodyTemplate', e.currentTarget.value)}
              error={errors.bodyTemplate}
              readOnly={!writable}
              autosize
              minRows={3}
              maxRows={12}
              maxLength={10_000}
              styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)', fontSize: 'var(--mantine-font-size-xs)' } }}
            />
          </Grid.Col>
          <Grid.Col span={{ base: 12, md: 4 }}>
            <TextInput
              label="Provider id path"
              description="Dot path to the message id in the provider’s answer, to match receipts"
              placeholder="id"
              value={form.providerIdPath}
              onChange={(e) => set('providerIdPath', e.currentTarget.value)}
              error={errors.providerIdPath}
              readOnly={!writable}
              styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
              maxLength={200}
            />
          </Grid.Col>
          <Grid.Col span={{ base: 12, md: 8 }}>
            <CopyField label="Delivery receipt URL" value={settings.smsReceiptUrl} description="Paste it at your provider as the status callback (webhook) URL, so delivered and failed texts show in the Outbox." />
          </Grid.Col>
        </Grid>

        {problem && (
          <Alert color="red" icon={<IconAlertCircle size={18} />} mt="md">
            {problem}
          </Alert>
        )}

        {writable ? (
          <Group justify="space-between" mt="lg">
            <Button type="submit" loading={save.isPending} leftSection={<IconDeviceFloppy size={16} />}>
              Save
            </Button>
            {sms && (
              <Button variant="subtle" color="red" onClick={() => setRemoving(true)} leftSection={<IconTrash size={16} />}>
                Remove
              </Button>
            )}
          </Group>
        ) : (
          <Group mt="md">
            <ReadOnlyNote permission="settings:write" />
          </Group>
        )}
      </form>

      <ConfirmModal
        opened={removing}
        onClose={() => setRemoving(false)}
        title="Remove the SMS gateway?"
        confirmLabel="Remove and keep SMS in the outbox"
        loading={remove.isPending}
        onConfirm={() =>
          remove.mutate(undefined, {
            onSuccess: () => {
              setRemoving(false);
              notifySuccess('Text messages are kept in the Outbox.', 'SMS gateway removed');
            },
            onError: (err) => {
              setRemoving(false);
              notifyError(err, 'Could not remove the SMS gateway');
            },
          })
        }
      >
        Text messages are then kept in the Outbox and none is sent until a gateway is set again. The stored authorization header is deleted.
      </ConfirmModal>
    </Section>
  );
}
