/**
 * Reading a command's fields with the checks and messages mongod gives
 * ("BSON field 'find.limit' is the wrong type 'string', expected types '[long, int, decimal, double]'").
 * Commands arrive with every BSON type kept as its own class (see values/forms.ts).
 */
import { CommandError } from '../errors';
import { asNumber } from '../values/arithmetic';
import { Document, isPlainObject } from '../values/forms';
import { typeName } from '../values/types';

const NUMERIC_TYPES = "'[long, int, decimal, double]'";

function wrongType(command: string, field: string, value: unknown, expected: string): CommandError {
  return CommandError.of(
    'TypeMismatch',
    `BSON field '${command}.${field}' is the wrong type '${typeName(value)}', expected type${expected.startsWith("'[") ? 's' : ''} ${expected}`,
  );
}

export function missingField(command: string, field: string): CommandError {
  return new CommandError(40414, `BSON field '${command}.${field}' is missing but a required field`);
}

/** A number of any BSON numeric type as a JavaScript number, or undefined for anything else. */
export function numberValue(value: unknown): number | undefined {
  return typeof value === 'number' ? value : asNumber(value)?.toNumber();
}

/** The name a command's first field holds (`{find: "users"}` → "users"). */
export function targetName(command: Document, name: string): string {
  const value = command[name];
  if (typeof value !== 'string') {
    throw CommandError.of('InvalidNamespace', `collection name has invalid type ${typeName(value)}`);
  }
  return value;
}

export class Arguments {
  constructor(
    private readonly command: Document,
    private readonly commandName: string,
  ) {}

  has(field: string): boolean {
    return this.command[field] !== undefined && this.command[field] !== null;
  }

  raw(field: string): unknown {
    return this.command[field];
  }

  string(field: string): string | undefined {
    const value = this.command[field];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string') throw wrongType(this.commandName, field, value, "'string'");
    return value;
  }

  requiredString(field: string): string {
    const value = this.string(field);
    if (value === undefined) throw missingField(this.commandName, field);
    return value;
  }

  number(field: string): number | undefined {
    const value = this.command[field];
    if (value === undefined || value === null) return undefined;
    const number = numberValue(value);
    if (number === undefined) throw wrongType(this.commandName, field, value, NUMERIC_TYPES);
    return number;
  }

  /** A whole non-negative number, such as a limit or a batch size. */
  count(field: string, { allowNegative = false } = {}): number | undefined {
    const value = this.number(field);
    if (value === undefined) return undefined;
    if (!Number.isFinite(value)) throw CommandError.of('BadValue', `${field} must be a finite number`);
    const whole = Math.trunc(value);
    if (whole < 0 && !allowNegative) {
      throw new CommandError(51024, `BSON field '${field}' value must be >= 0, actual value '${whole}'`);
    }
    return whole;
  }

  boolean(field: string, fallback = false): boolean {
    const value = this.command[field];
    if (value === undefined || value === null) return fallback;
    if (typeof value === 'boolean') return value;
    const number = numberValue(value);
    if (number !== undefined) return number !== 0;
    throw wrongType(this.commandName, field, value, "'bool'");
  }

  document(field: string): Document | undefined {
    const value = this.command[field];
    if (value === undefined || value === null) return undefined;
    if (!isPlainObject(value)) throw wrongType(this.commandName, field, value, "'object'");
    return value;
  }

  requiredDocument(field: string): Document {
    const value = this.document(field);
    if (value === undefined) throw missingField(this.commandName, field);
    return value;
  }

  array(field: string): unknown[] | undefined {
    const value = this.command[field];
    if (value === undefined || value === null) return undefined;
    if (!Array.isArray(value)) throw wrongType(this.commandName, field, value, "'array'");
    return value;
  }

  requiredArray(field: string): unknown[] {
    const value = this.array(field);
    if (value === undefined) throw missingField(this.commandName, field);
    return value;
  }

  /** An array of documents (the `documents` of insert, the `updates` of update …). */
  documents(field: string): Document[] {
    const value = this.requiredArray(field);
    value.forEach((element, index) => {
      if (!isPlainObject(element)) throw wrongType(this.commandName, `${field}.${index}`, element, "'object'");
    });
    return value as Document[];
  }
}
