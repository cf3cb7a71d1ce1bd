import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api.ts';
import type { Wire } from '../../../lib/wire.ts';
import type {
  ProductRecommendations as ProductRecsOut, Recommendation as RecommendationOut, RecommendationList as ListOut, RecsOverview as OverviewOut,
} from '../../../../../server/src/modules/predict/recs.schemas.ts';

export type Recommendation = Wire<RecommendationOut>;
export type RecommendationList = Wire<ListOut>;
export type ProductRecommendations = Wire<ProductRecsOut>;
export type RecsOverview = Wire<OverviewOut>;

export const recsKeys = {
  all: ['predict', 'recs'] as const,
  overview: ['predict', 'recs', 'overview'] as const,
  customer: (id: string) => ['predict', 'recs', 'customer', id] as const,
  product: (id: string) => ['predict', 'recs', 'product', id] as const,
};

export function useRecsOverview() {
  return useQuery({
    queryKey: recsKeys.overview,
    queryFn: ({ signal }) => api.get<RecsOverview>('/api/predict/recommendations', { signal }),
    // While a build is queued or running, look again until it lands.
    refetchInterval: (q) => (q.state.data?.building ? 3000 : false),
  });
}

/** A customer's list: `all` ranked together, `new` only products they have not bought, `again` only ones to buy again. */
export function useCustomerRecs(customerId: string, kind: 'all' | 'new' | 'again' = 'all', limit = 12) {
  return useQuery({
    queryKey: [...recsKeys.customer(customerId), kind, limit],
    queryFn: ({ signal }) => api.get<RecommendationList>(`/api/predict/recommendations/customer/${customerId}`, { query: { limit, kind }, signal }),
  });
}

export function useProductRecs(productId: string, limit = 6) {
  return useQuery({
    queryKey: [...recsKeys.product(productId), limit],
    queryFn: ({ signal }) => api.get<ProductRecommendations>(`/api/predict/recommendations/product/${productId}`, { query: { limit }, signal }),
  });
}

export function useRebuildRecs() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => api.post<{ queued: boolean; detail: string }>('/api/predict/recommendations/build', undefined),
    onSuccess: () => void qc.invalidateQueries({ queryKey: recsKeys.all }),
  });
}

export const REASON_LABEL: Record<Recommendation['reason'], { label: string; color: string; hint: string }> = {
  'similar': { label: 'Similar', color: 'blue', hint: 'Bought by the same customers as products this customer bought or looked at' },
  'bought-together': { label: 'Bought together', color: 'grape', hint: 'Often in the same order' },
  'buy-again': { label: 'Buy again', color: 'teal', hint: 'They bought it before, and customers often buy this product again' },
  'popular': { label: 'Best-seller', color: 'gray', hint: 'Selling well lately (in their country where there are enough buyers)' },
};
