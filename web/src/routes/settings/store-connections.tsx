import { QueryStates } from '../../components/QueryStates.tsx';
import { FormModal } from '../../components/FormModal.tsx';
import {
  ActionIcon, Alert, Anchor, Badge, Button, Code, Collapse, Divider, Group, List, Menu, Modal, Paper, PasswordInput, SegmentedControl, Select, Stack, Table, Text, TextInput,
  Title, Tooltip,
} from '@mantine/core';
import { IconAlertCircle, IconChevronDown, IconChevronRight, IconPencil, IconPlugConnected, IconPlus, IconRefresh, IconTrash } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import type { ReactNode } from 'react';
import { ConfirmModal } from '../../components/ConfirmModal.tsx';
import { CopyField } from '../../components/CopyField.tsx';
import { TableCard } from '../../components/DataTable.tsx';
import { Empty } from '../../components/Empty.tsx';
import { ErrorState } from '../../components/ErrorState.tsx';
import { ListFooter } from '../../components/ListFooter.tsx';
import { RowMenu } from '../../components/RowMenu.tsx';
import { notifyError, notifySuccess } from '../../components/notify.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { RequirePermission } from '../../components/RequirePermission.tsx';
import { TableSkeleton } from '../../components/TableSkeleton.tsx';
import { TimeAgo } from '../../components/TimeAgo.tsx';
import { useIsMobile } from '../../components/useIsMobile.ts';
import { ApiError, errorMessage } from '../../lib/api.ts';
import { absoluteTime } from '../../lib/format.ts';
import {
  useCreateStoreConnection, useDeleteStoreConnection, useInboundDeliveries, useRetryDelivery, useStoreConnections, useUpdateStoreConnection,
} from '../../modules/integrations/api.ts';
import type { CreateStoreConnectionBody, DeliveryOutcome, StoreConnection, UpdateStoreConnectionBody } from '../../modules/integrations/api.ts';
import { useCan } from '../../modules/session/context.tsx';

type Platform = StoreConnection['platform'];

const PLATFORMS: { value: Platform; label: string; color: string }[] = [
  { value: 'shopify', label: 'Shopify', color: 'green' },
  { value: 'woocommerce', label: 'WooCommerce', color: 'violet' },
  { value: 'bigcommerce', label: 'BigCommerce', color: 'dark' },
];
const platformLabel = (p: Platform) => PLATFORMS.find((x) => x.value === p)?.label ?? p;

/** Where each platform keeps its webhook settings and which secret Patron needs. */
const HOW: Record<Platform, { storeUrl: string; storeUrlHint: string; secret: string; steps: ReactNode[] }> = {
  shopify: {
    storeUrl: 'Shop domain',
    storeUrlHint: 'my-shop.myshopify.com',
    secret: 'Client secret of your Shopify app',
    steps: [
      'In your Shopify app (Partners dashboard or Settings → Apps → Develop apps), open Configuration → Webhooks.',
      'Add a subscription for each topic below, format JSON, with the webhook URL below.',
      'Shopify signs each delivery with the app’s client secret: that is the secret Patron checks.',
    ],
  },
  woocommerce: {
    storeUrl: 'Store URL',
    storeUrlHint: 'https://shop.example.com',
    secret: 'Webhook secret',
    steps: [
      'In WordPress, open WooCommerce → Settings → Advanced → Webhooks → Add webhook.',
      'Create one webhook per topic below: status Active, delivery URL the webhook URL below, the same secret for each.',
      'WooCommerce sends an unsigned ping when a webhook is saved; Patron answers it without storing anything.',
    ],
  },
  bigcommerce: {
    storeUrl: 'Store URL',
    storeUrlHint: 'https://shop.example.com',
    secret: 'Client secret of your BigCommerce app',
    steps: [
      'Create the webhooks with the BigCommerce API (POST /stores/{hash}/v3/hooks), destination the webhook URL below, one per scope listed.',
      'BigCommerce webhooks only carry ids: add API credentials so Patron can fetch the orders, customers and carts they point at.',
    ],
  },
};

export function StoreConnectionsPage(): ReactNode {
  return (
    <RequirePermission permission="integrations:read">
      <StoreConnections />
    </RequirePermission>
  );
}

