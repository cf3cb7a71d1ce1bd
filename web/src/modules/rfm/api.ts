import { keepPreviousData, useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../lib/api.ts';
import type { Wire } from '../../lib/wire.ts';
import type { CustomerRfm as CustomerRfmOut, RfmCustomer as RfmCustomerOut, RfmOverview as RfmOverviewOut, RfmRun as RfmRunOut } from '../../../../server/src/modules/rfm/rfm.schemas.ts';
import type { RfmClass } from '../../../../server/src/modules/rfm/rfm.classes.ts';

export type { RfmClass };
export type RfmOverview = Wire<RfmOverviewOut>;
export type RfmCell = RfmOverview['cells'][number];
export type RfmClassSummary = RfmOverview['classes'][number];
export type CutPoints = NonNullable<RfmOverview['cutPoints']>;
export type RfmRun = Wire<RfmRunOut>;
export type RfmCustomer = Wire<RfmCustomerOut>;
export type CustomerRfm = Wire<CustomerRfmOut>;

/** A cell (r and f), a class, or nothing (everyone scored). */
export interface RfmSelection {
  r?: number;
  f?: number;
  class?: RfmClass;
}

interface Page {
  items: RfmCustomer[];
  nextCursor: string | null;
  currency: string;
}

export const rfmKeys = {
  all: ['rfm'] as const,
  overview: ['rfm', 'overview'] as const,
  customers: (s: RfmSelection) => ['rfm', 'customers', s] as const,
  forCustomer: (id: string) => ['customers', id, 'rfm'] as const,
};

function query(s: RfmSelection): Record<string, string | number | undefined> {
  return { r: s.r, f: s.f, class: s.class };
}

export function useRfmOverview() {
  return useQuery({ queryKey: rfmKeys.overview, queryFn: ({ signal }) => api.get<RfmOverview>('/api/rfm', { signal }) });
}

export function useRfmCustomers(s: RfmSelection, enabled = true) {
  return useInfiniteQuery({
    enabled,
    queryKey: rfmKeys.customers(s),
    queryFn: ({ pageParam, signal }) => api.get<Page>('/api/rfm/customers', { query: { ...query(s), cursor: pageParam, limit: 50 }, signal }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
  });
}

/** The CSV of a selection (every page), for a download link. */
export function rfmExportUrl(s: RfmSelection): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(query(s))) if (v !== undefined) p.set(k, String(v));
  const qs = p.toString();
  return `/api/rfm/customers/export${qs ? `?${qs}` : ''}`;
}

export function useRecomputeRfm() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => api.post<RfmRun>('/api/rfm/recompute', {}),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: rfmKeys.all });
      void qc.invalidateQueries({ predicate: (q) => q.queryKey[0] === 'customers' && q.queryKey[2] === 'rfm' });
    },
  });
}

/** One customer's scores (null when they have none). */
export function useCustomerRfm(id: string, enabled = true) {
  return useQuery({ enabled, queryKey: rfmKeys.forCustomer(id), queryFn: ({ signal }) => api.get<CustomerRfm | null>(`/api/customers/${id}/rfm`, { signal }) });
}
