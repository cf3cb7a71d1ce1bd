import { Alert, Button, Grid, NumberInput, PasswordInput, Select, TextInput } from '@mantine/core';
import { IconAlertCircle, IconCircleCheck, IconPlugConnected } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import { notifySuccess } from '../../../components/notify.tsx';
import { errorMessage } from '../../../lib/api.ts';
import { useCan } from '../../session/context.tsx';
import { useRemoveSmtp, useSaveSmtp, useTestSmtp } from '../messages/api.ts';
import type { MessagingSettings, SmtpBody } from '../messages/api.ts';
import { CardForm, DeliveryBadge, useCardForm } from './CardForm.tsx';
import { num, Section } from './Section.tsx';

type Security = NonNullable<SmtpBody['security']>;

interface Form {
  host: string;
  port: number | string;
  security: Security;
  username: string;
  password: string;
  poolSize: number | string;
  ratePerSecond: number | string;
}

const SECURITY: { value: Security; label: string; port: number }[] = [
  { value: 'starttls', label: 'STARTTLS (usually port 587)', port: 587 },
  { value: 'tls', label: 'TLS from the start (usually port 465)', port: 465 },
  { value: 'none', label: 'None (a local relay only)', port: 25 },
];
const DEFAULT_PORTS = new Set(SECURITY.map((s) => s.port));

function initial(s: MessagingSettings): Form {
  const x = s.smtp;
  return { host: x?.host ?? '', port: x?.port ?? 587, security: x?.security ?? 'starttls', username: x?.username ?? '', password: '', poolSize: x?.poolSize ?? 5, ratePerSecond: x?.ratePerSecond ?? 50 };
}

