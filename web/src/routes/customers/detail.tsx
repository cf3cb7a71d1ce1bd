import { Alert, Anchor, Badge, Button, Grid, Group, Stack, Tabs, Text, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconArrowMerge, IconGitMerge, IconPencil, IconUserOff } from '@tabler/icons-react';
import { getRouteApi, Link, useNavigate } from '@tanstack/react-router';
import { useEffect } from 'react';
import type { ReactNode } from 'react';
import { BackLink } from '../../components/BackLink.tsx';
import { DetailStates, NotFound } from '../../components/DetailStates.tsx';
import { RequirePermission } from '../../components/RequirePermission.tsx';
import { Stat, StatGroup } from '../../components/StatCard.tsx';
import { TimeAgo } from '../../components/TimeAgo.tsx';
import { useIsMobile } from '../../components/useIsMobile.ts';
import { absoluteTime, shortDate } from '../../lib/format.ts';
import { countryName } from '../../lib/geo.ts';
import { formatInt, formatMoney } from '../../lib/money.ts';
import { useCustomer } from '../../modules/customers/api.ts';
import type { CustomerDetail } from '../../modules/customers/api.ts';
import { ConsentBadge } from '../../modules/customers/ConsentBadge.tsx';
import { ConsentPanel } from '../../modules/customers/ConsentPanel.tsx';
import { CustomerAvatar } from '../../modules/customers/CustomerAvatar.tsx';
import { EditCustomerModal } from '../../modules/customers/EditCustomerModal.tsx';
import { lastListSearch } from '../../modules/customers/filters.ts';
import { MergeModal } from '../../modules/customers/MergeModal.tsx';
import { ProfilePanel } from '../../modules/customers/ProfilePanel.tsx';
import { RfmBadge } from '../../modules/rfm/RfmBadge.tsx';
import { CUSTOMER_SECTIONS } from '../../modules/customers/sections.tsx';
import { TagsEditor } from '../../modules/customers/TagsEditor.tsx';
import { useCan } from '../../modules/session/context.tsx';
import { useStoreSettings } from '../../modules/store/api.ts';

const route = getRouteApi('/app/customers/$id');

export function CustomerPage(): ReactNode {
  return (
    <RequirePermission permission="customers:read">
      <Customer360 />
    </RequirePermission>
  );
}

function Customer360() {
  const { id } = route.useParams();
  const customer = useCustomer(id);
  const c = customer.data;

  useEffect(() => {
    if (c) document.title = `${c.name} · Patron`;
    return () => {
      document.title = 'Patron';
    };
  }, [c]);

  return (
    <>
      <BackLink to="/customers" search={lastListSearch()} label="Customers" />
      <DetailStates
        query={customer}
        notFound={
          <NotFound
            icon={<IconUserOff size={24} />}
            title="No such customer"
            description="There is no customer at this address. The link may be mistyped, or the profile may have been erased."
            to="/customers"
            label="All customers"
          />
        }
      >
        {(data) => <Loaded customer={data} />}
      </DetailStates>
    </>
  );
}

