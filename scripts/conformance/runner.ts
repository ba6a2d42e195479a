/**
 * Runs the tests of one file, after the format's "Executing a Test": check requirements, set up
 * initialData with the internal client, create entities, run the operations checking each result or
 * error, compare the outcome, then clean up (fail points off, cursors, sessions and clients closed).
 * The first failure ends a test; cleanup always runs.
 */
import { MongoError, MongoServerError } from 'mongodb';
import { EntityMap, toPlain } from './entities';
import { EVENTS_ONLY_REASON, Exclusion, exclusionFor } from './exclusions';
import { checkError, Finding } from './expect-error';
import { checksBehaviour, CollectionData, Operation, TestCase } from './format';
import { LoadedFile, parseTestFile } from './loader';
import { describe, exactMismatch, keyOrderDifference, match } from './matcher';
import { definitionOf, executeOperation, OperationContext, RunnerError } from './operations';
import { ServerProfile, unmetRequirements } from './requirements';
import { resultDocument } from './results';

export type TestStatus = 'passed' | 'failed' | 'not-applicable' | 'excluded';

export interface TestResult {
  file: string;
  description: string;
  status: TestStatus;
  /** Why a test was not applicable or excluded. */
  reason?: string;
  exclusion?: Exclusion;
  failure?: Finding;
  /** Things worth knowing that are not failures (documents whose key order differs). */
  notes: string[];
}

export interface RunSettings {
  uri: string;
  server: ServerProfile;
  /** Exclusion rules to apply (empty with --no-exclusions). */
  exclusions: readonly Exclusion[];
  /** Only tests whose "file › description" contains this. */
  filter?: string;
  /** Full values in failure details. */
  verbose: boolean;
  testTimeoutMs: number;
}

export async function runFile(file: LoadedFile, settings: RunSettings): Promise<TestResult[]> {
  const results: TestResult[] = [];
  const fileUnmet = file.unsupported ? undefined : await unmetRequirements(file.content.runOnRequirements, settings.server);
  for (const [index, test] of file.content.tests.entries()) {
    if (settings.filter && !`${file.name} › ${test.description}`.includes(settings.filter)) continue;
    const base = { file: file.name, description: test.description, notes: [] as string[] };
    if (file.unsupported) {
      results.push({ ...base, status: 'failed', failure: { cause: 'runner: unsupported file', detail: file.unsupported } });
      continue;
    }
    const unmet = fileUnmet ?? (await unmetRequirements(test.runOnRequirements, settings.server));
    if (unmet !== undefined || test.skipReason) {
      results.push({ ...base, status: 'not-applicable', reason: unmet ?? `skipped by the file: ${test.skipReason}` });
      continue;
    }
    // Events-only tests first: whatever feature they touch, they check nothing the server does.
    if (!checksBehaviour(test)) {
      results.push({ ...base, status: 'excluded', reason: EVENTS_ONLY_REASON });
      continue;
    }
    const exclusion = exclusionFor(file.name, test, settings.exclusions);
    if (exclusion) {
      results.push({ ...base, status: 'excluded', reason: exclusion.reason, exclusion });
      continue;
    }
    results.push(await runTest(file, index, settings));
  }
  return results;
}

async function runTest(file: LoadedFile, index: number, settings: RunSettings): Promise<TestResult> {
  // A fresh parse per test: the driver adds _id to documents it inserts, and tests must not share that.
  const content = parseTestFile(file.text);
  const test = content.tests[index];
  const result: TestResult = { file: file.name, description: test.description, status: 'passed', notes: [] };
  const entities = new EntityMap(settings.uri);
  const context: OperationContext = { entities, failPoints: [], internal: settings.server.client };
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<Finding>((resolve) => {
    timer = setTimeout(() => resolve({ cause: `timed out after ${settings.testTimeoutMs} ms` }), settings.testTimeoutMs);
  });
  try {
    // Anything thrown past the checks (an unknown $$ operator, a malformed file) fails this test only.
    const running = execute(test, content.initialData, content.createEntities ?? [], context, settings, result).catch(
      (error: unknown): Finding => ({ cause: `runner: ${messageOf(error)}` }),
    );
    const failure = await Promise.race([running, timeout]);
    if (failure) Object.assign(result, { status: 'failed', failure });
  } finally {
    clearTimeout(timer);
    await cleanUp(context);
  }
  return result;
}

async function execute(
  test: TestCase,
  initialData: CollectionData[] | undefined,
  createEntities: Parameters<EntityMap['create']>[0],
  context: OperationContext,
  settings: RunSettings,
  result: TestResult,
): Promise<Finding | undefined> {
  try {
    await loadInitialData(initialData ?? [], context);
    await context.entities.create(createEntities);
  } catch (error) {
    return { cause: `setup failed: ${errorCause(error)}`, detail: messageOf(error) };
  }
  for (const operation of test.operations) {
    const failure = await runOperation(operation, context, settings);
    if (failure) return { cause: `${operation.name}: ${failure.cause}`, detail: failure.detail };
  }
  for (const expected of test.outcome ?? []) {
    const failure = await checkOutcome(expected, context, result, settings.verbose ? Infinity : 600);
    if (failure) return failure;
  }
  return undefined;
}

