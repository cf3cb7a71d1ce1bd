import { Alert, Badge, Button, Group, Loader, Modal, Paper, Radio, ScrollArea, SegmentedControl, Stack, Table, Text, TextInput, UnstyledButton } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconAlertCircle, IconArrowLeft, IconGitMerge, IconSearch } from '@tabler/icons-react';
import { useNavigate } from '@tanstack/react-router';
import { useEffect, useState } from 'react';
import { notifySuccess } from '../../components/notify.tsx';
import { useIsMobile } from '../../components/useIsMobile.ts';
import { errorMessage } from '../../lib/api.ts';
import { plural, shortDate } from '../../lib/format.ts';
import { countryName } from '../../lib/geo.ts';
import { formatMoney } from '../../lib/money.ts';
import { CustomerAvatar } from './CustomerAvatar.tsx';
import { FIELD_NAMES } from './IdentitiesPanel.tsx';
import { useCustomer, useCustomerSearch, useMerge } from './api.ts';
import type { CustomerDetail, MergeField } from './api.ts';

const MERGE_FIELDS: MergeField[] = ['firstName', 'lastName', 'email', 'phone', 'birthday', 'locale', 'timeZone', 'country'];

const show = (f: MergeField, v: string | null) => (v === null || v === '' ? null : f === 'country' ? `${countryName(v)} (${v})` : v);

/**
 * Merges another profile with this one: find it, compare both side by side, pick per field whose value
 * stays, and confirm. Everything else (identities, orders, notes, activity, tags) of both is kept.
 */
export function MergeModal({ customer, opened, onClose }: { customer: CustomerDetail; opened: boolean; onClose: () => void }) {
  const [otherId, setOtherId] = useState<string | null>(null);
  useEffect(() => {
    if (opened) setOtherId(null);
  }, [opened]);
  return (
    <Modal opened={opened} onClose={onClose} title={<Text fw={600}>Merge profiles</Text>} size={otherId ? 'xl' : 'lg'} centered>
      {otherId ? (
        <Compare customer={customer} otherId={otherId} onBack={() => setOtherId(null)} onDone={onClose} />
      ) : (
        <Pick customer={customer} onPick={setOtherId} />
      )}
    </Modal>
  );
}

function Pick({ customer, onPick }: { customer: CustomerDetail; onPick: (id: string) => void }) {
  const [q, setQ] = useState('');
  const [debounced] = useDebouncedValue(q.trim(), 250);
  const results = useCustomerSearch(debounced);
  const others = (results.data ?? []).filter((c) => c.id !== customer.id);
  return (
    <Stack>
      <Text fz="sm" c="dimmed">
        Find the other profile of {customer.name}: the same person under another email, a guest checkout, an old account.
      </Text>
      <TextInput
        label="Find a customer"
        placeholder="Name, email, phone or external id"
        leftSection={<IconSearch size={16} />}
        rightSection={results.isFetching ? <Loader size={14} /> : undefined}
        value={q}
        onChange={(e) => setQ(e.currentTarget.value)}
        data-autofocus
        type="search"
      />
      {debounced && !results.isPending && (
        <Stack gap={6} aria-label="Matching customers">
          {others.length === 0 ? (
            <Text fz="sm" c="dimmed" ta="center" py="md">
              No other customer matches “{debounced}”.
            </Text>
          ) : (
            others.map((c) => (
              <UnstyledButton key={c.id} onClick={() => onPick(c.id)} aria-label={`Compare with ${c.name}`}>
                <Paper withBorder radius="md" p="sm" className="patron-row-clickable">
                  <Group gap="sm" wrap="nowrap">
                    <CustomerAvatar id={c.id} name={c.name} size={32} />
                    <Stack gap={0} style={{ flex: 1, minWidth: 0 }}>
                      <Text fz="sm" fw={500} truncate>
                        {c.name}
                      </Text>
                      <Text fz="xs" c="dimmed" truncate>
                        {[c.email !== c.name ? c.email : null, c.phone, c.country ? countryName(c.country) : null].filter(Boolean).join(' · ') || 'No contact details'}
                      </Text>
                    </Stack>
                    <Text fz="xs" c="dimmed" className="patron-num">
                      {plural(c.orderCount, 'order')}
                      <br />
                      {formatMoney(c.totalSpent, c.currency)}
                    </Text>
                  </Group>
                </Paper>
              </UnstyledButton>
            ))
          )}
        </Stack>
      )}
    </Stack>
  );
}

