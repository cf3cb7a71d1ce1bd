import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import { api } from '../../lib/api.ts';
import { formatMoney } from '../../lib/money.ts';
import type { Wire } from '../../lib/wire.ts';
import type { attributeDefinitionSchema } from '../../../../server/src/modules/customers/customers.schemas.ts';

/**
 * GET /api/settings/store. Defined here because the server's schema lives in platform/settings.ts next to
 * database code, which does not type-check in the web build.
 */
export interface StoreSettings {
  name: string;
  /** ISO 4217. */
  currency: string;
  /** IANA time zone. */
  timeZone: string;
  trackingConsentRequired: boolean;
}
export type AttributeDefinition = Wire<z.infer<typeof attributeDefinitionSchema>>;
export type AttributeType = AttributeDefinition['type'];

export interface CreateAttributeBody {
  key: string;
  label: string;
  type: AttributeType;
  options: string[];
}

export const storeKeys = {
  settings: ['store', 'settings'] as const,
  attributes: ['store', 'attributes'] as const,
};

/** Name, currency and time zone of the store (any logged-in person may read them). */
export function useStoreSettings() {
  return useQuery({
    queryKey: storeKeys.settings,
    queryFn: () => api.get<StoreSettings>('/api/settings/store'),
    staleTime: 5 * 60_000,
  });
}

/** Formats minor units in the store currency (falls back to the value's own currency when given). */
export function useMoney(): (minor: number | null | undefined, currency?: string | null) => string {
  const store = useStoreSettings();
  return (minor, currency) => formatMoney(minor, currency ?? store.data?.currency ?? null);
}

export function useUpdateStoreSettings() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: Partial<StoreSettings>) => api.put<StoreSettings>('/api/settings/store', body),
    onSuccess: async (s) => {
      qc.setQueryData(storeKeys.settings, s);
      // Customers' figures are shown in the store currency.
      await qc.invalidateQueries({ queryKey: ['customers'] });
    },
  });
}

export function useAttributes(enabled = true) {
  return useQuery({
    queryKey: storeKeys.attributes,
    queryFn: () => api.get<{ items: AttributeDefinition[] }>('/api/settings/attributes'),
    select: (d) => d.items,
    staleTime: 60_000,
    enabled,
  });
}

export function useCreateAttribute() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateAttributeBody) => api.post<AttributeDefinition>('/api/settings/attributes', body),
    onSuccess: () => qc.invalidateQueries({ queryKey: storeKeys.attributes }),
  });
}

export function useDeleteAttribute() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (key: string) => api.delete<null>(`/api/settings/attributes/${encodeURIComponent(key)}`),
    onSuccess: () => qc.invalidateQueries({ queryKey: storeKeys.attributes }),
  });
}
