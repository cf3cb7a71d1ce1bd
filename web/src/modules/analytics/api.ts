import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import { api } from '../../lib/api.ts';
import type { Wire } from '../../lib/wire.ts';
import type {
  Breakdowns as BreakdownsOut, Cohorts as CohortsOut, Dashboard as DashboardOut, DrillMetric, DrillPage as DrillPageOut, importSpendResultSchema,
  Roi as RoiOut, segmentSharesSchema, Series as SeriesOut, Spend as SpendOut, statusSchema,
} from '../../../../server/src/modules/analytics/analytics.schemas.ts';

export type Dashboard = Wire<DashboardOut>;
export type KpiSet = Dashboard['current'];
export type Series = Wire<SeriesOut>;
export type SeriesPoint = Series['points'][number];
export type Breakdowns = Wire<BreakdownsOut>;
export type Cohorts = Wire<CohortsOut>;
export type DrillPage = Wire<DrillPageOut>;
export type Status = Wire<z.infer<typeof statusSchema>>;
export type SegmentShares = Wire<z.infer<typeof segmentSharesSchema>>;
export type Spend = Wire<SpendOut>;
export type Roi = Wire<RoiOut>;
export type RoiItem = Roi['items'][number];
export type ImportSpendResult = z.infer<typeof importSpendResultSchema>;
export type { DrillMetric };

export interface Range {
  from: string;
  to: string;
}

/** What a drill-down lists: a metric over a range, optionally narrowed to a product, country, cohort, channel or segment. */
export interface DrillRequest extends Range {
  metric: DrillMetric;
  title: string;
  product?: string;
  category?: string;
  country?: string;
  cohort?: string;
  channel?: string;
  segment?: string;
}

export const analyticsKeys = {
  all: ['analytics'] as const,
  status: ['analytics', 'status'] as const,
  spend: ['analytics', 'spend'] as const,
};

const q = (r: Range) => ({ from: r.from, to: r.to });

export function useAnalyticsStatus() {
  return useQuery({ queryKey: analyticsKeys.status, queryFn: ({ signal }) => api.get<Status>('/api/analytics/status', { signal }) });
}

export function useDashboard(r: Range | undefined) {
  return useQuery({
    queryKey: ['analytics', 'dashboard', r],
    queryFn: ({ signal }) => api.get<Dashboard>('/api/analytics/dashboard', { query: q(r!), signal }),
    enabled: !!r,
    placeholderData: keepPreviousData,
  });
}

export function useSeries(r: Range | undefined) {
  return useQuery({ queryKey: ['analytics', 'series', r], queryFn: ({ signal }) => api.get<Series>('/api/analytics/series', { query: q(r!), signal }), enabled: !!r, placeholderData: keepPreviousData });
}

export function useBreakdowns(r: Range | undefined) {
  return useQuery({ queryKey: ['analytics', 'breakdowns', r], queryFn: ({ signal }) => api.get<Breakdowns>('/api/analytics/breakdowns', { query: q(r!), signal }), enabled: !!r, placeholderData: keepPreviousData });
}

export function useCohorts(r: Range | undefined) {
  return useQuery({ queryKey: ['analytics', 'cohorts', r], queryFn: ({ signal }) => api.get<Cohorts>('/api/analytics/cohorts', { query: q(r!), signal }), enabled: !!r, placeholderData: keepPreviousData });
}

/** Revenue attributed to each campaign and flow in the range against its cost (only asked when messaging is installed). */
export function useRoi(r: Range | undefined, enabled = true) {
  return useQuery({ queryKey: ['analytics', 'roi', r], queryFn: ({ signal }) => api.get<Roi>('/api/analytics/roi', { query: q(r!), signal }), enabled: enabled && !!r, placeholderData: keepPreviousData });
}

export function useSegmentShares() {
  return useQuery({ queryKey: ['analytics', 'segment-shares'], queryFn: ({ signal }) => api.get<SegmentShares>('/api/analytics/segment-shares', { signal }) });
}

function drillQuery(d: DrillRequest): Record<string, string> {
  const out: Record<string, string> = { from: d.from, to: d.to, metric: d.metric };
  for (const k of ['product', 'category', 'country', 'cohort', 'channel', 'segment'] as const) if (d[k] !== undefined) out[k] = d[k];
  return out;
}

export const DRILL_PAGE_SIZE = 50;

export function useDrill(d: DrillRequest | null, page: number) {
  return useQuery({
    queryKey: ['analytics', 'drill', d && drillQuery(d), page],
    queryFn: ({ signal }) => api.get<DrillPage>('/api/analytics/drilldown', { query: { ...drillQuery(d!), offset: (page - 1) * DRILL_PAGE_SIZE, limit: DRILL_PAGE_SIZE }, signal }),
    enabled: !!d,
    placeholderData: keepPreviousData,
  });
}

export function drillCsvUrl(d: DrillRequest): string {
  return `/api/analytics/drilldown.csv?${new URLSearchParams(drillQuery(d)).toString()}`;
}

export function useSpend() {
  return useQuery({ queryKey: analyticsKeys.spend, queryFn: ({ signal }) => api.get<{ items: Spend[] }>('/api/analytics/spend', { signal }), select: (r) => r.items });
}

export interface SaveSpendBody {
  channel: string;
  month: string;
  amount: number;
  note?: string | null;
}

export function useSaveSpend() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (b: SaveSpendBody) => api.put<Spend>('/api/analytics/spend', b),
    onSuccess: () => void qc.invalidateQueries({ queryKey: analyticsKeys.all }),
  });
}

export function useDeleteSpend() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.delete<void>(`/api/analytics/spend/${id}`),
    onSuccess: () => void qc.invalidateQueries({ queryKey: analyticsKeys.all }),
  });
}

export function useImportSpend() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (b: { csv: string; replace: boolean }) => api.post<ImportSpendResult>('/api/analytics/spend/import', b),
    onSuccess: () => void qc.invalidateQueries({ queryKey: analyticsKeys.all }),
  });
}
