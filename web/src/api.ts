// SPDX-License-Identifier: Apache-2.0
// The JSON API client: same-origin cookie session, CSRF header on state-changing requests,
// Accept-Language from the language switch, problem+json errors turned into ApiError.
import { lang, t } from './i18n';
import type { Problem } from './types';

export class ApiError extends Error {
  readonly status: number;
  readonly problem: Problem | null;

  constructor(status: number, problem: Problem | null, message: string) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.problem = problem;
  }

  get code(): string | undefined {
    return this.problem?.code;
  }
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export type Query = Record<string, string | number | undefined | null>;

export interface RequestOptions {
  body?: unknown;
  query?: Query;
  /** Leave a 401 to the caller (the login form) instead of going to the login screen. */
  allow401?: boolean;
  /** Extra request headers (e.g. Idempotency-Key). */
  headers?: Record<string, string>;
}

let csrfToken = '';
let unauthorizedHandler: () => void = () => {};

export function setCsrfToken(token: string | undefined | null): void {
  csrfToken = token ?? '';
}

/** Called on a 401 from any request that did not set allow401, when the session is gone. */
export function onUnauthorized(handler: () => void): void {
  unauthorizedHandler = handler;
}

/** Whether a 401 says the session is gone (go to the login screen), rather than that a secret
 *  typed into a form was wrong (a TOTP code, the current password: the form says so and the
 *  session stays). */
function sessionGone(problem: Problem | null): boolean {
  return problem?.code !== 'auth.invalid_totp' && problem?.code !== 'auth.invalid_credentials';
}

