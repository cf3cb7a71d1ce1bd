import { Code, Grid, PasswordInput, Select, Textarea, TextInput } from '@mantine/core';
import { useEffect } from 'react';
import { CopyField } from '../../../components/CopyField.tsx';
import { notifySuccess } from '../../../components/notify.tsx';
import { useCan } from '../../session/context.tsx';
import { useRemoveSms, useSaveSms } from '../messages/api.ts';
import type { MessagingSettings, SmsBody } from '../messages/api.ts';
import { CardForm, DeliveryBadge, useCardForm } from './CardForm.tsx';
import { Section } from './Section.tsx';

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
  const { form, setForm, errors, setErrors, problem, setProblem, set, text, onError } = useCardForm<Form>(() => initial(settings), { readOnly: !writable });
  const sms = settings.sms;

  useEffect(() => setForm(initial(settings)), [settings.sms]);

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
      onError,
    });
  };

  return (
    <Section
      id="sms-gateway"
      title="SMS gateway"
      badge={<DeliveryBadge live={settings.smsMode === 'webhook'} label="Sending to the gateway" />}
      description="Patron sends each text message as an HTTP request to your provider (Twilio, Vonage, MessageBird, or your own), built from the body template below. Without a gateway, SMS stay in the Outbox."
    >
      <CardForm
        onSubmit={onSave}
        saving={save.isPending}
        writable={writable}
        permission="settings:write"
        problem={problem}
        removable={!!sms}
        remove={{
          mutation: remove,
          what: 'SMS gateway',
          confirmLabel: 'Remove and keep SMS in the outbox',
          removed: ['Text messages are kept in the Outbox.', 'SMS gateway removed'],
          explain: 'Text messages are then kept in the Outbox and none is sent until a gateway is set again. The stored authorization header is deleted.',
        }}
      >
        <Grid gap="md">
          <Grid.Col span={{ base: 12, md: 8 }}>
            <TextInput
              label="Gateway URL"
              placeholder="https://api.provider.com/v1/messages"
              {...text('url')}
              maxLength={2000}
            />
          </Grid.Col>
          <Grid.Col span={{ base: 12, md: 4 }}>
            <TextInput
              label="From"
              description="Sender number or name"
              inputWrapperOrder={['label', 'input', 'description', 'error']}
              placeholder="+441234567890"
              {...text('from')}
              maxLength={50}
            />
          </Grid.Col>
          <Grid.Col span={{ base: 12, md: 8 }}>
            <PasswordInput
              label="Authorization header"
              description={sms?.hasAuthHeader ? 'Leave empty to keep the stored value' : 'Sent as is, such as “Bearer …” or “Basic …”; never shown again'}
              inputWrapperOrder={['label', 'input', 'description', 'error']}
              placeholder={sms?.hasAuthHeader ? '•••••• stored' : 'Bearer sk_live_…'}
              {...text('authHeader')}
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
              {...text('bodyTemplate')}
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
              {...text('providerIdPath')}
              styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
              maxLength={200}
            />
          </Grid.Col>
          <Grid.Col span={{ base: 12, md: 8 }}>
            <CopyField label="Delivery receipt URL" value={settings.smsReceiptUrl} description="Paste it at your provider as the status callback (webhook) URL, so delivered and failed texts show in the Outbox." />
          </Grid.Col>
        </Grid>
      </CardForm>
    </Section>
  );
}
