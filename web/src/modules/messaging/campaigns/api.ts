import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import { api } from '../../../lib/api.ts';
import type { Wire } from '../../../lib/wire.ts';
import type {
  AbMetric, Campaign as CampaignOut, CreateCampaign, Estimate as EstimateOut, Performance as PerformanceOut, Report as ReportOut, Schedule as ScheduleOut,
} from '../../../../../server/src/modules/messaging/campaigns.schemas.ts';
import type { templateSummarySchema } from '../../../../../server/src/modules/messaging/templates.schemas.ts';

export type Campaign = Wire<CampaignOut>;
export type CampaignStatus = Campaign['status'];
export type Estimate = EstimateOut;
export type Report = Wire<ReportOut>;
export type Performance = Wire<PerformanceOut>;
export type Schedule = ScheduleOut;
export type Metric = AbMetric;
/** What the form sends (the server fills in defaults). */
export type CampaignBody = Wire<CreateCampaign>;
export type TemplateOption = Wire<z.infer<typeof templateSummarySchema>>;

export const campaignKeys = {
  all: ['messaging', 'campaigns'] as const,
  list: ['messaging', 'campaigns', 'list'] as const,
  performance: ['messaging', 'campaigns', 'performance'] as const,
  detail: (id: string) => ['messaging', 'campaigns', id, 'detail'] as const,
  report: (id: string) => ['messaging', 'campaigns', id, 'report'] as const,
};

/** A campaign on its way (scheduled to start now, or sending) changes by itself: look again until it settles. */
const moving = (c: Campaign) => c.status === 'sending' || (c.status === 'scheduled' && !!c.startAt && Date.parse(c.startAt) <= Date.now() + 60_000);

export function useCampaigns() {
  return useQuery({
    queryKey: campaignKeys.list,
    queryFn: ({ signal }) => api.get<{ items: Campaign[] }>('/api/messaging/campaigns', { signal }),
    select: (d) => d.items,
    refetchInterval: (q) => (q.state.data?.items.some(moving) ? 5000 : false),
  });
}

export function useCampaign(id: string) {
  return useQuery({
    queryKey: campaignKeys.detail(id),
    queryFn: ({ signal }) => api.get<Campaign>(`/api/messaging/campaigns/${id}`, { signal }),
    refetchInterval: (q) => (q.state.data && moving(q.state.data) ? 3000 : false),
  });
}

export function useReport(id: string, live: boolean) {
  return useQuery({
    queryKey: campaignKeys.report(id),
    queryFn: ({ signal }) => api.get<Report>(`/api/messaging/campaigns/${id}/report`, { signal }),
    refetchInterval: live ? 3000 : 60_000,
  });
}

export function usePerformance() {
  return useQuery({
    queryKey: campaignKeys.performance,
    queryFn: ({ signal }) => api.get<Performance>('/api/messaging/campaigns/performance', { query: { limit: 20 }, signal }),
  });
}

/** The audience of segments minus excluded ones; `null` = nothing to ask yet. */
export function useEstimate(body: { include: string[]; exclude: string[]; channel: 'email' | 'sms'; kind: 'marketing' | 'transactional' } | null) {
  const json = body ? JSON.stringify(body) : null;
  return useQuery({
    queryKey: ['messaging', 'campaigns', 'estimate', json],
    queryFn: ({ signal }) => api.post<Estimate>('/api/messaging/campaigns/estimate', body, { signal }),
    enabled: json !== null,
    placeholderData: keepPreviousData,
    retry: false,
    staleTime: 15_000,
  });
}

/** Templates of a channel for the pickers (archived ones are left out by the API). */
export function useTemplateOptions(channel: 'email' | 'sms') {
  return useQuery({
    queryKey: ['messaging', 'templates', 'options', channel],
    queryFn: ({ signal }) => api.get<{ items: TemplateOption[] }>('/api/messaging/templates', { query: { channel }, signal }),
    select: (d) => d.items,
    staleTime: 30_000,
  });
}

function useSettle() {
  const qc = useQueryClient();
  return (c?: Campaign) => {
    if (c) qc.setQueryData(campaignKeys.detail(c.id), c);
    return qc.invalidateQueries({ queryKey: campaignKeys.all, predicate: (q) => !(c && q.queryKey[2] === c.id && q.queryKey[3] === 'detail') });
  };
}

export function useSaveCampaign(id: string | undefined) {
  const settle = useSettle();
  return useMutation({
    mutationFn: (body: CampaignBody) => (id ? api.patch<Campaign>(`/api/messaging/campaigns/${id}`, body) : api.post<Campaign>('/api/messaging/campaigns', body)),
    onSuccess: (c) => settle(c),
  });
}

/** send, unschedule, cancel, duplicate: a POST on the campaign that answers with a campaign. */
export function useCampaignAction(action: 'send' | 'unschedule' | 'cancel' | 'duplicate') {
  const settle = useSettle();
  return useMutation({
    mutationFn: (id: string) => api.post<Campaign>(`/api/messaging/campaigns/${id}/${action}`),
    onSuccess: (c) => settle(c),
  });
}

export function useDeleteCampaign() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.delete<null>(`/api/messaging/campaigns/${id}`),
    onSuccess: (_r, id) => {
      qc.removeQueries({ queryKey: ['messaging', 'campaigns', id] });
      return qc.invalidateQueries({ queryKey: campaignKeys.all });
    },
  });
}
