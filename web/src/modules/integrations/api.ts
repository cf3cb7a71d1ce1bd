import { keepPreviousData, useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import { api, upload } from '../../lib/api.ts';
import type { Wire } from '../../lib/wire.ts';
import type {
  ImportIssue as ImportIssueOut, ImportKind, ImportView, Mapping, PresetName, SaveMappingBody, StartImportBody, importDetailSchema, savedMappingSchema,
} from '../../../../server/src/modules/integrations/imports/imports.schemas.ts';
import type {
  CreateStoreConnectionBody, InboundDeliveriesPage, StoreConnection as StoreConnectionOut, UpdateStoreConnectionBody, deliveryOutcomeSchema,
} from '../../../../server/src/modules/integrations/webhooks/webhooks.schemas.ts';
import type {
  CreateSubscriptionBody, CreatedSubscription, OutboundDeliveriesPage, Subscription as SubscriptionOut, TestResult, UpdateSubscriptionBody,
} from '../../../../server/src/modules/integrations/outbound/outbound.schemas.ts';
import type { trackingSettingsSchema } from '../../../../server/src/modules/tracking/tracking.schemas.ts';

export type { ImportKind, Mapping, PresetName };
export type Import = Wire<ImportView>;
export type ImportDetail = Wire<z.infer<typeof importDetailSchema>>;
export type ImportIssue = ImportIssueOut;
export type SavedMapping = Wire<z.infer<typeof savedMappingSchema>>;
export type StoreConnection = Wire<StoreConnectionOut>;
export type InboundDelivery = Wire<InboundDeliveriesPage['items'][number]>;
export type DeliveryOutcome = z.infer<typeof deliveryOutcomeSchema>;
export type Subscription = Wire<SubscriptionOut>;
export type OutboundDelivery = Wire<OutboundDeliveriesPage['items'][number]>;
export type TrackingSettings = Wire<z.infer<typeof trackingSettingsSchema>>;
export type { CreateStoreConnectionBody, CreateSubscriptionBody, TestResult, UpdateStoreConnectionBody, UpdateSubscriptionBody };

// --- imports ----------------------------------------------------------------

export function useImports() {
  return useInfiniteQuery({
    queryKey: ['imports', 'list'],
    queryFn: ({ pageParam, signal }) => api.get<{ items: Import[]; nextCursor: string | null }>('/api/imports', { query: { cursor: pageParam, limit: 20 }, signal }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    // Running imports move on by themselves.
    refetchInterval: (q) => (q.state.data?.pages.some((p) => p.items.some((i) => i.status === 'queued' || i.status === 'running')) ? 2000 : false),
  });
}

/** One import, polled every second while it is queued or running. */
export function useImport(id: string | undefined) {
  return useQuery({
    queryKey: ['imports', 'detail', id],
    queryFn: () => api.get<ImportDetail>(`/api/imports/${id}`),
    enabled: Boolean(id),
    refetchInterval: (q) => (q.state.data && (q.state.data.status === 'queued' || q.state.data.status === 'running') ? 1000 : false),
  });
}

export function useUploadImport() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ file, onProgress, signal }: { file: File; onProgress: (sent: number, total: number) => void; signal?: AbortSignal }) =>
      upload<Import>('/api/imports', file, { query: { name: file.name }, onProgress, signal }),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['imports', 'list'] }),
  });
}

export function useStartImport(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: Partial<StartImportBody> & { kind: ImportKind }) => api.post<Import>(`/api/imports/${id}/start`, body),
    onSuccess: async (i) => {
      qc.setQueryData<ImportDetail>(['imports', 'detail', id], (d) => (d ? { ...d, ...i, issues: [] } : d));
      await qc.invalidateQueries({ queryKey: ['imports'] });
    },
  });
}

export function useDeleteImport() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.delete<null>(`/api/imports/${id}`),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['imports', 'list'] }),
  });
}

export function useSavedMappings() {
  return useQuery({
    queryKey: ['imports', 'mappings'],
    queryFn: () => api.get<{ items: SavedMapping[] }>('/api/import-mappings'),
    select: (d) => d.items,
  });
}

