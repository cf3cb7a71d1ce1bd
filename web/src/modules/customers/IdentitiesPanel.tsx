import { Anchor, Badge, Button, Group, Paper, Stack, Table, Text, ThemeIcon, Title, Tooltip } from '@mantine/core';
import { IconCircleCheck, IconCircleDashed, IconGitMerge } from '@tabler/icons-react';
import { Link } from '@tanstack/react-router';
import { TableCard } from '../../components/DataTable.tsx';
import { Empty } from '../../components/Empty.tsx';
import { ErrorState } from '../../components/ErrorState.tsx';
import { TableSkeleton } from '../../components/TableSkeleton.tsx';
import { TimeAgo } from '../../components/TimeAgo.tsx';
import { useIsMobile } from '../../components/useIsMobile.ts';
import { absoluteTime } from '../../lib/format.ts';
import { movedSummary } from './activity.tsx';
import { useMerges } from './api.ts';
import type { CustomerDetail, Identity, MergeRecord } from './api.ts';

const KIND_LABELS: Record<Identity['kind'], string> = {
  email: 'Email',
  phone: 'Phone',
  external: 'External id',
  user_id: 'User id',
  anonymous: 'Anonymous id',
};

const KIND_COLORS: Record<Identity['kind'], string> = { email: 'blue', phone: 'teal', external: 'grape', user_id: 'indigo', anonymous: 'gray' };

export const FIELD_NAMES: Record<string, string> = {
  firstName: 'First name', lastName: 'Last name', email: 'Email', phone: 'Phone', birthday: 'Birthday', locale: 'Language', timeZone: 'Time zone', country: 'Country',
};

