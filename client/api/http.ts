/**
 * The only place in the client that calls fetch. Adds the CSRF header to state-changing requests (the session
 * cookie is httpOnly; the token comes from login and /api/auth/me), turns error bodies into ApiError, and sends
 * the user to the login page on 401 or to the password page when the server demands a password change.
 */
import type { Localized } from '../i18n/index.ts';

export interface ErrorDetailBody {
  path: string;
  code?: string;
  message: Localized;
  value?: unknown;
}

export class ApiError extends Error {
  constructor(
    public readonly status: number,
    public readonly code: string,
    public readonly text: Localized,
    public readonly details: ErrorDetailBody[] = [],
  ) {
    super(`${status} ${code}: ${text.en}`);
    this.name = 'ApiError';
  }
}

let csrfToken: string | null = null;
type Redirect = (reason: 'login' | 'password') => void;
let redirect: Redirect = () => {};

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** The router registers how to move to the login / password pages (keeps this module free of views). */
export function onAuthRedirect(fn: Redirect): void {
  redirect = fn;
}

const NETWORK_ERROR: Localized = { vi: 'Không kết nối được máy chủ', en: 'Cannot reach the server' };

export interface RequestOptions {
  body?: unknown;
  headers?: Record<string, string>;
  /** Do not redirect on 401 (the login page itself, the first /me probe). */
  quiet401?: boolean;
}

export interface RawResponse<T> {
  body: T;
  headers: Headers;
  status: number;
}

export async function request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<RawResponse<T>> {
  const headers: Record<string, string> = { accept: 'application/json', ...opts.headers };
  if (method !== 'GET' && method !== 'HEAD' && csrfToken) headers['x-csrf-token'] = csrfToken;
  let body: BodyInit | undefined;
  if (opts.body instanceof FormData) body = opts.body;
  else if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    headers['content-type'] = 'application/json';
  }
  let res: Response;
  try {
    res = await fetch(path, { method, headers, body, credentials: 'same-origin' });
  } catch {
    throw new ApiError(0, 'NETWORK_ERROR', NETWORK_ERROR);
  }
  const type = res.headers.get('content-type') ?? '';
  const parsed: unknown = res.status === 204 ? null : type.includes('json') ? await res.json().catch(() => null) : await res.text();
  if (!res.ok) {
    const err = toApiError(res.status, parsed);
    if (res.status === 401 && !opts.quiet401) redirect('login');
    if (res.status === 403 && err.code === 'PASSWORD_CHANGE_REQUIRED') redirect('password');
    throw err;
  }
  return { body: parsed as T, headers: res.headers, status: res.status };
}

function toApiError(status: number, body: unknown): ApiError {
  const e = (body as { error?: { code?: string; message?: Localized; details?: ErrorDetailBody[] } } | null)?.error;
  if (e && e.code) return new ApiError(status, e.code, e.message ?? { vi: e.code, en: e.code }, e.details ?? []);
  return new ApiError(status, `HTTP_${status}`, { vi: `Lỗi máy chủ (${status})`, en: `Server error (${status})` });
}

export const api = {
  get: <T>(path: string, opts?: RequestOptions) => request<T>('GET', path, opts).then((r) => r.body),
  post: <T>(path: string, body?: unknown, opts?: RequestOptions) => request<T>('POST', path, { ...opts, body }).then((r) => r.body),
  put: <T>(path: string, body?: unknown, opts?: RequestOptions) => request<T>('PUT', path, { ...opts, body }).then((r) => r.body),
};

/** `?a=1&b=x` from an object, skipping empty values. */
export function query(params: Record<string, string | number | boolean | null | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

/** A file download through fetch (so the page can show it is busy): the body and the server's file name. */
export async function fetchFile(path: string): Promise<{ blob: Blob; fileName: string }> {
  let res: Response;
  try {
    res = await fetch(path, { credentials: 'same-origin' });
  } catch {
    throw new ApiError(0, 'NETWORK_ERROR', NETWORK_ERROR);
  }
  if (!res.ok) {
    const body: unknown = (res.headers.get('content-type') ?? '').includes('json') ? await res.json().catch(() => null) : null;
    const err = toApiError(res.status, body);
    if (res.status === 401) redirect('login');
    throw err;
  }
  const disposition = res.headers.get('content-disposition') ?? '';
  const fileName = /filename="([^"]+)"/.exec(disposition)?.[1] ?? path.split('/').pop()!.split('?')[0]!;
  return { blob: await res.blob(), fileName };
}
