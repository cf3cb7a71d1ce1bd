import { FormModal } from '../../components/FormModal.tsx';
import { Alert, Anchor, Badge, Button, Code, CopyButton, Group, List, Paper, Stack, Switch, Table, Text, TextInput, Title } from '@mantine/core';
import { IconCheck, IconCopy, IconInfoCircle, IconKey, IconPlus } from '@tabler/icons-react';
import { Link } from '@tanstack/react-router';
import { useState } from 'react';
import type { ReactNode } from 'react';
import { CopyField } from '../../components/CopyField.tsx';
import { TableCard } from '../../components/DataTable.tsx';
import { ErrorState } from '../../components/ErrorState.tsx';
import { notifyError, notifySuccess } from '../../components/notify.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { RequirePermission } from '../../components/RequirePermission.tsx';
import { TableSkeleton } from '../../components/TableSkeleton.tsx';
import { TimeAgo } from '../../components/TimeAgo.tsx';
import { ApiError } from '../../lib/api.ts';
import { useCreateApiKey } from '../../modules/apikeys/api.ts';
import { useSetConsentMode, useTrackingSettings } from '../../modules/integrations/api.ts';
import { useCan } from '../../modules/session/context.tsx';

const PLACEHOLDER = 'PUBLIC_WRITE_KEY';

export function TrackingSettingsPage(): ReactNode {
  return (
    <RequirePermission permission="settings:read">
      <Tracking />
    </RequirePermission>
  );
}