export function buildPath(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue;
    params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

async function readProblem(response: Response): Promise<Problem | null> {
  const type = response.headers.get('Content-Type') ?? '';
  if (!type.includes('json')) return null;
  try {
    return (await response.json()) as Problem;
  } catch {
    return null;
  }
}

async function send(method: Method, path: string, options: RequestOptions): Promise<Response> {
  const headers: Record<string, string> = {
    ...options.headers,
    Accept: 'application/json, application/problem+json',
    'Accept-Language': lang(),
  };
  if (method !== 'GET' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  const init: RequestInit = { method, headers, credentials: 'same-origin', cache: 'no-store' };
  if (options.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(options.body);
  }
  try {
    return await fetch(buildPath(path, options.query), init);
  } catch {
    throw new ApiError(0, null, t('error.network'));
  }
}

/** Refreshes the CSRF token from GET /api/me; true when a token was obtained. */
async function refreshCsrf(): Promise<boolean> {
  const response = await send('GET', '/api/me', {});
  if (!response.ok) return false;
  const me = (await response.json()) as { csrf_token?: string };
  if (!me.csrf_token) return false;
  setCsrfToken(me.csrf_token);
  return true;
}

export async function request<T>(
  method: Method,
  path: string,
  options: RequestOptions = {},
): Promise<T> {
  let response = await send(method, path, options);
  if (response.status === 403 && method !== 'GET') {
    // A stale CSRF token (e.g. another tab logged in again): fetch a fresh one and retry once.
    const problem = await readProblem(response.clone());
    if (problem?.code === 'auth.csrf' && (await refreshCsrf())) {
      response = await send(method, path, options);
    }
  }
  if (response.ok) {
    if (response.status === 204) return undefined as T;
    const type = response.headers.get('Content-Type') ?? '';
    return (type.includes('json') ? await response.json() : undefined) as T;
  }
  const problem = await readProblem(response);
  const message =
    problem?.detail || problem?.title || t('error.http', { status: response.status });
  const error = new ApiError(response.status, problem, message);
  if (response.status === 401 && !options.allow401 && sessionGone(problem)) unauthorizedHandler();
  throw error;
}

/** What sendRaw needs beyond the method and path. */
export interface RawOptions {
  accept: string;
  body?: string;
  contentType?: string;
  headers?: Record<string, string>;
}

/**
 * A request with the session conventions of this module (Accept-Language, the CSRF header and its
 * one refresh, the 401 handler) for callers that read the answer themselves (e.g. /fhir).
 */
export async function sendRaw(method: Method, path: string, options: RawOptions): Promise<Response> {
  const go = async (): Promise<Response> => {
    const headers: Record<string, string> = {
      ...options.headers,
      Accept: options.accept,
      'Accept-Language': lang(),
    };
    if (method !== 'GET' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
    if (options.contentType) headers['Content-Type'] = options.contentType;
    const init: RequestInit = { method, headers, credentials: 'same-origin', cache: 'no-store' };
    if (options.body !== undefined) init.body = options.body;
    try {
      return await fetch(path, init);
    } catch {
      throw new ApiError(0, null, t('error.network'));
    }
  };
  let response = await go();
  if (response.status === 403 && method !== 'GET') {
    const problem = await readProblem(response.clone());
    if (problem?.code === 'auth.csrf' && (await refreshCsrf())) response = await go();
  }
  if (response.status === 401 && sessionGone(await readProblem(response.clone())))
    unauthorizedHandler();
  return response;
}

/** What uploadWithProgress reports while the body goes out. */
export type UploadProgress = (sent: number, total: number) => void;

/**
 * POSTs a file body with the session conventions (CSRF header, Accept-Language, the 401 handler)
 * and reports the upload's progress: XMLHttpRequest, because fetch cannot tell how much of a
 * request body has been sent. Resolves to the JSON answer; rejects with ApiError.
 */
export async function uploadWithProgress<T>(path: string, body: Blob, contentType: string, progress: UploadProgress): Promise<T> {
  try {
    return await uploadOnce<T>(path, body, contentType, progress);
  } catch (error) {
    // A stale CSRF token (e.g. another tab logged in again): fetch a fresh one and send once more.
    if (!(error instanceof ApiError && error.status === 403 && error.code === 'auth.csrf') || !(await refreshCsrf())) throw error;
    return uploadOnce<T>(path, body, contentType, progress);
  }
}

function uploadOnce<T>(path: string, body: Blob, contentType: string, progress: UploadProgress): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', path);
    xhr.setRequestHeader('Accept', 'application/json, application/problem+json');
    xhr.setRequestHeader('Accept-Language', lang());
    xhr.setRequestHeader('Content-Type', contentType);
    if (csrfToken) xhr.setRequestHeader('X-CSRF-Token', csrfToken);
    xhr.upload.addEventListener('progress', (event) => progress(event.loaded, event.lengthComputable ? event.total : body.size));
    xhr.addEventListener('error', () => reject(new ApiError(0, null, t('error.network'))));
    xhr.addEventListener('load', () => {
      let parsed: unknown = null;
      try {
        parsed = JSON.parse(xhr.responseText);
      } catch {
        // not JSON: the status says what happened
      }
      if (xhr.status >= 200 && xhr.status < 300) {
        resolve(parsed as T);
        return;
      }
      const problem = parsed && typeof parsed === 'object' ? (parsed as Problem) : null;
      const message = problem?.detail || problem?.title || t('error.http', { status: xhr.status });
      if (xhr.status === 401 && sessionGone(problem)) unauthorizedHandler();
      reject(new ApiError(xhr.status, problem, message));
    });
    xhr.send(body);
  });
}

export const api = {
  get: <T>(path: string, query?: Query, options: RequestOptions = {}) =>
    request<T>('GET', path, { ...options, query }),
  post: <T>(path: string, body?: unknown, options: RequestOptions = {}) =>
    request<T>('POST', path, { ...options, body }),
  put: <T>(path: string, body?: unknown) => request<T>('PUT', path, { body }),
  patch: <T>(path: string, body?: unknown) => request<T>('PATCH', path, { body }),
  del: <T = void>(path: string) => request<T>('DELETE', path),
};

/** The message to show for any error thrown while talking to the API. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof Error && error.message) return error.message;
  return t('error.unexpected');
}

/** Encodes one path segment (ids come from the URL hash, so never trust them raw). */
export function seg(value: string): string {
  return encodeURIComponent(value);
}

const MAX_PAGES = 20;

