import { PayloadError, obj, type Json } from './plan.ts';

export const BIGCOMMERCE_API = 'https://api.bigcommerce.com';

/** Thrown when the BigCommerce API refuses our credentials: retrying will not help until they change. */
export class CredentialsError extends PayloadError {}

/** The few BigCommerce REST calls a thin webhook needs to become a full record. */
export class BigCommerceClient {
  private readonly base: string;
  private readonly token: string;
  private readonly timeoutMs: number;

  constructor(opts: { baseUrl: string | null; storeHash: string; accessToken: string; timeoutMs?: number }) {
    this.base = `${(opts.baseUrl ?? BIGCOMMERCE_API).replace(/\/+$/, '')}/stores/${encodeURIComponent(opts.storeHash)}`;
    this.token = opts.accessToken;
    this.timeoutMs = opts.timeoutMs ?? 15_000;
  }

  /** GET a JSON resource; undefined for 404 (deleted, or a cart already converted). Network and 5xx errors throw (retried). */
  private async get(path: string): Promise<unknown> {
    let res: Response;
    try {
      res = await fetch(`${this.base}${path}`, {
        headers: { 'x-auth-token': this.token, accept: 'application/json' },
        redirect: 'error',
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (e) {
      const err = e as Error;
      throw new Error(`BigCommerce API unreachable (${path}): ${err.name === 'TimeoutError' ? `no answer in ${this.timeoutMs} ms` : err.message}`);
    }
    if (res.status === 404) {
      await res.body?.cancel();
      return undefined;
    }
    if (res.status === 204) return [];
    const text = await res.text();
    if (res.status === 401 || res.status === 403) throw new CredentialsError(`The BigCommerce API refused the connection's credentials (HTTP ${res.status} for ${path}); check the store hash and access token and its scopes.`);
    if (!res.ok) throw new Error(`BigCommerce API answered HTTP ${res.status} for ${path}: ${text.slice(0, 200)}`);
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new Error(`BigCommerce API sent a body that is not JSON for ${path}.`);
    }
  }

  /** A v2 order with its products (the products sub-resource), or undefined if gone. */
  async order(id: string): Promise<{ order: Json; products: Json[] } | undefined> {
    const order = obj(await this.get(`/v2/orders/${encodeURIComponent(id)}`));
    if (!order) return undefined;
    const products = await this.get(`/v2/orders/${encodeURIComponent(id)}/products?limit=250`);
    return { order, products: Array.isArray(products) ? (products as Json[]) : [] };
  }

  /** A v3 customer with addresses, or undefined if gone. */
  async customer(id: string): Promise<Json | undefined> {
    const res = obj(await this.get(`/v3/customers?id:in=${encodeURIComponent(id)}&include=addresses`));
    const data = res?.data;
    return Array.isArray(data) ? obj(data[0]) : undefined;
  }

  /** A v3 cart with its redirect URLs, or undefined if gone. */
  async cart(id: string): Promise<Json | undefined> {
    return obj(obj(await this.get(`/v3/carts/${encodeURIComponent(id)}?include=redirect_urls`))?.data);
  }
}
