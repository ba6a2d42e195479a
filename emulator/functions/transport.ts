/**
 * How values cross the worker boundary, and the messages that carry them. Arguments and results
 * travel as canonical EJSON text, so BSON types survive the structured clone (which would turn a
 * Long into a plain object) and the text is exactly what the client API answers with.
 */
import { Double, EJSON, Int32 } from 'bson';
import type { AppDefinition } from '../app/definition';
import type { RequestInfo } from '../http/request-info';
import type { SerializedFunctionError } from './errors';
import type { Identity } from './run-as';

/** What App Services answers for a function that returns nothing. */
const UNDEFINED_EJSON = '{"$undefined":true}';

const INT32_MAX = 2 ** 31 - 1;
const INT32_MIN = -(2 ** 31);

/**
 * Canonical EJSON text of a value (`undefined` included, as `{"$undefined":true}`). A JavaScript
 * number is a double: App Services writes an integral one outside the int32 range as
 * `$numberDouble` (the docs' utils.jwt.decode example returns `"iat": {"$numberDouble": …}`),
 * where the bson package would write `$numberLong` and so turn it into a Long on the way back.
 */
export function encodeValue(value: unknown): string {
  if (value === undefined) return UNDEFINED_EJSON;
  return EJSON.stringify(numbersAsDoubles(value, new Set()), { relaxed: false });
}

function numbersAsDoubles(value: unknown, path: Set<object>): unknown {
  if (typeof value === 'number') return Number.isInteger(value) && (value > INT32_MAX || value < INT32_MIN) ? new Double(value) : value;
  if (value === null || typeof value !== 'object') return value;
  const isArray = Array.isArray(value);
  const prototype = Object.getPrototypeOf(value);
  // Only containers are rebuilt; BSON values, dates and other objects are EJSON's to write.
  if (!isArray && prototype !== Object.prototype && prototype !== null) return value;
  if (path.has(value)) throw new TypeError('Converting circular structure to EJSON');
  path.add(value);
  let copy: unknown;
  if (isArray) {
    copy = (value as unknown[]).map((item) => numbersAsDoubles(item, path));
  } else {
    const record: Record<string, unknown> = {};
    for (const key of Object.keys(value)) record[key] = numbersAsDoubles((value as Record<string, unknown>)[key], path);
    copy = record;
  }
  path.delete(value);
  return copy;
}

/**
 * The value of canonical EJSON text, as a function sees its arguments: `$numberInt` and
 * `$numberDouble` become plain numbers (JavaScript has no other), while `$numberLong`,
 * `$numberDecimal` and the other BSON types keep their type, so a Long above 2^53 stays exact and
 * a Long stays a Long when it is returned.
 */
export function decodeValue(text: string): unknown {
  if (text === UNDEFINED_EJSON) return undefined;
  return plainNumbers(EJSON.parse(text, { relaxed: false }));
}

function plainNumbers(value: unknown): unknown {
  if (value instanceof Int32 || value instanceof Double) return value.valueOf();
  if (Array.isArray(value)) return value.map(plainNumbers);
  if (value !== null && typeof value === 'object') {
    const prototype = Object.getPrototypeOf(value);
    if (prototype !== Object.prototype && prototype !== null) return value;
    const record = value as Record<string, unknown>;
    for (const key of Object.keys(record)) record[key] = plainNumbers(record[key]);
  }
  return value;
}

/**
 * A value as plain data for a message, and back. Structured cloning keeps plain objects, arrays,
 * strings and dates, but turns a BSON value into a plain object without its type (an ObjectId in
 * a user's custom data would reach the function as `{i0, i1, …}`); through canonical EJSON every
 * value keeps its type.
 */
export function toWire<T>(value: T): unknown {
  return value === undefined ? undefined : JSON.parse(encodeValue(value));
}

export function fromWire<T>(value: unknown): T {
  return (value === undefined ? undefined : decodeValue(JSON.stringify(value))) as T;
}

// ── Messages ────────────────────────────────────────────────────────────────────────────────

/** What a worker is started with (structured-cloned into it). */
export interface WorkerInit {
  definition: AppDefinition;
  /** The database every worker opens its own MongoClient to; absent ⇒ no data source works. */
  mongoUri?: string;
  memoryLimitMb: number;
  /** Where `require` finds the app's dependencies (functions/, or the unpacked archive's parent). */
  dependenciesDirectory?: string;
  /** Module that exports `createServiceForWorker` (see data-sources.ts). */
  serviceModule: string;
  /** When the runtime started: `context.app.lastDeployed`. */
  startedAt: string;
}

/**
 * What a call runs: an app function; an HTTPS endpoint's function, which also gets a response
 * object to write to (its arguments are `[request]`, the response is appended in the worker); or a
 * `run_as_user_id_script_source`, which names the user a request runs as.
 */
export type CallMode = 'function' | 'endpoint' | 'user-id-script';

/** One call, as the main thread hands it to a worker. */
export interface CallTask {
  callId: number;
  /** The function's name; for a user-id script, a label for messages. */
  name: string;
  mode: CallMode;
  /** The script's source, for mode `user-id-script`. */
  source?: string;
  /**
   * false: `caller` already is the identity the function runs as, because whoever called applied
   * the function's run-as settings (HTTPS endpoints authenticate before they call), so they must
   * not be applied a second time (a run-as script would run twice).
   */
  applyRunAs: boolean;
  /** Canonical EJSON of the argument array. */
  argsEJSON: string;
  /** The user as toWire() makes it (it may hold BSON values: custom data). */
  caller: Identity;
  request: RequestInfo;
}

/** What an endpoint function wrote to its response object (spec §4.2). */
export interface EndpointResponse {
  /** Set by setStatusCode; absent when the function never called it. */
  statusCode?: number;
  /** Header name as first written → its values, in order. */
  headers: Record<string, string[]>;
  /** Set by setBody (a string as UTF-8, a BSON.Binary as its bytes); absent when never called. */
  body?: Uint8Array;
}

export type ToWorker =
  | { type: 'call'; task: CallTask }
  | { type: 'host-reply'; requestId: number; ok: true; value: unknown }
  | { type: 'host-reply'; requestId: number; ok: false; error: SerializedFunctionError }
  | { type: 'stop' };

/** What a worker asks the main thread for, during a call. */
export type HostRequest = { kind: 'resolve-user'; userId: string };

export type FromWorker =
  | { type: 'ready' }
  | { type: 'log'; callId: number; line: string }
  | { type: 'host-request'; requestId: number; request: HostRequest }
  | { type: 'result'; callId: number; ok: true; resultEJSON: string; response?: EndpointResponse }
  | { type: 'result'; callId: number; ok: false; error: SerializedFunctionError };