function Loaded({ customer: c }: { customer: CustomerDetail }) {
  const can = useCan();
  const store = useStoreSettings();
  const { tab } = route.useSearch();
  const navigate = useNavigate({ from: '/customers/$id' });
  const [editOpened, edit] = useDisclosure(false);
  const [mergeOpened, merge] = useDisclosure(false);
  const mobile = useIsMobile();
  const merged = c.mergedInto !== null;
  const writable = can('customers:write') && !merged;
  const sections = CUSTOMER_SECTIONS.filter((s) => can(s.permission));
  const active = sections.some((s) => s.key === tab) ? (tab as string) : (sections[0]?.key ?? 'activity');
  const money = (v: number | null) => formatMoney(v, c.currency);
  const contact = [c.email !== c.name ? c.email : null, c.phone, c.country ? countryName(c.country) : null].filter(Boolean);

  return (
    <Stack gap="lg">
      {merged && (
        <Alert color="yellow" icon={<IconArrowMerge size={18} />} title="This profile was merged into another one">
          <Text fz="sm">
            Its identities, orders, notes and activity now belong to the surviving profile; this page only keeps what it looked like.{' '}
            <Anchor renderRoot={(props) => <Link to="/customers/$id" params={{ id: c.mergedInto ?? '' }} {...props} />} fz="sm" fw={600}>
              Open the surviving profile
            </Anchor>
          </Text>
        </Alert>
      )}

      <Group justify="space-between" align="flex-start" gap="md" wrap="wrap">
        <Group gap="md" wrap="nowrap" align="flex-start" style={{ flex: '1 1 360px', minWidth: 0 }}>
          <CustomerAvatar id={c.id} name={c.name} size={mobile ? 44 : 56} />
          <Stack gap={6} style={{ minWidth: 0 }}>
            <Group gap="xs" wrap="wrap">
              <Title order={1} fz={mobile ? 22 : 26} fw={650} style={{ letterSpacing: '-0.01em', overflowWrap: 'anywhere' }}>
                {c.name}
              </Title>
              {c.anonymous && (
                <Badge variant="light" color="gray">
                  Anonymous
                </Badge>
              )}
              {merged && (
                <Badge variant="light" color="yellow">
                  Merged
                </Badge>
              )}
              {!merged && c.orderCount > 0 && <RfmBadge customerId={c.id} />}
            </Group>
            {contact.length > 0 && (
              <Text fz="sm" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
                {contact.join(' · ')}
              </Text>
            )}
            <Text fz="xs" c="dimmed">
              From {c.source} · customer since <span title={absoluteTime(c.createdAt)}>{shortDate(c.createdAt)}</span>
            </Text>
            <Group gap={6} wrap="wrap" aria-label="Marketing consent">
              <ConsentBadge channel="email" state={c.consent.email} />
              <ConsentBadge channel="sms" state={c.consent.sms} />
            </Group>
            <TagsEditor customer={c} writable={writable} />
          </Stack>
        </Group>
        {writable && (
          <Group gap="sm">
            <Button variant="default" leftSection={<IconGitMerge size={16} />} onClick={merge.open}>
              Merge
            </Button>
            <Button leftSection={<IconPencil size={16} />} onClick={edit.open}>
              Edit profile
            </Button>
          </Group>
        )}
      </Group>

      <StatGroup>
        <Stat label="Orders" value={formatInt(c.orderCount)} hint={c.firstOrderAt ? <>First on {shortDate(c.firstOrderAt)}</> : 'No orders yet'} />
        <Stat label="Total spent" value={money(c.totalSpent)} hint={c.refunded ? `${money(c.totalSpent - c.refunded)} net of refunds` : undefined} />
        <Stat label="Average order" value={c.averageOrderValue === null ? '—' : money(c.averageOrderValue)} />
        <Stat label="Refunds" value={money(c.refunded)} hint={c.totalSpent > 0 && c.refunded > 0 ? `${((c.refunded / c.totalSpent) * 100).toFixed(1)}% of spent` : undefined} />
        <Stat label="Last order" value={c.lastOrderAt ? shortDate(c.lastOrderAt) : '—'} hint={c.lastOrderAt ? <TimeAgo date={c.lastOrderAt} fz="xs" c="dimmed" /> : undefined} />
        <Stat label="Last seen" value={c.lastSeenAt ? <TimeAgo date={c.lastSeenAt} fz={18} fw={650} /> : '—'} hint={c.lastSeenAt ? absoluteTime(c.lastSeenAt) : 'No visits tracked'} />
      </StatGroup>

      <Grid gap="lg">
        <Grid.Col span={{ base: 12, md: 4 }}>
          <Stack gap="lg">
            <ProfilePanel customer={c} onEdit={writable ? edit.open : undefined} />
            <ConsentPanel customer={c} writable={writable} />
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 8 }}>
          <Tabs
            value={active}
            onChange={(v) => v && void navigate({ search: { tab: v === sections[0]?.key ? undefined : v }, replace: true })}
            keepMounted={false}
          >
            <Tabs.List mb="md" style={{ flexWrap: 'nowrap', overflowX: 'auto', overflowY: 'hidden' }}>
              {sections.map((s) => {
                const count = s.count?.(c);
                return (
                  <Tabs.Tab key={s.key} value={s.key} leftSection={<s.icon size={16} />} style={{ flexShrink: 0 }}>
                    {s.label}
                    {count !== undefined && count > 0 && (
                      <Badge size="xs" variant="light" color="gray" ml={6} className="patron-tabular">
                        {count.toLocaleString()}
                      </Badge>
                    )}
                  </Tabs.Tab>
                );
              })}
            </Tabs.List>
            {sections.map((s) => (
              <Tabs.Panel key={s.key} value={s.key}>
                {s.render({ customer: c, storeCurrency: store.data?.currency ?? c.currency, readOnly: merged, onMerge: writable ? merge.open : undefined })}
              </Tabs.Panel>
            ))}
          </Tabs>
        </Grid.Col>
      </Grid>

      {writable && <EditCustomerModal customer={c} opened={editOpened} onClose={edit.close} />}
      {writable && <MergeModal customer={c} opened={mergeOpened} onClose={merge.close} />}
    </Stack>
  );
}
