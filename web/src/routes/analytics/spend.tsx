import { Alert, Autocomplete, Button, Checkbox, Code, FileButton, Grid, Group, List, Paper, Stack, Table, Text, TextInput, Title, UnstyledButton } from '@mantine/core';
import { IconAlertCircle, IconCoin, IconFileUpload, IconPlus, IconTrash } from '@tabler/icons-react';
import '../../modules/analytics/analytics.css';
import { useState } from 'react';
import type { ReactNode } from 'react';
import { BackLink } from '../../components/BackLink.tsx';
import { ConfirmModal } from '../../components/ConfirmModal.tsx';
import { TableCard } from '../../components/DataTable.tsx';
import { Empty } from '../../components/Empty.tsx';
import { ErrorState } from '../../components/ErrorState.tsx';
import { notifyError, notifySuccess } from '../../components/notify.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { RequirePermission } from '../../components/RequirePermission.tsx';
import { TableLoadingCard } from '../../components/TableSkeleton.tsx';
import { ApiError } from '../../lib/api.ts';
import { currencySymbol, formatMoney, majorToMinor, minorToMajorString } from '../../lib/money.ts';
import { useAnalyticsStatus, useDeleteSpend, useImportSpend, useSaveSpend, useSpend, type Spend } from '../../modules/analytics/api.ts';
import { monthLabel } from '../../modules/analytics/range.ts';
import { useCan } from '../../modules/session/context.tsx';

export function MarketingSpendPage(): ReactNode {
  return (
    <RequirePermission permission="analytics:read">
      <MarketingSpend />
    </RequirePermission>
  );
}

const SUGGESTED = ['google', 'facebook', 'instagram', 'tiktok', 'bing', 'newsletter', 'affiliates', 'influencers'];

