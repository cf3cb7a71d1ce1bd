import '@mantine/charts/styles.css';
import { BarChart } from '@mantine/charts';
import { Anchor, Badge, Group, Paper, SimpleGrid, Stack, Table, Text, Title, Tooltip } from '@mantine/core';
import type { ReactNode } from 'react';
import { Stat, StatGroup } from '../../../components/StatCard.tsx';
import { TableCard } from '../../../components/DataTable.tsx';
import { formatInt, formatMoney } from '../../../lib/money.ts';
import { skipReasonText } from '../messages/status.tsx';
import type { Campaign, Report } from './api.ts';
import { METRIC_LABEL, pct } from './status.tsx';

function Card({ title, description, children }: { title: string; description?: ReactNode; children: ReactNode }) {
  return (
    <Paper withBorder radius="md" p="md">
      <Title order={2} fz="md" fw={600}>
        {title}
      </Title>
      {description && (
        <Text fz="sm" c="dimmed" mb="sm">
          {description}
        </Text>
      )}
      {children}
    </Paper>
  );
}

/** Headline figures: who it reached and what they did. */
export function ReportStats({ r }: { r: Report }) {
  const base = r.delivered > 0 ? 'delivered' : 'sent';
  return (
    <Stack gap="md" data-testid="campaign-stats">
      <StatGroup cols={{ base: 2, sm: 3, lg: 5 }}>
        <Stat label="Recipients" value={formatInt(r.recipients)} hint={r.queued ? `${formatInt(r.queued)} still queued` : 'Audience when sending started'} />
        <Stat label="Sent" value={formatInt(r.sent)} hint={r.skipped ? `${formatInt(r.skipped)} skipped` : r.failed ? `${formatInt(r.failed)} failed` : undefined} />
        <Stat label="Delivered" value={formatInt(r.delivered)} hint={r.delivered ? `${pct(r.rates.delivery)} of sent` : 'No delivery receipts yet'} />
        <Stat label="Opened" value={pct(r.rates.open)} hint={`${formatInt(r.opened)} unique, of ${base}`} />
        <Stat label="Clicked" value={pct(r.rates.click)} hint={r.opened ? `${formatInt(r.clicked)} unique · ${pct(r.rates.clickToOpen)} of opens` : `${formatInt(r.clicked)} unique`} />
      </StatGroup>
      <StatGroup cols={{ base: 2, sm: 3, lg: 5 }}>
        <Stat label="Orders" value={formatInt(r.orders)} hint={r.attributionAvailable ? `${pct(r.rates.conversion, 2)} conversion` : 'Attribution not set up'} />
        <Stat label="Revenue" value={formatMoney(r.revenueMinor, r.currency)} hint={r.otherCurrencies.length ? `+ ${r.otherCurrencies.map((o) => formatMoney(o.revenueMinor, o.currency)).join(', ')}` : r.recipients ? `${formatMoney(Math.round(r.revenueMinor / Math.max(r.sent, 1)), r.currency)} per message` : undefined} />
        <Stat label="Unsubscribed" value={formatInt(r.unsubscribed)} hint={pct(r.rates.unsubscribe, 2)} />
        <Stat label="Bounced" value={formatInt(r.bounced)} hint={pct(r.rates.bounce, 2)} />
        <Stat label="Marked as spam" value={formatInt(r.complained)} hint={pct(r.rates.complaint, 2)} />
      </StatGroup>
    </Stack>
  );
}

/** Sends, first opens and first clicks over time. */
export function Timeline({ r }: { r: Report }) {
  const fmt = new Intl.DateTimeFormat(undefined, r.timeline.bucket === 'hour' ? { weekday: 'short', hour: '2-digit', minute: '2-digit' } : { day: 'numeric', month: 'short' });
  const data = r.timeline.points.map((p) => ({ at: fmt.format(new Date(p.at)), Sent: p.sent, Opened: p.opened, Clicked: p.clicked }));
  return (
    <Card title="Over time" description={`Messages sent, first opens and first clicks per ${r.timeline.bucket}.`}>
      {data.every((d) => !d.Sent && !d.Opened && !d.Clicked) ? (
        <Text fz="sm" c="dimmed" py="lg" ta="center">
          The timeline fills in as messages go out and recipients open them.
        </Text>
      ) : (
        <BarChart
          h={240}
          data={data}
          dataKey="at"
          series={[
            { name: 'Sent', color: 'gray.4' },
            { name: 'Opened', color: 'indigo.6' },
            { name: 'Clicked', color: 'teal.6' },
          ]}
          withLegend
          legendProps={{ verticalAlign: 'bottom', height: 30 }}
          gridAxis="y"
          tickLine="none"
          maxBarWidth={18}
          valueFormatter={(v) => formatInt(v)}
          yAxisProps={{ width: 48, allowDecimals: false }}
        />
      )}
    </Card>
  );
}

