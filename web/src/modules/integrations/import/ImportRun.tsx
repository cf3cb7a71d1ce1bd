import { Alert, Anchor, Badge, Button, Group, Paper, Progress, SimpleGrid, Stack, Stepper, Table, Text, Title } from '@mantine/core';
import { IconAlertCircle, IconCircleCheck, IconDownload, IconTestPipe } from '@tabler/icons-react';
import { TableCard } from '../../../components/DataTable.tsx';
import { Stat, StatGroup } from '../../../components/StatCard.tsx';
import { useIsMobile } from '../../../components/useIsMobile.ts';
import { formatInt, formatMoney } from '../../../lib/money.ts';
import type { ImportDetail } from '../api.ts';

type Summary = NonNullable<ImportDetail['progress']>;
type Counts = Summary['customers'];

const PHASES: Summary['phase'][] = ['validating', 'writing', 'finishing', 'done'];
const KINDS: { key: 'customers' | 'products' | 'orders' | 'guestOrders' | 'refunds'; label: string }[] = [
  { key: 'customers', label: 'Customers' },
  { key: 'products', label: 'Products' },
  { key: 'orders', label: 'Orders' },
  { key: 'guestOrders', label: 'Guest orders' },
  { key: 'refunds', label: 'Refunds and cancellations' },
];

const done = (c: Counts) => c.created + c.updated + c.skipped + c.invalid;

/**
 * A run in progress. Reading the file has no known end (the row count is not known in advance), so that
 * phase shows the rows read; writing has one: the records found while reading.
 */
export function ImportProgress({ imp }: { imp: ImportDetail }) {
  const p = imp.progress;
  const phase = p?.phase ?? 'validating';
  const found = p ? KINDS.reduce((n, k) => n + p[k.key].found, 0) : 0;
  const written = p ? KINDS.reduce((n, k) => n + done(p[k.key]), 0) : 0;
  const writing = phase === 'writing' && found > 0;
  const pct = writing ? Math.min(99, (written / found) * 100) : phase === 'finishing' ? 99 : 100;
  return (
    <Paper withBorder radius="md" p="lg">
      <Stack gap="md">
        <Group justify="space-between" wrap="wrap">
          <Title order={2} fz="lg" fw={600}>
            {imp.status === 'queued' ? 'Waiting to start…' : imp.dryRun ? 'Dry run in progress' : 'Importing'}
          </Title>
          {imp.dryRun && (
            <Badge variant="light" color="grape" leftSection={<IconTestPipe size={12} />}>
              Dry run: nothing is written
            </Badge>
          )}
        </Group>
        {!imp.dryRun && (
          <Stepper active={PHASES.indexOf(phase)} size="xs" allowNextStepsSelect={false}>
            <Stepper.Step label="Read" description="Check every row" />
            <Stepper.Step label="Write" description="Create and update" />
            <Stepper.Step label="Finish" description="Customer totals" />
          </Stepper>
        )}
        <Progress value={pct} striped={!writing} animated size="lg" aria-label="Import progress" />
        <Text fz="sm" c="dimmed" className="patron-tabular">
          {writing
            ? `${formatInt(written)} of ${formatInt(found)} records ${imp.dryRun ? 'checked' : 'written'} (${pct.toFixed(0)}%)`
            : phase === 'validating'
              ? `${formatInt(p?.rowsRead ?? 0)} rows read${p?.rowsRejected ? `, ${formatInt(p.rowsRejected)} rejected` : ''}`
              : 'Updating customer totals…'}
        </Text>
      </Stack>
    </Paper>
  );
}

