import { Alert, Button, Checkbox, Code, ColorInput, CopyButton, Group, Paper, PasswordInput, SimpleGrid, Stack, Switch, Text, Textarea, TextInput, Title } from '@mantine/core';
import { IconCheck, IconCopy, IconInfoCircle } from '@tabler/icons-react';
import { useEffect, useState, type ReactNode } from 'react';
import { ErrorState } from '../../../components/ErrorState.tsx';
import { notifyError, notifySuccess } from '../../../components/notify.tsx';
import { PageHeader } from '../../../components/PageHeader.tsx';
import { RequirePermission } from '../../../components/RequirePermission.tsx';
import { TableSkeleton } from '../../../components/TableSkeleton.tsx';
import { ApiError } from '../../../lib/api.ts';
import { useSaveChatSettings, useChatSettings, type ChatSettings } from './api.ts';

const DAYS = [['1', 'Mon'], ['2', 'Tue'], ['3', 'Wed'], ['4', 'Thu'], ['5', 'Fri'], ['6', 'Sat'], ['7', 'Sun']] as const;
const DESCRIPTION = 'A chat button on your store: visitors get answers from your help articles, then a person when they ask.';

/** Settings → Live chat: turn the widget on, its look and texts, business hours, install snippet, identity verification. */
export function ChatSettingsPage(): ReactNode {
  return (
    <RequirePermission permission="settings:write">
      <ChatSettingsForm />
    </RequirePermission>
  );
}