export function useSaveMapping() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: Partial<SaveMappingBody> & Pick<SaveMappingBody, 'name' | 'kind' | 'mapping'>) => api.post<SavedMapping>('/api/import-mappings', body),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['imports', 'mappings'] }),
  });
}

export function useDeleteMapping() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.delete<null>(`/api/import-mappings/${id}`),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['imports', 'mappings'] }),
  });
}

// --- store connections (inbound webhooks) ------------------------------------

export function useStoreConnections() {
  return useQuery({
    queryKey: ['store-connections'],
    queryFn: () => api.get<{ items: StoreConnection[] }>('/api/store-connections'),
    select: (d) => d.items,
  });
}

export function useCreateStoreConnection() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateStoreConnectionBody) => api.post<StoreConnection>('/api/store-connections', body),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['store-connections'] }),
  });
}

export function useUpdateStoreConnection(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: UpdateStoreConnectionBody) => api.patch<StoreConnection>(`/api/store-connections/${id}`, body),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['store-connections'] }),
  });
}

export function useDeleteStoreConnection() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.delete<null>(`/api/store-connections/${id}`),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['store-connections'] }),
  });
}

export function useInboundDeliveries(id: string, outcome: DeliveryOutcome | undefined) {
  return useInfiniteQuery({
    queryKey: ['store-connections', id, 'deliveries', outcome],
    queryFn: ({ pageParam, signal }) => api.get<Wire<InboundDeliveriesPage>>(`/api/store-connections/${id}/deliveries`, { query: { outcome, before: pageParam, limit: 25 }, signal }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
    refetchInterval: 15_000,
  });
}

export function useRetryDelivery(connectionId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (deliveryId: string) => api.post<InboundDelivery>(`/api/store-connections/${connectionId}/deliveries/${deliveryId}/retry`, {}),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['store-connections', connectionId, 'deliveries'] }),
  });
}

// --- outbound webhooks --------------------------------------------------------

export function useSubscriptions() {
  return useQuery({
    queryKey: ['webhook-subscriptions'],
    queryFn: () => api.get<{ items: Subscription[] }>('/api/webhook-subscriptions'),
    select: (d) => d.items,
  });
}

export function useCreateSubscription() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateSubscriptionBody) => api.post<Wire<CreatedSubscription>>('/api/webhook-subscriptions', body),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['webhook-subscriptions'] }),
  });
}

export function useUpdateSubscription() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, ...body }: UpdateSubscriptionBody & { id: string }) => api.patch<Subscription>(`/api/webhook-subscriptions/${id}`, body),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['webhook-subscriptions'] }),
  });
}

export function useDeleteSubscription() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.delete<null>(`/api/webhook-subscriptions/${id}`),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['webhook-subscriptions'] }),
  });
}

export function useTestSubscription(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => api.post<TestResult>(`/api/webhook-subscriptions/${id}/test`, {}),
    onSettled: () => qc.invalidateQueries({ queryKey: ['webhook-subscriptions'] }),
  });
}

export function useOutboundDeliveries(id: string) {
  return useInfiniteQuery({
    queryKey: ['webhook-subscriptions', id, 'deliveries'],
    queryFn: ({ pageParam, signal }) => api.get<Wire<OutboundDeliveriesPage>>(`/api/webhook-subscriptions/${id}/deliveries`, { query: { before: pageParam, limit: 25 }, signal }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    refetchInterval: 15_000,
  });
}

// --- tracking -------------------------------------------------------------------

export function useTrackingSettings() {
  return useQuery({ queryKey: ['tracking', 'settings'], queryFn: () => api.get<TrackingSettings>('/api/settings/tracking') });
}

export function useSetConsentMode() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (consentRequired: boolean) => api.put<TrackingSettings>('/api/settings/tracking', { consentRequired }),
    onSuccess: (s) => {
      qc.setQueryData(['tracking', 'settings'], s);
      void qc.invalidateQueries({ queryKey: ['store', 'settings'] });
    },
  });
}