function StoreConnections() {
  const can = useCan();
  const writable = can('integrations:write');
  const list = useStoreConnections();
  const [adding, setAdding] = useState(false);
  const [created, setCreated] = useState<StoreConnection | null>(null);

  return (
    <>
      <PageHeader
        title="Store connections"
        description="Connect your Shopify, WooCommerce or BigCommerce store: its webhooks send new orders, customers, refunds and carts to Patron as they happen."
        actions={
          writable && (
            <Button leftSection={<IconPlus size={16} />} onClick={() => setAdding(true)}>
              Connect a store
            </Button>
          )
        }
      />
      <QueryStates
        query={list}
        rows={4}
        empty={
          <Empty
            icon={<IconPlugConnected size={24} />}
            title="No store connected"
            description="Connect a store to receive its orders, customers, refunds and carts in real time. For the history before that, import your store’s CSV exports."
            action={
              writable && (
                <Button leftSection={<IconPlus size={16} />} onClick={() => setAdding(true)}>
                  Connect a store
                </Button>
              )
            }
          />
        }
      >
        {(data) => (
          <Stack gap="md">
            {data.map((c) => (
              <ConnectionCard key={c.id} connection={c} writable={writable} />
            ))}
          </Stack>
        )}
      </QueryStates>

      <AddConnectionModal
        opened={adding}
        onClose={() => setAdding(false)}
        onCreated={(c) => {
          setAdding(false);
          setCreated(c);
        }}
      />
      <Modal opened={created !== null} onClose={() => setCreated(null)} title={<Text fw={600}>{created ? `${platformLabel(created.platform)} store connected` : ''}</Text>} size="lg" centered>
        {created && (
          <Stack>
            <Text fz="sm">Now tell your store where to send its webhooks:</Text>
            <Setup connection={created} />
            <Group justify="flex-end">
              <Button onClick={() => setCreated(null)}>Done</Button>
            </Group>
          </Stack>
        )}
      </Modal>
    </>
  );
}

/** The webhook URL to paste, the topics to subscribe, and the platform's steps. */
function Setup({ connection: c }: { connection: StoreConnection }) {
  return (
    <Stack gap="sm">
      <CopyField label="Webhook URL" value={c.webhookUrl} description="Paste it as the delivery URL of every webhook." />
      <Stack gap={4}>
        <Text fz="sm" fw={500}>
          Topics to subscribe
        </Text>
        <Group gap={4}>
          {c.topics.map((t) => (
            <Code key={t} fz="xs">
              {t}
            </Code>
          ))}
        </Group>
      </Stack>
      <List type="ordered" fz="sm" spacing={4}>
        {HOW[c.platform].steps.map((s, i) => (
          <List.Item key={i}>{s}</List.Item>
        ))}
      </List>
    </Stack>
  );
}

