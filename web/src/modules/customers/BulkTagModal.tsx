import { FormModal } from '../../components/FormModal.tsx';
import { Alert, Anchor, Button, Group, MultiSelect, Progress, Stack, TagsInput, Text } from '@mantine/core';
import { IconTags } from '@tabler/icons-react';
import { useQueryClient } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useEffect, useState } from 'react';
import { notifyError, notifySuccess } from '../../components/notify.tsx';
import { plural } from '../../lib/format.ts';
import { formatInt } from '../../lib/money.ts';
import { customerKeys, useBulkJobs, useBulkTag, useTags, watchedJobs } from './api.ts';
import type { BulkJob, Customer } from './api.ts';
import type { ApiFilters } from './filters.ts';
import { useCan } from '../session/context.tsx';

/** Who a bulk change is for: the selected rows, or everyone the filters match (counted by the server). */
export type BulkTarget = { kind: 'selected'; customers: Customer[] } | { kind: 'matching'; filter: ApiFilters; count: number; approximate: boolean };

/** "about 1.2M" for estimates, "12,345" otherwise. */
export function countText(n: number, approximate: boolean): string {
  if (!approximate) return formatInt(n);
  if (n >= 1e6) return `about ${(n / 1e6).toFixed(1)}M`;
  if (n >= 1e4) return `about ${Math.round(n / 1e3).toLocaleString()}k`;
  return `about ${formatInt(Math.round(n / 10) * 10)}`;
}

/** Adds tags to, or removes tags from, the selected customers or everyone matching the filters. */
export function BulkTagModal({ mode, target, onClose, onDone }: { mode: 'add' | 'remove' | null; target: BulkTarget; onClose: () => void; onDone: () => void }) {
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

  const matching = target.kind === 'matching';
  const onTheirs = matching ? (tags.data ?? []).map((t) => t.tag).sort() : [...new Set(target.customers.flatMap((c) => c.tags))].sort();
  const who = matching ? `all ${countText(target.count, target.approximate)} matching ${target.count === 1 ? 'customer' : 'customers'}` : plural(target.customers.length, 'selected customer');
  const short = matching ? `${countText(target.count, target.approximate)} customers` : plural(target.customers.length, 'customer');

  const submit = () => {
    if (!value.length) {
      setError(mode === 'add' ? 'Type a tag and press Enter, or pick one' : 'Pick the tags to remove');
      return;
    }
    const add = mode === 'add' ? value : [];
    const remove = mode === 'remove' ? value : [];
    const { sort: _sort, ...filter } = matching ? target.filter : {};
    bulk.mutate(matching ? { filter, add, remove } : { ids: target.customers.map((c) => c.id), add, remove }, {
      onSuccess: (r) => {
        if (r.job && r.job.status !== 'done') notifySuccess(`Tagging ${formatInt(r.job.total)} customers in the background; the progress shows above the list.`, 'Bulk tagging started');
        else notifySuccess(`${mode === 'add' ? 'Tagged' : 'Untagged'} ${r.updated === 1 ? '1 customer' : `${formatInt(r.updated)} customers`}: ${value.join(', ')}.`, mode === 'add' ? 'Tags added' : 'Tags removed');
        onDone();
      },
      onError: (err) => notifyError(err, 'Could not change the tags'),
    });
  };

  return (
    <FormModal opened={mode !== null} onClose={onClose} title={mode === 'add' ? 'Add tags' : 'Remove tags'} onSubmit={submit}>
      {matching && (
        <Alert variant="light" color="blue" icon={<IconTags size={16} />} p="xs">
          <Text fz="sm">
            Applies to {who}, including those not loaded on the page. More than 1,000 are tagged in the background, and each changed profile gets a timeline entry.
          </Text>
        </Alert>
      )}
      {mode === 'add' ? (
        <TagsInput
          label="Tags to add"
          description={`Added to ${who}. Press Enter after each new tag.`}
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
          description={onTheirs.length ? `Removed from ${who} that carry them.` : 'None of these customers has a tag.'}
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
          {mode === 'add' ? `Add to ${short}` : `Remove from ${short}`}
        </Button>
      </Group>
    </FormModal>
  );
}

function describeJob(j: BulkJob): string {
  const tags = [...j.add.map((t) => `+${t}`), ...j.remove.map((t) => `−${t}`)].join(', ');
  return `Tagging ${formatInt(j.total)} customers (${tags})`;
}

/** Bulk tag jobs that are queued or running, with their progress; says when one finishes. */
export function BulkJobsProgress() {
  const jobs = useBulkJobs();
  const qc = useQueryClient();
  const can = useCan();
  const active = (jobs.data ?? []).filter((j) => j.status === 'queued' || j.status === 'running');

  useEffect(() => {
    for (const j of jobs.data ?? []) {
      if (j.status === 'queued' || j.status === 'running') watchedJobs.add(j.id);
      else if (watchedJobs.has(j.id)) {
        watchedJobs.delete(j.id);
        if (j.status === 'done') notifySuccess(`${formatInt(j.changed)} of ${formatInt(j.processed)} matching customers changed.`, 'Bulk tagging finished');
        else notifyError(new Error(j.error ?? 'The job failed.'), 'Bulk tagging failed');
        void qc.invalidateQueries({ queryKey: customerKeys.all, predicate: (q) => q.queryKey[1] !== 'bulk-jobs' });
      }
    }
  }, [jobs.data, qc]);

  if (!active.length) return null;
  return (
    <Stack gap="xs" mb="md">
      {active.map((j) => {
        const pct = j.total ? Math.min(100, (j.processed / j.total) * 100) : 0;
        return (
          <Alert key={j.id} variant="light" color="blue" icon={<IconTags size={18} />} title={describeJob(j)} aria-live="polite">
            <Group justify="space-between" gap="xs" mb={6}>
              <Text fz="sm" className="patron-tabular">
                {j.status === 'queued' ? 'Waiting for a worker…' : `${formatInt(j.processed)} of ${formatInt(j.total)} done, ${formatInt(j.changed)} changed`}
              </Text>
              {can('jobs:read') && (
                <Anchor renderRoot={(props) => <Link to="/settings/jobs" {...props} />} fz="xs">
                  Jobs page
                </Anchor>
              )}
            </Group>
            <Progress value={pct} animated striped aria-label="Bulk tagging progress" />
          </Alert>
        );
      })}
    </Stack>
  );
}
