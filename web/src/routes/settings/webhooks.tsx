import { QueryStates } from '../../components/QueryStates.tsx';
import { FormModal } from '../../components/FormModal.tsx';
import { Alert, Badge, Button, Code, Collapse, Group, Menu, Modal, Paper, Stack, Switch, Table, TagsInput, Text, TextInput, Tooltip } from '@mantine/core';
import { IconAlertCircle, IconChevronDown, IconChevronRight, IconPencil, IconPlus, IconSend, IconTrash, IconWebhook } from '@tabler/icons-react';
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
import { KNOWN_ACTIVITY_TYPES } from '../../modules/customers/activity.tsx';
import {
  useCreateSubscription, useDeleteSubscription, useOutboundDeliveries, useSubscriptions, useTestSubscription, useUpdateSubscription,
} from '../../modules/integrations/api.ts';
import type { Subscription } from '../../modules/integrations/api.ts';
import { useCan } from '../../modules/session/context.tsx';

export function WebhooksPage(): ReactNode {
  return (
    <RequirePermission permission="integrations:read">
      <Webhooks />
    </RequirePermission>
  );
}

function Webhooks() {
  const can = useCan();
  const writable = can('integrations:write');
  const subs = useSubscriptions();
  const [editing, setEditing] = useState<Subscription | 'new' | null>(null);
  const [secret, setSecret] = useState<{ url: string; secret: string } | null>(null);

  return (
    <>
      <PageHeader
        title="Webhooks"
        description="Send customer activity (orders, sign-ups, page views, profile changes) to your own systems as it happens, signed with Standard Webhooks."
        actions={
          writable && (
            <Button leftSection={<IconPlus size={16} />} onClick={() => setEditing('new')}>
              Add endpoint
            </Button>
          )
        }
      />
      <QueryStates
        query={subs}
        rows={4}
        empty={
          <Empty
            icon={<IconWebhook size={24} />}
            title="No endpoints yet"
            description="Add an HTTPS endpoint and choose the activity types it should receive. Each delivery is signed, retried with backoff when it fails, and logged here."
            action={
              writable && (
                <Button leftSection={<IconPlus size={16} />} onClick={() => setEditing('new')}>
                  Add endpoint
                </Button>
              )
            }
          />
        }
      >
        {(data) => (
          <Stack gap="md">
            {data.map((s) => (
              <SubscriptionCard key={s.id} sub={s} writable={writable} onEdit={() => setEditing(s)} />
            ))}
          </Stack>
        )}
      </QueryStates>

      <SubscriptionModal
        sub={editing}
        onClose={() => setEditing(null)}
        onCreated={(url, key) => {
          setEditing(null);
          setSecret({ url, secret: key });
        }}
      />
      <Modal opened={secret !== null} onClose={() => setSecret(null)} title={<Text fw={600}>Endpoint added</Text>} centered size="lg">
        {secret && (
          <Stack>
            <Text fz="sm">
              Deliveries to <Code>{secret.url}</Code> are signed with this secret (headers <Code>webhook-id</Code>, <Code>webhook-timestamp</Code>,{' '}
              <Code>webhook-signature</Code>). Store it in your endpoint’s configuration now: it is not shown again.
            </Text>
            <CopyField label="Signing secret" value={secret.secret} />
            <Group justify="flex-end">
              <Button onClick={() => setSecret(null)}>Done</Button>
            </Group>
          </Stack>
        )}
      </Modal>
    </>
  );
}

