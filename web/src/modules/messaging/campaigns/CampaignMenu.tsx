import { ActionIcon, Button, Menu } from '@mantine/core';
import { IconBan, IconCalendarOff, IconCopy, IconDots, IconExternalLink, IconPencil, IconTrash } from '@tabler/icons-react';
import { useNavigate } from '@tanstack/react-router';
import { useState } from 'react';
import { ConfirmModal } from '../../../components/ConfirmModal.tsx';
import { notifyError, notifySuccess } from '../../../components/notify.tsx';
import { formatInt } from '../../../lib/money.ts';
import { useCampaignAction, useDeleteCampaign, type Campaign } from './api.ts';

/**
 * What can be done to a campaign in its state: open, edit and delete a draft, unschedule, cancel a
 * scheduled or sending one (after a confirmation), duplicate any.
 */
export function CampaignMenu({ campaign: c, writable, variant = 'icon', onOpen }: { campaign: Campaign; writable: boolean; variant?: 'icon' | 'button'; onOpen?: () => void }) {
  const navigate = useNavigate();
  const [confirm, setConfirm] = useState<'cancel' | 'delete' | null>(null);
  const cancel = useCampaignAction('cancel');
  const unschedule = useCampaignAction('unschedule');
  const duplicate = useCampaignAction('duplicate');
  const remove = useDeleteCampaign();
  const queued = Math.max(0, c.stats.recipients - c.stats.sent);

  return (
    <>
      <Menu position="bottom-end" withinPortal>
        <Menu.Target>
          {variant === 'icon' ? (
            <ActionIcon variant="subtle" color="gray" aria-label={`Actions for ${c.name}`}>
              <IconDots size={18} />
            </ActionIcon>
          ) : (
            <Button variant="default" rightSection={<IconDots size={16} />}>
              More
            </Button>
          )}
        </Menu.Target>
        <Menu.Dropdown>
          {onOpen && (
            <Menu.Item leftSection={<IconExternalLink size={14} />} onClick={onOpen}>
              Open
            </Menu.Item>
          )}
          {writable && c.status === 'draft' && (
            <Menu.Item leftSection={<IconPencil size={14} />} onClick={() => void navigate({ to: '/campaigns/$id/edit', params: { id: c.id } })}>
              Edit
            </Menu.Item>
          )}
          {writable && (
            <Menu.Item
              leftSection={<IconCopy size={14} />}
              onClick={() =>
                duplicate.mutate(c.id, {
                  onSuccess: (copy) => {
                    notifySuccess(`Created “${copy.name}” as a draft.`);
                    void navigate({ to: '/campaigns/$id/edit', params: { id: copy.id } });
                  },
                  onError: (e) => notifyError(e, 'Could not duplicate'),
                })
              }
            >
              Duplicate
            </Menu.Item>
          )}
          {writable && c.status === 'scheduled' && (
            <Menu.Item
              leftSection={<IconCalendarOff size={14} />}
              onClick={() =>
                unschedule.mutate(c.id, {
                  onSuccess: () => notifySuccess(`“${c.name}” is a draft again.`, 'Unscheduled'),
                  onError: (e) => notifyError(e, 'Could not unschedule'),
                })
              }
            >
              Unschedule (back to draft)
            </Menu.Item>
          )}
          {writable && (c.status === 'scheduled' || c.status === 'sending') && (
            <>
              <Menu.Divider />
              <Menu.Item color="red" leftSection={<IconBan size={14} />} onClick={() => setConfirm('cancel')}>
                Cancel sending…
              </Menu.Item>
            </>
          )}
          {writable && c.status === 'draft' && (
            <>
              <Menu.Divider />
              <Menu.Item color="red" leftSection={<IconTrash size={14} />} onClick={() => setConfirm('delete')}>
                Delete…
              </Menu.Item>
            </>
          )}
        </Menu.Dropdown>
      </Menu>
      <ConfirmModal
        opened={confirm === 'cancel'}
        title={`Cancel “${c.name}”?`}
        confirmLabel="Cancel sending"
        loading={cancel.isPending}
        onClose={() => setConfirm(null)}
        onConfirm={() =>
          cancel.mutate(c.id, {
            onSuccess: () => {
              notifySuccess(`No more messages of “${c.name}” will be sent.`, 'Campaign cancelled');
              setConfirm(null);
            },
            onError: (e) => notifyError(e, 'Could not cancel'),
          })
        }
      >
        {c.status === 'scheduled'
          ? 'It has not started: nobody will receive it. You can duplicate it later to send it after all.'
          : `Messages still waiting to go out${queued ? ` (up to ${formatInt(queued)})` : ''} will not be sent. Messages already sent cannot be called back. This cannot be undone.`}
      </ConfirmModal>
      <ConfirmModal
        opened={confirm === 'delete'}
        title={`Delete “${c.name}”?`}
        confirmLabel="Delete draft"
        loading={remove.isPending}
        onClose={() => setConfirm(null)}
        onConfirm={() =>
          remove.mutate(c.id, {
            onSuccess: () => {
              notifySuccess(`Deleted “${c.name}”.`);
              setConfirm(null);
              void navigate({ to: '/campaigns' });
            },
            onError: (e) => notifyError(e, 'Could not delete'),
          })
        }
      >
        The draft and its settings are deleted. Its template and segments stay.
      </ConfirmModal>
    </>
  );
}
