import { Tabs } from '@mantine/core';
import { IconBolt, IconForms, IconMailForward, IconRoute, IconUsersGroup } from '@tabler/icons-react';
import { getRouteApi } from '@tanstack/react-router';
import { PageHeader } from '../../components/PageHeader.tsx';
import { RulesPanel } from '../../modules/support/inbox/RulesPanel.tsx';
import { FieldsPanel, MacrosPanel, TeamsPanel, WebFormPanel } from '../../modules/support/inbox/SettingsPanels.tsx';

const route = getRouteApi('/app/settings/support');
const TABS = ['teams', 'macros', 'rules', 'fields', 'form'] as const;

/** Settings → Support: teams, macros, routing rules and custom ticket fields. */
export function SupportSettingsPage() {
  const search = route.useSearch();
  const navigate = route.useNavigate();
  const tab = (TABS as readonly string[]).includes(search.tab ?? '') ? search.tab! : 'teams';
  return (
    <>
      <PageHeader title="Support settings" description="How tickets are organised and routed: teams, canned replies, rules and the fields agents fill in." />
      <Tabs value={tab} onChange={(v) => void navigate({ search: { tab: v ?? 'teams' }, replace: true })} keepMounted={false}>
        <Tabs.List mb="md">
          <Tabs.Tab value="teams" leftSection={<IconUsersGroup size={16} />}>Teams</Tabs.Tab>
          <Tabs.Tab value="macros" leftSection={<IconBolt size={16} />}>Macros</Tabs.Tab>
          <Tabs.Tab value="rules" leftSection={<IconRoute size={16} />}>Rules</Tabs.Tab>
          <Tabs.Tab value="fields" leftSection={<IconForms size={16} />}>Fields</Tabs.Tab>
          <Tabs.Tab value="form" leftSection={<IconMailForward size={16} />}>Web form</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="teams"><TeamsPanel /></Tabs.Panel>
        <Tabs.Panel value="macros"><MacrosPanel /></Tabs.Panel>
        <Tabs.Panel value="rules"><RulesPanel /></Tabs.Panel>
        <Tabs.Panel value="fields"><FieldsPanel /></Tabs.Panel>
        <Tabs.Panel value="form"><WebFormPanel /></Tabs.Panel>
      </Tabs>
    </>
  );
}