async function runOperation(operation: Operation, context: OperationContext, settings: RunSettings): Promise<Finding | undefined> {
  let result: unknown;
  try {
    const definition = definitionOf(operation);
    const raw = await executeOperation(operation, context);
    result = definition.saves ? raw : resultDocument(raw);
    if (operation.saveResultAsEntity) context.entities.set(operation.saveResultAsEntity, definition.saves ?? 'value', result);
  } catch (error) {
    if (error instanceof RunnerError) return { cause: `runner: ${error.message}` };
    if (operation.ignoreResultAndError) return undefined;
    if (operation.expectError) return checkError(error, operation.expectError, context.entities);
    return { cause: `unexpected error: ${errorCause(error)}`, detail: messageOf(error) };
  }
  if (operation.ignoreResultAndError) return undefined;
  if (operation.expectError) return { cause: 'expected an error, the operation succeeded', detail: `result: ${describe(result, limit(settings))}` };
  if (!('expectResult' in operation)) return undefined;
  const mismatch = matchResult(operation, result, context);
  if (!mismatch) return undefined;
  const detail = settings.verbose ? `${mismatch.message}\n      expected: ${describe(operation.expectResult, Infinity)}\n      actual:   ${describe(result, Infinity)}` : mismatch.message;
  return { cause: `result differs at ${mismatch.path || '(result)'}`, detail };
}

/**
 * Iterables of server documents (find, aggregate, list*) match element by element as root-level
 * documents; a single document result is root-level too (a driver's result model may carry fields
 * the CRUD spec does not name, like `acknowledged`); other arrays (distinct) match exactly.
 */
function matchResult(operation: Operation, actual: unknown, context: OperationContext) {
  const expected = operation.expectResult;
  const options = { entities: context.entities };
  if (definitionOf(operation).returnsDocuments && Array.isArray(expected)) {
    if (!Array.isArray(actual)) return { path: '', message: `expected ${expected.length} document(s), got ${describe(actual)}` };
    if (actual.length !== expected.length) {
      return { path: '', message: `expected ${expected.length} document(s), got ${actual.length}: ${describe(actual)}` };
    }
    for (let i = 0; i < expected.length; i += 1) {
      const mismatch = match(expected[i], actual[i], { ...options, root: true });
      if (mismatch) return { ...mismatch, path: `[${i}]${mismatch.path ? `.${mismatch.path}` : ''}` };
    }
    return undefined;
  }
  return match(expected, actual, { ...options, root: !Array.isArray(expected) });
}

/** Drop, then create or insert, with the internal client and a majority write concern. */
async function loadInitialData(collections: CollectionData[], context: OperationContext): Promise<void> {
  for (const data of collections) {
    const db = context.internal.db(data.databaseName);
    await db.collection(data.collectionName).drop({ writeConcern: { w: 'majority' } }).catch(ignoreNamespaceNotFound);
    if (data.createOptions) {
      await db.createCollection(data.collectionName, { ...(toPlain(data.createOptions) as object), writeConcern: { w: 'majority' } });
    }
    if (data.documents.length > 0) {
      await db.collection(data.collectionName).insertMany(data.documents, { writeConcern: { w: 'majority' } });
    } else if (!data.createOptions) {
      await db.createCollection(data.collectionName, { writeConcern: { w: 'majority' } });
    }
  }
}

function ignoreNamespaceNotFound(error: unknown): void {
  if (error instanceof MongoServerError && (error.code === 26 || error.codeName === 'NamespaceNotFound')) return;
  throw error;
}

/** The collection must hold exactly these documents, read in _id order (primary, local). */
async function checkOutcome(expected: CollectionData, context: OperationContext, result: TestResult, width: number): Promise<Finding | undefined> {
  const namespace = `${expected.databaseName}.${expected.collectionName}`;
  let actual: unknown[];
  try {
    actual = await context.internal
      .db(expected.databaseName)
      .collection(expected.collectionName, { readPreference: 'primary', readConcern: { level: 'local' } })
      .find({}, { sort: { _id: 1 } })
      .toArray();
  } catch (error) {
    return { cause: `outcome: reading ${namespace} failed: ${errorCause(error)}`, detail: messageOf(error) };
  }
  const mismatch = exactMismatch(expected.documents, actual);
  if (mismatch) {
    return {
      cause: 'outcome differs',
      detail: `${namespace} ${mismatch.path || '(documents)'}: ${mismatch.message}\n      expected: ${describe(expected.documents, width)}\n      actual:   ${describe(actual, width)}`,
    };
  }
  const order = keyOrderDifference(expected.documents, actual);
  if (order) result.notes.push(`field order in ${namespace} ${order}`);
  return undefined;
}

async function cleanUp(context: OperationContext): Promise<void> {
  for (const failPoint of context.failPoints) {
    await failPoint.client.db('admin').command({ configureFailPoint: failPoint.name, mode: 'off' }).catch(() => undefined);
  }
  await context.entities.close();
}

/** A short, groupable description of an error: the server's code name and message, or the class. */
export function errorCause(error: unknown): string {
  if (error instanceof MongoServerError) {
    const message = error.message.length > 100 ? `${error.message.slice(0, 99)}…` : error.message;
    // Write errors inside a bulk write error carry a code but no codeName.
    const code = typeof error.codeName === 'string' ? `${error.codeName} (${String(error.code)})` : `code ${String(error.code)}`;
    return `${code}: ${message}`;
  }
  if (error instanceof MongoError) return `${error.name}: ${error.message}`;
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function limit(settings: RunSettings): number {
  return settings.verbose ? Infinity : 160;
}
