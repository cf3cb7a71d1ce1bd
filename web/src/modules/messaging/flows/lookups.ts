import { useMemo } from 'react';
import type { Step } from '../../../../../server/src/modules/messaging/flows.definition.ts';
import { useTags } from '../../customers/api.ts';
import { describe } from '../../segments/describe.ts';
import { useSegmentCatalogue, useSegments, type Catalogue } from '../../segments/api.ts';
import { useCan } from '../../session/context.tsx';
import { useTemplates, type TemplateSummary } from '../templates/api.ts';
import { useUsers } from '../../team/api.ts';
import { stepSummary } from './steps.ts';

/** What the flow editor shows by name: templates, team members, segments, activity types, tags. */
export interface FlowLookups {
  templates: TemplateSummary[];
  users: { id: string; name: string }[];
  segments: { id: string; name: string }[];
  catalogue: Catalogue | undefined;
  activities: string[];
  tags: string[];
  /** Custom attributes: key → type. */
  attributes: { key: string; label: string; type: string }[];
  summary: (s: Step) => string;
  loading: boolean;
}

export function useFlowLookups(): FlowLookups {
  const can = useCan();
  const templates = useTemplates(false);
  const users = useUsers(can('team:read'));
  const segments = useSegments();
  const cat = useSegmentCatalogue();
  const tags = useTags();
  return useMemo(() => {
    const tpl = templates.data ?? [];
    const us = (users.data ?? []).map((u) => ({ id: u.id, name: u.name || u.email }));
    const catalogue = cat.data;
    return {
      templates: tpl,
      users: us,
      segments: (segments.data ?? []).map((s) => ({ id: s.id, name: s.name })),
      catalogue,
      activities: (catalogue?.activities ?? []).map((a) => a.type),
      tags: can('customers:read') ? (tags.data ?? []).map((t) => t.tag) : [],
      attributes: (catalogue?.fields ?? []).filter((f) => f.key.startsWith('custom.')).map((f) => ({ key: f.key.slice(7), label: f.label, type: f.type })),
      summary: (s: Step) => stepSummary(s, {
        template: (id) => tpl.find((t) => t.id === id)?.name,
        user: (id) => us.find((u) => u.id === id)?.name,
        condition: (x) => describe(x.condition, catalogue) ?? 'Customers who match the condition',
      }),
      loading: templates.isPending || segments.isPending || cat.isPending,
    };
  }, [templates.data, templates.isPending, users.data, segments.data, segments.isPending, cat.data, cat.isPending, tags.data, can]);
}
