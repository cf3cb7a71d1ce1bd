import { keepPreviousData, useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../lib/api.ts';

export const JOB_STATES = ['waiting', 'scheduled', 'running', 'retrying', 'failed'] as const;
export type JobState = (typeof JOB_STATES)[number];

// Spelled out here because the server keeps the job schema private to its routes file.
export interface Job {
  id: string;
  task: string;
  queue: string | null;
  state: JobState;
  attempts: number;
  maxAttempts: number;
  lastError: string | null;
  runAt: string;
  createdAt: string;
  updatedAt: string;
  key: string | null;
  payload: unknown;
}

export interface JobsPage {
  items: Job[];
  counts: Partial<Record<JobState, number>>;
  tasks: string[];
  nextCursor: string | null;
  workerRunning: boolean;
}

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