function Tracking() {
  const can = useCan();
  const settings = useTrackingSettings();
  const consent = useSetConsentMode();
  // A key created on this page is shown (and put into the snippet) until the page is left: the server never shows it again.
  const [fresh, setFresh] = useState<{ name: string; key: string } | null>(null);
  const [creating, setCreating] = useState(false);

  if (settings.isPending) {
    return (
      <>
        <PageHeader title="Tracking" description="Install the tracking snippet on your storefront to see page views, carts and sign-ups on customer profiles." />
        <Paper withBorder radius="md">
          <TableSkeleton rows={6} />
        </Paper>
      </>
    );
  }
  if (settings.isError) return <ErrorState error={settings.error} onRetry={() => void settings.refetch()} />;
  const s = settings.data;
  const snippet = fresh ? s.snippet.replace(PLACEHOLDER, fresh.key) : s.snippet;

  return (
    <>
      <PageHeader title="Tracking" description="Install the tracking snippet on your storefront to see page views, carts and sign-ups on customer profiles." />
      <Stack gap="xl">
        <Paper withBorder radius="md" p="lg">
          <Stack gap="md">
            <Group justify="space-between" align="flex-start" wrap="wrap">
              <Stack gap={2}>
                <Title order={2} fz="lg" fw={600}>
                  1. Paste the snippet
                </Title>
                <Text fz="sm" c="dimmed" maw={640}>
                  Put it on every page of your store, just before <Code>&lt;/head&gt;</Code>.{' '}
                  {fresh ? (
                    <>It already contains the public key “{fresh.name}”.</>
                  ) : (
                    <>
                      Replace <Code>{PLACEHOLDER}</Code> with a public key (step 2).
                    </>
                  )}
                </Text>
              </Stack>
              <CopyButton value={snippet} timeout={2000}>
                {({ copied, copy }) => (
                  <Button variant={copied ? 'light' : 'default'} color={copied ? 'teal' : undefined} leftSection={copied ? <IconCheck size={16} /> : <IconCopy size={16} />} onClick={copy}>
                    {copied ? 'Copied' : 'Copy snippet'}
                  </Button>
                )}
              </CopyButton>
            </Group>
            <Code block fz="xs" style={{ maxHeight: 280, overflow: 'auto', whiteSpace: 'pre' }} aria-label="Install snippet">
              {snippet}
            </Code>
            <Text fz="sm" c="dimmed">
              Then call <Code>patron.identify(userId, {'{ email }'})</Code> when a visitor logs in or signs up, and <Code>patron.track('Product Added', {'{ … }'})</Code> for
              shop events; page views are sent by themselves. The script is served from <Anchor href={s.scriptUrl} target="_blank" rel="noreferrer" fz="sm">{s.scriptUrl}</Anchor> and sends to{' '}
              <Code>{s.host}</Code>.
            </Text>
          </Stack>
        </Paper>

        <Stack gap="sm">
          <Group justify="space-between" align="flex-end" wrap="wrap">
            <Stack gap={2}>
              <Title order={2} fz="lg" fw={600}>
                2. Use a public write key
              </Title>
              <Text fz="sm" c="dimmed" maw={640}>
                Public keys can only send tracking events, so they are safe in a web page. Their full value is shown once, when created.
              </Text>
            </Stack>
            {can('apikeys:write') && (
              <Button leftSection={<IconPlus size={16} />} onClick={() => setCreating(true)}>
                Create a public key
              </Button>
            )}
          </Group>
          {fresh && <CopyField label={`Public key “${fresh.name}”`} value={fresh.key} description="Copy it now if you need it elsewhere: it is not shown again." />}
          {s.publicKeys.length === 0 ? (
            <Alert color="yellow" icon={<IconInfoCircle size={18} />}>
              There is no public key yet.{' '}
              {can('apikeys:write') ? 'Create one here; it is filled into the snippet for you.' : 'Ask an owner or admin to create one.'}
            </Alert>
          ) : (
            <TableCard minWidth={{ base: 0, sm: 520 }}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Name</Table.Th>
                  <Table.Th>Key</Table.Th>
                  <Table.Th>Created</Table.Th>
                  <Table.Th>Last used</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {s.publicKeys.map((k) => (
                  <Table.Tr key={k.id}>
                    <Table.Td fz="sm" fw={500}>
                      {k.name}
                    </Table.Td>
                    <Table.Td>
                      <Code>{k.prefix}…</Code>
                    </Table.Td>
                    <Table.Td>
                      <TimeAgo date={k.createdAt} />
                    </Table.Td>
                    <Table.Td>
                      <TimeAgo date={k.lastUsedAt} fallback="Never" />
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </TableCard>
          )}
          {can('apikeys:read') && (
            <Text fz="sm" c="dimmed">
              Revoke keys on the{' '}
              <Anchor renderRoot={(props) => <Link to="/settings/api-keys" {...props} />} fz="sm">
                API keys
              </Anchor>{' '}
              page.
            </Text>
          )}
        </Stack>

        <Paper withBorder radius="md" p="lg">
          <Stack gap="sm">
            <Title order={2} fz="lg" fw={600}>
              3. Consent
            </Title>
            <Switch
              size="md"
              checked={s.consentRequired}
              disabled={!can('settings:write') || consent.isPending}
              onChange={(e) => {
                const on = e.currentTarget.checked;
                consent.mutate(on, {
                  onSuccess: () => notifySuccess(on ? 'The snippet now waits for consent before sending anything.' : 'The snippet sends events without waiting for consent.', on ? 'Consent mode on' : 'Consent mode off'),
                  onError: (err) => notifyError(err, 'Could not change consent mode'),
                });
              }}
              label="Wait for consent before tracking"
              description="With consent mode on, the snippet sends nothing until your cookie banner calls patron.consent.grant(); patron.consent.revoke() stops it again. The snippet above changes with this setting: paste it again after switching."
            />
            <List fz="sm" c="dimmed" spacing={2}>
              <List.Item>Visitors are anonymous until identified; their earlier page views join their profile when they log in or buy.</List.Item>
              <List.Item>An email sent from the browser never takes over a profile that already has it, so nobody can attach their browsing to someone else.</List.Item>
            </List>
          </Stack>
        </Paper>
      </Stack>

      <CreatePublicKeyModal opened={creating} onClose={() => setCreating(false)} onCreated={(name, key) => setFresh({ name, key })} />
    </>
  );
}

function CreatePublicKeyModal({ opened, onClose, onCreated }: { opened: boolean; onClose: () => void; onCreated: (name: string, key: string) => void }) {
  const create = useCreateApiKey();
  const [name, setName] = useState('Storefront');
  const [error, setError] = useState<string | undefined>();
  const submit = () => {
    if (!name.trim()) {
      setError('Give the key a name, such as the site it is for');
      return;
    }
    create.mutate(
      { name: name.trim(), kind: 'public', scopes: [] },
      {
        onSuccess: (r) => {
          onCreated(r.apiKey.name, r.key);
          notifySuccess('It is in the snippet now: copy the snippet to your store.', 'Public key created');
          onClose();
        },
        onError: (err) => {
          if (err instanceof ApiError && err.fields.name) setError(err.fields.name);
          else notifyError(err, 'Could not create the key');
        },
      },
    );
  };
  return (
    <FormModal opened={opened} onClose={onClose} title="Create a public key" onSubmit={submit}>
      <TextInput
        label="Name"
        description="Where the key is used, e.g. the shop’s domain"
        value={name}
        onChange={(e) => {
          setName(e.currentTarget.value);
          setError(undefined);
        }}
        error={error}
        data-autofocus
        maxLength={200}
      />
      <Group gap="xs">
        <IconKey size={16} color="var(--mantine-color-dimmed)" aria-hidden />
        <Text fz="sm" c="dimmed">
          Can only send tracking events <Badge size="xs" variant="light">tracking:write</Badge>
        </Text>
      </Group>
      <Group justify="flex-end">
        <Button variant="default" onClick={onClose}>
          Cancel
        </Button>
        <Button type="submit" loading={create.isPending}>
          Create key
        </Button>
      </Group>
    </FormModal>
  );
}
