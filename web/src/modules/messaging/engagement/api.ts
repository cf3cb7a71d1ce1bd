import { keepPreviousData, useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import { api } from '../../../lib/api.ts';
import type { Wire } from '../../../lib/wire.ts';
import type {
  engagementSettingsBody, engagementSettingsOut, inboundInfoSchema, Suppression as SuppressionOut, suppressionsPageSchema, topicsOut,
} from '../../../../../server/src/modules/messaging/engagement.schemas.ts';

export type Suppression = Wire<SuppressionOut>;
export type SuppressionsPage = Wire<z.infer<typeof suppressionsPageSchema>>;
export type SuppressionReason = Suppression['reason'];
export type EngagementSettings = Wire<z.infer<typeof engagementSettingsOut>>;
export type EngagementSettingsPatch = z.infer<typeof engagementSettingsBody>;
export type InboundInfo = Wire<z.infer<typeof inboundInfoSchema>>;
export type Topic = Wire<z.infer<typeof topicsOut>>['topics'][number];

export interface SuppressionFilters {
  q?: string;
  reason?: SuppressionReason;
  channel?: 'email' | 'sms';
}

export const REASON_LABELS: Record<SuppressionReason, string> = {
  hard_bounce: 'Hard bounce',
  complaint: 'Spam complaint',
  manual: 'Added by hand',
  invalid: 'Invalid address',
};
export const REASON_COLORS: Record<SuppressionReason, string> = { hard_bounce: 'red', complaint: 'orange', manual: 'gray', invalid: 'grape' };

const keys = {
  all: ['messaging', 'suppressions'] as const,
  list: (f: SuppressionFilters) => ['messaging', 'suppressions', 'list', f] as const,
  settings: ['messaging', 'engagement-settings'] as const,
  topics: ['messaging', 'topics'] as const,
  inbound: ['messaging', 'inbound'] as const,
};

export function useSuppressions(f: SuppressionFilters) {
  return useInfiniteQuery({
    queryKey: keys.list(f),
    queryFn: ({ pageParam, signal }) => api.get<SuppressionsPage>('/api/messaging/suppressions', { query: { ...f, cursor: pageParam, limit: 50 }, signal }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
  });
}

export function useAddSuppression() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (b: { channel: 'email' | 'sms'; address: string; detail?: string }) => api.post<Suppression>('/api/messaging/suppressions', b),
    onSuccess: () => qc.invalidateQueries({ queryKey: keys.all }),
  });
}

export function useRemoveSuppression() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (s: Pick<Suppression, 'channel' | 'address'>) => api.delete<void>(`/api/messaging/suppressions/${s.channel}/${encodeURIComponent(s.address)}`),
    onSuccess: () => qc.invalidateQueries({ queryKey: keys.all }),
  });
}

export function useEngagementSettings() {
  return useQuery({ queryKey: keys.settings, queryFn: ({ signal }) => api.get<EngagementSettings>('/api/messaging/engagement-settings', { signal }) });
}

export function useSaveEngagementSettings() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (b: EngagementSettingsPatch) => api.patch<EngagementSettings>('/api/messaging/engagement-settings', b),
    onSuccess: (d) => qc.setQueryData(keys.settings, d),
  });
}

export function useTopics() {
  return useQuery({ queryKey: keys.topics, queryFn: ({ signal }) => api.get<{ topics: Topic[] }>('/api/messaging/topics', { signal }), select: (d) => d.topics });
}

export function useSaveTopics() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (topics: Topic[]) => api.put<{ topics: Topic[] }>('/api/messaging/topics', { topics }),
    onSuccess: (d) => qc.setQueryData(keys.topics, d),
  });
}

/** Webhook addresses carry the inbound token: only people who may change messaging settings see them. */
export function useInboundInfo(enabled: boolean) {
  return useQuery({ queryKey: keys.inbound, queryFn: ({ signal }) => api.get<InboundInfo>('/api/messaging/inbound', { signal }), enabled, staleTime: 5 * 60_000 });
}
