import { keepPreviousData, useInfiniteQuery, useQuery } from '@tanstack/react-query';
import type { z } from 'zod';
import { api } from '../../lib/api.ts';
import type { Wire } from '../../lib/wire.ts';
import type {
  cartSchema, orderDetailSchema, orderLineSchema, orderSchema, productDetailSchema, productSchema, refundSchema,
} from '../../../../server/src/modules/commerce/commerce.schemas.ts';

export type Order = Wire<z.infer<typeof orderSchema>>;
export type OrderLine = Wire<z.infer<typeof orderLineSchema>>;
export type OrderWithLines = Order & { lines: OrderLine[] };
export type OrderDetail = Wire<z.infer<typeof orderDetailSchema>>;
export type Refund = Wire<z.infer<typeof refundSchema>>;
export type Cart = Wire<z.infer<typeof cartSchema>>;
export type Product = Wire<z.infer<typeof productSchema>>;
export type ProductDetail = Wire<z.infer<typeof productDetailSchema>>;

export type OrderStatus = 'open' | 'completed' | 'cancelled';

export interface OrderFilters {
  q?: string;
  customerId?: string;
  productId?: string;
  status?: OrderStatus;
  /** ISO 8601 instants. */
  from?: string;
  to?: string;
}

interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export function useOrders(filters: OrderFilters) {
  return useInfiniteQuery({
    queryKey: ['orders', 'list', filters],
    queryFn: ({ pageParam, signal }) => api.get<Page<Order>>('/api/orders', { query: { ...filters, cursor: pageParam, limit: 50 }, signal }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
  });
}

export function useOrder(id: string) {
  return useQuery({ queryKey: ['orders', 'detail', id], queryFn: () => api.get<OrderDetail>(`/api/orders/${id}`) });
}

export function useProducts(filters: { q?: string; category?: string }) {
  return useInfiniteQuery({
    queryKey: ['products', 'list', filters],
    queryFn: ({ pageParam, signal }) => api.get<Page<Product>>('/api/products', { query: { ...filters, cursor: pageParam, limit: 50 }, signal }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
  });
}

export function useProduct(id: string) {
  return useQuery({ queryKey: ['products', 'detail', id], queryFn: () => api.get<ProductDetail>(`/api/products/${id}`) });
}

export function useCustomerOrders(customerId: string, enabled = true) {
  return useQuery({
    queryKey: ['customers', customerId, 'orders'],
    queryFn: () => api.get<{ items: OrderWithLines[] }>(`/api/customers/${customerId}/orders`),
    select: (d) => d.items,
    enabled,
  });
}

export function useCustomerRefunds(customerId: string, enabled = true) {
  return useQuery({
    queryKey: ['customers', customerId, 'refunds'],
    queryFn: () => api.get<{ items: Refund[] }>(`/api/customers/${customerId}/refunds`),
    select: (d) => d.items,
    enabled,
  });
}

export function useCustomerCarts(customerId: string, enabled = true) {
  return useQuery({
    queryKey: ['customers', customerId, 'carts'],
    queryFn: () => api.get<{ items: Cart[] }>(`/api/customers/${customerId}/carts`),
    select: (d) => d.items,
    enabled,
  });
}
