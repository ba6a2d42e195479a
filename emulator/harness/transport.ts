/**
 * HTTP for the harness: Node's global fetch, bodies as EJSON, and every error answer turned into a
 * HarnessRequestError. Answers are decoded from Extended JSON into what tests compare easily:
 * ObjectId, Date, Decimal128, Binary … as BSON classes, Int32 and Double as plain numbers, a Long as
 * a number while it is exact (beyond 2^53 it stays a Long).
 */
import { Double, EJSON, Int32, Long } from 'bson';
import { HarnessRequestError } from './errors';

export interface HttpAnswer {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

export interface SendOptions {
  method?: string;
  headers?: Record<string, string>;
  /** Sent as is when a string; otherwise as canonical EJSON (exact number types). */
  body?: unknown;
  /** Answer with error statuses instead of rejecting. */
  keepErrors?: boolean;
}

const SAFE = Long.fromNumber(Number.MAX_SAFE_INTEGER);

function friendly(value: unknown): unknown {
  if (value instanceof Int32 || value instanceof Double) return value.valueOf();
  if (value instanceof Long) return value.lessThanOrEqual(SAFE) && value.greaterThanOrEqual(SAFE.negate()) ? value.toNumber() : value;
  if (Array.isArray(value)) return value.map(friendly);
  if (typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [key, field] of Object.entries(value)) out[key] = friendly(field);
    return out;
  }
  return value;
}

/** Extended JSON text (canonical or relaxed) as test-friendly values; see the module comment. */
export function decodeEjson(text: string): unknown {
  return friendly(EJSON.parse(text, { relaxed: false }));
}

export function encodeEjson(value: unknown): string {
  return EJSON.stringify(value, { relaxed: false });
}

function decodeAnswer(text: string, contentType: string): unknown {
  if (text === '') return undefined;
  if (/json/i.test(contentType)) {
    try {
      return decodeEjson(text);
    } catch {
      return text;
    }
  }
  return text;
}

/** Sends one request; rejects with HarnessRequestError on a status >= 400 (unless keepErrors). */
export async function send(url: string, options: SendOptions = {}): Promise<HttpAnswer> {
  const method = options.method ?? 'GET';
  const headers: Record<string, string> = { ...options.headers };
  let body: string | undefined;
  if (options.body !== undefined) {
    body = typeof options.body === 'string' ? options.body : encodeEjson(options.body);
    if (!Object.keys(headers).some((name) => name.toLowerCase() === 'content-type')) headers['Content-Type'] = 'application/json';
  }
  const what = `${method} ${new URL(url).pathname}`;
  let response: Response;
  try {
    response = await fetch(url, { method, headers, body });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    throw new Error(`${what}: the emulator at ${new URL(url).origin} did not answer (${cause?.code ?? cause?.message ?? (error as Error).message}); is it running?`, { cause: error });
  }
  const answer: HttpAnswer = {
    status: response.status,
    headers: Object.fromEntries(response.headers.entries()),
    body: decodeAnswer(await response.text(), response.headers.get('content-type') ?? ''),
  };
  if (response.status >= 400 && !options.keepErrors) throw HarnessRequestError.fromAnswer(response.status, answer.body, what);
  return answer;
}
