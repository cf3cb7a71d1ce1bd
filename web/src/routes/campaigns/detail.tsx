import { Alert, Anchor, Button, Group, Paper, SimpleGrid, Skeleton, Stack, Text, Title } from '@mantine/core';
import { IconAlertTriangle, IconClock, IconFlask, IconInbox, IconPencil } from '@tabler/icons-react';
import { getRouteApi, Link } from '@tanstack/react-router';
import { useEffect } from 'react';
import type { ReactNode } from 'react';
import { BackLink } from '../../components/BackLink.tsx';
import { DetailStates } from '../../components/DetailStates.tsx';
import { ErrorState } from '../../components/ErrorState.tsx';
import { RequirePermission } from '../../components/RequirePermission.tsx';
import { absoluteTime } from '../../lib/format.ts';
import { formatInt } from '../../lib/money.ts';
import { useCampaign, useReport, type Campaign } from '../../modules/messaging/campaigns/api.ts';
import { CampaignMenu } from '../../modules/messaging/campaigns/CampaignMenu.tsx';
import { Audience, Links, ReportStats, Timeline, Variants } from '../../modules/messaging/campaigns/ReportView.tsx';
import { CampaignStatusBadge, METRIC_LABEL, scheduleText } from '../../modules/messaging/campaigns/status.tsx';
import { useSegments } from '../../modules/segments/api.ts';
import { useCan } from '../../modules/session/context.tsx';
import { NoSuchCampaign } from './form.tsx';

const route = getRouteApi('/app/campaigns/$id');

export function CampaignPage(): ReactNode {
  return (
    <RequirePermission permission="messaging:read">
      <CampaignDetail />
    </RequirePermission>
  );
}

function CampaignDetail() {
  const { id } = route.useParams();
  const q = useCampaign(id);
  useEffect(() => {
    if (q.data) document.title = `${q.data.name} · Campaigns · Patron`;
    return () => {
      document.title = 'Patron';
    };
  }, [q.data]);
  return (
    <>
      <BackLink to="/campaigns" label="Campaigns" />
      <DetailStates query={q} notFound={<NoSuchCampaign />}>
        {(c) => <Loaded c={c} />}
      </DetailStates>
    </>
  );
}

