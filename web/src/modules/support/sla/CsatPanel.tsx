import { Button, Group, NumberInput, Paper, Skeleton, Stack, Switch, Text, Textarea, TextInput } from '@mantine/core';
import { useEffect, useState } from 'react';
import type { ReactNode } from 'react';
import { ErrorState } from '../../../components/ErrorState.tsx';
import { notifySuccess } from '../../../components/notify.tsx';
import { ApiError, errorMessage } from '../../../lib/api.ts';
import { useCan } from '../../session/context.tsx';
import { useCsatSettings, useSaveCsatSettings, type CsatSettings } from './api.ts';

/** Settings → SLA → Satisfaction: the CSAT survey sent when a ticket is solved. */
export function CsatPanel(): ReactNode {
  const can = useCan();
  const q = useCsatSettings();
  const save = useSaveCsatSettings();
  const [draft, setDraft] = useState<CsatSettings | null>(null);
  const [problem, setProblem] = useState<{ detail: string; fields: Record<string, string> } | null>(null);
  useEffect(() => { if (q.data && !draft) setDraft(q.data); }, [q.data, draft]);
  if (q.isPending || !draft) return q.isError ? <ErrorState error={q.error} onRetry={() => void q.refetch()} /> : <Skeleton h={240} />;
  const write = can('settings:write');
  const patch = (p: Partial<CsatSettings>) => setDraft({ ...draft, ...p });
  return (
    <Paper withBorder radius="md" p="lg" maw={720}>
      <form onSubmit={(e) => {
        e.preventDefault();
        setProblem(null);
        save.mutate(draft, { onSuccess: (d) => { setDraft(d); notifySuccess('Satisfaction survey saved'); }, onError: (err) => setProblem({ detail: errorMessage(err), fields: err instanceof ApiError ? err.fields : {} }) });
      }}>
        <Stack>
          <Switch label="Send a satisfaction survey when a ticket is solved" description="One email per ticket to the customer, with five one-click ratings and a page for a comment. Transactional: no marketing consent needed; suppressed addresses are skipped." checked={draft.enabled} disabled={!write} onChange={(e) => patch({ enabled: e.currentTarget.checked })} />
          <TextInput label="Subject" value={draft.subject} disabled={!write} onChange={(e) => patch({ subject: e.currentTarget.value })} error={problem?.fields.subject} description="Liquid: {{ ticket.number }}, {{ ticket.subject }}, {{ customer.first_name }}, {{ store.name }}" />
          <Textarea label="Text above the rating links" autosize minRows={3} value={draft.intro} disabled={!write} onChange={(e) => patch({ intro: e.currentTarget.value })} error={problem?.fields.intro} />
          <NumberInput label="Customers may change their rating for (days)" min={1} max={90} w={440} value={draft.windowDays} disabled={!write} onChange={(v) => patch({ windowDays: typeof v === 'number' ? v : 7 })} error={problem?.fields.windowDays} />
          {problem && !Object.keys(problem.fields).length && <Text c="red" fz="sm">{problem.detail}</Text>}
          {write && <Group><Button type="submit" loading={save.isPending}>Save</Button></Group>}
        </Stack>
      </form>
    </Paper>
  );
}
