import { keepPreviousData, useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api.ts';
import type { Wire } from '../../../lib/wire.ts';
import type { z } from 'zod';
import type {
  ClvDiagnostics as DiagnosticsOut, ClvFitRequest, ClvModel as ClvModelOut, clvOverviewSchema, customerPredictionResponseSchema, topClvPageSchema,
} from '../../../../../server/src/modules/predict/clv.schemas.ts';

export type ClvModel = Wire<ClvModelOut>;
export type ClvDiagnostics = Wire<DiagnosticsOut>;
export type ClvOverview = Wire<z.infer<typeof clvOverviewSchema>>;
export type CustomerPredictionResponse = Wire<z.infer<typeof customerPredictionResponseSchema>>;
export type CustomerPrediction = NonNullable<CustomerPredictionResponse['prediction']>;
export type TopClvPage = Wire<z.infer<typeof topClvPageSchema>>;
export type TopClvCustomer = TopClvPage['items'][number];
export type FitRequest = Partial<ClvFitRequest>;

export const clvKeys = {
  all: ['predict', 'clv'] as const,
  overview: ['predict', 'clv', 'overview'] as const,
  diagnostics: (id: string | undefined) => ['predict', 'clv', 'diagnostics', id ?? 'latest'] as const,
  top: ['predict', 'clv', 'top'] as const,
  forCustomer: (id: string) => ['customers', id, 'predictions'] as const,
};

export function useClvOverview() {
  return useQuery({ queryKey: clvKeys.overview, queryFn: ({ signal }) => api.get<ClvOverview>('/api/predict/clv', { signal }) });
}

export function useClvDiagnostics(id: string | undefined, enabled = true) {
  return useQuery({
    enabled: enabled && !!id,
    queryKey: clvKeys.diagnostics(id),
    queryFn: ({ signal }) => api.get<ClvDiagnostics>('/api/predict/clv/diagnostics', { query: { model: id }, signal }),
  });
}

export function useTopClv(enabled = true) {
  return useInfiniteQuery({
    enabled,
    queryKey: clvKeys.top,
    queryFn: ({ pageParam, signal }) => api.get<TopClvPage>('/api/predict/clv/top', { query: { cursor: pageParam, limit: 20 }, signal }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
  });
}

/** Fits the models: without `until` it re-scores everyone, with an earlier day it is an evaluation against the holdout. */
export function useFitClv() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: FitRequest) => api.post<ClvModel>('/api/predict/clv/fit', body),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: clvKeys.all });
      void qc.invalidateQueries({ predicate: (q) => q.queryKey[0] === 'customers' && q.queryKey[2] === 'predictions' });
    },
  });
}

export function useCustomerPrediction(id: string) {
  return useQuery({ queryKey: clvKeys.forCustomer(id), queryFn: ({ signal }) => api.get<CustomerPredictionResponse>(`/api/customers/${id}/predictions`, { signal }) });
}

export const CHURN_LABEL: Record<CustomerPrediction['churnRisk'], string> = { low: 'Low', medium: 'Medium', high: 'High' };
export const CHURN_COLOR: Record<CustomerPrediction['churnRisk'], string> = { low: 'teal', medium: 'yellow', high: 'red' };

/** A probability as a whole percentage ("< 1%" rather than a misleading 0%). */
export function pct(p: number): string {
  if (p > 0 && p < 0.005) return '< 1%';
  if (p < 1 && p > 0.995) return '> 99%';
  return `${Math.round(p * 100)}%`;
}

/** Expected orders: one decimal, two below 1 ("0.04"), never a bare 0 for a small positive number. */
export function orders(v: number): string {
  if (v > 0 && v < 0.01) return '< 0.01';
  return v < 1 ? v.toFixed(2) : v.toFixed(1);
}
