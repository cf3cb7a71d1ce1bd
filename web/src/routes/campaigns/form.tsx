import { Button, Paper } from '@mantine/core';
import { IconSend } from '@tabler/icons-react';
import { getRouteApi, Link } from '@tanstack/react-router';
import { useRef } from 'react';
import type { ReactNode } from 'react';
import { BackLink } from '../../components/BackLink.tsx';
import { DetailStates, NotFound } from '../../components/DetailStates.tsx';
import { Empty } from '../../components/Empty.tsx';
import { RequirePermission } from '../../components/RequirePermission.tsx';
import { useCampaign } from '../../modules/messaging/campaigns/api.ts';
import { CampaignForm } from '../../modules/messaging/campaigns/CampaignForm.tsx';
import { CAMPAIGN_STATUS } from '../../modules/messaging/campaigns/status.tsx';

const editRoute = getRouteApi('/app/campaigns/$id/edit');

export function NewCampaignPage(): ReactNode {
  return (
    <RequirePermission permission="messaging:write">
      <BackLink to="/campaigns" label="Campaigns" />
      <CampaignForm />
    </RequirePermission>
  );
}

export function EditCampaignPage(): ReactNode {
  return (
    <RequirePermission permission="messaging:write">
      <EditCampaign />
    </RequirePermission>
  );
}

function EditCampaign() {
  const { id } = editRoute.useParams();
  const q = useCampaign(id);
  // Decided on the first load: the form's own send turns it into "scheduled" just before leaving the page.
  const firstStatus = useRef<string | undefined>(undefined);
  firstStatus.current ??= q.data?.status;
  return (
    <>
      <BackLink to="/campaigns" label="Campaigns" />
      <DetailStates query={q} notFound={<NoSuchCampaign />}>
        {(c) =>
          firstStatus.current !== 'draft' ? (
            <Paper withBorder radius="md">
              <Empty
                icon={<IconSend size={24} />}
                title={`This campaign is ${CAMPAIGN_STATUS[c.status].label.toLowerCase()}`}
                description={c.status === 'scheduled' ? 'Unschedule it first (it goes back to draft), then edit it.' : 'Only drafts can be edited. Duplicate it to send a changed version.'}
                action={
                  <Button variant="default" renderRoot={(p) => <Link to="/campaigns/$id" params={{ id }} {...p} />}>
                    Open the campaign
                  </Button>
                }
              />
            </Paper>
          ) : (
            <CampaignForm key={c.id} campaign={c} />
          )
        }
      </DetailStates>
    </>
  );
}

export function NoSuchCampaign() {
  return (
    <NotFound
      icon={<IconSend size={24} />}
      title="No such campaign"
      description="There is no campaign at this address. It may have been deleted, or the link may be mistyped."
      to="/campaigns"
      label="All campaigns"
    />
  );
}
