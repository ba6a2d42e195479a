/**
 * Turns zod's issues into sentences for someone who has never heard of zod:
 * "expected <what the field must be>, found <what the file has>". Schemas describe their custom
 * checks (formats, refinements) with an `error` text that is the "expected" half.
 */
import type { z } from 'zod';

type Issue = z.core.$ZodIssue;

export interface SchemaMessage {
  path: PropertyKey[];
  message: string;
}

export function describeIssues(issues: ReadonlyArray<Issue>, prefix: PropertyKey[] = []): SchemaMessage[] {
  return issues.flatMap((issue) => {
    const path = [...prefix, ...issue.path];
    if (issue.code === 'invalid_union') {
      // When the value has the right type for one alternative but fails that alternative's
      // checks, that alternative's complaint is the useful one ("too many items", a bad name).
      const closest = issue.errors.find((branch) => branch.length > 0 && !branch.some((inner) => inner.code === 'invalid_type' && inner.path.length === 0));
      if (closest) return describeIssues(closest, path);
    }
    return [{ path, message: describeIssue(issue) }];
  });
}

function describeIssue(issue: Issue): string {
  // JSON has no undefined: an undefined input is a field the file leaves out.
  const found = issue.input === undefined ? 'nothing (the field is missing)' : describeValue(issue.input);
  switch (issue.code) {
    case 'invalid_type':
      return `expected ${describeType(issue.expected)}, found ${found}`;
    case 'invalid_value':
      return `expected ${oneOf(issue.values.map((value) => JSON.stringify(value)))}, found ${found}`;
    case 'too_big':
      return `expected ${bound('at most', issue.maximum, issue.origin)}, found ${sizeOf(issue.input, issue.origin) ?? found}`;
    case 'too_small':
      return `expected ${bound('at least', issue.minimum, issue.origin)}, found ${sizeOf(issue.input, issue.origin) ?? found}`;
    case 'invalid_union':
      return `expected ${unionExpectation(issue)}, found ${found}`;
    case 'invalid_format':
    case 'custom':
      return `expected ${issue.message}, found ${found}`;
    case 'invalid_key':
      return `has an invalid key: ${issue.issues.map(describeIssue).join('; ')}`;
    default:
      return issue.message;
  }
}

function unionExpectation(issue: Extract<Issue, { code: 'invalid_union' }>): string {
  const alternatives = issue.errors
    .map((branch) => branch.find((inner) => inner.path.length === 0))
    .map((inner) => (inner?.code === 'invalid_type' ? describeType(inner.expected) : inner?.code === 'custom' ? inner.message : undefined));
  if (alternatives.some((alternative) => alternative === undefined)) return issue.message;
  return [...new Set(alternatives as string[])].join(' or ');
}

const TYPE_NAMES: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'a boolean (true or false)',
  array: 'an array',
  object: 'an object',
  record: 'an object',
  null: 'null',
};

function describeType(expected: string): string {
  return TYPE_NAMES[expected] ?? expected;
}

function oneOf(options: string[]): string {
  if (options.length === 1) return options[0] as string;
  return `one of ${options.join(', ')}`;
}

function bound(direction: string, limit: number | bigint, origin: string): string {
  const count = Number(limit);
  if (origin === 'string') return `${direction} ${count} character${count === 1 ? '' : 's'}`;
  if (origin === 'array') return `${direction} ${count} item${count === 1 ? '' : 's'}`;
  return `a number ${direction} ${count}`;
}

function sizeOf(input: unknown, origin: string): string | undefined {
  if (origin === 'string' && typeof input === 'string') return `${input.length} character${input.length === 1 ? '' : 's'}`;
  if (origin === 'array' && Array.isArray(input)) return `${input.length} item${input.length === 1 ? '' : 's'}`;
  return undefined;
}

/** A short description of a JSON value: `a string ("yes")`, `an array of 4 items`, `null`. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return value.length === 0 ? 'an empty array' : `an array of ${value.length} item${value.length === 1 ? '' : 's'}`;
  switch (typeof value) {
    case 'string':
      return value === '' ? 'an empty string' : `a string (${truncate(JSON.stringify(value))})`;
    case 'number':
      return `a number (${value})`;
    case 'boolean':
      return `a boolean (${value})`;
    case 'object':
      return Object.keys(value).length === 0 ? 'an empty object' : 'an object';
    default:
      return typeof value;
  }
}

function truncate(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}…"` : text;
}
