/** RFC 9457 problem details. `type` is a stable, relative URI documented in docs/api.md. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  requestId?: string;
  errors?: FieldError[];
  [extra: string]: unknown;
}

export interface FieldError {
  /** JSON pointer to the offending value, e.g. `/body/email`. */
  pointer: string;
  detail: string;
}

/** An error that becomes a problem+json response with its status. */
export class HttpError extends Error {
  readonly status: number;
  readonly slug: string;
  readonly title: string;
  readonly extras: Record<string, unknown>;
  readonly headers: Record<string, string>;

  constructor(status: number, slug: string, title: string, detail: string, extras: Record<string, unknown> = {}, headers: Record<string, string> = {}) {
    super(detail);
    this.status = status;
    this.slug = slug;
    this.title = title;
    this.extras = extras;
    this.headers = headers;
  }
}

export const problemType = (slug: string): string => `/problems/${slug}`;

export const badRequest = (detail: string, errors?: FieldError[]) =>
  new HttpError(400, 'validation-error', 'Your request is not valid', detail, errors ? { errors } : {});
export const unauthorized = (detail = 'Log in, or send an API key as "Authorization: Bearer <key>".', slug = 'unauthenticated') =>
  new HttpError(401, slug, 'Authentication required', detail);
export const forbidden = (detail: string, slug = 'forbidden') => new HttpError(403, slug, 'Not allowed', detail);
export const notFound = (detail: string) => new HttpError(404, 'not-found', 'Not found', detail);
export const conflict = (detail: string, slug = 'conflict') => new HttpError(409, slug, 'Conflict', detail);
export const tooManyRequests = (detail: string, retryAfterSeconds: number) =>
  new HttpError(429, 'rate-limited', 'Too many requests', detail, { retryAfter: retryAfterSeconds }, { 'retry-after': String(retryAfterSeconds) });
export const unavailable = (detail: string) =>
  new HttpError(503, 'service-unavailable', 'Service unavailable', detail, {}, { 'retry-after': '5' });
