import { keepPreviousData, useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import { api } from '../../lib/api.ts';
import type { Wire } from '../../lib/wire.ts';
import type {
  BulkJob as BulkJobOut, Customer as CustomerOut, CustomerDetail as CustomerDetailOut, ProfileFields, mergeBodySchema, mergeRecordSchema, noteSchema, savedViewSchema,
} from '../../../../server/src/modules/customers/customers.schemas.ts';
import type { ConsentChannel, ConsentStatus, ConsentView as ConsentViewOut } from '../../../../server/src/modules/customers/consent.schemas.ts';
import type { ApiFilters } from './filters.ts';

export type Customer = Wire<CustomerOut>;
export type CustomerDetail = Wire<CustomerDetailOut>;
export type Identity = CustomerDetail['identities'][number];
export type Note = Wire<z.infer<typeof noteSchema>>;
export type MergeRecord = Wire<z.infer<typeof mergeRecordSchema>>;
export type SavedView = Wire<z.infer<typeof savedViewSchema>>;
export type ConsentView = Wire<ConsentViewOut>;
export type ConsentEvent = ConsentView['history'][number];
export type ConsentState = ConsentView['current']['email'];
export type { ConsentChannel, ConsentStatus };
export type BulkJob = Wire<BulkJobOut>;
export type MergeBody = z.input<typeof mergeBodySchema>;
export type MergeField = keyof NonNullable<MergeBody['choose']>;
/** PATCH /api/customers/:id (null clears a field). */
export type CustomerPatch = ProfileFields;

/** One entry of a customer's activity timeline (the shape of GET /api/customers/:id/activities). */
export interface Activity {
  id: string;
  type: string;
  occurredAt: string;
  receivedAt: string;
  source: string;
  properties: Record<string, unknown>;
}

interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export const customerKeys = {
  all: ['customers'] as const,
  list: (f: ApiFilters) => ['customers', 'list', f] as const,
  detail: (id: string) => ['customers', id, 'detail'] as const,
  tags: ['customers', 'tags'] as const,
  views: ['customers', 'views'] as const,
};

export function useCustomers(filters: ApiFilters, enabled = true) {
  return useInfiniteQuery({
    enabled,
    queryKey: customerKeys.list(filters),
    queryFn: ({ pageParam, signal }) => {
      const qs = toSearchParams(filters);
      if (pageParam) qs.set('cursor', pageParam);
      qs.set('limit', '50');
      return api.get<Page<Customer>>(`/api/customers?${qs.toString()}`, { signal });
    },
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
  });
}

/** A handful of customers for pickers (merge). */
export function useCustomerSearch(q: string) {
  return useQuery({
    queryKey: ['customers', 'search', q],
    queryFn: ({ signal }) => api.get<Page<Customer>>('/api/customers', { query: { q, limit: 8 }, signal }),
    select: (d) => d.items,
    enabled: q.trim().length > 0,
    placeholderData: keepPreviousData,
  });
}

/** The query string of a list/export call (several `tag` parameters for several tags). */
export function toSearchParams(f: ApiFilters): URLSearchParams {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(f)) {
    if (v === undefined || v === null || v === '') continue;
    if (Array.isArray(v)) for (const x of v) p.append(k, String(x));
    else p.set(k, String(v));
  }
  return p;
}

export function exportUrl(f: ApiFilters): string {
  const qs = toSearchParams(f).toString();
  return `/api/customers/export${qs ? `?${qs}` : ''}`;
}

export function useCustomer(id: string, enabled = true) {
  return useQuery({ queryKey: customerKeys.detail(id), queryFn: () => api.get<CustomerDetail>(`/api/customers/${id}`), enabled });
}

export function useTags() {
  return useQuery({
    queryKey: customerKeys.tags,
    queryFn: () => api.get<{ items: { tag: string; count: number }[] }>('/api/customers/tags'),
    select: (d) => d.items,
    staleTime: 30_000,
  });
}

export function useUpdateCustomer(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: CustomerPatch) => api.patch<CustomerDetail>(`/api/customers/${id}`, body),
    onSuccess: async (c) => {
      qc.setQueryData(customerKeys.detail(id), c);
      await qc.invalidateQueries({ queryKey: customerKeys.all, predicate: (q) => q.queryKey[2] !== 'detail' });
    },
  });
}

/** The selected customers (ids), or everyone matching a filter (a background job beyond 1,000). */
export type BulkTagBody = ({ ids: string[] } | { filter: Omit<ApiFilters, 'sort'> }) & { add: string[]; remove: string[] };

