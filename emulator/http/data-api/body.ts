/**
 * Data API request bodies (APP_SERVICES.md §3.5, §3.7): at most 18 MB, `application/json` or
 * `application/ejson` (canonical or relaxed), read as one JSON object.
 *
 *  - `application/ejson`: Extended JSON with exact number types — a bare integer is an Int32 (an
 *    Int64 when it does not fit), a number with a fraction or exponent a Double.
 *  - anything else, and no Content-Type (which App Services' own tests sent), is JSON. The docs'
 *    OpenAPI examples put `{"$oid": …}` in `application/json` bodies, so JSON bodies decode EJSON
 *    wrappers too (the safe reading of an unconfirmed point); plain numbers take the type of their
 *    value, so `1.0` is an Int32 here and a Double in EJSON.
 *
 * Before anything recursive touches a body it is checked by an iterative walk: nesting deeper than
 * MAX_DEPTH is refused (a few hundred thousand brackets would otherwise overflow the stack of the
 * EJSON decoder), and so is a `__proto__` key anywhere, which code that copies objects by
 * assignment would turn into a prototype.
 */
import { EJSON } from 'bson';
import express from 'express';
import type { Request, RequestHandler } from 'express';
import { parseExtendedJson } from '../../mongo/extended-json';
import { bsonTypeOf, isPlainDocument } from '../../rules/values';
import { AppServicesError } from '../errors';

/** App Services' request size limit (§3.7); larger bodies get 413 from the body reader. */
export const MAX_BODY_BYTES = 18 * 1024 * 1024;

/**
 * MongoDB refuses documents nested more than 100 levels; the request adds its own levels (the
 * body, `filter`, `document`) and canonical EJSON one or two per value, so 150 leaves room for any
 * document MongoDB would store and still keeps every later recursion shallow.
 */
export const MAX_DEPTH = 150;

export type BodyFormat = 'JSON' | 'EJSON';

const rawBody = express.raw({ type: () => true, limit: MAX_BODY_BYTES });

/**
 * The body's bytes exactly as sent (what VERIFY_PAYLOAD signs), after any Content-Encoding (gzip,
 * deflate, br). Over MAX_BODY_BYTES — sent or inflated — is 413; a body that cannot be read (bad
 * gzip, an unknown encoding, a client that stopped sending) is 400.
 */
export const readRawBody: RequestHandler = (request, response, next) => {
  rawBody(request, response, (error?: unknown) => {
    if (error === undefined) return next();
    const failure = error as { type?: string; status?: number; message?: string };
    if (failure.type === 'entity.too.large') {
      return next(new AppServicesError(413, 'InvalidParameter', `the request body is larger than ${MAX_BODY_BYTES / 1024 / 1024} MB, the Data API's limit`));
    }
    const status = typeof failure.status === 'number' && failure.status >= 400 && failure.status < 500 ? 400 : undefined;
    next(status ? invalid(`the request body could not be read: ${failure.message}`) : error);
  });
};

export function rawBodyOf(request: Request): Buffer {
  return Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
}

export function bodyFormat(request: Request): BodyFormat {
  const type = (request.get('content-type') ?? '').split(';')[0].trim().toLowerCase();
  return type === 'application/ejson' ? 'EJSON' : 'JSON';
}

function invalid(message: string): AppServicesError {
  return AppServicesError.badRequest('InvalidParameter', message);
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The kind of a value, for messages: "a string", "an array", "an ObjectId". */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  const type = bsonTypeOf(value);
  if (type) return /^[AEIOU]/.test(type) ? `an ${type}` : `a ${type}`;
  if (value instanceof Date) return 'a date';
  if (typeof value === 'object') return 'a document';
  return typeof value === 'undefined' ? 'nothing' : `a ${typeof value}`;
}

function checkStructure(root: unknown): void {
  const stack: Array<[unknown, number]> = [[root, 1]];
  while (stack.length > 0) {
    const [value, depth] = stack.pop()!;
    if (depth > MAX_DEPTH) throw invalid(`the request body is nested more than ${MAX_DEPTH} levels deep`);
    if (Array.isArray(value)) {
      for (const element of value) if (typeof element === 'object' && element !== null) stack.push([element, depth + 1]);
    } else if (typeof value === 'object' && value !== null) {
      for (const key of Object.keys(value)) {
        if (key === '__proto__') throw invalid('the request body has a "__proto__" key, which the Data API refuses');
        const field = (value as Record<string, unknown>)[key];
        if (typeof field === 'object' && field !== null) stack.push([field, depth + 1]);
      }
    }
  }
}

/** The body as a document of BSON values; 400 InvalidParameter saying what is wrong otherwise. */
export function parseBody(raw: Buffer, format: BodyFormat): Record<string, unknown> {
  if (raw.length === 0) throw invalid('the request body is empty; send a JSON object such as {"dataSource": …, "database": …, "collection": …}');
  let text: string;
  try {
    text = utf8.decode(raw);
  } catch {
    throw invalid('the request body is not valid UTF-8');
  }
  let plain: unknown;
  try {
    // V8's JSON.parse is iterative, so it is safe on any nesting; the result is only inspected.
    plain = JSON.parse(text);
  } catch (error) {
    throw invalid(`the request body is not valid JSON: ${(error as Error).message}`);
  }
  if (!isPlainDocument(plain)) throw invalid(`the request body must be a JSON object, not ${describeValue(plain)}`);
  checkStructure(plain);
  let value: unknown;
  try {
    value = format === 'EJSON' ? parseExtendedJson(text) : EJSON.parse(text, { relaxed: false });
  } catch (error) {
    throw invalid(`the request body is not valid Extended JSON: ${(error as Error).message}`);
  }
  // A body that is one EJSON wrapper ({"$oid": …}) decodes to a value, not a document.
  if (!isPlainDocument(value)) throw invalid(`the request body must be a JSON object, not ${describeValue(value)}`);
  return value;
}