function ChatSettingsForm() {
  const q = useChatSettings();
  const save = useSaveChatSettings();
  const [form, setForm] = useState<ChatSettings | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  useEffect(() => {
    if (q.data && !form) {
      const { enabled, color, title, greeting, offlineMessage, assistant, businessHours } = q.data;
      setForm({ enabled, color, title, greeting, offlineMessage, assistant, businessHours });
    }
  }, [q.data, form]);
  if (q.isError) return <ErrorState error={q.error} onRetry={() => void q.refetch()} />;
  if (!q.data || !form) return (<><PageHeader title="Live chat" description={DESCRIPTION} /><Paper withBorder radius="md"><TableSkeleton rows={6} /></Paper></>);
  const s = q.data;
  const set = (patch: Partial<ChatSettings>) => setForm({ ...form, ...patch });
  const hours = form.businessHours;
  const submit = () => {
    setErrors({});
    save.mutate(form, {
      onSuccess: () => notifySuccess('Live chat settings saved'),
      onError: (e) => {
        if (e instanceof ApiError && e.problem.errors) setErrors(Object.fromEntries(e.problem.errors.map((x) => [x.pointer.split('/').slice(2).join('.'), x.detail])));
        notifyError(e, 'Not saved');
      },
    });
  };

  return (
    <>
      <PageHeader title="Live chat" description={DESCRIPTION} actions={<Button onClick={submit} loading={save.isPending}>Save</Button>} />
      <Stack gap="xl">
        <Paper withBorder radius="md" p="lg">
          <Stack gap="md">
            <Switch size="md" label="Show the chat widget on my store" description={s.online ? `A person can answer now (${s.agentsOnline} online).` : 'Nobody is available right now: visitors see the offline form (their message becomes an email ticket).'}
              checked={form.enabled} onChange={(e) => set({ enabled: e.currentTarget.checked })} />
            <Switch label="Let the assistant answer first" description="It answers from your published help articles, looks up orders after checking order number and email, and hands over to a person on request."
              checked={form.assistant} onChange={(e) => set({ assistant: e.currentTarget.checked })} />
            <SimpleGrid cols={{ base: 1, sm: 2 }}>
              <TextInput label="Title" value={form.title} maxLength={80} error={errors.title} onChange={(e) => set({ title: e.currentTarget.value })} />
              <ColorInput label="Colour" value={form.color} format="hex" error={errors.color} onChange={(v) => set({ color: v })} swatches={['#1c7ed6', '#0b7285', '#2b8a3e', '#e8590c', '#c2255c', '#5f3dc4', '#212529']} />
            </SimpleGrid>
            <Textarea label="Greeting" description="The first message in a new chat." autosize minRows={2} maxLength={500} value={form.greeting} error={errors.greeting} onChange={(e) => set({ greeting: e.currentTarget.value })} />
            <Textarea label="Offline message" description="Shown above the email form when nobody can answer." autosize minRows={2} maxLength={500} value={form.offlineMessage} error={errors.offlineMessage} onChange={(e) => set({ offlineMessage: e.currentTarget.value })} />
          </Stack>
        </Paper>

        <Paper withBorder radius="md" p="lg">
          <Stack gap="sm">
            <Title order={2} fz="lg" fw={600}>Business hours</Title>
            <Switch label="Only offer a person during business hours (in the store’s time zone)" checked={hours.enabled} onChange={(e) => set({ businessHours: { ...hours, enabled: e.currentTarget.checked } })} />
            {hours.enabled && (
              <Group align="flex-end" gap="lg">
                <Checkbox.Group label="Days" value={hours.days.map(String)} onChange={(v) => set({ businessHours: { ...hours, days: v.map(Number).sort() } })}>
                  <Group gap="xs" mt={6}>{DAYS.map(([v, l]) => <Checkbox key={v} value={v} label={l} />)}</Group>
                </Checkbox.Group>
                <TextInput label="From" w={100} value={hours.start} error={errors['businessHours.start']} onChange={(e) => set({ businessHours: { ...hours, start: e.currentTarget.value } })} placeholder="09:00" />
                <TextInput label="To" w={100} value={hours.end} error={errors['businessHours.end']} onChange={(e) => set({ businessHours: { ...hours, end: e.currentTarget.value } })} placeholder="17:00" />
              </Group>
            )}
          </Stack>
        </Paper>

        <Paper withBorder radius="md" p="lg">
          <Stack gap="sm">
            <Group justify="space-between" align="flex-start">
              <Stack gap={2}>
                <Title order={2} fz="lg" fw={600}>Install</Title>
                <Text fz="sm" c="dimmed" maw={640}>Paste this on every page of your store, before <Code>&lt;/body&gt;</Code>. It loads {s.scriptUrl} (about 6 KB gzipped). With the tracking snippet on the page, chats join the visitor’s browsing history.</Text>
              </Stack>
              <CopyButton value={s.snippet} timeout={2000}>
                {({ copied, copy }) => (
                  <Button variant={copied ? 'light' : 'default'} color={copied ? 'teal' : undefined} leftSection={copied ? <IconCheck size={16} /> : <IconCopy size={16} />} onClick={copy}>{copied ? 'Copied' : 'Copy snippet'}</Button>
                )}
              </CopyButton>
            </Group>
            <Code block style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-all' }}>{s.snippet}</Code>
          </Stack>
        </Paper>

        <Paper withBorder radius="md" p="lg">
          <Stack gap="sm">
            <Title order={2} fz="lg" fw={600}>Identity verification</Title>
            <Text fz="sm" c="dimmed" maw={720}>
              For logged-in shoppers, your store’s backend signs their email so agents (and the assistant) can trust it: hash = HMAC-SHA256(secret, lower-cased email), hex. Set <Code>window.patronChatSettings = {'{'} email, name, hash {'}'}</Code> before the snippet. Without a valid hash an email is only a claim, shown as “Unverified”.
            </Text>
            <PasswordInput label="Identity secret" value={s.identitySecret} readOnly maw={560} description="Keep it on your server; never put it in a page." />
            <Alert variant="light" icon={<IconInfoCircle size={16} />} maw={720}>
              Node: <Code>crypto.createHmac('sha256', SECRET).update(email.toLowerCase()).digest('hex')</Code> · PHP: <Code>hash_hmac('sha256', strtolower($email), SECRET)</Code>
            </Alert>
          </Stack>
        </Paper>
      </Stack>
    </>
  );
}
