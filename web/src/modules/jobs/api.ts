import { keepPreviousData, useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../lib/api.ts';
import type { Wire } from '../../lib/wire.ts';
import type { JobOut, JobsPage as JobsPageOut } from '../../../../server/src/platform/jobs/jobs.schemas.ts';

export const JOB_STATES = ['waiting', 'scheduled', 'running', 'retrying', 'failed'] as const;
export type JobState = (typeof JOB_STATES)[number];

export type Job = Wire<JobOut>;
export type JobsPage = Wire<JobsPageOut>;

export interface JobFilters {
  state?: JobState;
  task?: string;
}

export function useJobs(filters: JobFilters) {
  return useInfiniteQuery({
    queryKey: ['jobs', 'list', filters],
    queryFn: ({ pageParam, signal }) => api.get<JobsPage>('/api/jobs', { query: { ...filters, cursor: pageParam, limit: 50 }, signal }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
    refetchInterval: 5000,
  });
}

export function useJobAction() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, action }: { id: string; action: 'retry' | 'delete' }) =>
      action === 'retry' ? api.post<void>(`/api/jobs/${id}/retry`) : api.delete<void>(`/api/jobs/${id}`),
    onSettled: () => qc.invalidateQueries({ queryKey: ['jobs'] }),
  });
}