function SubscriptionCard({ sub: s, writable, onEdit }: { sub: Subscription; writable: boolean; onEdit: () => void }) {
  const update = useUpdateSubscription();
  const remove = useDeleteSubscription();
  const test = useTestSubscription(s.id);
  const [open, setOpen] = useState(false);
  const [removing, setRemoving] = useState(false);
  const all = s.activityTypes.includes('*');

  const onTest = () =>
    test.mutate(undefined, {
      onSuccess: (r) =>
        r.succeeded
          ? notifySuccess(`The endpoint answered ${r.statusCode ?? ''} in ${r.responseMs ?? '?'} ms.`, 'Test delivered')
          : notifyError(new Error(r.error ?? `The endpoint answered ${r.statusCode ?? 'nothing'}.`), 'Test failed'),
      onError: (err) => notifyError(err, 'Could not send the test'),
    });

  return (
    <Paper withBorder radius="md" p="lg">
      <Stack gap="sm">
        <Group justify="space-between" align="flex-start" wrap="nowrap">
          <Stack gap={4} style={{ minWidth: 0 }}>
            <Group gap="xs" wrap="wrap">
              <Text fw={600} ff="monospace" fz="sm" style={{ overflowWrap: 'anywhere' }}>
                {s.url}
              </Text>
              {s.enabled ? (
                s.consecutiveFailures > 0 ? (
                  <Badge color="orange" variant="light">
                    Failing
                  </Badge>
                ) : (
                  <Badge color="teal" variant="light">
                    Active
                  </Badge>
                )
              ) : (
                <Badge color="gray" variant="light">
                  Disabled
                </Badge>
              )}
            </Group>
            {s.description && (
              <Text fz="sm" c="dimmed">
                {s.description}
              </Text>
            )}
            <Group gap={4}>
              {all ? (
                <Badge size="sm" variant="outline" color="gray">
                  All activity
                </Badge>
              ) : (
                s.activityTypes.map((t) => (
                  <Badge key={t} size="sm" variant="outline" color="gray" tt="none">
                    {t}
                  </Badge>
                ))
              )}
            </Group>
            <Text fz="xs" c="dimmed">
              Last success <TimeAgo date={s.lastSuccessAt} fallback="never" fz="xs" c="dimmed" />
              {s.lastFailureAt && (
                <>
                  {' · '}last failure <TimeAgo date={s.lastFailureAt} fz="xs" c="dimmed" />
                </>
              )}
              {' · secret '}
              {s.secretHint}
            </Text>
          </Stack>
          <Group gap="xs" wrap="nowrap">
            {writable && (
              <Switch
                checked={s.enabled}
                onChange={(e) => {
                  const enabled = e.currentTarget.checked;
                  update.mutate(
                    { id: s.id, enabled },
                    {
                      onSuccess: () => notifySuccess(enabled ? 'Deliveries resume with new activity.' : 'Nothing is sent until you enable it again.', enabled ? 'Endpoint enabled' : 'Endpoint disabled'),
                      onError: (err) => notifyError(err, 'Could not change the endpoint'),
                    },
                  );
                }}
                aria-label={s.enabled ? 'Disable this endpoint' : 'Enable this endpoint'}
              />
            )}
            {writable && (
              <RowMenu label={`Actions for ${s.url}`}>
                <Menu.Item leftSection={<IconSend size={16} />} onClick={onTest} disabled={test.isPending}>
                  Send a test event
                </Menu.Item>
                <Menu.Item leftSection={<IconPencil size={16} />} onClick={onEdit}>
                  Edit
                </Menu.Item>
                <Menu.Item color="red" leftSection={<IconTrash size={16} />} onClick={() => setRemoving(true)}>
                  Delete
                </Menu.Item>
              </RowMenu>
            )}
          </Group>
        </Group>
        {s.disabledReason && (
          <Alert color="red" icon={<IconAlertCircle size={18} />} title="Disabled by Patron">
            {s.disabledReason} Fix the endpoint, then enable it again.
          </Alert>
        )}
        {s.enabled && s.consecutiveFailures > 0 && (
          <Alert color="orange" icon={<IconAlertCircle size={18} />}>
            {s.consecutiveFailures} deliveries in a row failed{s.failingSince ? <> since <TimeAgo date={s.failingSince} fz="sm" /></> : null}. They are retried with backoff.
          </Alert>
        )}
        <Button
          variant="subtle"
          color="gray"
          size="compact-sm"
          onClick={() => setOpen((o) => !o)}
          aria-expanded={open}
          leftSection={open ? <IconChevronDown size={14} /> : <IconChevronRight size={14} />}
          style={{ alignSelf: 'flex-start' }}
        >
          {open ? 'Hide the delivery log' : 'Delivery log'}
        </Button>
        <Collapse expanded={open}>{open && <DeliveryLog id={s.id} />}</Collapse>
      </Stack>
      <ConfirmModal
        opened={removing}
        onClose={() => setRemoving(false)}
        title="Delete this endpoint?"
        confirmLabel="Delete endpoint"
        loading={remove.isPending}
        onConfirm={() =>
          remove.mutate(s.id, {
            onSuccess: () => {
              setRemoving(false);
              notifySuccess(`Nothing more is sent to ${s.url}.`, 'Endpoint deleted');
            },
            onError: (err) => {
              setRemoving(false);
              notifyError(err, 'Could not delete the endpoint');
            },
          })
        }
      >
        Deliveries still waiting are dropped and its log is deleted.
      </ConfirmModal>
    </Paper>
  );
}

