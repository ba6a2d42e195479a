/**
 * How App Services writes BSON values into HTTP responses (Data API, custom endpoints): canonical
 * EJSON, or plain JSON with the type mapping of the Data API docs (APP_SERVICES.md §3.5):
 *
 *   ObjectId → "5d50…"            Date → "2022-01-12T02:33:23.067Z"   Decimal128 → "9823.1297"
 *   Int64 → 50 (exact digits)     Int32/Double → numbers               Binary → {"Subtype":5,"Data":"<base64>"}
 *   Regex → {"Pattern","Options"} Timestamp → {"T","I"}                MinKey/MaxKey → {}
 *
 * The `Accept` header chooses between them, over the configured `return_type`.
 */
import { EJSON } from 'bson';
import type { Request } from 'express';

export type ReturnType = 'JSON' | 'EJSON';

export const EJSON_CONTENT_TYPE = 'application/ejson';
export const JSON_CONTENT_TYPE = 'application/json';

/** `Accept: application/json` or `application/ejson` overrides the configured return type. */
export function responseFormat(request: Request, configured: ReturnType): ReturnType {
  const accept = (request.get('accept') ?? '').toLowerCase();
  if (accept.includes(EJSON_CONTENT_TYPE)) return 'EJSON';
  if (accept.includes(JSON_CONTENT_TYPE)) return 'JSON';
  return configured;
}

function bsonTypeOf(value: object): string | undefined {
  return (value as { _bsontype?: string })._bsontype;
}

/** Writes one value as JSON text in the Data API's JSON mode. Long values keep every digit. */
function writeJson(value: unknown, out: string[]): void {
  if (value === null || value === undefined) {
    out.push('null');
    return;
  }
  switch (typeof value) {
    case 'string':
      out.push(JSON.stringify(value));
      return;
    case 'boolean':
      out.push(value ? 'true' : 'false');
      return;
    case 'number':
      // JSON has no NaN or Infinity; App Services' Go encoder fails on them, the emulator names them.
      out.push(Number.isFinite(value) ? JSON.stringify(value) : JSON.stringify(String(value)));
      return;
    case 'bigint':
      out.push(value.toString());
      return;
    case 'object':
      break;
    default:
      out.push('null');
      return;
  }
  if (value instanceof Date) {
    out.push(Number.isNaN(value.getTime()) ? 'null' : JSON.stringify(value.toISOString()));
    return;
  }
  if (Array.isArray(value)) {
    out.push('[');
    value.forEach((element, index) => {
      if (index > 0) out.push(',');
      writeJson(element, out);
    });
    out.push(']');
    return;
  }
  if (value instanceof RegExp) {
    out.push(JSON.stringify({ Pattern: value.source, Options: value.flags }));
    return;
  }
  switch (bsonTypeOf(value)) {
    case 'ObjectId':
      out.push(JSON.stringify((value as { toHexString(): string }).toHexString()));
      return;
    case 'Decimal128':
      out.push(JSON.stringify(String(value)));
      return;
    case 'Long':
      out.push(String(value));
      return;
    case 'Int32':
    case 'Double':
      writeJson((value as { value: number }).value, out);
      return;
    case 'Binary': {
      const binary = value as { sub_type: number; buffer: Uint8Array; position: number };
      out.push(JSON.stringify({ Subtype: binary.sub_type, Data: Buffer.from(binary.buffer.subarray(0, binary.position)).toString('base64') }));
      return;
    }
    case 'BSONRegExp': {
      const regex = value as { pattern: string; options: string };
      out.push(JSON.stringify({ Pattern: regex.pattern, Options: regex.options }));
      return;
    }
    case 'Timestamp': {
      const timestamp = value as { t: number; i: number };
      out.push(JSON.stringify({ T: timestamp.t, I: timestamp.i }));
      return;
    }
    case 'MinKey':
    case 'MaxKey':
      out.push('{}');
      return;
    case 'BSONSymbol':
      out.push(JSON.stringify(String((value as { value: string }).value)));
      return;
    case 'Code':
      out.push(JSON.stringify((value as { code: string }).code));
      return;
    default:
      break;
  }
  out.push('{');
  let first = true;
  for (const [key, field] of Object.entries(value)) {
    if (field === undefined) continue;
    if (!first) out.push(',');
    first = false;
    out.push(JSON.stringify(key), ':');
    writeJson(field, out);
  }
  out.push('}');
}

export function toJsonText(value: unknown): string {
  const out: string[] = [];
  writeJson(value, out);
  return out.join('');
}

export function toEjsonText(value: unknown): string {
  return EJSON.stringify(value, { relaxed: false });
}

/** The body and content type of a value in the chosen format. */
export function formatBody(value: unknown, format: ReturnType): { body: string; contentType: string } {
  return format === 'EJSON'
    ? { body: toEjsonText(value), contentType: `${EJSON_CONTENT_TYPE}; charset=utf-8` }
    : { body: toJsonText(value), contentType: `${JSON_CONTENT_TYPE}; charset=utf-8` };
}