function ConnectionCard({ connection: c, writable }: { connection: StoreConnection; writable: boolean }) {
  const [open, setOpen] = useState(false);
  const [editing, setEditing] = useState(false);
  const [removing, setRemoving] = useState(false);
  const remove = useDeleteStoreConnection();
  const color = PLATFORMS.find((p) => p.value === c.platform)?.color ?? 'gray';
  return (
    <Paper withBorder radius="md" p="lg">
      <Stack gap="md">
        <Group justify="space-between" align="flex-start" wrap="nowrap" gap="sm">
          <Stack gap={4} style={{ minWidth: 0 }}>
            <Group gap="xs">
              <Title order={2} fz="lg" fw={600}>
                {c.name}
              </Title>
              <Badge variant="light" color={color}>
                {platformLabel(c.platform)}
              </Badge>
            </Group>
            <Text fz="sm" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
              {c.storeUrl} · secret {c.secretHint}
              {c.api ? ` · API token ${c.api.tokenHint}` : ''}
            </Text>
            <Text fz="xs" c="dimmed">
              Last delivery: <TimeAgo date={c.lastDeliveryAt} fallback="none yet" fz="xs" c="dimmed" /> · connected {absoluteTime(c.createdAt)}
            </Text>
          </Stack>
          {writable && (
            <RowMenu label={`Actions for ${c.name}`}>
              <Menu.Item leftSection={<IconPencil size={16} />} onClick={() => setEditing(true)}>
                Edit or rotate secret
              </Menu.Item>
              <Menu.Item color="red" leftSection={<IconTrash size={16} />} onClick={() => setRemoving(true)}>
                Disconnect
              </Menu.Item>
            </RowMenu>
          )}
        </Group>
        {c.platform === 'bigcommerce' && !c.api && (
          <Alert color="yellow" icon={<IconAlertCircle size={18} />}>
            BigCommerce webhooks carry only ids. Add API credentials (Edit) so Patron can fetch the records; deliveries received before can then be retried.
          </Alert>
        )}
        <CopyField label="Webhook URL" value={c.webhookUrl} />
        <Divider />
        <Button
          variant="subtle"
          color="gray"
          size="compact-sm"
          onClick={() => setOpen((o) => !o)}
          aria-expanded={open}
          leftSection={open ? <IconChevronDown size={14} /> : <IconChevronRight size={14} />}
          style={{ alignSelf: 'flex-start' }}
        >
          {open ? 'Hide deliveries and setup' : 'Recent deliveries and setup'}
        </Button>
        <Collapse expanded={open}>
          {open && (
            <Stack gap="lg">
              <Deliveries connection={c} writable={writable} />
              <Setup connection={c} />
            </Stack>
          )}
        </Collapse>
      </Stack>

      <EditConnectionModal connection={c} opened={editing} onClose={() => setEditing(false)} />
      <ConfirmModal
        opened={removing}
        onClose={() => setRemoving(false)}
        title={`Disconnect ${c.name}?`}
        confirmLabel="Disconnect"
        loading={remove.isPending}
        onConfirm={() =>
          remove.mutate(c.id, {
            onSuccess: () => {
              setRemoving(false);
              notifySuccess(`Webhooks from ${c.name} are refused from now on. Data already received stays.`, 'Store disconnected');
            },
            onError: (err) => {
              setRemoving(false);
              notifyError(err, 'Could not disconnect the store');
            },
          })
        }
      >
        Its webhook URL stops working and its delivery log is deleted. Customers and orders it sent stay in Patron. Remove the webhooks in your store too.
      </ConfirmModal>
    </Paper>
  );
}

const OUTCOME_COLORS: Record<DeliveryOutcome, string> = { pending: 'blue', processed: 'teal', ignored: 'gray', stale: 'gray', failed: 'red', rejected: 'red' };

