import { FormModal } from '../../components/FormModal.tsx';
import { Badge, Button, Group, List, Menu, Stack, Switch, Text, TextInput } from '@mantine/core';
import { IconBookmark, IconBookmarkPlus, IconChevronDown, IconTrash, IconUsersGroup } from '@tabler/icons-react';
import { useState } from 'react';
import { ConfirmModal } from '../../components/ConfirmModal.tsx';
import { notifyError, notifySuccess } from '../../components/notify.tsx';
import { ApiError } from '../../lib/api.ts';
import { useSession } from '../session/context.tsx';
import { useCreateView, useDeleteView, useSavedViews } from './api.ts';
import type { SavedView } from './api.ts';
import { describeFilters } from './describe.ts';
import { fromViewFilters, sameFilters, toApiFilters, toViewFilters } from './filters.ts';
import type { ListSearch } from './filters.ts';

/** Pick, save and delete named filter sets of the customer list. */
export function SavedViews({ search, currency, onApply }: { search: ListSearch; currency: string; onApply: (s: ListSearch, view: SavedView | null) => void }) {
  const me = useSession();
  const views = useSavedViews();
  const create = useCreateView();
  const remove = useDeleteView();
  const [saving, setSaving] = useState(false);
  const [deleting, setDeleting] = useState<SavedView | null>(null);
  const [name, setName] = useState('');
  const [shared, setShared] = useState(false);
  const [nameError, setNameError] = useState<string | undefined>();

  const current = views.data?.find((v) => v.id === search.view);
  const changed = current ? !sameFilters(fromViewFilters(current.filters, currency), search) : false;
  const admin = me.user.role === 'owner' || me.user.role === 'admin';
  const described = describeFilters(search, currency);

  const openSave = () => {
    setName(current && changed ? `${current.name} (copy)` : '');
    setShared(false);
    setNameError(undefined);
    setSaving(true);
  };

  const onSave = () => {
    if (!name.trim()) {
      setNameError('Give the view a name');
      return;
    }
    create.mutate(
      { name: name.trim(), shared, filters: toViewFilters(toApiFilters(search, currency)) },
      {
        onSuccess: (v) => {
          setSaving(false);
          onApply(search, v);
          notifySuccess(shared ? 'Everyone on the team can pick it now.' : 'Only you see it in your saved views.', `Saved “${v.name}”`);
        },
        onError: (err) => {
          if (err instanceof ApiError && err.fields.name) setNameError(err.fields.name);
          else notifyError(err, 'Could not save the view');
        },
      },
    );
  };

  return (
    <>
      <Menu position="bottom-end" width={280} shadow="md" withinPortal>
        <Menu.Target>
          <Button variant="default" leftSection={<IconBookmark size={16} />} rightSection={<IconChevronDown size={14} />} maw={260}>
            <Text span fz="sm" fw={500} truncate>
              {current ? `${current.name}${changed ? ' (changed)' : ''}` : 'Saved views'}
            </Text>
          </Button>
        </Menu.Target>
        <Menu.Dropdown>
          <Menu.Label>Saved views</Menu.Label>
          {views.data?.length ? (
            views.data.map((v) => (
              <Menu.Item
                key={v.id}
                onClick={() => onApply({ ...fromViewFilters(v.filters, currency), view: v.id }, v)}
                rightSection={v.shared ? <IconUsersGroup size={14} aria-label="Shared with the team" /> : undefined}
                fw={v.id === current?.id ? 600 : undefined}
              >
                {v.name}
              </Menu.Item>
            ))
          ) : (
            <Text fz="sm" c="dimmed" px="sm" py={6}>
              {views.isPending ? 'Loading…' : 'No saved views yet. Set filters, then save them here.'}
            </Text>
          )}
          <Menu.Divider />
          <Menu.Item leftSection={<IconBookmarkPlus size={16} />} onClick={openSave}>
            Save current filters…
          </Menu.Item>
          {current && (admin || current.ownerId === me.user.id) && (
            <Menu.Item color="red" leftSection={<IconTrash size={16} />} onClick={() => setDeleting(current)}>
              Delete “{current.name}”
            </Menu.Item>
          )}
        </Menu.Dropdown>
      </Menu>

      <FormModal opened={saving} onClose={() => setSaving(false)} title="Save view" onSubmit={() => onSave()}>
        <TextInput label="Name" placeholder="e.g. Big spenders in France" value={name} onChange={(e) => setName(e.currentTarget.value)} error={nameError} data-autofocus maxLength={200} />
        <Switch
          label="Share with the team"
          description="Shared views appear in everyone’s list; only you (or an admin) can delete them."
          checked={shared}
          onChange={(e) => setShared(e.currentTarget.checked)}
        />
        <Stack gap={4}>
          <Text fz="xs" fw={600} c="dimmed" tt="uppercase">
            Filters
          </Text>
          {described.length ? (
            <List fz="sm" spacing={2}>
              {described.map((d) => (
                <List.Item key={d}>{d}</List.Item>
              ))}
            </List>
          ) : (
            <Text fz="sm" c="dimmed">
              None: the view lists every customer.
            </Text>
          )}
        </Stack>
        <Group justify="flex-end">
          <Button variant="default" onClick={() => setSaving(false)}>
            Cancel
          </Button>
          <Button type="submit" loading={create.isPending}>
            Save view
          </Button>
        </Group>
      </FormModal>

      <ConfirmModal
        opened={deleting !== null}
        onClose={() => setDeleting(null)}
        title="Delete saved view"
        confirmLabel="Delete view"
        loading={remove.isPending}
        onConfirm={() =>
          deleting &&
          remove.mutate(deleting.id, {
            onSuccess: () => {
              notifySuccess(`“${deleting.name}” is gone${deleting.shared ? ' for everyone' : ''}.`, 'View deleted');
              setDeleting(null);
              onApply(search, null);
            },
            onError: (err) => {
              setDeleting(null);
              notifyError(err, 'Could not delete the view');
            },
          })
        }
      >
        {deleting?.shared ? (
          <>
            “{deleting.name}” is shared: it disappears for everyone on the team. <Badge size="xs">Shared</Badge>
          </>
        ) : (
          `“${deleting?.name ?? ''}” will no longer be in your saved views. The customers are not affected.`
        )}
      </ConfirmModal>
    </>
  );
}