function MarketingSpend() {
  const status = useAnalyticsStatus();
  const list = useSpend();
  const can = useCan();
  const writable = can('analytics:write');
  const currency = status.data?.currency ?? 'USD';
  const [deleting, setDeleting] = useState<Spend | null>(null);
  const [editing, setEditing] = useState<Spend | { channel: string; month: string } | null>(null);
  const remove = useDeleteSpend();
  const items = list.data ?? [];
  const byMonth = new Map<string, number>();
  const byChannel = new Map<string, number>();
  const cell = new Map<string, Spend>();
  for (const s of items) {
    byMonth.set(s.month, (byMonth.get(s.month) ?? 0) + s.amount);
    byChannel.set(s.channel, (byChannel.get(s.channel) ?? 0) + s.amount);
    cell.set(`${s.month}|${s.channel}`, s);
  }
  const months = [...byMonth.keys()].sort().reverse();
  const channels = [...byChannel.keys()].sort((a, b) => byChannel.get(b)! - byChannel.get(a)! || a.localeCompare(b));

  return (
    <>
      <BackLink to="/analytics" label="Analytics" />
      <PageHeader
        title="Marketing spend"
        description="What you spent on each marketing channel, per month. Analytics divides it by the new customers each channel brought to show customer acquisition cost (CAC)."
      />
      <Grid gap="lg">
        <Grid.Col span={{ base: 12, md: writable ? 7 : 12 }}>
          {list.isPending || status.isPending ? (
            <TableLoadingCard rows={6} />
          ) : list.isError ? (
            <ErrorState error={list.error} onRetry={() => void list.refetch()} />
          ) : items.length === 0 ? (
            <Paper withBorder radius="md">
              <Empty
                icon={<IconCoin size={24} />}
                title="No spend entered yet"
                description={writable ? 'Add what each channel cost per month, or import a CSV exported from your ad accounts.' : 'An owner or admin can enter spend here.'}
              />
            </Paper>
          ) : (
            <TableCard minWidth={{ base: 0, sm: 120 + channels.length * 110 }}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Month</Table.Th>
                  {channels.map((c) => (
                    <Table.Th key={c} ta="right">
                      {c}
                    </Table.Th>
                  ))}
                  <Table.Th ta="right">Total</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {months.map((m) => (
                  <Table.Tr key={m}>
                    <Table.Td fz="sm" fw={500} style={{ whiteSpace: 'nowrap' }}>
                      {monthLabel(m)}
                    </Table.Td>
                    {channels.map((c) => {
                      const e = cell.get(`${m}|${c}`);
                      const label = `${c}, ${monthLabel(m)}`;
                      return (
                        <Table.Td key={c} className="patron-num" fz="sm" p={4}>
                          {writable ? (
                            <UnstyledButton
                              className="patron-barlist-row"
                              px={8}
                              py={4}
                              ta="right"
                              aria-label={e ? `${label}: ${formatMoney(e.amount, e.currency)}. Edit` : `${label}: none. Add`}
                              title={e?.note ?? undefined}
                              onClick={() => setEditing(e ?? { channel: c, month: m })}
                              style={{ outline: editing && editing.channel === c && editing.month === m ? '2px solid var(--mantine-color-indigo-5)' : undefined }}
                            >
                              {e ? formatMoney(e.amount, e.currency) : <Text span c="dimmed" fz="sm">—</Text>}
                            </UnstyledButton>
                          ) : e ? (
                            formatMoney(e.amount, e.currency)
                          ) : (
                            '—'
                          )}
                        </Table.Td>
                      );
                    })}
                    <Table.Td className="patron-num" fz="sm" fw={600}>
                      {formatMoney(byMonth.get(m) ?? 0, currency)}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </TableCard>
          )}
        </Grid.Col>
        {writable && (
          <Grid.Col span={{ base: 12, md: 5 }}>
            <Stack gap="lg">
              <SpendForm
                key={editing ? `${editing.channel}|${editing.month}` : 'new'}
                currency={currency}
                channels={[...new Set([...channels, ...SUGGESTED])]}
                editing={editing}
                onCancel={() => setEditing(null)}
                onDelete={(e) => setDeleting(e)}
              />
              <ImportSpendCard currency={currency} />
            </Stack>
          </Grid.Col>
        )}
      </Grid>
      <ConfirmModal
        opened={!!deleting}
        title="Delete this spend entry?"
        confirmLabel="Delete"
        color="red"
        loading={remove.isPending}
        onClose={() => setDeleting(null)}
        onConfirm={() =>
          deleting &&
          remove.mutate(deleting.id, {
            onSuccess: () => {
              notifySuccess(`Deleted ${deleting.channel}, ${monthLabel(deleting.month)}.`);
              setDeleting(null);
              setEditing(null);
            },
            onError: (e) => notifyError(e),
          })
        }
      >
        {deleting && `${deleting.channel}, ${monthLabel(deleting.month)}: ${formatMoney(deleting.amount, deleting.currency)}. CAC for that month changes accordingly.`}
      </ConfirmModal>
    </>
  );
}

function SpendForm({ currency, channels, editing, onCancel, onDelete }: {
  currency: string;
  channels: string[];
  editing: Spend | { channel: string; month: string } | null;
  onCancel: () => void;
  onDelete: (s: Spend) => void;
}) {
  const save = useSaveSpend();
  const existing = editing && 'id' in editing ? editing : null;
  const [channel, setChannel] = useState(editing?.channel ?? '');
  const [month, setMonth] = useState(editing?.month ?? new Date().toISOString().slice(0, 7));
  const [amount, setAmount] = useState(existing ? minorToMajorString(existing.amount, currency) : '');
  const [note, setNote] = useState(existing?.note ?? '');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const submit = () => {
    const minor = majorToMinor(amount, currency);
    const e: Record<string, string> = {};
    if (!channel.trim()) e.channel = 'Name the channel';
    if (!/^\d{4}-\d{2}$/.test(month)) e.month = 'Pick a month';
    if (minor === undefined || minor < 0) e.amount = `Enter an amount in ${currency}, like 1250.00`;
    setErrors(e);
    if (Object.keys(e).length) return;
    save.mutate(
      { channel: channel.trim(), month, amount: minor!, note: note.trim() || null },
      {
        onSuccess: (s) => {
          notifySuccess(`${s.channel}, ${monthLabel(s.month)}: ${formatMoney(s.amount, s.currency)}.`, 'Spend saved');
          if (editing) onCancel();
          else {
            setAmount('');
            setNote('');
          }
        },
        onError: (err) => (err instanceof ApiError && Object.keys(err.fields).length ? setErrors(err.fields) : notifyError(err)),
      },
    );
  };
  return (
    <Paper withBorder radius="md" p="lg">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <Stack gap="sm">
          <Title order={2} fz="md" fw={600}>
            {existing ? `Edit ${existing.channel}, ${monthLabel(existing.month)}` : 'Add spend'}
          </Title>
          <Autocomplete label="Channel" description="Matched to UTM sources, e.g. google" data={channels} value={channel} onChange={setChannel} error={errors.channel} disabled={!!existing} />
          <Group grow align="flex-start">
            <TextInput type="month" label="Month" value={month} onChange={(e) => setMonth(e.currentTarget.value)} error={errors.month} disabled={!!existing} />
            <TextInput label="Amount" leftSection={<Text fz="sm">{currencySymbol(currency)}</Text>} inputMode="decimal" placeholder="0.00" value={amount} onChange={(e) => setAmount(e.currentTarget.value)} error={errors.amount} data-autofocus />
          </Group>
          <TextInput label="Note (optional)" value={note} onChange={(e) => setNote(e.currentTarget.value)} maxLength={500} />
          <Text fz="xs" c="dimmed">
            {existing ? 'Saving replaces this entry.' : 'An existing entry for the same channel and month is replaced. Click a cell of the table to edit it.'}
          </Text>
          <Group justify="space-between">
            {existing ? (
              <Button variant="subtle" color="red" leftSection={<IconTrash size={16} />} onClick={() => onDelete(existing)}>
                Delete
              </Button>
            ) : (
              <span />
            )}
            <Group gap="xs">
              {editing && (
                <Button variant="default" onClick={onCancel}>
                  Cancel
                </Button>
              )}
              <Button type="submit" leftSection={existing ? undefined : <IconPlus size={16} />} loading={save.isPending}>
                Save
              </Button>
            </Group>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}

function ImportSpendCard({ currency }: { currency: string }) {
  const importSpend = useImportSpend();
  const [replace, setReplace] = useState(false);
  const [problems, setProblems] = useState<string[] | null>(null);
  const onFile = async (file: File | null) => {
    if (!file) return;
    setProblems(null);
    const csv = await file.text();
    importSpend.mutate(
      { csv, replace },
      {
        onSuccess: (r) => notifySuccess(`${r.rows} rows: ${r.created} new, ${r.updated} updated${r.deleted ? `, ${r.deleted} deleted` : ''}.`, `Imported ${file.name}`),
        onError: (err) => (err instanceof ApiError && err.problem.errors?.length ? setProblems(err.problem.errors.map((e) => e.detail)) : notifyError(err)),
      },
    );
  };
  return (
    <Paper withBorder radius="md" p="lg">
      <Stack gap="sm">
        <Title order={2} fz="md" fw={600}>
          Import a CSV
        </Title>
        <Text fz="sm" c="dimmed">
          A header row with <Code>channel</Code>, <Code>month</Code> (2024-03) and <Code>amount</Code> in {currency} (1250.00), and optionally <Code>note</Code>. Commas or
          semicolons. If any line is wrong nothing is imported, and each bad line is listed.
        </Text>
        <Code block fz="xs">
          {'channel,month,amount\ngoogle,2024-03,1250.00\nfacebook,2024-03,830.50'}
        </Code>
        <Checkbox label="Replace the months in the file (delete their entries the file does not list)" checked={replace} onChange={(e) => setReplace(e.currentTarget.checked)} />
        {problems && (
          <Alert color="red" variant="light" icon={<IconAlertCircle size={18} />} title="Nothing was imported" withCloseButton onClose={() => setProblems(null)}>
            <List size="sm" spacing={2}>
              {problems.map((p) => (
                <List.Item key={p}>{p.replace(/^line (\d+):/, 'Line $1:')}</List.Item>
              ))}
            </List>
          </Alert>
        )}
        <Group justify="flex-end">
          <FileButton onChange={(f) => void onFile(f)} accept=".csv,text/csv,text/plain">
            {(props) => (
              <Button {...props} variant="default" leftSection={<IconFileUpload size={16} />} loading={importSpend.isPending}>
                Choose a CSV file
              </Button>
            )}
          </FileButton>
        </Group>
      </Stack>
    </Paper>
  );
}
