import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import { api } from '../../../lib/api.ts';
import type { Wire } from '../../../lib/wire.ts';
import type { FlowDefinition } from '../../../../../server/src/modules/messaging/flows.definition.ts';
import type {
  enrolResultSchema, FlowDetail as FlowDetailOut, FlowSummary as FlowSummaryOut, galleryItemSchema, Journey as JourneyOut, moveResultSchema, runsPageSchema, taskSchema,
} from '../../../../../server/src/modules/messaging/flows.schemas.ts';

export type FlowSummary = Wire<FlowSummaryOut>;
export type FlowDetail = Wire<FlowDetailOut>;
export type StepStats = FlowDetail['steps'][string];
export type GalleryItem = Wire<z.infer<typeof galleryItemSchema>>;
export type Journey = Wire<JourneyOut>;
export type RunsPage = Wire<z.infer<typeof runsPageSchema>>;
export type Run = RunsPage['items'][number];
export type Task = Wire<z.infer<typeof taskSchema>>;
export type EnrolResult = z.infer<typeof enrolResultSchema>;
export type MoveResult = z.infer<typeof moveResultSchema>;

export interface FlowBody {
  name: string;
  description: string;
  definition: FlowDefinition;
}

const base = '/api/messaging/flows';

export const flowKeys = {
  all: ['flows'] as const,
  list: ['flows', 'list'] as const,
  gallery: ['flows', 'gallery'] as const,
  tasks: (status: string) => ['flows', 'tasks', status] as const,
  detail: (id: string) => ['flows', id, 'detail'] as const,
  runs: (id: string, status: string | null) => ['flows', id, 'runs', status] as const,
  version: (id: string, v: number) => ['flows', id, 'version', v] as const,
  journeys: (customerId: string) => ['customers', customerId, 'journeys'] as const,
};

export function useFlows() {
  return useQuery({
    queryKey: flowKeys.list,
    queryFn: ({ signal }) => api.get<{ items: FlowSummary[] }>(base, { signal }),
    select: (d) => d.items,
    refetchInterval: 15_000,
  });
}

export function useFlow(id: string) {
  return useQuery({
    queryKey: flowKeys.detail(id),
    queryFn: ({ signal }) => api.get<FlowDetail>(`${base}/${id}`, { signal }),
    // The per-step counts move while customers go through the flow.
    refetchInterval: 10_000,
  });
}

export function useFlowVersion(id: string, version: number | null) {
  return useQuery({
    queryKey: flowKeys.version(id, version ?? 0),
    queryFn: ({ signal }) => api.get<{ version: number; definition: FlowDefinition; createdBy: string; createdAt: string }>(`${base}/${id}/versions/${version}`, { signal }),
    enabled: version !== null,
    staleTime: Infinity,
  });
}

export function useGallery() {
  return useQuery({ queryKey: flowKeys.gallery, queryFn: ({ signal }) => api.get<{ items: GalleryItem[] }>(`${base}/gallery`, { signal }), select: (d) => d.items });
}

export function useTasks(status: 'open' | 'done') {
  return useQuery({ queryKey: flowKeys.tasks(status), queryFn: ({ signal }) => api.get<{ items: Task[] }>(`${base}/tasks`, { query: { status }, signal }), select: (d) => d.items });
}

export function useRuns(id: string, status: string | null) {
  return useInfiniteQuery({
    queryKey: flowKeys.runs(id, status),
    queryFn: ({ pageParam, signal }) => api.get<RunsPage>(`${base}/${id}/runs`, { query: { cursor: pageParam, status: status ?? undefined, limit: 50 }, signal }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}

export function useJourneys(customerId: string) {
  return useQuery({
    queryKey: flowKeys.journeys(customerId),
    queryFn: ({ signal }) => api.get<{ items: Journey[] }>(`${base}/journeys`, { query: { customerId }, signal }),
    select: (d) => d.items,
  });
}

function useFlowMutation<A, R extends { id: string }>(fn: (a: A) => Promise<R>) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: (f) => {
      if ('definition' in f) qc.setQueryData(flowKeys.detail(f.id), f);
      void qc.invalidateQueries({ queryKey: flowKeys.all });
    },
  });
}

export function useCreateFlow() {
  return useFlowMutation((b: FlowBody) => api.post<FlowDetail>(base, b));
}

export function useUpdateFlow(id: string) {
  return useFlowMutation((b: Partial<FlowBody> & { moveInFlight?: boolean }) => api.patch<FlowDetail & { moved: MoveResult | null }>(`${base}/${id}`, b));
}

export function useSetFlowStatus(id: string) {
  return useFlowMutation((status: 'live' | 'paused') => api.post<FlowDetail>(`${base}/${id}/status`, { status }));
}

export function useEnableBuiltin() {
  return useFlowMutation((key: string) => api.post<FlowDetail>(`${base}/gallery/${key}`));
}

export function useArchiveFlow() {
  const qc = useQueryClient();
  return useMutation({ mutationFn: (id: string) => api.delete<void>(`${base}/${id}`), onSuccess: () => void qc.invalidateQueries({ queryKey: flowKeys.all }) });
}

export function useEnrol(id: string) {
  const qc = useQueryClient();
  return useMutation({ mutationFn: (customerIds: string[]) => api.post<EnrolResult>(`${base}/${id}/enrol`, { customerIds }), onSuccess: () => void qc.invalidateQueries({ queryKey: flowKeys.all }) });
}

export function useCompleteTask() {
  const qc = useQueryClient();
  return useMutation({ mutationFn: (id: string) => api.post<void>(`${base}/tasks/${id}/done`), onSuccess: () => void qc.invalidateQueries({ queryKey: ['flows', 'tasks'] }) });
}
