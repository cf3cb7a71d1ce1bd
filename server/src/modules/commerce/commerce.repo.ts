import type { Generated, Selectable } from 'kysely';

export interface ProductsTable {
  id: string;
  source: string;
  external_id: string;
  title: string;
  sku: string | null;
  categories: string[];
  price: number | null;
  currency: string | null;
  image_url: string | null;
  url: string | null;
  vendor: string | null;
  status: string;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface ProductVariantsTable {
  id: string;
  product_id: string;
  external_id: string;
  title: string;
  sku: string | null;
  price: number | null;
  created_at: Generated<Date>;
}

export interface OrdersTable {
  id: string;
  source: string;
  external_id: string;
  customer_id: string | null;
  number: string | null;
  email: string | null;
  status: 'open' | 'completed' | 'cancelled';
  financial_status: string | null;
  fulfillment_status: string | null;
  currency: string;
  subtotal: number;
  discount_total: number;
  tax_total: number;
  shipping_total: number;
  total: number;
  refunded_total: number;
  item_count: number;
  shipping_address: unknown;
  discount_codes: string[];
  placed_at: Date;
  cancelled_at: Date | null;
  source_updated_at: Date | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface OrderLinesTable {
  id: string;
  order_id: string;
  position: number;
  product_id: string | null;
  variant_id: string | null;
  sku: string | null;
  title: string;
  quantity: number;
  unit_price: number;
  total: number;
}

export interface RefundsTable {
  id: string;
  source: string;
  external_id: string;
  order_id: string | null;
  customer_id: string | null;
  kind: 'refund' | 'cancellation';
  amount: number;
  currency: string;
  reason: string | null;
  lines: unknown;
  refunded_at: Date;
  created_at: Generated<Date>;
}

export interface CartsTable {
  id: string;
  source: string;
  external_id: string;
  customer_id: string | null;
  status: 'open' | 'converted' | 'abandoned';
  currency: string | null;
  value: number;
  items: unknown;
  checkout_url: string | null;
  checkout_started_at: Date | null;
  order_id: string | null;
  source_updated_at: Date | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

declare module '../../platform/db/types.ts' {
  interface Database {
    products: ProductsTable;
    product_variants: ProductVariantsTable;
    orders: OrdersTable;
    order_lines: OrderLinesTable;
    refunds: RefundsTable;
    carts: CartsTable;
  }
}

export type ProductRow = Selectable<ProductsTable>;
export type OrderRow = Selectable<OrdersTable>;
export type OrderLineRow = Selectable<OrderLinesTable>;
export type RefundRow = Selectable<RefundsTable>;
export type CartRow = Selectable<CartsTable>;