/** One row per A/B variant, the winner marked. */
export function Variants({ r, c }: { r: Report; c: Campaign }) {
  if (!c.abTest) return null;
  const ab = c.abTest;
  const metricOf = (v: Report['variants'][number]) => (ab.metric === 'opens' ? pct(v.openRate) : ab.metric === 'clicks' ? pct(v.clickRate) : formatMoney(v.sent ? Math.round(v.revenueMinor / v.sent) : 0, r.currency));
  const pending = !c.winner && ab.testPercent < 100;
  return (
    <Card
      title="A/B test"
      description={
        ab.testPercent >= 100
          ? `Everyone got one of ${ab.variants.length} variants.`
          : `${ab.testPercent}% of the audience was split among ${ab.variants.length} variants; the winner by ${METRIC_LABEL[ab.metric].toLowerCase()} ${c.winner ? 'went' : 'goes'} to the rest${pending && c.testEndsAt ? ` (${new Date(c.testEndsAt).toLocaleString()})` : ''}.`
      }
    >
      <TableCard minWidth={{ base: 640 }}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Variant</Table.Th>
            <Table.Th ta="right">Recipients</Table.Th>
            <Table.Th ta="right">Sent</Table.Th>
            <Table.Th ta="right">Opened</Table.Th>
            <Table.Th ta="right">Clicked</Table.Th>
            <Table.Th ta="right">Orders</Table.Th>
            <Table.Th ta="right">Revenue</Table.Th>
            <Table.Th ta="right">{METRIC_LABEL[ab.metric]}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {r.variants.map((v) => (
            <Table.Tr key={v.key}>
              <Table.Td>
                <Group gap={8} wrap="nowrap">
                  <Text fw={700} fz="sm">
                    {v.key}
                  </Text>
                  <Stack gap={0} style={{ minWidth: 0 }}>
                    <Text fz="sm" truncate maw={260} title={v.subject ?? undefined}>
                      {v.subject ? `“${v.subject}”` : (v.templateName ?? 'As the template')}
                    </Text>
                    {v.subject && v.templateName && (
                      <Text fz="xs" c="dimmed" truncate maw={260}>
                        {v.templateName}
                      </Text>
                    )}
                  </Stack>
                  {v.winner && (
                    <Badge color="teal" variant="light" size="sm">
                      Winner
                    </Badge>
                  )}
                </Group>
              </Table.Td>
              <Table.Td className="patron-num">{formatInt(v.recipients)}</Table.Td>
              <Table.Td className="patron-num">{formatInt(v.sent)}</Table.Td>
              <Table.Td className="patron-num">{pct(v.openRate)}</Table.Td>
              <Table.Td className="patron-num">{pct(v.clickRate)}</Table.Td>
              <Table.Td className="patron-num">{formatInt(v.orders)}</Table.Td>
              <Table.Td className="patron-num">{formatMoney(v.revenueMinor, r.currency)}</Table.Td>
              <Table.Td className="patron-num" fw={600}>
                {metricOf(v)}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </TableCard>
    </Card>
  );
}

/** Clicks per link (machine clicks left out). */
export function Links({ r }: { r: Report }) {
  return (
    <Card title="Links clicked" description="Each link in the message, by clicks; scanners’ clicks are left out.">
      {r.links.length === 0 ? (
        <Text fz="sm" c="dimmed" py="md" ta="center">
          No clicks yet.
        </Text>
      ) : (
        <Table verticalSpacing="xs">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Link</Table.Th>
              <Table.Th ta="right" w={90}>
                Clicks
              </Table.Th>
              <Table.Th ta="right" w={110}>
                People
              </Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {r.links.map((l) => (
              <Table.Tr key={l.url}>
                <Table.Td maw={0} style={{ width: '100%' }}>
                  <Tooltip label={l.url} withArrow multiline maw={420}>
                    <Anchor href={l.url} target="_blank" rel="noreferrer noopener" fz="sm" truncate display="block">
                      {l.url.replace(/^https?:\/\//, '')}
                    </Anchor>
                  </Tooltip>
                </Table.Td>
                <Table.Td className="patron-num">{formatInt(l.clicks)}</Table.Td>
                <Table.Td className="patron-num">{formatInt(l.uniqueClickers)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Card>
  );
}

/** Who was meant to get it when sending started, and why some messages were not sent. */
export function Audience({ r, c }: { r: Report; c: Campaign }) {
  const a = c.audience;
  const rows: [string, number][] = a
    ? [
        ['In the segments', a.total],
        [`With an ${c.channel === 'email' ? 'email address' : 'phone number'}`, a.withAddress],
        ...(c.kind === 'marketing' ? [[`Subscribed to ${c.channel === 'email' ? 'email' : 'SMS'} marketing`, a.consented] as [string, number]] : []),
        ['Suppressed', a.suppressed],
        ['Recipients', a.recipients],
      ]
    : [];
  return (
    <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg">
      <Card title="Audience" description="Counted when sending started; consent was checked again for every message.">
        {rows.map(([label, n]) => (
          <Group key={label} justify="space-between" py={4}>
            <Text fz="sm">{label}</Text>
            <Text fz="sm" fw={500} className="patron-tabular">
              {formatInt(n)}
            </Text>
          </Group>
        ))}
      </Card>
      <Card title="Not sent" description="Messages held back at the moment of sending, and why.">
        {r.skippedByReason.length === 0 && !r.failed && !r.cancelled ? (
          <Text fz="sm" c="dimmed" py="md" ta="center">
            None so far.
          </Text>
        ) : (
          <>
            {r.skippedByReason.map((s) => (
              <Group key={s.reason} justify="space-between" py={4} wrap="nowrap">
                <Text fz="sm">{skipReasonText(s.reason)}</Text>
                <Text fz="sm" fw={500} className="patron-tabular">
                  {formatInt(s.count)}
                </Text>
              </Group>
            ))}
            {r.failed > 0 && (
              <Group justify="space-between" py={4}>
                <Text fz="sm">Failed</Text>
                <Text fz="sm" fw={500} className="patron-tabular">
                  {formatInt(r.failed)}
                </Text>
              </Group>
            )}
            {r.cancelled > 0 && (
              <Group justify="space-between" py={4}>
                <Text fz="sm">Cancelled</Text>
                <Text fz="sm" fw={500} className="patron-tabular">
                  {formatInt(r.cancelled)}
                </Text>
              </Group>
            )}
          </>
        )}
      </Card>
    </SimpleGrid>
  );
}
