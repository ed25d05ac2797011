// The JSON API as the web app uses it: one fetch wrapper that sends the session's CSRF token on
// every state-changing request and turns problem responses (RFC 7807) into values.

export interface FieldError {
  field: string;
  message: string;
}

export interface Problem {
  status: number;
  title: string;
  detail: string;
  errors: FieldError[];
  retryAfter: number | null; // seconds, from Retry-After on 429
  body: unknown; // the whole problem document (some carry more, e.g. an import's records[])
}

export type Answer<T> = { ok: true; status: number; data: T } | { ok: false; problem: Problem };

let csrfToken = '';

export function setCsrfToken(token: string): void {
  csrfToken = token;
}

/** The session's CSRF token, for the few calls that do not send JSON (CSV bodies). */
export function currentCsrfToken(): string {
  return csrfToken;
}

function asProblem(status: number, body: unknown, retryAfter: string | null): Problem {
  const o = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const errors: FieldError[] = Array.isArray(o.errors)
    ? o.errors
        .filter((e): e is Record<string, unknown> => typeof e === 'object' && e !== null)
        .map((e) => ({ field: String(e.field ?? ''), message: String(e.message ?? '') }))
    : [];
  const seconds = retryAfter !== null && /^\d+$/.test(retryAfter) ? Number(retryAfter) : null;
  return {
    status,
    title: typeof o.title === 'string' ? o.title : '',
    detail: typeof o.detail === 'string' ? o.detail : '',
    errors,
    retryAfter: seconds,
    body,
  };
}

export async function api<T = unknown>(
  method: string,
  path: string,
  body?: unknown,
  lang = 'vi',
  extraHeaders: Record<string, string> = {},
): Promise<Answer<T>> {
  const headers: Record<string, string> = { Accept: 'application/json', 'Accept-Language': lang, ...extraHeaders };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && method !== 'HEAD' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
    });
  } catch {
    return { ok: false, problem: { status: 0, title: '', detail: '', errors: [], retryAfter: null, body: null } };
  }
  let parsed: unknown = null;
  const text = await res.text();
  if (text) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = null;
    }
  }
  if (!res.ok) return { ok: false, problem: asProblem(res.status, parsed, res.headers.get('Retry-After')) };
  return { ok: true, status: res.status, data: parsed as T };
}

/** A local path the app may send the browser to after login: "/x…", never "//host" or a URL. */
export function safeReturnTo(value: string | null): string | null {
  if (!value || !value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return null;
  return value;
}

export interface Uploaded {
  id: string;
  name: string;
  content_type: string;
  size: number;
  sha256: string;
}

/** POST /api/v1/attachments: the file's bytes as the body, its type as Content-Type. */
export async function upload(file: File, lang = 'vi'): Promise<Answer<Uploaded>> {
  const headers: Record<string, string> = {
    Accept: 'application/json',
    'Accept-Language': lang,
    'Content-Type': file.type || 'application/octet-stream',
  };
  if (csrfToken) headers['X-CSRF-Token'] = csrfToken;
  let res: Response;
  try {
    res = await fetch(`/api/v1/attachments?name=${encodeURIComponent(file.name)}`, {
      method: 'POST',
      headers,
      body: file,
      credentials: 'same-origin',
    });
  } catch {
    return { ok: false, problem: { status: 0, title: '', detail: '', errors: [], retryAfter: null, body: null } };
  }
  const text = await res.text();
  let parsed: unknown = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = null;
  }
  if (!res.ok) return { ok: false, problem: asProblem(res.status, parsed, res.headers.get('Retry-After')) };
  return { ok: true, status: res.status, data: parsed as Uploaded };
}

/** A fresh Idempotency-Key for one submission attempt (kept across retries of that attempt). */
export function newIdempotencyKey(): string {
  const c: Crypto = globalThis.crypto;
  if (typeof c.randomUUID === 'function') return c.randomUUID();
  const bytes = new Uint8Array(16);
  c.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** One submission attempt: its key and the exact body it was made for. */
export interface Attempt {
  key: string;
  body: string;
}

/**
 * POSTs `body` with an Idempotency-Key that is kept while the same body is retried after a lost
 * answer (no response, or a 5xx), so a retry never makes a second record; the key is dropped
 * once the server has answered for good. `lost` tells the caller to offer a retry.
 */
export async function postOnce<T>(
  attempt: { current: Attempt | null },
  path: string,
  body: unknown,
  lang: string,
): Promise<{ answer: Answer<T>; lost: boolean }> {
  const text = JSON.stringify(body);
  if (!attempt.current || attempt.current.body !== text) attempt.current = { key: newIdempotencyKey(), body: text };
  const answer = await api<T>('POST', path, body, lang, { 'Idempotency-Key': attempt.current.key });
  const lost = !answer.ok && (answer.problem.status === 0 || answer.problem.status >= 500);
  if (!lost) attempt.current = null;
  return { answer, lost };
}