/** The identities that point at this profile and the merges it took part in; the Merge action starts here too. */
export function IdentitiesPanel({ customer, onMerge }: { customer: CustomerDetail; onMerge?: () => void }) {
  const mobile = useIsMobile();
  const merges = useMerges(customer.id);
  return (
    <Stack gap="lg">
      <Stack gap="xs">
        <Group justify="space-between" gap="xs">
          <Title order={3} fz="md" fw={600}>
            Identities
          </Title>
          {onMerge && (
            <Button size="xs" variant="default" leftSection={<IconGitMerge size={14} />} onClick={onMerge}>
              Merge with another profile
            </Button>
          )}
        </Group>
        <Text fz="sm" c="dimmed">
          Every email, phone and id that leads to this customer. Data that arrives with any of them is added to this profile.
        </Text>
        {customer.identities.length === 0 ? (
          <Paper withBorder radius="md">
            <Empty icon={<IconCircleDashed size={24} />} title="No identities" description="This profile has no email, phone or id yet." />
          </Paper>
        ) : (
          <TableCard minWidth={{ base: 0, sm: 560 }}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Kind</Table.Th>
                <Table.Th>Value</Table.Th>
                {!mobile && <Table.Th>Source</Table.Th>}
                <Table.Th>Verified</Table.Th>
                {!mobile && <Table.Th>Added</Table.Th>}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {customer.identities.map((i) => (
                <Table.Tr key={i.id}>
                  <Table.Td>
                    <Badge size="sm" variant="light" color={KIND_COLORS[i.kind]}>
                      {KIND_LABELS[i.kind]}
                    </Badge>
                  </Table.Td>
                  <Table.Td>
                    <Text fz="sm" ff="monospace" style={{ overflowWrap: 'anywhere' }}>
                      {i.value}
                    </Text>
                    {mobile && i.source && (
                      <Text fz="xs" c="dimmed">
                        {i.source}
                      </Text>
                    )}
                  </Table.Td>
                  {!mobile && (
                    <Table.Td>
                      <Text fz="sm" c={i.source ? undefined : 'dimmed'}>
                        {i.source || '—'}
                      </Text>
                    </Table.Td>
                  )}
                  <Table.Td>
                    {i.verified ? (
                      <Tooltip label="A store, an import or a secret API key vouched for it" withArrow>
                        <Group gap={4} wrap="nowrap">
                          <IconCircleCheck size={16} color="var(--mantine-color-teal-6)" aria-hidden />
                          <Text fz="sm">Yes</Text>
                        </Group>
                      </Tooltip>
                    ) : (
                      <Tooltip label="Seen in the browser only: it never joins a profile that already owns it" withArrow>
                        <Group gap={4} wrap="nowrap">
                          <IconCircleDashed size={16} color="var(--mantine-color-dimmed)" aria-hidden />
                          <Text fz="sm" c="dimmed">
                            No
                          </Text>
                        </Group>
                      </Tooltip>
                    )}
                  </Table.Td>
                  {!mobile && (
                    <Table.Td>
                      <TimeAgo date={i.createdAt} />
                    </Table.Td>
                  )}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </TableCard>
        )}
      </Stack>

      <Stack gap="xs">
        <Title order={3} fz="md" fw={600}>
          Merge history
        </Title>
        {merges.isPending ? (
          <Paper withBorder radius="md">
            <TableSkeleton rows={2} />
          </Paper>
        ) : merges.isError ? (
          <ErrorState error={merges.error} onRetry={() => void merges.refetch()} />
        ) : merges.data.length === 0 ? (
          <Text fz="sm" c="dimmed">
            This profile has not been merged with another one.
          </Text>
        ) : (
          <Stack gap="sm">
            {merges.data.map((m) => (
              <MergeEntry key={m.id} merge={m} customerId={customer.id} />
            ))}
          </Stack>
        )}
      </Stack>
    </Stack>
  );
}

function snapshotName(m: MergeRecord): string {
  const snap = m.mergedSnapshot;
  if (snap && typeof snap === 'object' && 'name' in snap && typeof snap.name === 'string') return snap.name;
  return 'another profile';
}

function MergeEntry({ merge: m, customerId }: { merge: MergeRecord; customerId: string }) {
  const survivor = m.survivorId === customerId;
  const chosen = Object.entries(m.chosen).filter(([, v]) => v === 'merged').map(([k]) => FIELD_NAMES[k] ?? k);
  const moved = movedSummary(m.moved);
  return (
    <Paper withBorder radius="md" p="md">
      <Group gap="sm" wrap="nowrap" align="flex-start">
        <ThemeIcon variant="light" radius="xl" size={30} aria-hidden>
          <IconGitMerge size={16} />
        </ThemeIcon>
        <Stack gap={4} style={{ minWidth: 0 }}>
          <Text fz="sm" fw={500}>
            {survivor ? (
              <>
                <Anchor renderRoot={(props) => <Link to="/customers/$id" params={{ id: m.mergedId }} {...props} />} fz="sm" fw={600}>
                  {snapshotName(m)}
                </Anchor>{' '}
                was merged into this profile
              </>
            ) : (
              <>
                This profile was merged into{' '}
                <Anchor renderRoot={(props) => <Link to="/customers/$id" params={{ id: m.survivorId }} {...props} />} fz="sm" fw={600}>
                  the surviving profile
                </Anchor>
              </>
            )}
          </Text>
          <Text fz="sm" c="dimmed">
            {[
              m.reason === 'manual' ? 'By hand' : m.reason.startsWith('identity') ? `Automatically: shared ${m.reason.replace(/^identity:\s*/, '')}` : m.reason,
              moved ? moved.charAt(0).toUpperCase() + moved.slice(1) : undefined,
              chosen.length ? `kept the merged profile’s ${chosen.join(', ').toLowerCase()}` : undefined,
            ]
              .filter(Boolean)
              .join(' · ')}
          </Text>
          <Text fz="xs" c="dimmed">
            <TimeAgo date={m.createdAt} fz="xs" c="dimmed" /> · {absoluteTime(m.createdAt)} · by {m.actorLabel}
          </Text>
        </Stack>
      </Group>
    </Paper>
  );
}
