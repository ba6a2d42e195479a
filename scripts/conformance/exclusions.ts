/**
 * Tests the embedded engine is not expected to pass, each with the reason. Only features the engine
 * documents as unsupported (it answers them with a clear error) or test machinery it does not
 * have belong here; a test that fails on a supported feature stays in, and fails, until fixed.
 *
 * A rule names a file, a file and a test, a pattern over "file › test", or what the test uses (an
 * operation name, or an argument in an operation or in one of its bulk write models).
 */
import type { Document } from 'mongodb';
import type { TestCase } from './format';

export interface Exclusion {
  /** File name without `.json`. */
  file?: string;
  /** Exact test description (with `file`). */
  test?: string;
  /** Tested against "file › description". */
  pattern?: RegExp;
  uses?: { operation?: string; argument?: string };
  reason: string;
}

export const EXCLUSIONS: readonly Exclusion[] = [
  {
    uses: { argument: 'collation' },
    reason:
      'collation: the engine compares strings by code point and refuses any collation but {locale: "simple"} ' +
      '(BadValue, commands/shared.ts)',
  },
  {
    uses: { operation: 'clientBulkWrite' },
    reason: 'client bulkWrite sends the bulkWrite command of MongoDB 8.0; the engine reports wire version 21 (MongoDB 7.0)',
  },
  {
    uses: { argument: 'viewOn' },
    reason: 'views: the engine refuses create with viewOn (InvalidOptions, commands/create.ts)',
  },
  {
    uses: { operation: 'modifyCollection' },
    reason: 'collection validators: the engine refuses them (create: InvalidOptions, commands/create.ts) and has no collMod',
  },
  {
    // Not an engine limit: the Node.js driver (7.x, maybeAddIdToDocuments: `_id == null`) replaces an
    // explicit null _id with a new ObjectId before sending, so no server can pass these through it.
    // The engine stores {_id: null} as mongod does when the insert command carries it.
    file: 'create-null-ids',
    pattern: /via (insertOne|insertMany|bulkWrite)$/,
    reason: 'the Node.js driver replaces an explicit null _id by a generated ObjectId on insert, so the server never sees null',
  },
  {
    uses: { operation: 'failPoint' },
    reason: "fail points need mongod's configureFailPoint test command (enableTestCommands), which the engine does not implement",
  },
];

export const EVENTS_ONLY_REASON =
  'checks only the commands the driver sends (expectEvents), which says nothing about the server';

export function exclusionFor(file: string, test: TestCase, rules: readonly Exclusion[] = EXCLUSIONS): Exclusion | undefined {
  return rules.find((rule) => {
    if (rule.file !== undefined && rule.file !== file) return false;
    if (rule.test !== undefined && rule.test !== test.description) return false;
    if (rule.pattern && !rule.pattern.test(`${file} › ${test.description}`)) return false;
    if (rule.uses?.operation && !test.operations.some((operation) => operation.name === rule.uses?.operation)) return false;
    if (rule.uses?.argument && !usesArgument(test, rule.uses.argument)) return false;
    return true;
  });
}

/** Whether an operation, or a model of a bulk write, passes this argument. */
function usesArgument(test: TestCase, name: string): boolean {
  return test.operations.some((operation) => {
    const args = operation.arguments ?? {};
    if (args[name] !== undefined) return true;
    const models = [...((args.requests as Document[] | undefined) ?? []), ...((args.models as Document[] | undefined) ?? [])];
    return models.some((model) => Object.values(model).some((spec) => spec && typeof spec === 'object' && (spec as Document)[name] !== undefined));
  });
}

/** How a rule reads in the report. */
export function describeExclusion(rule: Exclusion): string {
  if (rule.uses?.operation) return `tests using ${rule.uses.operation}`;
  if (rule.uses?.argument) return `tests passing ${rule.uses.argument}`;
  if (rule.file && rule.test) return `${rule.file} › ${rule.test}`;
  if (rule.file && rule.pattern) return `${rule.file} › ${String(rule.pattern)}`;
  if (rule.file) return rule.file;
  return String(rule.pattern);
}