function DeliveryLog({ id }: { id: string }) {
  const log = useOutboundDeliveries(id);
  const mobile = useIsMobile();
  const items = log.data?.pages.flatMap((p) => p.items) ?? [];
  if (log.isPending) return <TableSkeleton rows={3} />;
  if (log.isError) return <ErrorState error={log.error} onRetry={() => void log.refetch()} />;
  if (!items.length) {
    return (
      <Text fz="sm" c="dimmed">
        Nothing sent yet. Deliveries appear here as matching activity happens; “Send a test event” tries the endpoint now.
      </Text>
    );
  }
  return (
    <TableCard minWidth={{ base: 0, sm: 640 }} footer={<ListFooter count={items.length} noun={['delivery', 'deliveries']} hasMore={log.hasNextPage} loading={log.isFetchingNextPage} onMore={() => void log.fetchNextPage()} />}>
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Event</Table.Th>
          {!mobile && <Table.Th>Sent</Table.Th>}
          <Table.Th>Result</Table.Th>
          {!mobile && <Table.Th ta="right">Time</Table.Th>}
          {!mobile && <Table.Th>Answer</Table.Th>}
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {items.map((d) => (
          <Table.Tr key={d.id}>
            <Table.Td>
              <Group gap={4} wrap="nowrap">
                <Text fz="sm">{d.eventType}</Text>
                {d.test && (
                  <Badge size="xs" variant="outline" color="gray">
                    test
                  </Badge>
                )}
              </Group>
              <Text fz="xs" c="dimmed">
                attempt {d.attempt}
                {mobile && (
                  <>
                    {' · '}
                    <TimeAgo date={d.createdAt} fz="xs" c="dimmed" />
                  </>
                )}
              </Text>
            </Table.Td>
            {!mobile && (
              <Table.Td>
                <TimeAgo date={d.createdAt} />
              </Table.Td>
            )}
            <Table.Td>
              <Tooltip label={d.error ?? ''} disabled={!d.error} withArrow multiline maw={320}>
                <Badge size="sm" variant="light" color={d.succeeded ? 'teal' : 'red'}>
                  {d.statusCode ?? (d.succeeded ? 'OK' : 'No answer')}
                </Badge>
              </Tooltip>
            </Table.Td>
            {!mobile && (
              <Table.Td className="patron-num" fz="sm">
                {d.responseMs === null ? '—' : `${d.responseMs} ms`}
              </Table.Td>
            )}
            {!mobile && (
              <Table.Td maw={280}>
                <Text fz="xs" ff="monospace" c="dimmed" lineClamp={2} style={{ overflowWrap: 'anywhere' }}>
                  {d.error ?? d.responseExcerpt ?? '—'}
                </Text>
              </Table.Td>
            )}
          </Table.Tr>
        ))}
      </Table.Tbody>
    </TableCard>
  );
}

function SubscriptionModal({ sub, onClose, onCreated }: { sub: Subscription | 'new' | null; onClose: () => void; onCreated: (url: string, secret: string) => void }) {
  const create = useCreateSubscription();
  const update = useUpdateSubscription();
  const existing = sub && sub !== 'new' ? sub : null;
  const [url, setUrl] = useState('');
  const [description, setDescription] = useState('');
  const [types, setTypes] = useState<string[]>([]);
  const [all, setAll] = useState(true);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [problem, setProblem] = useState<string | null>(null);

  useEffect(() => {
    if (!sub) return;
    const s = sub === 'new' ? null : sub;
    setUrl(s?.url ?? '');
    setDescription(s?.description ?? '');
    setAll(s ? s.activityTypes.includes('*') : true);
    setTypes(s ? s.activityTypes.filter((t) => t !== '*') : []);
    setErrors({});
    setProblem(null);
  }, [sub]);

  const onError = (err: unknown) => {
    const fe = err instanceof ApiError ? err.fields : {};
    setErrors(fe);
    if (!Object.keys(fe).length) setProblem(errorMessage(err));
  };

  const submit = () => {
    const activityTypes = all ? ['*'] : types;
    if (!all && !types.length) {
      setErrors({ activityTypes: 'Choose at least one activity type, or send all activity' });
      return;
    }
    setProblem(null);
    if (existing) {
      update.mutate({ id: existing.id, url: url.trim(), description: description.trim(), activityTypes }, { onSuccess: () => { notifySuccess('Saved.', 'Endpoint updated'); onClose(); }, onError });
    } else {
      create.mutate({ url: url.trim(), description: description.trim(), activityTypes, enabled: true }, { onSuccess: (r) => onCreated(r.subscription.url, r.secret), onError });
    }
  };

  return (
    <FormModal opened={sub !== null} onClose={onClose} title={existing ? 'Edit endpoint' : 'Add endpoint'} size="lg" onSubmit={submit} problem={problem}>
      <TextInput
        label="Endpoint URL"
        description="HTTPS. Plain http:// only to localhost while you develop."
        placeholder="https://example.com/patron-webhooks"
        value={url}
        onChange={(e) => {
          setUrl(e.currentTarget.value);
          setErrors((x) => ({ ...x, url: '' }));
        }}
        error={errors.url}
        data-autofocus
        maxLength={2000}
      />
      <TextInput label="Description" description="Optional: what receives it" value={description} onChange={(e) => setDescription(e.currentTarget.value)} error={errors.description} maxLength={500} />
      <Switch label="Send all activity" description="Every activity type, including custom events and types added later." checked={all} onChange={(e) => setAll(e.currentTarget.checked)} />
      {!all && (
        <TagsInput
          label="Activity types"
          description="Pick from the list or type a custom event name and press Enter."
          data={KNOWN_ACTIVITY_TYPES}
          value={types}
          onChange={(v) => {
            setTypes(v);
            setErrors((x) => ({ ...x, activityTypes: '' }));
          }}
          error={errors.activityTypes}
          clearable
          acceptValueOnBlur
          comboboxProps={{ withinPortal: true }}
        />
      )}
      <Group justify="flex-end">
        <Button variant="default" onClick={onClose}>
          Cancel
        </Button>
        <Button type="submit" loading={create.isPending || update.isPending}>
          {existing ? 'Save' : 'Add endpoint'}
        </Button>
      </Group>
    </FormModal>
  );
}