/** What a finished run did: per kind found / created / updated / skipped / invalid, money, and its issues. */
export function ImportResult({ imp, onRunForReal }: { imp: ImportDetail; onRunForReal?: () => void }) {
  const p = imp.progress;
  const mobile = useIsMobile();
  const failed = imp.status === 'failed';
  const kinds = p ? KINDS.filter((k) => p[k.key].found + p[k.key].invalid > 0) : [];
  return (
    <Stack gap="lg">
      {failed ? (
        <Alert color="red" icon={<IconAlertCircle size={18} />} title={imp.dryRun ? 'The dry run failed' : 'The import failed'}>
          {imp.error ?? 'The file could not be read as configured.'}
          {!imp.dryRun && ' What was written before the failure stays; running the import again continues where it stopped.'}
        </Alert>
      ) : imp.dryRun ? (
        <Alert color="grape" icon={<IconTestPipe size={18} />} title="Dry run finished: nothing was written">
          <Group justify="space-between" wrap="wrap" gap="sm">
            <Text fz="sm">Every row was read and checked; this is what the file holds. Change the mapping below, or import it as it is.</Text>
            {onRunForReal && (
              <Button size="xs" onClick={onRunForReal}>
                Import for real
              </Button>
            )}
          </Group>
        </Alert>
      ) : (
        <Alert color="teal" icon={<IconCircleCheck size={18} />} title="Import finished">
          Imported in {p ? `${p.seconds.toFixed(1)} s` : '—'}. Importing the same file again changes nothing; a newer export updates what changed.
        </Alert>
      )}

      {p && (
        <StatGroup cols={{ base: 2, sm: 4 }}>
          <Stat label="Rows read" value={formatInt(p.rowsRead)} />
          <Stat label="Rows rejected" value={formatInt(p.rowsRejected)} hint={p.rowsRejected ? 'See the issues below' : undefined} />
          <Stat label="Rows ignored" value={formatInt(p.rowsIgnored)} hint={p.rowsIgnored ? 'Not about this kind' : undefined} />
          <Stat label="Warnings" value={formatInt(p.warnings)} />
        </StatGroup>
      )}

      {p && kinds.length > 0 && (
        <TableCard minWidth={{ base: 0, sm: 620 }}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th />
              <Table.Th ta="right">{imp.dryRun ? 'Valid' : 'Found'}</Table.Th>
              {!imp.dryRun && <Table.Th ta="right">Created</Table.Th>}
              {!imp.dryRun && <Table.Th ta="right">Updated</Table.Th>}
              {!imp.dryRun && !mobile && <Table.Th ta="right">Unchanged</Table.Th>}
              {(imp.dryRun || !mobile) && <Table.Th ta="right">Invalid</Table.Th>}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {kinds.map((k) => {
              const c = p[k.key];
              return (
                <Table.Tr key={k.key}>
                  <Table.Td fz="sm" fw={500}>
                    {k.label}
                  </Table.Td>
                  <Table.Td className="patron-num" fz="sm">
                    {formatInt(c.found)}
                  </Table.Td>
                  {!imp.dryRun && (
                    <Table.Td className="patron-num" fz="sm">
                      {formatInt(c.created)}
                    </Table.Td>
                  )}
                  {!imp.dryRun && (
                    <Table.Td className="patron-num" fz="sm">
                      {formatInt(c.updated)}
                    </Table.Td>
                  )}
                  {!imp.dryRun && !mobile && (
                    <Table.Td className="patron-num" fz="sm">
                      {formatInt(c.skipped)}
                    </Table.Td>
                  )}
                  {(imp.dryRun || !mobile) && (
                    <Table.Td className="patron-num" fz="sm" c={c.invalid ? 'red' : undefined}>
                      {formatInt(c.invalid)}
                    </Table.Td>
                  )}
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </TableCard>
      )}

      {p && Object.keys(p.money).length > 0 && (
        <SimpleGrid cols={{ base: 1, sm: Math.min(3, Object.keys(p.money).length) }} spacing="sm">
          {Object.entries(p.money).map(([currency, m]) => (
            <StatGroup key={currency} cols={3}>
              <Stat label={`Orders (${currency})`} value={formatMoney(m.orders, currency)} />
              <Stat label="Refunds" value={formatMoney(m.refunds, currency)} />
              <Stat label="Net" value={formatMoney(m.net, currency)} />
            </StatGroup>
          ))}
        </SimpleGrid>
      )}

      <Issues imp={imp} />
    </Stack>
  );
}

function Issues({ imp }: { imp: ImportDetail }) {
  const mobile = useIsMobile();
  if (imp.issueCount === 0) {
    return (
      <Text fz="sm" c="dimmed">
        No row was rejected and there were no warnings.
      </Text>
    );
  }
  return (
    <Stack gap="xs">
      <Group justify="space-between" wrap="wrap">
        <Title order={2} fz="lg" fw={600}>
          Issues{' '}
          <Text span c="dimmed" fz="lg" className="patron-tabular">
            {formatInt(imp.issueCount)}
          </Text>
        </Title>
        <Button component="a" href={`/api/imports/${imp.id}/errors.csv`} download variant="default" size="xs" leftSection={<IconDownload size={14} />}>
          Download all as CSV
        </Button>
      </Group>
      {imp.issueCount > imp.issues.length && (
        <Text fz="sm" c="dimmed">
          The first {imp.issues.length} are shown; the CSV has all {formatInt(imp.issueCount)} with their line numbers.
        </Text>
      )}
      <TableCard minWidth={{ base: 0, sm: 620 }}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th ta="right" w={80}>
              Line
            </Table.Th>
            <Table.Th w={100}>Severity</Table.Th>
            {!mobile && <Table.Th w={160}>Column</Table.Th>}
            <Table.Th>Message</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {imp.issues.map((i, k) => (
            <Table.Tr key={k}>
              <Table.Td className="patron-num" fz="sm">
                {i.line === null ? '—' : formatInt(i.line)}
              </Table.Td>
              <Table.Td>
                <Badge size="sm" variant="light" color={i.severity === 'error' ? 'red' : 'yellow'}>
                  {i.severity}
                </Badge>
              </Table.Td>
              {!mobile && (
                <Table.Td>
                  <Text fz="xs" ff="monospace">
                    {i.column ?? '—'}
                  </Text>
                </Table.Td>
              )}
              <Table.Td fz="sm" style={{ overflowWrap: 'anywhere' }}>
                {mobile && i.column && (
                  <Text span fz="xs" ff="monospace" c="dimmed">
                    {i.column}:{' '}
                  </Text>
                )}
                {i.message}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </TableCard>
      <Text fz="xs" c="dimmed">
        Line numbers count from the first line of the file (the header is line 1). <Anchor href={`/api/imports/${imp.id}/errors.csv`} download fz="xs">Download the CSV</Anchor> to fix the rows in a spreadsheet.
      </Text>
    </Stack>
  );
}
