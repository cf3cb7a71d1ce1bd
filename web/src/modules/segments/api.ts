import { keepPreviousData, useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import { api } from '../../lib/api.ts';
import type { Wire } from '../../lib/wire.ts';
import type { Definition } from '../../../../server/src/modules/segments/segments.definition.ts';
import type {
  customerSegmentsSchema, FieldsCatalogue, historySchema, membersPageSchema, previewSchema, Segment as SegmentOut, versionSchema,
} from '../../../../server/src/modules/segments/segments.schemas.ts';

export type Segment = Wire<SegmentOut>;
export type Catalogue = Wire<FieldsCatalogue>;
export type CatalogueField = Catalogue['fields'][number];
export type Preview = Wire<z.infer<typeof previewSchema>>;
export type MembersPage = Wire<z.infer<typeof membersPageSchema>>;
export type Member = MembersPage['items'][number];
export type HistoryPoint = Wire<z.infer<typeof historySchema>>['items'][number];
export type Version = Wire<z.infer<typeof versionSchema>>;
export type CustomerSegment = Wire<z.infer<typeof customerSegmentsSchema>>['items'][number];

export interface SegmentBody {
  name: string;
  description: string;
  definition: Definition;
}

export const segmentKeys = {
  all: ['segments'] as const,
  list: ['segments', 'list'] as const,
  fields: ['segments', 'fields'] as const,
  detail: (id: string) => ['segments', id, 'detail'] as const,
  members: (id: string) => ['segments', id, 'members'] as const,
  history: (id: string, days: number) => ['segments', id, 'history', days] as const,
  versions: (id: string) => ['segments', id, 'versions'] as const,
  forCustomer: (customerId: string) => ['customers', customerId, 'segments'] as const,
};

export function useSegments() {
  return useQuery({
    queryKey: segmentKeys.list,
    queryFn: ({ signal }) => api.get<{ items: Segment[] }>('/api/segments', { signal }),
    select: (d) => d.items,
    refetchInterval: (q) => (q.state.data?.items.some((s) => s.status === 'computing') ? 3000 : false),
  });
}

export function useSegment(id: string) {
  return useQuery({
    queryKey: segmentKeys.detail(id),
    queryFn: ({ signal }) => api.get<Segment>(`/api/segments/${id}`, { signal }),
    // A segment still being computed settles in seconds: look again until it has.
    refetchInterval: (q) => (q.state.data?.status === 'computing' ? 2000 : false),
  });
}

/** What the builder can test (fields, activity types, categories, segments) and the store currency. */
export function useSegmentCatalogue() {
  return useQuery({
    queryKey: segmentKeys.fields,
    queryFn: ({ signal }) => api.get<Catalogue>('/api/segments/fields', { signal }),
    staleTime: 60_000,
  });
}

/** Count and sample for a definition; `definition` null means "nothing to ask yet". */
export function usePreview(definition: Definition | null, segmentId: string | undefined) {
  const json = definition ? JSON.stringify(definition) : null;
  return useQuery({
    queryKey: ['segments', 'preview', json, segmentId ?? null],
    queryFn: ({ signal }) => api.post<Preview>('/api/segments/preview', { definition, ...(segmentId ? { segmentId } : {}) }, { signal }),
    enabled: json !== null,
    placeholderData: keepPreviousData,
    retry: false,
    staleTime: 30_000,
  });
}

export function useMembers(id: string) {
  return useInfiniteQuery({
    queryKey: segmentKeys.members(id),
    queryFn: ({ pageParam, signal }) => api.get<MembersPage>(`/api/segments/${id}/members`, { query: { cursor: pageParam, limit: 50 }, signal }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}

export function useHistory(id: string, days = 90) {
  return useQuery({
    queryKey: segmentKeys.history(id, days),
    queryFn: ({ signal }) => api.get<{ items: HistoryPoint[] }>(`/api/segments/${id}/history`, { query: { days }, signal }),
    select: (d) => d.items,
  });
}

export function useVersions(id: string) {
  return useQuery({
    queryKey: segmentKeys.versions(id),
    queryFn: ({ signal }) => api.get<{ items: Version[] }>(`/api/segments/${id}/versions`, { signal }),
    select: (d) => d.items,
  });
}

export function useCustomerSegments(customerId: string) {
  return useQuery({
    queryKey: segmentKeys.forCustomer(customerId),
    queryFn: ({ signal }) => api.get<{ items: CustomerSegment[] }>(`/api/customers/${customerId}/segments`, { signal }),
    select: (d) => d.items,
  });
}

export const membersCsvUrl = (id: string) => `/api/segments/${id}/members.csv`;

/** After any write: the list, the catalogue (segment names) and the segment's own queries are stale. */
function useInvalidate() {
  const qc = useQueryClient();
  return (s?: Segment) => {
    if (s) qc.setQueryData(segmentKeys.detail(s.id), s);
    return qc.invalidateQueries({ queryKey: segmentKeys.all, predicate: (q) => !(s && q.queryKey[1] === s.id && q.queryKey[2] === 'detail') });
  };
}

export function useCreateSegment() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (body: SegmentBody) => api.post<Segment>('/api/segments', body),
    onSuccess: (s) => invalidate(s),
  });
}

export function useUpdateSegment(id: string) {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (body: Partial<SegmentBody>) => api.patch<Segment>(`/api/segments/${id}`, body),
    onSuccess: (s) => invalidate(s),
  });
}

export function useDeleteSegment() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.delete<null>(`/api/segments/${id}`),
    onSuccess: (_r, id) => {
      qc.removeQueries({ queryKey: ['segments', id] });
      return qc.invalidateQueries({ queryKey: segmentKeys.all });
    },
  });
}

export function useDuplicateSegment() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (id: string) => api.post<Segment>(`/api/segments/${id}/duplicate`),
    onSuccess: (s) => invalidate(s),
  });
}

export function useRefreshSegment() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (id: string) => api.post<Segment>(`/api/segments/${id}/refresh`),
    onSuccess: (s) => invalidate(s),
  });
}
