import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import { api } from '../../../lib/api.ts';
import type { Wire } from '../../../lib/wire.ts';
import type {
  CreateTemplateBody, Issue as IssueOut, Preview as PreviewOut, PreviewBody, StarterOut, Template as TemplateOut, TemplateSummary as SummaryOut, TestSendBody, UpdateTemplateBody, versionSchema,
  versionSummarySchema, Warning as WarningOut,
} from '../../../../../server/src/modules/messaging/templates.schemas.ts';

export type TemplateSummary = Wire<SummaryOut>;
export type Template = Wire<TemplateOut>;
export type Starter = Wire<StarterOut>;
export type Preview = Wire<PreviewOut>;
export type Issue = Wire<IssueOut>;
export type Warning = Wire<WarningOut>;
export type VersionSummary = Wire<z.infer<typeof versionSummarySchema>>;
export type Version = Wire<z.infer<typeof versionSchema>>;
export type PreviewRequest = Omit<PreviewBody, 'subject' | 'preheader'> & { subject?: string; preheader?: string };
export interface Sender {
  id: string;
  name: string;
  fromName: string;
  fromEmail: string;
  isDefault: boolean;
}

export const templateKeys = {
  all: ['templates'] as const,
  list: (archived: boolean) => ['templates', 'list', archived] as const,
  starters: ['templates', 'starters'] as const,
  detail: (id: string) => ['templates', id, 'detail'] as const,
  versions: (id: string) => ['templates', id, 'versions'] as const,
  version: (id: string, v: number) => ['templates', id, 'versions', v] as const,
};

const base = '/api/messaging/templates';

export function useTemplates(archived: boolean) {
  return useQuery({
    queryKey: templateKeys.list(archived),
    queryFn: ({ signal }) => api.get<{ items: TemplateSummary[] }>(base, { query: { archived: archived ? 'true' : undefined }, signal }),
    select: (d) => d.items,
  });
}

export function useStarters() {
  return useQuery({ queryKey: templateKeys.starters, queryFn: ({ signal }) => api.get<{ items: Starter[] }>(`${base}/starters`, { signal }), select: (d) => d.items, staleTime: 5 * 60_000 });
}

export function useTemplate(id: string) {
  return useQuery({ queryKey: templateKeys.detail(id), queryFn: ({ signal }) => api.get<Template>(`${base}/${id}`, { signal }) });
}

export function useTemplateVersions(id: string, enabled: boolean) {
  return useQuery({ queryKey: templateKeys.versions(id), queryFn: ({ signal }) => api.get<{ items: VersionSummary[] }>(`${base}/${id}/versions`, { signal }), select: (d) => d.items, enabled });
}

export function useTemplateVersion(id: string, version: number | null) {
  return useQuery({
    queryKey: templateKeys.version(id, version ?? 0),
    queryFn: ({ signal }) => api.get<Version>(`${base}/${id}/versions/${version}`, { signal }),
    enabled: version !== null,
    staleTime: Infinity,
  });
}

/** The live preview of unsaved content (errors come back as a 422 problem with the issues). */
export function usePreview(body: PreviewRequest | null) {
  return useQuery({
    queryKey: ['templates', 'preview', body],
    queryFn: ({ signal }) => api.post<Preview>(`${base}/preview`, body, { signal }),
    enabled: body !== null,
    placeholderData: keepPreviousData,
    retry: false,
    staleTime: 30_000,
  });
}

export function useSenders() {
  return useQuery({ queryKey: ['messaging', 'senders'], queryFn: ({ signal }) => api.get<{ items: Sender[] }>('/api/messaging/senders', { signal }), select: (d) => d.items, retry: false });
}

export function useCreateTemplate() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (b: CreateTemplateBody) => api.post<Template>(base, b),
    onSuccess: (t) => {
      qc.setQueryData(templateKeys.detail(t.id), t);
      void qc.invalidateQueries({ queryKey: ['templates', 'list'] });
    },
  });
}

export function useUpdateTemplate(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (b: UpdateTemplateBody) => api.patch<Template>(`${base}/${id}`, b),
    onSuccess: (t) => {
      qc.setQueryData(templateKeys.detail(id), t);
      void qc.invalidateQueries({ queryKey: ['templates', 'list'] });
      void qc.invalidateQueries({ queryKey: templateKeys.versions(id) });
    },
  });
}

export function useTemplateAction() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, action }: { id: string; action: 'archive' | 'unarchive' | 'duplicate' }) => api.post<Template>(`${base}/${id}/${action}`),
    onSuccess: (t) => {
      qc.setQueryData(templateKeys.detail(t.id), t);
      void qc.invalidateQueries({ queryKey: ['templates', 'list'] });
    },
  });
}

export function useTestSend(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (b: TestSendBody) => api.post<{ messageId: string; to: string; customerId: string; status: string }>(`${base}/${id}/test`, b),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['messages'] }),
  });
}