function Compare({ customer, otherId, onBack, onDone }: { customer: CustomerDetail; otherId: string; onBack: () => void; onDone: () => void }) {
  const other = useCustomer(otherId);
  const merge = useMerge();
  const navigate = useNavigate();
  const mobile = useIsMobile();
  // Which profile survives (keeps its id, and is where the other one's links lead).
  const [keep, setKeep] = useState<'this' | 'other'>('this');
  // Per field, whose value stays: 'this' or 'other'.
  const [pick, setPick] = useState<Partial<Record<MergeField, 'this' | 'other'>>>({});
  const [problem, setProblem] = useState<string | null>(null);

  useEffect(() => {
    if (!other.data) return;
    const o = other.data;
    // Start from what the server would do: the survivor's value, else the other's.
    setPick(Object.fromEntries(MERGE_FIELDS.map((f) => [f, customer[f] ? 'this' : o[f] ? 'other' : 'this'])));
  }, [other.data, customer]);

  if (other.isPending) {
    return (
      <Group justify="center" py="xl">
        <Loader aria-label="Loading the other profile" />
      </Group>
    );
  }
  if (other.isError) {
    return (
      <Alert color="red" icon={<IconAlertCircle size={18} />} title="Could not load that profile">
        {errorMessage(other.error)}
      </Alert>
    );
  }
  const o = other.data;
  if (o.mergedInto) {
    return (
      <Stack>
        <Alert color="yellow" icon={<IconAlertCircle size={18} />}>
          That profile was already merged into another one. Pick the surviving profile instead.
        </Alert>
        <Group>
          <Button variant="default" leftSection={<IconArrowLeft size={16} />} onClick={onBack}>
            Back to search
          </Button>
        </Group>
      </Stack>
    );
  }

  const differs = (f: MergeField) => (customer[f] ?? '') !== (o[f] ?? '') && Boolean(customer[f]) && Boolean(o[f]);
  const survivor = keep === 'this' ? customer : o;
  const mergedAway = keep === 'this' ? o : customer;

  const confirm = () => {
    const choose: Partial<Record<MergeField, 'survivor' | 'merged'>> = {};
    for (const f of MERGE_FIELDS) {
      const side = pick[f] ?? 'this';
      choose[f] = (side === 'this') === (keep === 'this') ? 'survivor' : 'merged';
    }
    setProblem(null);
    merge.mutate(
      { survivorId: survivor.id, mergedId: mergedAway.id, choose },
      {
        onSuccess: (c) => {
          notifySuccess(`${mergedAway.name} is now part of ${c.name}.`, 'Profiles merged');
          onDone();
          void navigate({ to: '/customers/$id', params: { id: c.id } });
        },
        onError: (err) => setProblem(errorMessage(err)),
      },
    );
  };

  const head = (c: CustomerDetail, label: string) => (
    <Stack gap={2}>
      <Group gap={6} wrap="nowrap">
        <Text fz="xs" fw={600} c="dimmed" tt="uppercase">
          {label}
        </Text>
        {survivor.id === c.id ? (
          <Badge size="xs" color="teal" variant="light">
            Stays
          </Badge>
        ) : (
          <Badge size="xs" color="gray" variant="light">
            Merged in
          </Badge>
        )}
      </Group>
      <Text fz="sm" fw={600} truncate tt="none" c="var(--mantine-color-text)" style={{ letterSpacing: 0 }}>
        {c.name}
      </Text>
      <Text fz="xs" c="dimmed" className="patron-tabular" tt="none" fw={400} style={{ letterSpacing: 0 }}>
        {plural(c.orderCount, 'order')} · {formatMoney(c.totalSpent, c.currency)} · since {shortDate(c.createdAt)}
      </Text>
    </Stack>
  );

  return (
    <Stack gap="md">
      <Group justify="space-between" wrap="wrap" gap="sm">
        <Button variant="subtle" color="gray" size="compact-sm" leftSection={<IconArrowLeft size={14} />} onClick={onBack}>
          Pick another profile
        </Button>
        <Group gap="xs">
          <Text fz="sm" id="merge-keep-label">
            Profile that stays:
          </Text>
          <SegmentedControl
            size="xs"
            aria-labelledby="merge-keep-label"
            value={keep}
            onChange={(v) => setKeep(v === 'other' ? 'other' : 'this')}
            data={[
              { value: 'this', label: 'This one' },
              { value: 'other', label: 'The other' },
            ]}
          />
        </Group>
      </Group>

      <ScrollArea type="auto">
        <Table miw={mobile ? 520 : undefined} verticalSpacing="xs" layout="fixed">
          <Table.Thead>
            <Table.Tr>
              <Table.Th w={mobile ? 100 : 130}>Field</Table.Th>
              <Table.Th>{head(customer, 'This profile')}</Table.Th>
              <Table.Th>{head(o, 'Other profile')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {MERGE_FIELDS.filter((f) => customer[f] || o[f]).map((f) => {
              const a = show(f, customer[f]);
              const b = show(f, o[f]);
              const choice = differs(f);
              return (
                <Table.Tr key={f}>
                  <Table.Td>
                    <Text fz="sm" fw={500}>
                      {FIELD_NAMES[f]}
                    </Text>
                  </Table.Td>
                  {choice ? (
                    <>
                      <Table.Td>
                        <Radio name={`merge-${f}`} checked={pick[f] === 'this'} onChange={() => setPick((p) => ({ ...p, [f]: 'this' }))} label={a} aria-label={`Keep ${FIELD_NAMES[f]} ${a} from this profile`} styles={{ label: { overflowWrap: 'anywhere' } }} />
                      </Table.Td>
                      <Table.Td>
                        <Radio name={`merge-${f}`} checked={pick[f] === 'other'} onChange={() => setPick((p) => ({ ...p, [f]: 'other' }))} label={b} aria-label={`Keep ${FIELD_NAMES[f]} ${b} from the other profile`} styles={{ label: { overflowWrap: 'anywhere' } }} />
                      </Table.Td>
                    </>
                  ) : (
                    <>
                      <Table.Td>
                        <Text fz="sm" c={a ? undefined : 'dimmed'} style={{ overflowWrap: 'anywhere' }} fw={a && (pick[f] === 'this' || !b) ? 500 : undefined}>
                          {a ?? '—'}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        <Text fz="sm" c={b ? undefined : 'dimmed'} style={{ overflowWrap: 'anywhere' }} fw={b && !a ? 500 : undefined}>
                          {b ?? '—'}
                        </Text>
                      </Table.Td>
                    </>
                  )}
                </Table.Tr>
              );
            })}
            <Table.Tr>
              <Table.Td>
                <Text fz="sm" fw={500}>
                  Identities
                </Text>
              </Table.Td>
              <Table.Td fz="sm">{plural(customer.identities.length, 'identity', 'identities')}</Table.Td>
              <Table.Td fz="sm">{plural(o.identities.length, 'identity', 'identities')}</Table.Td>
            </Table.Tr>
            <Table.Tr>
              <Table.Td>
                <Text fz="sm" fw={500}>
                  Tags
                </Text>
              </Table.Td>
              <Table.Td fz="sm">{customer.tags.join(', ') || '—'}</Table.Td>
              <Table.Td fz="sm">{o.tags.join(', ') || '—'}</Table.Td>
            </Table.Tr>
          </Table.Tbody>
        </Table>
      </ScrollArea>

      <Text fz="sm" c="dimmed">
        Where both profiles have a value, pick the one to keep. Identities, orders, refunds, carts, notes, activity, tags, addresses and custom attributes of
        both are kept on the profile that stays; {mergedAway.name}’s address will lead to it. This cannot be undone.
      </Text>

      {problem && (
        <Alert color="red" icon={<IconAlertCircle size={18} />} title="Not merged">
          {problem}
        </Alert>
      )}

      <Group justify="flex-end">
        <Button variant="default" onClick={onDone}>
          Cancel
        </Button>
        <Button color="red" leftSection={<IconGitMerge size={16} />} loading={merge.isPending} onClick={confirm}>
          Merge into {survivor.name.length > 28 ? 'the profile that stays' : survivor.name}
        </Button>
      </Group>
    </Stack>
  );
}
