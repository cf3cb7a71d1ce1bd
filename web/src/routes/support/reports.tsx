import '@mantine/charts/styles.css';
import { AreaChart, BarChart } from '@mantine/charts';
import { Anchor, Badge, Group, Paper, SegmentedControl, Select, SimpleGrid, Skeleton, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { getRouteApi, Link } from '@tanstack/react-router';
import type { ReactNode } from 'react';
import { ErrorState } from '../../components/ErrorState.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { RequirePermission } from '../../components/RequirePermission.tsx';
import { Stat, StatGroup } from '../../components/StatCard.tsx';
import { useTeams } from '../../modules/support/inbox/api.ts';
import { useAtRisk, useSupportReport, type Metrics, type Report } from '../../modules/support/sla/api.ts';
import { businessDuration, SlaDueBadge } from '../../modules/support/sla/SlaCountdown.tsx';

const route = getRouteApi('/app/support/reports');
export interface ReportsSearch {
  range?: string;
  from?: string;
  to?: string;
  team?: string;
}

const CHANNELS: { key: string; label: string; color: string }[] = [
  { key: 'email', label: 'Email', color: 'indigo.6' },
  { key: 'chat', label: 'Chat', color: 'teal.5' },
  { key: 'form', label: 'Web form', color: 'grape.5' },
  { key: 'phone', label: 'Phone', color: 'orange.5' },
  { key: 'social', label: 'Social', color: 'pink.5' },
  { key: 'api', label: 'API', color: 'gray.5' },
];

const iso = (d: Date) => d.toISOString().slice(0, 10);
const dayLabel = (day: string) => new Date(`${day}T00:00:00Z`).toLocaleDateString(undefined, { month: 'short', day: 'numeric', timeZone: 'UTC' });
const pct = (v: number | null) => (v === null ? '–' : `${Math.round(v * 1000) / 10} %`);
const mins = (v: number | null) => (v === null ? '–' : businessDuration(v));

function rangeOf(s: ReportsSearch): { from: string; to: string; preset: string } {
  if (s.range === 'custom' && s.from && s.to) return { from: s.from, to: s.to, preset: 'custom' };
  const days = Number(s.range ?? 30) || 30;
  const today = new Date();
  return { from: iso(new Date(today.getTime() - (days - 1) * 86_400_000)), to: iso(today), preset: String(days) };
}

export function SupportReportsPage(): ReactNode {
  return (
    <RequirePermission permission="support:read">
      <Reports />
    </RequirePermission>
  );
}

function Reports() {
  const search = route.useSearch();
  const navigate = route.useNavigate();
  const r = rangeOf(search);
  const teams = useTeams();
  const q = useSupportReport({ from: r.from, to: r.to, teamId: search.team });
  const set = (s: Partial<ReportsSearch>) => void navigate({ search: { ...search, ...s }, replace: true });
  return (
    <>
      <PageHeader title="Support reports" description="How fast and how well the team answers: volume, response and resolution times in business hours, SLA attainment, satisfaction and backlog." />
      <Group mb="md" gap="sm" align="flex-end" wrap="wrap">
        <SegmentedControl
          value={r.preset}
          onChange={(v) => set(v === 'custom' ? { range: 'custom', from: r.from, to: r.to } : { range: v, from: undefined, to: undefined })}
          data={[{ value: '7', label: '7 days' }, { value: '30', label: '30 days' }, { value: '90', label: '90 days' }, { value: 'custom', label: 'Custom' }]}
          aria-label="Date range"
        />
        {r.preset === 'custom' && (
          <>
            <TextInput type="date" label="From" size="xs" value={r.from} max={r.to} onChange={(e) => e.currentTarget.value && set({ from: e.currentTarget.value })} />
            <TextInput type="date" label="To" size="xs" value={r.to} min={r.from} onChange={(e) => e.currentTarget.value && set({ to: e.currentTarget.value })} />
          </>
        )}
        <Select
          size="xs" placeholder="All teams" clearable aria-label="Team" w={180} value={search.team ?? null}
          data={(teams.data ?? []).map((t) => ({ value: t.id, label: t.name }))} onChange={(v) => set({ team: v ?? undefined })}
        />
      </Group>
      {q.isPending ? <Skeleton h={480} /> : q.isError ? <ErrorState error={q.error} onRetry={() => void q.refetch()} /> : <Body report={q.data} dim={q.isPlaceholderData} />}
    </>
  );
}

function Card({ title, description, children }: { title: string; description: string; children: ReactNode }) {
  return (
    <Paper withBorder radius="md" p="lg">
      <Stack gap="md">
        <div>
          <Title order={2} fz="md" fw={600}>{title}</Title>
          <Text fz="sm" c="dimmed">{description}</Text>
        </div>
        {children}
      </Stack>
    </Paper>
  );
}

function Body({ report, dim }: { report: Report; dim: boolean }) {
  const t = report.totals;
  const used = CHANNELS.filter((c) => report.volume.some((v) => (v.channels[c.key] ?? 0) > 0));
  const volume = report.volume.map((v) => ({ label: dayLabel(v.day), ...Object.fromEntries(CHANNELS.map((c) => [c.key, v.channels[c.key] ?? 0])) }));
  const backlog = report.backlog.map((b) => ({ label: dayLabel(b.day), open: b.open }));
  return (
    <Stack gap="md" style={{ opacity: dim ? 0.6 : 1, transition: 'opacity 120ms' }} data-testid="support-reports">
      <StatGroup>
        <Stat label="Tickets created" value={t.created} hint={`${t.solved} solved`} />
        <Stat label="First response" value={mins(t.firstResponse.median)} hint={`median · p90 ${mins(t.firstResponse.p90)}`} />
        <Stat label="Resolution" value={mins(t.resolution.median)} hint={`median · p90 ${mins(t.resolution.p90)}`} />
        <Stat label="SLA attainment" value={pct(t.sla.attainment)} hint={`${t.sla.met} met · ${t.sla.missed} missed`} />
        <Stat label="CSAT" value={t.csat.average === null ? '–' : `${t.csat.average.toFixed(2)} / 5`} hint={t.csat.satisfied === null ? 'no ratings yet' : `${Math.round(t.csat.satisfied * 100)} % of ${t.csat.responses} satisfied`} />
        <Stat label="Backlog" value={report.backlog.at(-1)?.open ?? 0} hint="open at range end" />
      </StatGroup>
      <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="md">
        <Card title="Volume by channel" description="New tickets per day, by the channel they came in on.">
          <BarChart
            h={260} data={volume} dataKey="label" type="stacked" withLegend legendProps={{ verticalAlign: 'bottom', height: 30 }}
            series={(used.length ? used : CHANNELS.slice(0, 1)).map((c) => ({ name: c.key, label: c.label, color: c.color }))} gridAxis="y" tickLine="none" maxBarWidth={28}
          />
        </Card>
        <Card title="Backlog" description="Tickets not yet solved at the end of each day.">
          <AreaChart h={260} data={backlog} dataKey="label" series={[{ name: 'open', label: 'Open tickets', color: 'orange.6' }]} curveType="monotone" gridAxis="y" tickLine="none" withDots={backlog.length <= 31} />
        </Card>
      </SimpleGrid>
      <AtRiskCard />
      <Breakdown title="By agent" description="The assignee at the time of the report. Times are business time of each ticket's SLA calendar." rows={report.agents} />
      <Breakdown title="By team" description="Tickets by the team they belong to." rows={report.teams} />
      <Text fz="xs" c="dimmed">Days in {report.timeZone}. First response: the first public agent reply. Resolution: time to solved with pending and on-hold time left out. SLA attainment: targets met among those met or missed in the range.</Text>
    </Stack>
  );
}

function Breakdown({ title, description, rows }: { title: string; description: string; rows: (Metrics & { id: string | null; name: string })[] }) {
  return (
    <Card title={title} description={description}>
      {rows.length === 0 ? <Text fz="sm" c="dimmed">No tickets in this range.</Text> : (
        <Table.ScrollContainer minWidth={760}>
          <Table striped highlightOnHover verticalSpacing="xs" fz="sm">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th><Table.Th ta="right">Created</Table.Th><Table.Th ta="right">Solved</Table.Th>
                <Table.Th ta="right">First response (median / p90)</Table.Th><Table.Th ta="right">Resolution (median / p90)</Table.Th>
                <Table.Th ta="right">SLA</Table.Th><Table.Th ta="right">CSAT</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((r) => (
                <Table.Tr key={r.id ?? 'none'}>
                  <Table.Td>{r.id ? r.name : <Text span c="dimmed" fz="sm">{r.name}</Text>}</Table.Td>
                  <Table.Td ta="right" className="patron-tabular">{r.created}</Table.Td>
                  <Table.Td ta="right" className="patron-tabular">{r.solved}</Table.Td>
                  <Table.Td ta="right" className="patron-tabular">{mins(r.firstResponse.median)} / {mins(r.firstResponse.p90)}</Table.Td>
                  <Table.Td ta="right" className="patron-tabular">{mins(r.resolution.median)} / {mins(r.resolution.p90)}</Table.Td>
                  <Table.Td ta="right" className="patron-tabular">{pct(r.sla.attainment)}</Table.Td>
                  <Table.Td ta="right" className="patron-tabular">{r.csat.average === null ? '–' : `${r.csat.average.toFixed(1)} (${r.csat.responses})`}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Card>
  );
}

/** Tickets at risk of breaching right now, with their countdown: the live side of the report. */
function AtRiskCard() {
  const q = useAtRisk();
  const items = q.data ?? [];
  return (
    <Card title="SLA at risk now" description="Open tickets with less than a quarter of their target left, or past it, soonest deadline first.">
      {q.isPending ? <Skeleton h={80} /> : q.isError ? <ErrorState error={q.error} onRetry={() => void q.refetch()} /> : items.length === 0 ? <Text fz="sm" c="dimmed">Nothing at risk. Every open ticket is on track.</Text> : (
        <Table verticalSpacing={6} fz="sm" data-testid="sla-at-risk">
          <Table.Thead><Table.Tr><Table.Th>Ticket</Table.Th><Table.Th>Target</Table.Th><Table.Th>Assignee</Table.Th><Table.Th ta="right">Countdown</Table.Th></Table.Tr></Table.Thead>
          <Table.Tbody>
            {items.map((t) => (
              <Table.Tr key={t.ticketId}>
                <Table.Td><Anchor fz="sm" renderRoot={(p) => <Link to="/support/inbox" search={{ view: 'sla', t: t.ticketId }} {...p} />}>#{t.number} {t.subject}</Anchor></Table.Td>
                <Table.Td>{t.target === 'first_response' ? 'First response' : 'Resolution'} <Badge size="xs" variant="light" color="gray">{t.priority}</Badge></Table.Td>
                <Table.Td>{t.assigneeName ?? <Text span c="dimmed" fz="sm">{t.teamName ?? 'Unassigned'}</Text>}</Table.Td>
                <Table.Td ta="right"><SlaDueBadge dueAt={t.dueAt} /></Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Card>
  );
}