function Loaded({ c }: { c: Campaign }) {
  const can = useCan();
  const writable = can('messaging:write');
  const started = c.startedAt !== null;
  const report = useReport(c.id, c.status === 'sending' || c.status === 'scheduled');
  const refetchReport = report.refetch;
  // The campaign moving on (started, winner picked, finished) changes its numbers: read them again at once.
  useEffect(() => {
    void refetchReport();
  }, [c.status, c.winner, refetchReport]);
  const segments = useSegments();
  const names = (ids: string[]) => ids.map((s) => segments.data?.find((x) => x.id === s)?.name ?? 'Deleted segment').join(', ');

  return (
    <Stack gap="lg">
      <Group justify="space-between" align="flex-start" gap="md" wrap="wrap">
        <Stack gap={6} style={{ flex: '1 1 420px', minWidth: 0 }}>
          <Group gap="xs" wrap="wrap">
            <Title order={1} fz={26} fw={650} style={{ letterSpacing: '-0.01em', overflowWrap: 'anywhere' }}>
              {c.name}
            </Title>
            <CampaignStatusBadge campaign={c} size="lg" />
          </Group>
          <Text fz="sm" c="dimmed">
            {[c.channel === 'sms' ? 'SMS' : 'Email', c.kind === 'marketing' ? 'marketing' : 'transactional', c.templateName ?? 'no template'].join(' · ')}
            {c.startedAt ? ` · started ${absoluteTime(c.startedAt)}` : ''}
            {c.finishedAt ? ` · finished ${absoluteTime(c.finishedAt)}` : ''}
          </Text>
        </Stack>
        <Group gap="sm">
          {started && (
            <Button variant="default" leftSection={<IconInbox size={16} />} renderRoot={(p) => <Link to="/messages" search={{ campaignId: c.id }} {...p} />}>
              Messages
            </Button>
          )}
          {writable && c.status === 'draft' && (
            <Button leftSection={<IconPencil size={16} />} renderRoot={(p) => <Link to="/campaigns/$id/edit" params={{ id: c.id }} {...p} />}>
              Edit and send
            </Button>
          )}
          {writable && <CampaignMenu campaign={c} writable={writable} variant="button" />}
        </Group>
      </Group>

      {c.status === 'failed' && (
        <Alert color="red" icon={<IconAlertTriangle size={18} />} title="This campaign failed">
          {c.error ?? 'It could not be sent.'}
        </Alert>
      )}
      {c.status === 'scheduled' && c.startAt && (
        <Alert color="blue" icon={<IconClock size={18} />} title={Date.parse(c.startAt) <= Date.now() ? 'Starting…' : `Starts ${absoluteTime(c.startAt)}`}>
          {scheduleText(c.schedule)}. The audience is fixed when it starts. Unschedule it from the menu to change it.
        </Alert>
      )}
      {c.status === 'sending' && c.abTest && !c.winner && c.testEndsAt && (
        <Alert color="indigo" icon={<IconFlask size={18} />} title="A/B test running">
          {formatInt(c.audience?.test ?? 0)} recipients are testing {c.abTest.variants.length} variants. At {absoluteTime(c.testEndsAt)} the one with the best {METRIC_LABEL[c.abTest.metric].toLowerCase()} goes to
          the other {formatInt(c.audience?.held ?? 0)}.
        </Alert>
      )}

      {started ? (
        report.isPending ? (
          <Skeleton h={220} radius="md" />
        ) : report.isError ? (
          <ErrorState error={report.error} onRetry={() => void report.refetch()} />
        ) : (
          <>
            <ReportStats r={report.data} />
            <Variants r={report.data} c={c} />
            <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="lg">
              <Timeline r={report.data} />
              <Links r={report.data} />
            </SimpleGrid>
            <Audience r={report.data} c={c} />
          </>
        )
      ) : (
        <Paper withBorder radius="md" p="md">
          <Text fz="sm" c="dimmed">
            {c.status === 'draft' ? 'The report appears here once the campaign is sent.' : c.status === 'cancelled' ? 'It was cancelled before it started: nothing was sent.' : 'The report appears here once sending starts.'}
          </Text>
        </Paper>
      )}

      <Paper withBorder radius="md" p="md">
        <Title order={2} fz="md" fw={600} mb="xs">
          Settings
        </Title>
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="xs" verticalSpacing={6}>
          <Setting label="Send to" value={c.include.length ? names(c.include) : '—'} />
          <Setting label="Leave out" value={c.exclude.length ? names(c.exclude) : 'Nobody'} />
          <Setting label="When" value={scheduleText(c.schedule)} />
          <Setting label="Speed" value={c.throttlePerHour ? `At most ${formatInt(c.throttlePerHour)} per hour` : 'No limit'} />
          <Setting label="Template" value={c.templateId ? <Anchor renderRoot={(p) => <Link to="/templates/$id" params={{ id: c.templateId! }} {...p} />} fz="sm">{c.templateName ?? 'Template'}</Anchor> : '—'} />
          <Setting label="A/B test" value={c.abTest ? `${c.abTest.variants.length} variants, ${c.abTest.testPercent}% tested, by ${METRIC_LABEL[c.abTest.metric].toLowerCase()}${c.winner ? ` — ${c.winner} won` : ''}` : 'No'} />
          {c.topic && <Setting label="Topic" value={c.topic} />}
          <Setting label="Created" value={`${absoluteTime(c.createdAt)} by ${c.createdBy}`} />
        </SimpleGrid>
      </Paper>
    </Stack>
  );
}

function Setting({ label, value }: { label: string; value: ReactNode }) {
  return (
    <Group gap="xs" wrap="nowrap" align="flex-start">
      <Text fz="sm" c="dimmed" w={90} style={{ flexShrink: 0 }}>
        {label}
      </Text>
      <Text fz="sm" component="div" style={{ overflowWrap: 'anywhere', minWidth: 0 }}>
        {value}
      </Text>
    </Group>
  );
}
