import { Button, Group, Modal, MultiSelect, Stack, TagsInput, Text } from '@mantine/core';
import { useEffect, useState } from 'react';
import { notifyError, notifySuccess } from '../../components/notify.tsx';
import { plural } from '../../lib/format.ts';
import { useBulkTag, useTags } from './api.ts';
import type { Customer } from './api.ts';

/** Adds tags to, or removes tags from, the selected customers. */
export function BulkTagModal({ mode, customers, onClose, onDone }: { mode: 'add' | 'remove' | null; customers: Customer[]; onClose: () => void; onDone: () => void }) {
  const tags = useTags();
  const bulk = useBulkTag();
  const [value, setValue] = useState<string[]>([]);
  const [error, setError] = useState<string | undefined>();

  useEffect(() => {
    if (mode) {
      setValue([]);
      setError(undefined);
    }
  }, [mode]);

  const onTheirs = [...new Set(customers.flatMap((c) => c.tags))].sort();
  const n = customers.length;

  const submit = () => {
    if (!value.length) {
      setError(mode === 'add' ? 'Type a tag and press Enter, or pick one' : 'Pick the tags to remove');
      return;
    }
    bulk.mutate(
      { ids: customers.map((c) => c.id), add: mode === 'add' ? value : [], remove: mode === 'remove' ? value : [] },
      {
        onSuccess: (r) => {
          notifySuccess(`${mode === 'add' ? 'Tagged' : 'Untagged'} ${plural(r.updated, 'customer')}: ${value.join(', ')}.`, mode === 'add' ? 'Tags added' : 'Tags removed');
          onDone();
        },
        onError: (err) => notifyError(err, 'Could not change the tags'),
      },
    );
  };

  return (
    <Modal opened={mode !== null} onClose={onClose} title={<Text fw={600}>{mode === 'add' ? 'Add tags' : 'Remove tags'}</Text>} centered>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <Stack>
          {mode === 'add' ? (
            <TagsInput
              label="Tags to add"
              description={`Added to ${plural(n, 'selected customer')}. Press Enter after each new tag.`}
              placeholder="vip, wholesale…"
              data={(tags.data ?? []).map((t) => t.tag)}
              value={value}
              onChange={(v) => {
                setValue(v);
                setError(undefined);
              }}
              error={error}
              acceptValueOnBlur
              clearable
              data-autofocus
              comboboxProps={{ withinPortal: true }}
            />
          ) : (
            <MultiSelect
              label="Tags to remove"
              description={onTheirs.length ? `Removed from ${plural(n, 'selected customer')} that carry them.` : 'None of the selected customers has a tag.'}
              placeholder={onTheirs.length ? 'Pick tags' : undefined}
              data={onTheirs}
              value={value}
              onChange={(v) => {
                setValue(v);
                setError(undefined);
              }}
              error={error}
              searchable
              clearable
              disabled={!onTheirs.length}
              data-autofocus
              comboboxProps={{ withinPortal: true }}
            />
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={bulk.isPending} color={mode === 'remove' ? 'red' : undefined} disabled={mode === 'remove' && !onTheirs.length}>
              {mode === 'add' ? `Add to ${plural(n, 'customer')}` : `Remove from ${plural(n, 'customer')}`}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