function Deliveries({ connection, writable }: { connection: StoreConnection; writable: boolean }) {
  const [outcome, setOutcome] = useState<DeliveryOutcome | null>(null);
  const list = useInboundDeliveries(connection.id, outcome ?? undefined);
  const retry = useRetryDelivery(connection.id);
  const mobile = useIsMobile();
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <Stack gap="xs">
      <Group justify="space-between" align="flex-end">
        <Title order={3} fz="md" fw={600}>
          Recent deliveries
        </Title>
        <Select
          aria-label="Show deliveries with outcome"
          size="xs"
          w={160}
          placeholder="All outcomes"
          data={Object.keys(OUTCOME_COLORS).map((o) => ({ value: o, label: o.charAt(0).toUpperCase() + o.slice(1) }))}
          value={outcome}
          onChange={(v) => setOutcome(v as DeliveryOutcome | null)}
          clearable
          comboboxProps={{ withinPortal: true }}
        />
      </Group>
      {list.isPending ? (
        <TableSkeleton rows={3} />
      ) : list.isError ? (
        <ErrorState error={list.error} onRetry={() => void list.refetch()} />
      ) : items.length === 0 ? (
        <Text fz="sm" c="dimmed">
          {outcome ? `No ${outcome} deliveries.` : 'Nothing received yet. Deliveries appear here within seconds of the store sending them.'}
        </Text>
      ) : (
        <TableCard
          minWidth={{ base: 0, sm: 640 }}
          footer={
            <ListFooter count={items.length} noun={['delivery', 'deliveries']} hasMore={list.hasNextPage} loading={list.isFetchingNextPage} onMore={() => void list.fetchNextPage()} />
          }
        >
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Topic</Table.Th>
              {!mobile && <Table.Th>Received</Table.Th>}
              <Table.Th>Outcome</Table.Th>
              {!mobile && <Table.Th>Details</Table.Th>}
              {writable && <Table.Th w={48} aria-label="Actions" />}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.map((d) => (
              <Table.Tr key={d.id}>
                <Table.Td>
                  <Code fz="xs">{d.topic}</Code>
                  {mobile && (
                    <Text fz="xs" c="dimmed">
                      <TimeAgo date={d.receivedAt} fz="xs" c="dimmed" />
                    </Text>
                  )}
                </Table.Td>
                {!mobile && (
                  <Table.Td>
                    <TimeAgo date={d.receivedAt} />
                  </Table.Td>
                )}
                <Table.Td>
                  <Badge size="sm" variant="light" color={OUTCOME_COLORS[d.outcome]}>
                    {d.outcome}
                  </Badge>
                  {d.attempts > 1 && (
                    <Text fz="xs" c="dimmed">
                      {d.attempts} attempts
                    </Text>
                  )}
                </Table.Td>
                {!mobile && (
                  <Table.Td maw={320}>
                    <Text fz="sm" c={d.error ? 'red' : 'dimmed'} lineClamp={2} title={d.error ?? d.note ?? undefined}>
                      {d.error ?? d.note ?? (d.resourceType ? `${d.resourceType} ${d.resourceId ?? ''}` : '—')}
                    </Text>
                  </Table.Td>
                )}
                {writable && (
                  <Table.Td>
                    {(d.outcome === 'failed' || d.outcome === 'rejected') && (
                      <Tooltip label="Process it again" withArrow>
                        <ActionIcon
                          variant="subtle"
                          color="gray"
                          aria-label={`Retry the ${d.topic} delivery`}
                          loading={retry.isPending && retry.variables === d.id}
                          onClick={() =>
                            retry.mutate(d.id, {
                              onSuccess: (r) => notifySuccess(`The delivery is now ${r.outcome}.`, 'Retried'),
                              onError: (err) => notifyError(err, 'Could not retry the delivery'),
                            })
                          }
                        >
                          <IconRefresh size={16} />
                        </ActionIcon>
                      </Tooltip>
                    )}
                  </Table.Td>
                )}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </TableCard>
      )}
    </Stack>
  );
}

interface ConnectionForm {
  platform: Platform;
  name: string;
  storeUrl: string;
  webhookSecret: string;
  storeHash: string;
  accessToken: string;
}

const emptyForm: ConnectionForm = { platform: 'shopify', name: '', storeUrl: '', webhookSecret: '', storeHash: '', accessToken: '' };

function fieldErrors(err: unknown): Record<string, string> {
  if (!(err instanceof ApiError)) return {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(err.pointers)) out[k.replace(/^api\//, '')] = v;
  return out;
}

function AddConnectionModal({ opened, onClose, onCreated }: { opened: boolean; onClose: () => void; onCreated: (c: StoreConnection) => void }) {
  const create = useCreateStoreConnection();
  const [f, setF] = useState<ConnectionForm>(emptyForm);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    if (opened) {
      setF(emptyForm);
      setErrors({});
      setProblem(null);
    }
  }, [opened]);
  const set = (k: keyof ConnectionForm, v: string) => {
    setF((x) => ({ ...x, [k]: v }));
    setErrors((e) => ({ ...e, [k]: '' }));
  };
  const how = HOW[f.platform];
  const submit = () => {
    const body: CreateStoreConnectionBody = { platform: f.platform, name: f.name.trim(), storeUrl: f.storeUrl.trim(), webhookSecret: f.webhookSecret.trim() };
    if (f.platform === 'bigcommerce' && (f.storeHash.trim() || f.accessToken.trim())) body.api = { storeHash: f.storeHash.trim(), accessToken: f.accessToken.trim() };
    setProblem(null);
    create.mutate(body, {
      onSuccess: onCreated,
      onError: (err) => {
        const fe = fieldErrors(err);
        setErrors(fe);
        if (!Object.keys(fe).length) setProblem(errorMessage(err));
      },
    });
  };
  return (
    <FormModal opened={opened} onClose={onClose} title="Connect a store" size="lg" onSubmit={submit} problem={problem}>
      <SegmentedControl fullWidth value={f.platform} onChange={(v) => set('platform', v)} data={PLATFORMS.map((p) => ({ value: p.value, label: p.label }))} aria-label="Platform" />
      <TextInput label="Name" placeholder="e.g. Main shop" value={f.name} onChange={(e) => set('name', e.currentTarget.value)} error={errors.name} maxLength={200} data-autofocus />
      <TextInput label={how.storeUrl} placeholder={how.storeUrlHint} value={f.storeUrl} onChange={(e) => set('storeUrl', e.currentTarget.value)} error={errors.storeUrl} maxLength={500} />
      <PasswordInput
        label={how.secret}
        description="Patron checks every delivery’s signature with it. It is stored and never shown again."
        value={f.webhookSecret}
        onChange={(e) => set('webhookSecret', e.currentTarget.value)}
        error={errors.webhookSecret}
        maxLength={500}
      />
      {f.platform === 'bigcommerce' && (
        <>
          <Divider label="API credentials (to fetch what webhooks point at)" labelPosition="left" />
          <Group grow align="flex-start">
            <TextInput label="Store hash" placeholder="abc123" value={f.storeHash} onChange={(e) => set('storeHash', e.currentTarget.value)} error={errors.storeHash} />
            <PasswordInput label="Access token" value={f.accessToken} onChange={(e) => set('accessToken', e.currentTarget.value)} error={errors.accessToken} />
          </Group>
        </>
      )}
      <Group justify="flex-end">
        <Button variant="default" onClick={onClose}>
          Cancel
        </Button>
        <Button type="submit" loading={create.isPending}>
          Connect
        </Button>
      </Group>
    </FormModal>
  );
}

function EditConnectionModal({ connection: c, opened, onClose }: { connection: StoreConnection; opened: boolean; onClose: () => void }) {
  const update = useUpdateStoreConnection(c.id);
  const [name, setName] = useState(c.name);
  const [storeUrl, setStoreUrl] = useState(c.storeUrl);
  const [secret, setSecret] = useState('');
  const [storeHash, setStoreHash] = useState(c.api?.storeHash ?? '');
  const [token, setToken] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    if (!opened) return;
    setName(c.name);
    setStoreUrl(c.storeUrl);
    setSecret('');
    setStoreHash(c.api?.storeHash ?? '');
    setToken('');
    setErrors({});
    setProblem(null);
  }, [opened, c]);
  const submit = (removeApi = false) => {
    const body: UpdateStoreConnectionBody = {};
    if (name.trim() !== c.name) body.name = name.trim();
    if (storeUrl.trim() !== c.storeUrl) body.storeUrl = storeUrl.trim();
    if (secret.trim()) body.webhookSecret = secret.trim();
    if (removeApi) body.api = null;
    else if (c.platform === 'bigcommerce' && token.trim()) body.api = { storeHash: storeHash.trim(), accessToken: token.trim() };
    if (!Object.keys(body).length) return onClose();
    setProblem(null);
    update.mutate(body, {
      onSuccess: () => {
        notifySuccess(secret ? 'The new secret is checked from now on.' : 'Saved.', c.name);
        onClose();
      },
      onError: (err) => {
        const fe = fieldErrors(err);
        setErrors(fe);
        if (!Object.keys(fe).length) setProblem(errorMessage(err));
      },
    });
  };
  return (
    <FormModal opened={opened} onClose={onClose} title={`Edit ${c.name}`} onSubmit={submit} problem={problem}>
      <TextInput label="Name" value={name} onChange={(e) => setName(e.currentTarget.value)} error={errors.name} />
      <TextInput label={HOW[c.platform].storeUrl} value={storeUrl} onChange={(e) => setStoreUrl(e.currentTarget.value)} error={errors.storeUrl} />
      <PasswordInput
        label="New secret"
        description={`Only after rotating it in ${platformLabel(c.platform)}; leave empty to keep ${c.secretHint}.`}
        value={secret}
        onChange={(e) => setSecret(e.currentTarget.value)}
        error={errors.webhookSecret}
      />
      {c.platform === 'bigcommerce' && (
        <>
          <Divider label="API credentials" labelPosition="left" />
          <Group grow align="flex-start">
            <TextInput label="Store hash" value={storeHash} onChange={(e) => setStoreHash(e.currentTarget.value)} error={errors.storeHash} />
            <PasswordInput label="Access token" description={c.api ? `Leave empty to keep ${c.api.tokenHint}` : undefined} value={token} onChange={(e) => setToken(e.currentTarget.value)} error={errors.accessToken} />
          </Group>
          {c.api && (
            <Anchor component="button" type="button" fz="sm" c="red" onClick={() => submit(true)} style={{ alignSelf: 'flex-start' }}>
              Remove the API credentials
            </Anchor>
          )}
        </>
      )}
      <Group justify="flex-end">
        <Button variant="default" onClick={onClose}>
          Cancel
        </Button>
        <Button type="submit" loading={update.isPending}>
          Save
        </Button>
      </Group>
    </FormModal>
  );
}
