/**
 * The stages that write a pipeline's results into a collection of the engine, through the store so
 * that `_id` and unique indexes hold:
 *  - $out replaces the target collection atomically: a new collection with the target's options and
 *    indexes is filled, and swapped in only when every document went in (a duplicate key leaves the
 *    old target as it was);
 *  - $merge matches each result on the `on` fields (which need a unique index) and replaces, merges,
 *    keeps, fails, or runs an update pipeline; unmatched results are inserted, discarded or fail.
 *    Like mongod's, a $merge that fails part way keeps the writes it already made.
 */
import { CommandError } from '../../errors';
import { withIdFirst } from '../../commands/insert';
import { Collection } from '../../store/collection';
import type { Engine } from '../../store/engine';
import { validateCollectionName, validateDatabaseName } from '../../store/engine';
import { pathValues, valuesEqual } from '../../values/compare';
import { formatDocument } from '../../values/format';
import { Document, isPlainObject, toExpressionValue, toPlainValue, toStoredDocument } from '../../values/forms';
import { describeType } from '../operators/evaluation';
import type { PreparePipeline } from '../operators/stages';
import { evaluateExpression } from '../context';

interface Target {
  db?: string;
  coll: string;
}

export type OutputStage =
  | { stage: '$out'; target: Target }
  | {
      stage: '$merge';
      target: Target;
      on: string[];
      whenMatched: 'replace' | 'keepExisting' | 'merge' | 'fail' | Document[];
      whenNotMatched: 'insert' | 'discard' | 'fail';
      let: Document;
    };

function parseTarget(stage: string, value: unknown): Target {
  if (typeof value === 'string') return { coll: value };
  if (!isPlainObject(value)) throw CommandError.of('TypeMismatch', `${stage} target must be a string or an object, found ${describeType(value)}`);
  if (value.timeseries !== undefined) throw CommandError.of('BadValue', `${stage} to a time series collection is not supported by the embedded engine`);
  if (typeof value.coll !== 'string') throw new CommandError(40414, `BSON field '${stage}.coll' is missing but a required field`);
  if (value.db !== undefined && typeof value.db !== 'string') throw CommandError.of('TypeMismatch', `${stage} 'db' must be a string`);
  return { db: value.db as string | undefined, coll: value.coll };
}

const WHEN_MATCHED = ['replace', 'keepExisting', 'merge', 'fail'];
const WHEN_NOT_MATCHED = ['insert', 'discard', 'fail'];
const UPDATE_STAGES = new Set(['$addFields', '$set', '$project', '$unset', '$replaceRoot', '$replaceWith']);
const MERGE_OPTIONS = new Set(['into', 'on', 'let', 'whenMatched', 'whenNotMatched']);

function prepareMerge(spec: unknown, preparePipeline: PreparePipeline): OutputStage {
  if (typeof spec === 'string') return prepareMerge({ into: spec }, preparePipeline);
  if (!isPlainObject(spec)) throw CommandError.of('TypeMismatch', `$merge requires a string or an object argument, found ${describeType(spec)}`);
  for (const key of Object.keys(spec)) {
    if (!MERGE_OPTIONS.has(key)) throw new CommandError(40415, `BSON field '$merge.${key}' is an unknown field.`);
  }
  if (spec.into === undefined) throw new CommandError(40414, "BSON field '$merge.into' is missing but a required field");
  const on = spec.on === undefined ? ['_id'] : typeof spec.on === 'string' ? [spec.on] : spec.on;
  if (!Array.isArray(on) || on.length === 0 || !on.every((field) => typeof field === 'string')) {
    throw new CommandError(51186, "$merge 'on' field must be either a string or an array of strings");
  }
  let whenMatched = spec.whenMatched ?? 'merge';
  if (Array.isArray(whenMatched)) {
    for (const stage of whenMatched) {
      const name = isPlainObject(stage) ? Object.keys(stage)[0] : undefined;
      if (!name || !UPDATE_STAGES.has(name)) {
        throw CommandError.of('InvalidOptions', `$merge 'whenMatched' pipeline can only use $addFields, $set, $project, $unset, $replaceRoot and $replaceWith, not ${name}`);
      }
    }
    whenMatched = preparePipeline(whenMatched, '$merge');
  } else if (typeof whenMatched !== 'string' || !WHEN_MATCHED.includes(whenMatched)) {
    throw CommandError.of('BadValue', `Enumeration value '${String(whenMatched)}' for field '$merge.whenMatched' is not a valid value.`);
  }
  const whenNotMatched = spec.whenNotMatched ?? 'insert';
  if (typeof whenNotMatched !== 'string' || !WHEN_NOT_MATCHED.includes(whenNotMatched)) {
    throw CommandError.of('BadValue', `Enumeration value '${String(whenNotMatched)}' for field '$merge.whenNotMatched' is not a valid value.`);
  }
  if (spec.let !== undefined && !Array.isArray(whenMatched)) {
    throw new CommandError(51199, `Cannot use 'let' variables with 'whenMatched: ${String(whenMatched)}' mode`);
  }
  if (spec.let !== undefined && !isPlainObject(spec.let)) throw CommandError.of('TypeMismatch', "$merge 'let' must be an object");
  return {
    stage: '$merge',
    target: parseTarget('$merge', spec.into),
    on: on as string[],
    whenMatched: whenMatched as MergeStage['whenMatched'],
    whenNotMatched: whenNotMatched as MergeStage['whenNotMatched'],
    let: toExpressionValue(spec.let ?? { new: '$$ROOT' }) as Document,
  };
}

