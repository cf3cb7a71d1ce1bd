import { Paper, Stack } from '@mantine/core';
import type { ReactNode } from 'react';
import { ErrorState } from '../../components/ErrorState.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { RequirePermission } from '../../components/RequirePermission.tsx';
import { TableSkeleton } from '../../components/TableSkeleton.tsx';
import { useMessagingSettings } from '../../modules/messaging/messages/api.ts';
import { BounceSourcesCard } from '../../modules/messaging/engagement/BounceSourcesCard.tsx';
import { EngagementCard } from '../../modules/messaging/engagement/EngagementCard.tsx';
import { TopicsCard } from '../../modules/messaging/engagement/TopicsCard.tsx';
import { GuardrailsCard } from '../../modules/messaging/settings/GuardrailsCard.tsx';
import { SendersCard } from '../../modules/messaging/settings/SendersCard.tsx';
import { SmsCard } from '../../modules/messaging/settings/SmsCard.tsx';
import { SmtpCard } from '../../modules/messaging/settings/SmtpCard.tsx';

const DESCRIPTION = 'How messages leave Patron: the SMTP server for email, the senders they come from, the SMS gateway, and the limits that keep marketing welcome.';

export function MessagingSettingsPage(): ReactNode {
  return (
    <RequirePermission permission="messaging:read">
      <PageHeader title="Email & SMS" description={DESCRIPTION} />
      <MessagingSettings />
    </RequirePermission>
  );
}

function MessagingSettings() {
  const settings = useMessagingSettings();
  if (settings.isPending) {
    return (
      <Paper withBorder radius="md">
        <TableSkeleton rows={8} />
      </Paper>
    );
  }
  if (settings.isError) return <ErrorState error={settings.error} onRetry={() => void settings.refetch()} />;
  return (
    <Stack gap="xl">
      <SmtpCard settings={settings.data} />
      <SendersCard />
      <SmsCard settings={settings.data} />
      <GuardrailsCard guardrails={settings.data.guardrails} />
      <EngagementCard />
      <TopicsCard />
      <BounceSourcesCard />
    </Stack>
  );
}
