import { keepPreviousData, useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { api } from '../../lib/api.ts';
import type { Wire } from '../../lib/wire.ts';
import type { AuditEntryOut, AuditPage as AuditPageOut } from '../../../../server/src/platform/audit/audit.schemas.ts';

export type AuditEntry = Wire<AuditEntryOut>;

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

type AuditPage = Wire<AuditPageOut>;

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
