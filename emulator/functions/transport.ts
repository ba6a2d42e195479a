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

/** One call, as the main thread hands it to a worker. */
export interface CallTask {
  callId: number;
  name: string;
  /** Canonical EJSON of the argument array. */
  argsEJSON: string;
  caller: Identity;
  request: RequestInfo;
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
  | { type: 'result'; callId: number; ok: true; resultEJSON: string }
  | { type: 'result'; callId: number; ok: false; error: SerializedFunctionError };
