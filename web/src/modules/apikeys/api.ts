import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../lib/api.ts';
import type { WireApiKey } from '../../lib/types.ts';

export interface ApiKeyList {
  items: WireApiKey[];
  /** The scopes a secret key may carry, e.g. "customers:read". */
  scopes: string[];
}

export interface CreateApiKeyBody {
  name: string;
  kind: 'secret' | 'public';
  scopes: string[];
}

export const apiKeysKey = ['api-keys'] as const;

export function useApiKeys(enabled = true) {
  return useQuery({ queryKey: apiKeysKey, queryFn: () => api.get<ApiKeyList>('/api/api-keys'), enabled });
}

export function useCreateApiKey() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateApiKeyBody) => api.post<{ apiKey: WireApiKey; key: string }>('/api/api-keys', body),
    onSuccess: () => qc.invalidateQueries({ queryKey: apiKeysKey }),
  });
}

export function useRevokeApiKey() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.delete<WireApiKey>(`/api/api-keys/${id}`),
    onSuccess: (key) => {
      qc.setQueryData<ApiKeyList>(apiKeysKey, (d) => (d ? { ...d, items: d.items.map((k) => (k.id === key.id ? key : k)) } : d));
    },
  });
}
