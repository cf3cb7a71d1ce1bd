import { Anchor, Badge, Button, Grid, Group, Paper, Progress, Skeleton, Stack, Text, ThemeIcon, Title, VisuallyHidden } from '@mantine/core';
import { useLocalStorage } from '@mantine/hooks';
import {
  IconAlertTriangle, IconArrowRight, IconBook2, IconCircleCheckFilled, IconCircleDashed, IconKey, IconPlayerPlay, IconUsersPlus,
} from '@tabler/icons-react';
import type { Icon } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import type { LinkProps } from '@tanstack/react-router';
import type { ReactNode } from 'react';
import { api } from '../../lib/api.ts';
import { plural } from '../../lib/format.ts';
import { ROLE_COLORS, roleLabel } from '../../lib/permissions.ts';
import { useApiKeys } from '../../modules/apikeys/api.ts';
import type { JobsPage } from '../../modules/jobs/api.ts';
import { useCan, useSession } from '../../modules/session/context.tsx';
import { useUsers } from '../../modules/team/api.ts';
import { DemoCard } from '../../modules/demo/DemoCard.tsx';
import { HomeSummary } from '../../modules/analytics/HomeSummary.tsx';

interface Step {
  key: string;
  icon: Icon;
  title: string;
  description: ReactNode;
  /** undefined while loading. */
  done: boolean | undefined;
  action: ReactNode;
}

export function HomePage(): ReactNode {
  const me = useSession();
  const can = useCan();
  const users = useUsers(can('team:read'));
  const keys = useApiKeys(can('apikeys:read'));
  const [docsOpened, setDocsOpened] = useLocalStorage({ key: 'patron-opened-api-docs', defaultValue: false });
  const firstName = (me.user.name || me.user.email).split(/\s+/)[0];

  const steps: Step[] = [];
  if (can('team:read')) {
    const members = users.data?.filter((u) => u.status !== 'deactivated') ?? [];
    const invited = members.filter((u) => u.status === 'invited').length;
    steps.push({
      key: 'team',
      icon: IconUsersPlus,
      title: can('team:write') ? 'Invite your team' : 'Meet your team',
      description: users.data ? (
        <>
          {plural(members.length, 'member')} so far{invited ? `, ${invited} of them invited and not yet joined` : ''}. Each person gets a role —
          marketer, support agent, sales, analyst — that decides what they can see and change.
        </>
      ) : (
        'Add colleagues with the role that fits their work.'
      ),
      done: users.data ? members.length > 1 : undefined,
      action: <StepLink to="/settings/team" label={can('team:write') ? 'Add a member' : 'See members'} />,
    });
  }
  if (can('apikeys:read')) {
    const active = keys.data?.items.filter((k) => !k.revokedAt) ?? [];
    steps.push({
      key: 'keys',
      icon: IconKey,
      title: 'Connect your store with an API key',
      description: keys.data ? (
        <>
          {active.length ? `${plural(active.length, 'active key')}. ` : 'No keys yet. '}A secret key lets your store, scripts or integrations use the REST
          API with the scopes you choose; a public key only sends tracking events from your storefront.
        </>
      ) : (
        'Secret keys for the REST API, public keys for storefront tracking.'
      ),
      done: keys.data ? active.length > 0 : undefined,
      action: <StepLink to="/settings/api-keys" label={can('apikeys:write') ? 'Create a key' : 'View keys'} />,
    });
  }
  steps.push({
    key: 'docs',
    icon: IconBook2,
    title: 'Explore the API reference',
    description: 'Every endpoint, with its request and response schema, permissions and error types. You can try calls right in the browser.',
    done: docsOpened,
    action: (
      <Button
        component="a"
        href="/api/docs"
        target="_blank"
        rel="noreferrer"
        variant="default"
        size="xs"
        rightSection={<IconArrowRight size={14} />}
        onClick={() => setDocsOpened(true)}
      >
        Open API reference
      </Button>
    ),
  });

  const known = steps.filter((s) => s.done !== undefined);
  const doneCount = steps.filter((s) => s.done).length;

  return (
    <Stack gap="xl">
      <Stack gap={6}>
        <Title order={1} fz={28} fw={650} style={{ letterSpacing: '-0.015em' }}>
          Welcome to Patron, {firstName}
        </Title>
        <Text c="dimmed" maw={720}>
          Patron is the customer platform for your online store, running on your own server: customer profiles, orders and events in one place, and
          the tools to segment, message and support the people who buy from you. Your data stays in your database.
        </Text>
      </Stack>

      <DemoCard />

      {can('analytics:read') && <HomeSummary />}

      <Grid gap="lg">
        <Grid.Col span={{ base: 12, md: 8 }}>
          <Paper withBorder radius="md" p={0}>
            <Group justify="space-between" p="lg" pb="md" wrap="wrap" gap="sm">
              <Stack gap={2}>
                <Title order={2} fz="lg" fw={600}>
                  Getting started
                </Title>
                <Text fz="sm" c="dimmed">
                  A few steps to make Patron useful for your store.
                </Text>
              </Stack>
              <Stack gap={6} w={160}>
                <Text fz="xs" c="dimmed" ta="right">
                  {known.length === steps.length ? `${doneCount} of ${steps.length} done` : 'Checking…'}
                </Text>
                <Progress value={(doneCount / steps.length) * 100} size="sm" aria-label="Getting started progress" />
              </Stack>
            </Group>
            <Stack gap={0}>
              {steps.map((s) => (
                <StepRow key={s.key} step={s} />
              ))}
            </Stack>
          </Paper>
        </Grid.Col>

        <Grid.Col span={{ base: 12, md: 4 }}>
          <Stack gap="lg">
            <Paper withBorder radius="md" p="lg">
              <Title order={2} fz="md" fw={600} mb="sm">
                Your account
              </Title>
              <Stack gap={6}>
                <Group justify="space-between" wrap="nowrap" gap="xs">
                  <Text fz="sm" fw={500} truncate>
                    {me.user.name || me.user.email}
                  </Text>
                  <Badge variant="light" color={ROLE_COLORS[me.user.role] ?? 'gray'}>
                    {roleLabel(me.user.role)}
                  </Badge>
                </Group>
                <Text fz="sm" c="dimmed" truncate>
                  {me.user.email}
                </Text>
                <Text fz="xs" c="dimmed" mt={4}>
                  Your role grants {plural(me.permissions.length, 'permission')}. Change your password from the menu at the top right.
                </Text>
              </Stack>
            </Paper>
            {can('jobs:read') && <SystemCard />}
          </Stack>
        </Grid.Col>
      </Grid>
    </Stack>
  );
}

