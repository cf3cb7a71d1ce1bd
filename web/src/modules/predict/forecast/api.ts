import { keepPreviousData, useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, ApiError } from '../../../lib/api.ts';
import type { Wire } from '../../../lib/wire.ts';
import type {
  Overview as OverviewOut, Risk, SeriesDetail as DetailOut, SeriesKind, SeriesList as ListOut, SeriesSummary as SummaryOut, StockBody, StockResult,
} from '../../../../../server/src/modules/predict/forecast.schemas.ts';

export type Overview = Wire<OverviewOut>;
export type SeriesSummary = Wire<SummaryOut>;
export type SeriesDetail = Wire<DetailOut>;
export type { Risk, SeriesKind, StockResult };
export type StockItem = StockBody['items'][number];

export const forecastKeys = {
  all: ['predict', 'forecast'] as const,
  overview: ['predict', 'forecast', 'overview'] as const,
  list: (f: { kind: SeriesKind; risk: 'any' | 'flagged'; q?: string }) => ['predict', 'forecast', 'list', f] as const,
  series: (kind: SeriesKind, key: string) => ['predict', 'forecast', 'series', kind, key] as const,
};

export function useForecastOverview() {
  return useQuery({
    queryKey: forecastKeys.overview,
    queryFn: ({ signal }) => api.get<Overview>('/api/predict/forecast', { signal }),
    // While a run is queued or computing, look again until it lands.
    refetchInterval: (q) => (q.state.data?.running ? 3000 : false),
  });
}

export function useForecastList(f: { kind: SeriesKind; risk: 'any' | 'flagged'; q?: string }, enabled = true) {
  return useInfiniteQuery({
    queryKey: forecastKeys.list(f),
    queryFn: ({ pageParam, signal }) => api.get<Wire<ListOut>>('/api/predict/forecast/series', { query: { kind: f.kind, risk: f.risk, q: f.q || undefined, cursor: pageParam, limit: 25 }, signal }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
    enabled,
  });
}

/** One series; a store without a computed forecast answers null (404 forecast-not-computed), not an error. */
export function useSeries(kind: SeriesKind, key: string | null) {
  return useQuery({
    queryKey: forecastKeys.series(kind, key ?? ''),
    queryFn: async ({ signal }) => {
      try {
        return await api.get<SeriesDetail>(`/api/predict/forecast/series/${kind}/${encodeURIComponent(key!)}`, { signal });
      } catch (e) {
        if (e instanceof ApiError && e.problem.type === '/problems/forecast-not-computed') return null;
        throw e;
      }
    },
    enabled: !!key,
    placeholderData: keepPreviousData,
  });
}

export function useRecompute() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (horizon: number) => api.post<{ queued: true; horizon: number }>('/api/predict/forecast/runs', { horizon }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: forecastKeys.overview }),
  });
}

export function usePutStock() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: { items: StockItem[]; skipUnknown: boolean }) => api.put<StockResult>('/api/predict/stock', body),
    onSuccess: () => void qc.invalidateQueries({ queryKey: forecastKeys.all }),
  });
}

export const RISK_LABEL: Record<Risk, { label: string; color: string }> = {
  out: { label: 'Out of stock', color: 'red' },
  short: { label: 'Will run short', color: 'orange' },
  'at-risk': { label: 'At risk', color: 'yellow' },
  ok: { label: 'Enough stock', color: 'teal' },
  'no-forecast': { label: 'No forecast', color: 'gray' },
};

export const METHOD_LABEL: Record<string, string> = {
  ses: 'Simple exponential smoothing',
  'holt-damped': 'Holt, damped trend',
  'hw-damped': 'Holt–Winters, damped trend',
  'croston-sba': 'Croston (SBA), for intermittent demand',
  tsb: 'TSB, for intermittent demand',
  combination: 'Average of the smoothing models',
  naive: 'Naive: last week repeated (no model beat it on past weeks)',
  'seasonal-naive': 'Seasonal naive: the same week a year earlier',
};

const param = (v: number) => (v >= 0.01 ? v.toFixed(2) : v >= 1e-4 ? String(Number(v.toPrecision(1))) : '≈0');

/** Fitted parameters in the order the literature writes them (α 0.31, β 0.002, φ 0.98; ≈0 below 0.0001). */
export function formatParams(params: Record<string, number> | null): string {
  if (!params) return '';
  const sym: [string, string][] = [['alpha', 'α'], ['beta', 'β'], ['gamma', 'γ'], ['phi', 'φ']];
  return sym.filter(([k]) => params[k] !== undefined).map(([k, g]) => `${g} ${param(params[k]!)}`).join(', ');
}

/** Weeks of cover for people: "< 0.1", "2.5", "more than 52". */
export function formatCover(weeks: number | null): string {
  if (weeks === null) return '—';
  if (weeks > 0 && weeks < 0.1) return '< 0.1';
  if (weeks > 52) return '> 52';
  return weeks.toFixed(1);
}
