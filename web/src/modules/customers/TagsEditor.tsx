import { ActionIcon, Button, Group, TagsInput, Text, Tooltip } from '@mantine/core';
import { IconPencil, IconPlus } from '@tabler/icons-react';
import { useState } from 'react';
import { notifyError, notifySuccess } from '../../components/notify.tsx';
import { TagBadges } from './TagBadges.tsx';
import { useTags, useUpdateCustomer } from './api.ts';
import type { CustomerDetail } from './api.ts';

/** A customer's tags, editable in place by people with customers:write. */
export function TagsEditor({ customer, writable }: { customer: CustomerDetail; writable: boolean }) {
  const [editing, setEditing] = useState(false);
  const [value, setValue] = useState<string[]>(customer.tags);
  const tags = useTags();
  const update = useUpdateCustomer(customer.id);

  if (!editing) {
    return (
      <Group gap={6} wrap="wrap">
        {customer.tags.length ? (
          <TagBadges tags={customer.tags} max={12} />
        ) : (
          <Text fz="sm" c="dimmed">
            No tags
          </Text>
        )}
        {writable &&
          (customer.tags.length ? (
            <Tooltip label="Edit tags" withArrow>
              <ActionIcon
                variant="subtle"
                color="gray"
                size="sm"
                aria-label="Edit tags"
                onClick={() => {
                  setValue(customer.tags);
                  setEditing(true);
                }}
              >
                <IconPencil size={14} />
              </ActionIcon>
            </Tooltip>
          ) : (
            <Button
              size="compact-xs"
              variant="subtle"
              leftSection={<IconPlus size={12} />}
              onClick={() => {
                setValue([]);
                setEditing(true);
              }}
            >
              Add tags
            </Button>
          ))}
      </Group>
    );
  }

  const save = () =>
    update.mutate(
      { tags: value },
      {
        onSuccess: () => {
          setEditing(false);
          notifySuccess('Tags saved.');
        },
        onError: (err) => notifyError(err, 'Could not save the tags'),
      },
    );

  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        save();
      }}
    >
      <Group gap="xs" align="flex-start" wrap="wrap">
        <TagsInput
          aria-label="Tags"
          placeholder="Type a tag and press Enter"
          data={(tags.data ?? []).map((t) => t.tag)}
          value={value}
          onChange={setValue}
          acceptValueOnBlur
          clearable
          autoFocus
          size="xs"
          w={{ base: '100%', sm: 360 }}
          comboboxProps={{ withinPortal: true }}
          onKeyDown={(e) => {
            if (e.key === 'Escape') setEditing(false);
          }}
        />
        <Button size="xs" type="submit" loading={update.isPending}>
          Save tags
        </Button>
        <Button size="xs" variant="default" onClick={() => setEditing(false)}>
          Cancel
        </Button>
      </Group>
    </form>
  );
}
