/**
 * `context.http`: outbound HTTP with App Services' request and response shapes (docs: functions/
 * context, services/http-actions), on the worker's global fetch.
 *
 * Request: `{ url }` or `{ scheme, host, path, query: {name: [values]}, username, password }`,
 * plus `headers` (name → array of values, or one value), `body` (string, BSON.Binary or bytes;
 * an object with `encodeBodyAsJSON: true`), `form` (urlencoded), `cookies` (name → value) and
 * `followRedirects` (default false, as App Services).
 * Response: `{ status: "200 OK", statusCode, contentLength, headers: {Name: [values]}, cookies,
 * body: BSON.Binary }`.
 */
import { Binary, EJSON } from 'bson';

interface HttpRequestOptions {
  url?: string;
  scheme?: string;
  host?: string;
  path?: string;
  query?: Record<string, unknown>;
  username?: string;
  password?: string;
  headers?: Record<string, unknown>;
  body?: unknown;
  encodeBodyAsJSON?: boolean;
  form?: Record<string, unknown>;
  cookies?: Record<string, unknown>;
  followRedirects?: boolean;
}

export interface HttpResponse {
  status: string;
  statusCode: number;
  contentLength: number;
  headers: Record<string, string[]>;
  cookies: Record<string, { value: string }>;
  body?: Binary;
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete', 'head'] as const;

/** A fresh `context.http` for one call. */
export function createHttpClient(): Record<string, (options: HttpRequestOptions) => Promise<HttpResponse>> {
  const client: Record<string, (options: HttpRequestOptions) => Promise<HttpResponse>> = {};
  for (const method of METHODS) client[method] = (options) => send(method.toUpperCase(), options ?? {});
  return client;
}

async function send(method: string, options: HttpRequestOptions): Promise<HttpResponse> {
  const url = requestUrl(options);
  const headers = new Headers();
  for (const [name, values] of Object.entries(options.headers ?? {})) {
    for (const value of Array.isArray(values) ? values : [values]) headers.append(name, String(value));
  }
  if (options.cookies) {
    const cookie = Object.entries(options.cookies).map(([name, value]) => `${name}=${String(value)}`);
    headers.append('Cookie', cookie.join('; '));
  }
  let body: string | Buffer | undefined;
  if (options.form) {
    body = new URLSearchParams(Object.entries(options.form).map(([name, value]): [string, string] => [name, String(value)])).toString();
    if (!headers.has('content-type')) headers.set('Content-Type', 'application/x-www-form-urlencoded');
  } else if (options.body !== undefined) {
    body = requestBody(options);
    if (options.encodeBodyAsJSON && !headers.has('content-type')) headers.set('Content-Type', 'application/json');
  }
  const response = await fetch(url, {
    method,
    headers,
    body: method === 'GET' || method === 'HEAD' ? undefined : body,
    redirect: options.followRedirects ? 'follow' : 'manual',
  });
  const responseHeaders: Record<string, string[]> = {};
  response.headers.forEach((value, name) => {
    (responseHeaders[canonicalHeaderName(name)] ??= []).push(value);
  });
  const setCookies = response.headers.getSetCookie();
  if (setCookies.length > 0) responseHeaders['Set-Cookie'] = setCookies;
  const bytes = Buffer.from(await response.arrayBuffer());
  const length = response.headers.get('content-length');
  return {
    status: `${response.status} ${response.statusText}`.trim(),
    statusCode: response.status,
    contentLength: length === null ? -1 : Number(length),
    headers: responseHeaders,
    cookies: parseCookies(setCookies),
    body: method === 'HEAD' ? undefined : new Binary(bytes),
  };
}

function requestUrl(options: HttpRequestOptions): string {
  if (options.url) return String(options.url);
  if (!options.host) throw new Error('context.http needs a url, or a host (with scheme, path and query)');
  const url = new URL(`${options.scheme ?? 'https'}://${options.host}`);
  url.pathname = options.path ?? '/';
  for (const [name, values] of Object.entries(options.query ?? {})) {
    for (const value of Array.isArray(values) ? values : [values]) url.searchParams.append(name, String(value));
  }
  if (options.username !== undefined) url.username = options.username;
  if (options.password !== undefined) url.password = options.password;
  return url.toString();
}

function requestBody(options: HttpRequestOptions): string | Buffer {
  const body = options.body;
  if (options.encodeBodyAsJSON) return EJSON.stringify(body, { relaxed: true });
  if (typeof body === 'string') return body;
  if (body instanceof Uint8Array) return Buffer.from(body);
  if (body !== null && typeof body === 'object' && (body as { _bsontype?: unknown })._bsontype === 'Binary') {
    return Buffer.from((body as Binary).buffer);
  }
  return String(body);
}

/** `content-type` → `Content-Type`, the spelling App Services' (Go) header maps use. */
function canonicalHeaderName(name: string): string {
  return name.replace(/(^|-)([a-z])/g, (_match, dash: string, letter: string) => dash + letter.toUpperCase());
}

function parseCookies(setCookies: string[]): Record<string, { value: string }> {
  const cookies: Record<string, { value: string }> = {};
  for (const line of setCookies) {
    const pair = line.split(';', 1)[0];
    const equals = pair.indexOf('=');
    if (equals > 0) cookies[pair.slice(0, equals).trim()] = { value: pair.slice(equals + 1).trim() };
  }
  return cookies;
}
