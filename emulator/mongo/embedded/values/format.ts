/**
 * Values printed the way mongod prints them inside error messages
 * (`E11000 duplicate key error … dup key: { email: "a@b.c" }`).
 */
import { isBsonNumber } from './bson-number';
import { bsonType, isPlainObject } from './forms';

export function formatValue(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (isBsonNumber(value)) return value.display();
  if (value instanceof Date) return `new Date(${value.getTime()})`;
  if (value instanceof RegExp) return `/${value.source}/${value.flags}`;
  if (Array.isArray(value)) return value.length === 0 ? '[]' : `[ ${value.map(formatValue).join(', ')} ]`;
  if (isPlainObject(value)) return formatDocument(value);
  switch (bsonType(value)) {
    case 'ObjectId':
      return `ObjectId('${(value as { toHexString(): string }).toHexString()}')`;
    case 'Int32':
    case 'Double':
      return String((value as { value: number }).value);
    case 'Long':
    case 'Decimal128':
      return String(value);
    case 'BSONRegExp': {
      const regex = value as { pattern: string; options: string };
      return `/${regex.pattern}/${regex.options}`;
    }
    case 'MinKey':
      return 'MinKey';
    case 'MaxKey':
      return 'MaxKey';
    default:
      return String(value);
  }
}

export function formatDocument(document: Record<string, unknown>): string {
  const entries = Object.keys(document).map((key) => `${key}: ${formatValue(document[key])}`);
  return entries.length === 0 ? '{}' : `{ ${entries.join(', ')} }`;
}
