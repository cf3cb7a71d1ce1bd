/**
 * The fetch client. Every call goes to the same origin with the session cookie; writes carry the
 * CSRF token the server handed out with the logged-in person (login, setup, invite, /me).
 * Errors are RFC 9457 problems and are thrown as ApiError.
 */

export interface FieldError {
  pointer: string;
  detail: string;
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: FieldError[];
  retryAfter?: number;
}

export class ApiError extends Error {
  readonly problem: Problem;

  constructor(problem: Problem) {
    super(problem.detail || problem.title);
    this.name = 'ApiError';
    this.problem = problem;
  }

  get status(): number {
    return this.problem.status;
  }

  /** Field errors keyed by the first segment of their pointer under /body ("/body/scopes/2" → "scopes"). */
  get fields(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const e of this.problem.errors ?? []) {
      const m = /^\/body\/([^/]+)/.exec(e.pointer);
      const key = m?.[1];
      if (key && !(key in out)) out[key] = sentence(e.detail);
    }
    return out;
  }

  /** Field errors keyed by their whole pointer under /body ("/body/attributes/vip" → "attributes/vip"). */
  get pointers(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const e of this.problem.errors ?? []) {
      const m = /^\/body\/(.+)$/.exec(e.pointer);
      const key = m?.[1];
      if (key && !(key in out)) out[key] = sentence(e.detail);
    }
    return out;
  }
}

// The server words field errors to follow the field's name ("must be an email address", "is wrong");
// under a labelled input they read better as a sentence.
function sentence(detail: string): string {
  const d = detail.trim();
  if (/^is required/.test(d)) return 'This is required';
  if (/^(is|must|cannot|needs?) /.test(d)) return `This ${d}`;
  return d.charAt(0).toUpperCase() + d.slice(1);
}

let csrfToken: string | null = null;
let onUnauthorized: ((problem: Problem) => void) | null = null;

/** Remember the CSRF token of the current session (null after logout). */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** What to do when a call says the session is gone (set once at start-up). */
export function setUnauthorizedHandler(handler: (problem: Problem) => void): void {
  onUnauthorized = handler;
}

/** Tell the app the session is gone (also used by /me, which handles its own 401s). */
export function signalUnauthorized(problem: Problem): void {
  onUnauthorized?.(problem);
}

export interface RequestOptions {
  /** JSON body (for POST/PATCH/PUT/DELETE). */
  body?: unknown;
  /** Query parameters; undefined, null and '' are left out. */
  query?: Record<string, string | number | boolean | null | undefined>;
  /** Handle a 401 yourself instead of being sent to the login page (login form, /me). */
  allowUnauthorized?: boolean;
  signal?: AbortSignal;
}

export async function request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
  const url = new URL(path, window.location.origin);
  for (const [k, v] of Object.entries(opts.query ?? {})) {
    if (v !== undefined && v !== null && v !== '') url.searchParams.set(k, String(v));
  }
  const headers: Record<string, string> = { accept: 'application/json' };
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && method !== 'HEAD' && csrfToken) headers['x-csrf-token'] = csrfToken;

  let res: Response;
  try {
    res = await fetch(url, {
      method,
      headers,
      credentials: 'same-origin',
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      signal: opts.signal,
    });
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new ApiError({ type: '/problems/network', title: 'Network error', status: 0, detail: 'Could not reach the Patron server. Check your connection and try again.' });
  }

  if (res.status === 204) return undefined as T;
  const text = await res.text();
  const data: unknown = text ? safeJson(text) : undefined;

  if (!res.ok) {
    const problem = toProblem(res, data);
    if (res.status === 401 && !opts.allowUnauthorized) onUnauthorized?.(problem);
    throw new ApiError(problem);
  }
  return data as T;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function toProblem(res: Response, data: unknown): Problem {
  const p = (data && typeof data === 'object' ? data : {}) as Partial<Problem>;
  const retry = Number(res.headers.get('retry-after'));
  return {
    type: p.type ?? '/problems/http-error',
    title: p.title ?? res.statusText ?? 'Request failed',
    status: p.status ?? res.status,
    detail: p.detail ?? `The server answered ${res.status} ${res.statusText}.`,
    ...(p.errors ? { errors: p.errors } : {}),
    ...(Number.isFinite(retry) && retry > 0 ? { retryAfter: retry } : p.retryAfter ? { retryAfter: p.retryAfter } : {}),
  };
}

export const api = {
  get: <T>(path: string, opts?: Omit<RequestOptions, 'body'>) => request<T>('GET', path, opts),
  post: <T>(path: string, body?: unknown, opts?: RequestOptions) => request<T>('POST', path, { ...opts, body }),
  patch: <T>(path: string, body?: unknown, opts?: RequestOptions) => request<T>('PATCH', path, { ...opts, body }),
  put: <T>(path: string, body?: unknown, opts?: RequestOptions) => request<T>('PUT', path, { ...opts, body }),
  delete: <T>(path: string, opts?: RequestOptions) => request<T>('DELETE', path, opts),
};

/**
 * Sends a file as the raw request body with upload progress (fetch cannot report it), with the same
 * CSRF header, problem+json errors and 401 handling as `request`.
 */
export function upload<T>(path: string, file: Blob, opts: { query?: RequestOptions['query']; onProgress?: (sent: number, total: number) => void; signal?: AbortSignal } = {}): Promise<T> {
  const url = new URL(path, window.location.origin);
  for (const [k, v] of Object.entries(opts.query ?? {})) {
    if (v !== undefined && v !== null && v !== '') url.searchParams.set(k, String(v));
  }
  return new Promise<T>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', url);
    xhr.withCredentials = true;
    xhr.setRequestHeader('accept', 'application/json');
    xhr.setRequestHeader('content-type', file.type || 'application/octet-stream');
    if (csrfToken) xhr.setRequestHeader('x-csrf-token', csrfToken);
    xhr.upload.onprogress = (e) => opts.onProgress?.(e.loaded, e.lengthComputable ? e.total : file.size);
    xhr.onerror = () =>
      reject(new ApiError({ type: '/problems/network', title: 'Network error', status: 0, detail: 'The upload was interrupted. Check your connection and try again.' }));
    xhr.onabort = () => reject(new DOMException('The upload was cancelled.', 'AbortError'));
    xhr.onload = () => {
      const data: unknown = xhr.responseText ? safeJson(xhr.responseText) : undefined;
      if (xhr.status >= 200 && xhr.status < 300) return resolve(data as T);
      const headers = new Headers();
      const retry = xhr.getResponseHeader('retry-after');
      if (retry) headers.set('retry-after', retry);
      const problem = toProblem(new Response(null, { status: xhr.status, statusText: xhr.statusText, headers }), data);
      if (xhr.status === 401) onUnauthorized?.(problem);
      reject(new ApiError(problem));
    };
    opts.signal?.addEventListener('abort', () => xhr.abort());
    xhr.send(file);
  });
}

/** A human message for any error (problem detail when there is one). */
export function errorMessage(err: unknown): string {
  if (err instanceof ApiError) return err.problem.detail;
  if (err instanceof Error) return err.message;
  return 'Something went wrong.';
}
