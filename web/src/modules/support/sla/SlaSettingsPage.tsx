import { Tabs } from '@mantine/core';
import { IconCalendarTime, IconClockHour4, IconMoodHappy } from '@tabler/icons-react';
import { getRouteApi } from '@tanstack/react-router';
import type { ReactNode } from 'react';
import { PageHeader } from '../../../components/PageHeader.tsx';
import { RequirePermission } from '../../../components/RequirePermission.tsx';
import { CalendarsPanel } from './CalendarsPanel.tsx';
import { CsatPanel } from './CsatPanel.tsx';
import { PoliciesPanel } from './PoliciesPanel.tsx';

const route = getRouteApi('/app/settings/support-sla');
const TABS = ['policies', 'hours', 'csat'] as const;

/** Settings → SLA & CSAT: SLA policies, business-hours calendars and the satisfaction survey. */
export function SlaSettingsPage(): ReactNode {
  const search = route.useSearch();
  const navigate = route.useNavigate();
  const tab = (TABS as readonly string[]).includes(search.tab ?? '') ? search.tab! : 'policies';
  return (
    <RequirePermission permission="support:read">
      <PageHeader title="SLA & satisfaction" description="Response and resolution targets in business hours, the calendars they count in, and the survey customers get when a ticket is solved." />
      <Tabs value={tab} onChange={(v) => void navigate({ search: { tab: v ?? 'policies' }, replace: true })} keepMounted={false}>
        <Tabs.List mb="md">
          <Tabs.Tab value="policies" leftSection={<IconClockHour4 size={16} />}>SLA policies</Tabs.Tab>
          <Tabs.Tab value="hours" leftSection={<IconCalendarTime size={16} />}>Business hours</Tabs.Tab>
          <Tabs.Tab value="csat" leftSection={<IconMoodHappy size={16} />}>Satisfaction survey</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="policies"><PoliciesPanel /></Tabs.Panel>
        <Tabs.Panel value="hours"><CalendarsPanel /></Tabs.Panel>
        <Tabs.Panel value="csat"><CsatPanel /></Tabs.Panel>
      </Tabs>
    </RequirePermission>
  );
}