/**
 * Bulk jobs this tab waits on: those it saw queued or running, and those it started itself. A quick worker may
 * finish a job before the list is polled again; its end must still be told.
 */
export const watchedJobs = new Set<string>();

export function useBulkTag() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: BulkTagBody) => api.post<{ updated: number; job: BulkJob | null }>('/api/customers/bulk-tag', body),
    onSuccess: (r) => {
      if (r.job && r.job.status !== 'done') watchedJobs.add(r.job.id); // before the jobs list is read again
      return qc.invalidateQueries({ queryKey: customerKeys.all });
    },
  });
}

/** How many customers the filters match (exact, or an estimate flagged approximate on very large sets). */
export function useCustomerCount(filters: ApiFilters, enabled = true) {
  const { sort: _sort, ...f } = filters;
  return useQuery({
    enabled,
    queryKey: ['customers', 'count', f],
    queryFn: ({ signal }) => api.get<{ count: number; approximate: boolean }>(`/api/customers/count?${toSearchParams(f).toString()}`, { signal }),
    placeholderData: keepPreviousData,
    staleTime: 15_000,
  });
}

/** Recent bulk changes; polled every second while one is queued or running (else now and then: a teammate may start one). */
export function useBulkJobs() {
  return useQuery({
    queryKey: ['customers', 'bulk-jobs'],
    queryFn: () => api.get<{ items: BulkJob[] }>('/api/customers/bulk-jobs', { query: { limit: 5 } }),
    select: (d) => d.items,
    refetchInterval: (q) => (q.state.data?.items.some((j) => j.status === 'queued' || j.status === 'running') ? 1000 : 20_000),
  });
}

export function useConsent(id: string) {
  return useQuery({ queryKey: ['customers', id, 'consent'], queryFn: () => api.get<ConsentView>(`/api/customers/${id}/consent`) });
}

export function useSetConsent(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ channel, status, reason }: { channel: ConsentChannel; status: ConsentStatus; reason: string }) =>
      api.put<ConsentView>(`/api/customers/${id}/consent/${channel}`, { status, reason }),
    onSuccess: async (v) => {
      qc.setQueryData(['customers', id, 'consent'], v);
      await qc.invalidateQueries({ queryKey: ['customers', id] });
      await qc.invalidateQueries({ queryKey: ['customers', 'count'] });
    },
  });
}

export function useActivityTypes(id: string) {
  return useQuery({
    queryKey: ['customers', id, 'activity-types'],
    queryFn: () => api.get<{ items: { type: string; count: number }[] }>(`/api/customers/${id}/activity-types`),
    select: (d) => d.items,
  });
}

export function useActivities(id: string, types: string[]) {
  return useInfiniteQuery({
    queryKey: ['customers', id, 'activities', types],
    queryFn: ({ pageParam, signal }) =>
      api.get<Page<Activity>>(`/api/customers/${id}/activities`, { query: { types: types.join(',') || undefined, cursor: pageParam, limit: 30 }, signal }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
  });
}

export function useNotes(id: string) {
  return useQuery({
    queryKey: ['customers', id, 'notes'],
    queryFn: () => api.get<{ items: Note[] }>(`/api/customers/${id}/notes`),
    select: (d) => d.items,
  });
}

export function useAddNote(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: string) => api.post<Note>(`/api/customers/${id}/notes`, { body }),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['customers', id] }),
  });
}

export function useDeleteNote(customerId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (noteId: string) => api.delete<null>(`/api/customer-notes/${noteId}`),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['customers', customerId, 'notes'] }),
  });
}

export function useMerges(id: string) {
  return useQuery({
    queryKey: ['customers', id, 'merges'],
    queryFn: () => api.get<{ items: MergeRecord[] }>(`/api/customers/${id}/merges`),
    select: (d) => d.items,
  });
}

export function useMerge() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: MergeBody) => api.post<CustomerDetail>('/api/customers/merge', body),
    onSuccess: () => qc.invalidateQueries({ queryKey: customerKeys.all }),
  });
}

export function useSavedViews() {
  return useQuery({
    queryKey: customerKeys.views,
    queryFn: () => api.get<{ items: SavedView[] }>('/api/customer-views'),
    select: (d) => d.items,
    staleTime: 60_000,
  });
}

export function useCreateView() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: { name: string; shared: boolean; filters: Record<string, unknown> }) => api.post<SavedView>('/api/customer-views', body),
    onSuccess: () => qc.invalidateQueries({ queryKey: customerKeys.views }),
  });
}

export function useDeleteView() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.delete<null>(`/api/customer-views/${id}`),
    onSuccess: () => qc.invalidateQueries({ queryKey: customerKeys.views }),
  });
}
