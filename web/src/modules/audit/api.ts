import { keepPreviousData, useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { api } from '../../lib/api.ts';

// The server does not export the audit entry type (its zod schema is module-private), so it is spelled out here.
export interface AuditEntry {
  id: string;
  at: string;
  actorType: string;
  actorId: string | null;
  actorLabel: string;
  action: string;
  entityType: string;
  entityId: string | null;
  summary: string;
  before: unknown;
  after: unknown;
  ip: string | null;
  requestId: string | null;
}

export interface AuditFilters {
  action?: string;
  q?: string;
  /** ISO 8601 instants. */
  from?: string;
  to?: string;
  actorId?: string;
  entityType?: string;
  entityId?: string;
}

interface AuditPage {
  items: AuditEntry[];
  nextCursor: string | null;
}

export function useAuditLog(filters: AuditFilters) {
  return useInfiniteQuery({
    queryKey: ['audit', 'list', filters],
    queryFn: ({ pageParam, signal }) =>
      api.get<AuditPage>('/api/audit', { query: { ...filters, cursor: pageParam, limit: 50 }, signal }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
  });
}

export function useAuditActions() {
  return useQuery({
    queryKey: ['audit', 'actions'],
    queryFn: () => api.get<{ items: string[] }>('/api/audit/actions'),
    select: (d) => d.items,
    staleTime: 60_000,
  });
}
