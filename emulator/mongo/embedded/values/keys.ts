/**
 * Canonical equality keys: one string per value such that two values get the same key exactly
 * when MongoDB considers them equal (1, 1.0, Long(1) and Decimal128("1.00") are equal; {a:1, b:2}
 * and {b:2, a:1} are not). The `_id` index and the secondary and unique indexes are maps keyed by
 * these strings, which is what makes their lookups O(1).
 */
import { asNumber } from './arithmetic';
import { bsonType, isPlainObject } from './forms';

export function equalityKey(value: unknown): string {
  if (value === null || value === undefined) return 'N';
  switch (typeof value) {
    case 'string':
      return `s${value}`;
    case 'boolean':
      return value ? 'b1' : 'b0';
    case 'number':
    case 'bigint':
    case 'object':
      break;
    default:
      return `?${String(value)}`;
  }
  const number = asNumber(value);
  if (number) return `#${number.key}`;
  if (Array.isArray(value)) return `[${JSON.stringify(value.map(equalityKey))}`;
  if (value instanceof Date) return `d${value.getTime()}`;
  if (value instanceof RegExp) return `r${JSON.stringify([value.source, [...value.flags].sort().join('')])}`;
  if (isPlainObject(value)) {
    return `{${JSON.stringify(Object.keys(value).map((key) => [key, equalityKey(value[key])]))}`;
  }
  switch (bsonType(value)) {
    case 'ObjectId':
      return `o${(value as { toHexString(): string }).toHexString()}`;
    case 'Binary': {
      const binary = value as { sub_type: number; buffer: Uint8Array; position: number };
      return `x${binary.sub_type}:${Buffer.from(binary.buffer.subarray(0, binary.position)).toString('base64')}`;
    }
    case 'Timestamp': {
      const timestamp = value as { high: number; low: number };
      return `t${timestamp.high >>> 0}:${timestamp.low >>> 0}`;
    }
    case 'BSONRegExp': {
      const regex = value as { pattern: string; options: string };
      return `r${JSON.stringify([regex.pattern, [...regex.options].sort().join('')])}`;
    }
    case 'MinKey':
      return '-';
    case 'MaxKey':
      return '+';
    case 'BSONSymbol':
      return `s${(value as { value: string }).value}`;
    case 'Code':
      return `c${JSON.stringify([(value as { code: string }).code, equalityKey((value as { scope?: unknown }).scope ?? null)])}`;
    default:
      return `?${String(value)}`;
  }
}
