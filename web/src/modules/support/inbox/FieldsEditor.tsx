import { Group, NumberInput, Select, Switch, TextInput } from '@mantine/core';
import { useEffect, useState } from 'react';
import { notifyError } from '../../../components/notify.tsx';
import { useFields, useUpdateTicket, type Ticket } from './api.ts';

/** The ticket's custom fields (defined under Settings › Support › Fields), saved as each is changed. */
export function FieldsEditor({ ticket }: { ticket: Ticket }) {
  const fields = useFields();
  const update = useUpdateTicket(ticket.id);
  const [draft, setDraft] = useState<Record<string, unknown>>(ticket.customFields);
  useEffect(() => setDraft(ticket.customFields), [ticket.id, ticket.customFields]);
  if (!fields.data?.length) return null;
  const save = (key: string, value: unknown) => {
    if ((ticket.customFields[key] ?? null) === (value ?? null)) return;
    update.mutate({ customFields: { [key]: value === '' ? null : value } }, { onError: (e) => { notifyError(e, 'The field was not saved'); setDraft(ticket.customFields); } });
  };
  return (
    <Group gap="xs" wrap="wrap" aria-label="Ticket fields">
      {fields.data.map((f) => {
        const v = draft[f.key];
        const common = { size: 'xs' as const, label: f.label, w: 150 };
        switch (f.type) {
          case 'boolean': return <Switch key={f.key} size="xs" label={f.label} checked={v === true} onChange={(e) => { setDraft({ ...draft, [f.key]: e.currentTarget.checked }); save(f.key, e.currentTarget.checked); }} mt={18} />;
          case 'select': return <Select key={f.key} {...common} clearable data={f.options} value={typeof v === 'string' ? v : null} onChange={(x) => { setDraft({ ...draft, [f.key]: x }); save(f.key, x); }} />;
          case 'number': return <NumberInput key={f.key} {...common} value={typeof v === 'number' ? v : ''} onChange={(x) => setDraft({ ...draft, [f.key]: typeof x === 'number' ? x : null })} onBlur={() => save(f.key, draft[f.key] ?? null)} />;
          case 'date': return <TextInput key={f.key} {...common} type="date" value={typeof v === 'string' ? v : ''} onChange={(e) => { const x = e.currentTarget.value || null; setDraft({ ...draft, [f.key]: x }); save(f.key, x); }} />;
          default: return <TextInput key={f.key} {...common} value={typeof v === 'string' ? v : ''} onChange={(e) => setDraft({ ...draft, [f.key]: e.currentTarget.value })} onBlur={() => save(f.key, typeof draft[f.key] === 'string' ? (draft[f.key] as string).trim() : null)} />;
        }
      })}
    </Group>
  );
}
