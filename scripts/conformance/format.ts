/**
 * The shapes of the unified test format (mongodb/specifications, source/unified-test-format), as
 * far as the CRUD tests use them. Values come from `EJSON.parse(…, { relaxed: false })`, so every
 * number is a BSON wrapper (Int32, Double, Long); `numberOf` reads the few numeric fields the runner
 * itself interprets.
 */
import type { Document } from 'mongodb';

export interface RunOnRequirement {
  minServerVersion?: string;
  maxServerVersion?: string;
  topologies?: string[];
  serverless?: 'require' | 'forbid' | 'allow';
  serverParameters?: Document;
  auth?: boolean;
  authMechanism?: string;
  csfle?: boolean | Document;
}

export interface CollectionData {
  collectionName: string;
  databaseName: string;
  createOptions?: Document;
  documents: Document[];
}

export interface ExpectedError {
  isError?: boolean;
  isClientError?: boolean;
  isTimeoutError?: boolean;
  errorContains?: string;
  errorCode?: unknown;
  errorCodeName?: string;
  errorLabelsContain?: string[];
  errorLabelsOmit?: string[];
  writeErrors?: Document;
  writeConcernErrors?: Document[];
  errorResponse?: Document;
  expectResult?: unknown;
}

export interface Operation {
  name: string;
  object: string;
  arguments?: Document;
  expectError?: ExpectedError;
  expectResult?: unknown;
  saveResultAsEntity?: string;
  ignoreResultAndError?: boolean;
}

export interface TestCase {
  description: string;
  runOnRequirements?: RunOnRequirement[];
  skipReason?: string;
  operations: Operation[];
  expectEvents?: unknown[];
  outcome?: CollectionData[];
}

export interface TestFile {
  description: string;
  schemaVersion: string;
  runOnRequirements?: RunOnRequirement[];
  createEntities?: Document[];
  initialData?: CollectionData[];
  tests: TestCase[];
}

/** The numeric value of a field the runner reads (an Int32/Double/Long wrapper or a number). */
export function numberOf(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (value && typeof value === 'object' && '_bsontype' in value) {
    const typed = value as { _bsontype: string; valueOf(): unknown; toNumber?: () => number };
    if (typed._bsontype === 'Long' && typed.toNumber) return typed.toNumber();
    if (typed._bsontype === 'Int32' || typed._bsontype === 'Double') return Number(typed.valueOf());
  }
  return undefined;
}

/** True when a test asserts something about results or data, not only about the commands sent. */
export function checksBehaviour(test: TestCase): boolean {
  if (test.outcome) return true;
  return test.operations.some((operation) => 'expectResult' in operation || 'expectError' in operation);
}