function StepLink({ to, label }: { to: NonNullable<LinkProps['to']>; label: string }) {
  return (
    <Button variant="default" size="xs" rightSection={<IconArrowRight size={14} />} renderRoot={(props) => <Link to={to} {...props} />}>
      {label}
    </Button>
  );
}

function StepRow({ step }: { step: Step }) {
  return (
    <Group
      wrap="nowrap"
      align="flex-start"
      gap="md"
      px="lg"
      py="md"
      style={{ borderTop: '1px solid var(--mantine-color-default-border)' }}
    >
      <ThemeIcon variant="transparent" color={step.done ? 'teal' : 'gray'} size={28} aria-hidden>
        {step.done ? <IconCircleCheckFilled size={24} /> : <IconCircleDashed size={24} stroke={1.5} />}
      </ThemeIcon>
      <Stack gap={4} style={{ flex: 1, minWidth: 0 }}>
        <Group gap="xs">
          <step.icon size={16} stroke={1.7} color="var(--mantine-color-dimmed)" aria-hidden />
          <Text fw={600} fz="sm" td={step.done ? 'line-through' : undefined} c={step.done ? 'dimmed' : undefined}>
            {step.title}
          </Text>
          {step.done !== undefined && <VisuallyHidden>{step.done ? '(done)' : '(to do)'}</VisuallyHidden>}
        </Group>
        {step.done === undefined ? (
          <Skeleton h={14} w="80%" />
        ) : (
          <Text fz="sm" c="dimmed">
            {step.description}
          </Text>
        )}
        <Group mt={6}>{step.action}</Group>
      </Stack>
    </Group>
  );
}

function SystemCard() {
  const jobs = useQuery({
    queryKey: ['jobs', 'summary'],
    queryFn: () => api.get<JobsPage>('/api/jobs', { query: { limit: 1 } }),
    refetchInterval: 15_000,
  });
  const failed = jobs.data?.counts.failed ?? 0;
  const waiting = (jobs.data?.counts.waiting ?? 0) + (jobs.data?.counts.retrying ?? 0);
  return (
    <Paper withBorder radius="md" p="lg">
      <Title order={2} fz="md" fw={600} mb="sm">
        Background jobs
      </Title>
      {!jobs.data ? (
        <Stack gap="xs">
          <Skeleton h={14} />
          <Skeleton h={14} w="70%" />
        </Stack>
      ) : (
        <Stack gap="xs">
          <Group gap="xs" wrap="nowrap">
            <ThemeIcon size={22} radius="xl" variant="light" color={jobs.data.workerRunning ? 'teal' : 'orange'}>
              {jobs.data.workerRunning ? <IconPlayerPlay size={12} /> : <IconAlertTriangle size={12} />}
            </ThemeIcon>
            <Text fz="sm">{jobs.data.workerRunning ? 'The worker is running in this process' : 'No worker in this process'}</Text>
          </Group>
          <Text fz="sm" c="dimmed">
            {plural(waiting, 'job')} waiting · <Text span c={failed ? 'red' : undefined} fz="sm">{plural(failed, 'failed job')}</Text>
          </Text>
          <Anchor renderRoot={(props) => <Link to="/settings/jobs" {...props} />} fz="sm">
            See the queue
          </Anchor>
        </Stack>
      )}
    </Paper>
  );
}