export function prepareOutputStage(name: string, spec: unknown, preparePipeline: PreparePipeline): OutputStage {
  if (name === '$merge') return prepareMerge(spec, preparePipeline);
  return { stage: '$out', target: parseTarget('$out', spec) };
}

export interface OutputContext {
  engine: Engine;
  database: string;
  variables?: Document;
  /** Runs an update pipeline ($merge whenMatched) over one document. */
  runUpdatePipeline(document: Document, pipeline: Document[], variables: Document): Document | undefined;
}

function targetNamespace(target: Target, database: string): { db: string; coll: string } {
  const db = target.db ?? database;
  validateDatabaseName(db);
  validateCollectionName(target.coll);
  if (target.coll.startsWith('system.')) throw new CommandError(17385, `Can't $out to special collection: ${target.coll}`);
  return { db, coll: target.coll };
}

export function writeOutput(results: Document[], output: OutputStage, context: OutputContext): void {
  const { db, coll } = targetNamespace(output.target, context.database);
  if (output.stage === '$out') {
    const current = context.engine.collection(db, coll);
    const replacement = new Collection(db, coll, current?.info.options ?? {});
    for (const spec of current?.indexSpecs().slice(1) ?? []) replacement.createIndex(spec);
    for (const document of results) replacement.insert(toStoredDocument(withIdFirst(document)));
    context.engine.replaceCollection(replacement);
    return;
  }
  merge(results, output, db, coll, context);
}

// ---- $merge ---------------------------------------------------------------------------------------

type MergeStage = Extract<OutputStage, { stage: '$merge' }>;

/** The unique index that guarantees at most one match on the `on` fields (mongod's 51183 otherwise). */
function uniqueIndexFor(collection: Collection | undefined, on: string[]): { name: string; key: Document } {
  const wanted = [...on].sort().join('\0');
  if (wanted === '_id') return { name: '_id_', key: { _id: 1 } };
  const spec = collection
    ?.indexSpecs()
    .find((index) => index.unique && !index.partialFilterExpression && Object.keys(index.key).sort().join('\0') === wanted);
  if (!spec) throw new CommandError(51183, 'Cannot find index to verify that join fields will be unique');
  return { name: spec.name, key: toPlainValue(spec.key) as Document };
}

function onValues(document: Document, on: string[]): unknown[] {
  return on.map((field) => {
    const values = pathValues(document, field, false);
    const value = values.length === 1 ? values[0] : undefined;
    if (value === undefined || value === null || Array.isArray(value)) {
      throw new CommandError(51132, `$merge write error: 'on' field '${field}' cannot be missing, null, undefined or an array`);
    }
    return value;
  });
}

function findMatch(collection: Collection | undefined, on: string[], values: unknown[]): Document | undefined {
  if (!collection) return undefined;
  for (const candidate of collection.candidates({ [on[0]]: values[0] })) {
    if (on.every((field, i) => pathValues(candidate, field, false).some((value) => valuesEqual(value, values[i])))) return candidate;
  }
  return undefined;
}

function merge(results: Document[], output: MergeStage, db: string, coll: string, context: OutputContext): void {
  const index = uniqueIndexFor(context.engine.collection(db, coll), output.on);
  for (const result of results) {
    const document = output.on.includes('_id') ? withIdFirst(result) : result;
    const values = onValues(document, output.on);
    const collection = context.engine.collection(db, coll);
    const existing = findMatch(collection, output.on, values);
    if (!existing) {
      if (output.whenNotMatched === 'discard') continue;
      if (output.whenNotMatched === 'fail') {
        throw new CommandError(13113, '$merge could not find a matching document in the target collection for at least one document in the source collection');
      }
      context.engine.collectionForWrite(db, coll).insert(toStoredDocument(withIdFirst(document)));
      continue;
    }
    const target = collection as Collection;
    const mode = output.whenMatched;
    if (mode === 'keepExisting') continue;
    if (mode === 'fail') {
      const keyValue = Object.fromEntries(output.on.map((field, i) => [field, values[i]]));
      throw CommandError.of(
        'DuplicateKey',
        `E11000 duplicate key error collection: ${db}.${coll} index: ${index.name} dup key: ${formatDocument(keyValue)}`,
        { keyPattern: index.key, keyValue },
      );
    }
    let next: Document | undefined;
    if (mode === 'replace') next = { _id: existing._id, ...document };
    else if (mode === 'merge') next = { ...existing, ...document };
    else {
      const variables = Object.fromEntries(
        Object.entries(output.let).map(([name, expr]) => [name, evaluateExpression(document, expr, context.variables)]),
      );
      next = context.runUpdatePipeline(existing, mode, variables);
      if (!next) continue;
      if (next._id === undefined) next = { _id: existing._id, ...next };
    }
    target.replace(existing, toStoredDocument(next));
  }
}
