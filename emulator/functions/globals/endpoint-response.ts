/**
 * The `response` object an HTTPS endpoint function receives as its second argument (spec §4.2,
 * docs: data-api/custom-endpoints): `setStatusCode(code)`, `setBody(string | BSON.Binary)`,
 * `setHeader(name, value)` (replaces the header's values) and `addHeader(name, value)` (appends).
 *
 * It lives in the worker, next to the function, so each method is a plain synchronous call; what
 * was written crosses to the main thread once the function has returned, and the HTTP layer writes
 * the response from it (http/endpoints.ts). Bad arguments throw at the call, inside the function,
 * so the function's author sees which line was wrong.
 */
import { Binary } from 'bson';
import type { EndpointResponse } from '../transport';

/** RFC 9110 token characters: what a header name may consist of. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

export class EndpointResponseBuilder {
  private statusCode?: number;
  /** Lower-cased name → the name as first written and its values (header names are case-insensitive). */
  private readonly headers = new Map<string, { name: string; values: string[] }>();
  private body?: Uint8Array;
  /** What the function receives; frozen, so a function cannot swap a method for the next caller. */
  readonly object: Readonly<Record<string, (...args: unknown[]) => void>>;

  constructor() {
    this.object = Object.freeze({
      setStatusCode: (code: unknown) => {
        if (typeof code !== 'number' || !Number.isInteger(code) || code < 100 || code > 599) {
          throw new TypeError(`response.setStatusCode takes an HTTP status code (an integer from 100 to 599), got ${describe(code)}`);
        }
        this.statusCode = code;
      },
      setBody: (body: unknown) => {
        this.body = bodyBytes(body);
      },
      setHeader: (name: unknown, value: unknown) => {
        const key = headerName(name, 'setHeader');
        this.headers.set(key.toLowerCase(), { name: key, values: [headerValue(value, 'setHeader')] });
      },
      addHeader: (name: unknown, value: unknown) => {
        const key = headerName(name, 'addHeader');
        const text = headerValue(value, 'addHeader');
        const existing = this.headers.get(key.toLowerCase());
        if (existing) existing.values.push(text);
        else this.headers.set(key.toLowerCase(), { name: key, values: [text] });
      },
    });
  }

  /** What the function wrote, as it crosses to the main thread. */
  result(): EndpointResponse {
    const headers: Record<string, string[]> = {};
    for (const { name, values } of this.headers.values()) headers[name] = [...values];
    return {
      ...(this.statusCode === undefined ? {} : { statusCode: this.statusCode }),
      headers,
      ...(this.body === undefined ? {} : { body: this.body }),
    };
  }
}

function bodyBytes(body: unknown): Uint8Array | undefined {
  // Clearing the body (setBody(undefined)) lets respond_result answer the return value again.
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string') return new Uint8Array(Buffer.from(body, 'utf8'));
  if (body instanceof Binary || (typeof body === 'object' && (body as { _bsontype?: unknown })._bsontype === 'Binary')) {
    const binary = body as Binary;
    return new Uint8Array(binary.buffer.subarray(0, binary.position));
  }
  throw new TypeError(`response.setBody takes a string or a BSON.Binary, got ${describe(body)}; to answer an object, pass JSON.stringify(object)`);
}

function headerName(name: unknown, method: string): string {
  if (typeof name !== 'string' || !HEADER_NAME.test(name)) {
    throw new TypeError(`response.${method} takes a header name made of letters, digits and -!#$%&'*+.^_\`|~, got ${describe(name)}`);
  }
  return name;
}

function headerValue(value: unknown, method: string): string {
  const text = typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? String(value) : undefined;
  // A line break would let a value start a header of its own (response splitting).
  if (text === undefined || /[\r\n\0]/.test(text)) {
    throw new TypeError(`response.${method} takes a header value as a string without line breaks, got ${describe(value)}`);
  }
  return text;
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
  if (value === null || value === undefined || typeof value !== 'object') return String(value);
  return Array.isArray(value) ? 'an array' : 'an object';
}