/** Every item of a list endpoint, following next_cursor (bounded, for pickers and small lists). */
export async function getAll<T>(path: string, query: Query = {}): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | null | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    // No limit= here: not every list endpoint takes one (GET /api/users answers 400 to it).
    const answer = await api.get<{ items: T[]; next_cursor?: string | null }>(path, {
      ...query,
      cursor: cursor ?? undefined,
    });
    items.push(...answer.items);
    cursor = answer.next_cursor;
    if (!cursor) break;
  }
  return items;
}

/**
 * A value read from the API once per page load and shared by every caller (code lists, the
 * organisation directory). A failed read is not kept: the next call reads again; so does
 * `refresh`.
 */
export function readOnce<T>(read: () => Promise<T>): (refresh?: boolean) => Promise<T> {
  let cached: Promise<T> | null = null;
  return (refresh = false) => {
    if (!cached || refresh) {
      const pending = read();
      cached = pending;
      pending.catch(() => {
        if (cached === pending) cached = null;
      });
    }
    return cached;
  };
}

/** A fresh Idempotency-Key for one request (crypto.randomUUID where the page is a secure context). */
export function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export type StreamState = 'open' | 'error';

export interface StreamHandlers {
  /** An event of one of the topics, with its data parsed (null when it is not JSON). */
  onEvent: (data: unknown, topic: string) => void;
  /** Events were missed (the server said reset): read everything again. */
  onReset: () => void;
  /** The stream is up, or lost (EventSource then reconnects by itself). */
  onState?: (state: StreamState) => void;
}

interface Listener {
  topics: ReadonlySet<string>;
  handlers: StreamHandlers;
}

/**
 * The page's one connection to GET /api/events (all topics), shared by every listener: a browser
 * keeps at most six HTTP/1.1 connections per host across its tabs, so a page must not hold one
 * per screen part (the alert watch, the invitation notice, the screen's own list …).
 */
const stream = {
  source: null as EventSource | null,
  state: null as StreamState | null,
  bound: new Set<string>(),
  listeners: new Set<Listener>(),
};

function each(fn: (l: Listener) => void): void {
  for (const l of [...stream.listeners]) if (stream.listeners.has(l)) fn(l);
}

function setState(state: StreamState): void {
  stream.state = state;
  each((l) => l.handlers.onState?.(state));
}

/** The shared connection, opened (again, after the server refused it for good) when needed. */
function sharedSource(): EventSource {
  if (stream.source && stream.source.readyState !== EventSource.CLOSED) return stream.source;
  stream.source?.close();
  const source = new EventSource('/api/events');
  stream.source = source;
  stream.state = null;
  stream.bound = new Set();
  source.addEventListener('open', () => setState('open'));
  source.addEventListener('error', () => setState('error'));
  source.addEventListener('reset', () => each((l) => l.handlers.onReset()));
  return source;
}

/** Dispatches the topic's events to the listeners that asked for it (bound once per connection). */
function bindTopic(source: EventSource, topic: string): void {
  if (stream.bound.has(topic)) return;
  stream.bound.add(topic);
  source.addEventListener(topic, (event) => {
    let data: unknown = null;
    try {
      data = JSON.parse((event as MessageEvent<string>).data);
    } catch {
      // Not JSON: the handler gets null.
    }
    each((l) => {
      if (l.topics.has(topic)) l.handlers.onEvent(data, topic);
    });
  });
}

/** Listens to one or more topics of the server's event stream (GET /api/events), on the page's
 *  shared connection; returns the close (the connection closes with its last listener). */
export function listen(topics: string | string[], handlers: StreamHandlers): () => void {
  const listener: Listener = { topics: new Set(typeof topics === 'string' ? [topics] : topics), handlers };
  const source = sharedSource();
  for (const topic of listener.topics) bindTopic(source, topic);
  stream.listeners.add(listener);
  const state = stream.state;
  // A connection that is already up says so to its new listener too (asynchronously, as a new
  // connection would).
  if (state) queueMicrotask(() => stream.listeners.has(listener) && stream.state === state && handlers.onState?.(state));
  return () => {
    if (!stream.listeners.delete(listener)) return;
    if (stream.listeners.size === 0) {
      stream.source?.close();
      stream.source = null;
      stream.state = null;
    }
  };
}