/** SMTP server: without one, mail stays in the outbox. */
export function SmtpCard({ settings }: { settings: MessagingSettings }) {
  const can = useCan();
  const writable = can('settings:write');
  const save = useSaveSmtp();
  const remove = useRemoveSmtp();
  const test = useTestSmtp();
  const [result, setResult] = useState<{ ok: boolean; detail: string } | null>(null);
  const { form, setForm, errors, setErrors, problem, setProblem, set, text, number, onError } = useCardForm<Form>(() => initial(settings), {
    readOnly: !writable,
    onEdit: () => setResult(null),
  });
  const smtp = settings.smtp;

  useEffect(() => setForm(initial(settings)), [settings.smtp]);

  const body = (): SmtpBody | null => {
    const errs: Record<string, string> = {};
    const port = num(form.port);
    const poolSize = num(form.poolSize);
    const ratePerSecond = num(form.ratePerSecond);
    if (!form.host.trim()) errs.host = 'The SMTP host name, such as smtp.example.com';
    if (port === undefined) errs.port = 'A port between 1 and 65535';
    if (poolSize === undefined) errs.poolSize = 'How many connections to keep open (1–50)';
    if (ratePerSecond === undefined) errs.ratePerSecond = 'Messages per second (1–10,000)';
    setErrors(errs);
    if (Object.keys(errs).length || port === undefined || poolSize === undefined || ratePerSecond === undefined) return null;
    const username = form.username.trim();
    return {
      host: form.host.trim(), port, security: form.security, poolSize, ratePerSecond,
      ...(username ? { username } : {}),
      // Without a username there is no login: drop any stored password. With one, empty keeps the stored password.
      ...(!username ? { password: '' } : form.password ? { password: form.password } : {}),
    };
  };

  const onSave = () => {
    const b = body();
    if (!b) return;
    setProblem(null);
    save.mutate(b, {
      onSuccess: () => notifySuccess(`Mail now goes out through ${b.host}.`, 'SMTP server saved'),
      onError,
    });
  };

  const onTest = () => {
    const b = body();
    if (!b) return;
    setProblem(null);
    setResult(null);
    test.mutate(b, { onSuccess: setResult, onError: (err) => setResult({ ok: false, detail: errorMessage(err) }) });
  };

  return (
    <Section
      id="email-delivery"
      title="Email delivery"
      badge={<DeliveryBadge live={settings.emailMode === 'smtp'} label="Sending over SMTP" />}
      description={
        settings.emailMode === 'smtp'
          ? 'Mail goes out through this SMTP server: your email provider’s, or a service such as Postmark, Amazon SES or Mailgun.'
          : 'No SMTP server is configured, so messages are kept in the Outbox and nothing leaves Patron. Enter your provider’s SMTP server to start sending.'
      }
    >
      <CardForm
        onSubmit={onSave}
        saving={save.isPending}
        writable={writable}
        permission="settings:write"
        problem={problem}
        notice={
          result && (
            <Alert
              mt="md"
              color={result.ok ? 'teal' : 'red'}
              icon={result.ok ? <IconCircleCheck size={18} /> : <IconAlertCircle size={18} />}
              title={result.ok ? 'The server answered' : 'Could not connect'}
              role="status"
            >
              {result.detail}
            </Alert>
          )
        }
        actions={
          <Button variant="default" onClick={onTest} loading={test.isPending} leftSection={<IconPlugConnected size={16} />}>
            Test connection
          </Button>
        }
        removable={!!smtp}
        remove={{
          mutation: remove,
          what: 'SMTP server',
          confirmLabel: 'Remove and keep mail in the outbox',
          removed: ['Messages are kept in the Outbox; nothing leaves Patron.', 'SMTP server removed'],
          onRemoved: () => setResult(null),
          explain: 'Messages are then kept in the Outbox and nothing leaves Patron until a server is set again. The stored password is deleted.',
        }}
      >
        <Grid gap="md">
          <Grid.Col span={{ base: 12, md: 6 }}>
            <TextInput label="Host" placeholder="smtp.example.com" {...text('host')} maxLength={255} />
          </Grid.Col>
          <Grid.Col span={{ base: 12, sm: 8, md: 4 }}>
            <Select
              label="Security"
              data={SECURITY.map(({ value, label }) => ({ value, label }))}
              value={form.security}
              onChange={(v) => {
                const s = SECURITY.find((x) => x.value === v);
                if (!s) return;
                set('security', s.value);
                // Follow the usual port of the new mode unless a custom one was typed.
                const port = num(form.port);
                if (port === undefined || DEFAULT_PORTS.has(port)) set('port', s.port);
              }}
              allowDeselect={false}
              readOnly={!writable}
              error={errors.security}
              comboboxProps={{ withinPortal: true }}
            />
          </Grid.Col>
          <Grid.Col span={{ base: 12, sm: 4, md: 2 }}>
            <NumberInput label="Port" {...number('port')} min={1} max={65535} allowDecimal={false} allowNegative={false} />
          </Grid.Col>
          <Grid.Col span={{ base: 12, sm: 6 }}>
            <TextInput
              label="Username"
              description="Leave empty for a relay that needs no login"
              inputWrapperOrder={['label', 'input', 'description', 'error']}
              {...text('username')}
              autoComplete="off"
              maxLength={500}
            />
          </Grid.Col>
          <Grid.Col span={{ base: 12, sm: 6 }}>
            <PasswordInput
              label="Password"
              description={smtp?.hasPassword ? 'Leave empty to keep the stored password' : 'Stored on the server, never shown again'}
              inputWrapperOrder={['label', 'input', 'description', 'error']}
              placeholder={smtp?.hasPassword ? '•••••• stored' : !form.username.trim() ? 'Enter a username first' : undefined}
              {...text('password')}
              disabled={!form.username.trim() && writable}
              autoComplete="new-password"
              maxLength={500}
            />
          </Grid.Col>
          <Grid.Col span={{ base: 12, sm: 6 }}>
            <NumberInput
              label="Connections"
              description="Kept open to the server by each sending process"
              inputWrapperOrder={['label', 'input', 'description', 'error']}
              {...number('poolSize')}
              min={1}
              max={50}
              allowDecimal={false}
              allowNegative={false}
            />
          </Grid.Col>
          <Grid.Col span={{ base: 12, sm: 6 }}>
            <NumberInput
              label="Messages per second"
              description="At most, per sending process: stay under your provider’s limit"
              inputWrapperOrder={['label', 'input', 'description', 'error']}
              {...number('ratePerSecond')}
              min={1}
              max={10_000}
              allowDecimal={false}
              allowNegative={false}
              thousandSeparator=","
            />
          </Grid.Col>
        </Grid>
      </CardForm>
    </Section>
  );
}
