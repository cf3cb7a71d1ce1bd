import { IconHistory, IconRouteOff, IconUsers } from '@tabler/icons-react';
import { getRouteApi } from '@tanstack/react-router';
import { useEffect } from 'react';
import type { ReactNode } from 'react';
import { BackLink } from '../../components/BackLink.tsx';
import { DetailStates, NotFound } from '../../components/DetailStates.tsx';
import { PageSkeleton } from '../../components/PageSkeleton.tsx';
import { RequirePermission } from '../../components/RequirePermission.tsx';
import { Stat, StatGroup } from '../../components/StatCard.tsx';
import { formatInt, formatMoney } from '../../lib/money.ts';
import { useFlow, type FlowDetail } from '../../modules/messaging/flows/api.ts';
import { FlowEditor } from '../../modules/messaging/flows/FlowEditor.tsx';
import { useFlowLookups, type FlowLookups } from '../../modules/messaging/flows/lookups.ts';
import { RunsPanel, VersionsPanel } from '../../modules/messaging/flows/RunsPanel.tsx';
import { useStoreSettings } from '../../modules/store/api.ts';

const route = getRouteApi('/app/flows/$id');

export function NewFlowPage(): ReactNode {
  const lookups = useFlowLookups();
  const store = useStoreSettings();
  useTitle('New flow');
  return (
    <RequirePermission permission="messaging:write">
      <BackLink to="/flows" label="Flows" />
      {lookups.loading ? <PageSkeleton /> : <FlowEditor lookups={lookups} currency={store.data?.currency ?? 'USD'} />}
    </RequirePermission>
  );
}

export function FlowPage(): ReactNode {
  return (
    <RequirePermission permission="messaging:read">
      <FlowDetailPage />
    </RequirePermission>
  );
}

function useTitle(title: string | undefined) {
  useEffect(() => {
    if (title) document.title = `${title} · Flows · Patron`;
    return () => {
      document.title = 'Patron';
    };
  }, [title]);
}

function FlowDetailPage() {
  const { id } = route.useParams();
  const q = useFlow(id);
  const lookups = useFlowLookups();
  useTitle(q.data?.name);
  return (
    <>
      <BackLink to="/flows" label="Flows" />
      <DetailStates
        query={q}
        loading={lookups.loading}
        notFound={<NotFound icon={<IconRouteOff size={24} />} title="No such flow" description="There is no flow at this address. It may have been archived, or the link is mistyped." to="/flows" label="All flows" />}
      >
        {(flow) => <Loaded key={flow.id} flow={flow} lookups={lookups} />}
      </DetailStates>
    </>
  );
}

function Loaded({ flow, lookups }: { flow: FlowDetail; lookups: FlowLookups }) {
  const store = useStoreSettings();
  const s = flow.stats;
  const rate = s.entered ? `${((100 * s.conversions) / s.entered).toFixed(1)} % of entries` : undefined;
  const stats = (
    <StatGroup>
      <Stat label="In the flow now" value={formatInt(s.inFlow)} />
      <Stat label="Entered" value={formatInt(s.entered)} hint={`${formatInt(s.completed)} completed · ${formatInt(s.exited)} exited`} />
      <Stat label="Conversions" value={formatInt(s.conversions)} hint={rate ?? 'Goal reached in time'} />
      <Stat label="Messages sent" value={formatInt(s.sent)} hint={s.sent ? `${Math.round((100 * s.opened) / s.sent)} % opened · ${Math.round((100 * s.clicked) / s.sent)} % clicked` : 'Email and SMS'} />
      <Stat label="Revenue" value={formatMoney(s.revenue, flow.currency)} hint="Attributed to its messages" />
      <Stat label="Version" value={`v${flow.version}`} hint={`${flow.versions.length} saved`} />
    </StatGroup>
  );
  return (
    <FlowEditor
      flow={flow}
      lookups={lookups}
      currency={store.data?.currency ?? flow.currency}
      stats={stats}
      tabs={[
        { value: 'runs', label: 'Customers', icon: <IconUsers size={16} />, panel: <RunsPanel flow={flow} /> },
        { value: 'versions', label: 'Versions', icon: <IconHistory size={16} />, panel: <VersionsPanel flow={flow} lookups={lookups} /> },
      ]}
    />
  );
}
