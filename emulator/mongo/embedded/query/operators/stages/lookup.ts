/**
 * Stages that read other collections of the same database: $lookup, $graphLookup and $unionWith
 * (names resolved through mingo's `collectionResolver` option, a missing collection being empty),
 * and $facet, which runs sub-pipelines over the same input.
 *
 * $lookup and $graphLookup are the engine's own: equality between local and foreign values follows
 * MongoDB's (an array matches through its elements, a missing field matches null, numbers match
 * across types), and a localField/foreignField join with a pipeline runs the pipeline over the
 * matched documents only (mingo runs it over the whole foreign collection).
 */
import { Aggregator } from 'mingo/aggregator';
import { Query } from 'mingo/query';
import type { Options } from 'mingo/types';
import { CommandError } from '../../../errors';
import { asNumber } from '../../../values/arithmetic';
import { BsonNumber } from '../../../values/bson-number';
import { EMPTY_ARRAY, pathValues } from '../../../values/compare';
import { copyDocument, Document, isPlainObject, toFilter } from '../../../values/forms';
import { equalityKey } from '../../../values/keys';
import { compileFilter } from '../../matcher';
import { describeType, evaluate, withVariables } from '../evaluation';
import { prepareExpression } from './expressions';
import type { PreparePipeline, StageDefinition } from './stage';

function resolveCollection(options: Options, name: string): Document[] {
  return (options.collectionResolver?.(name) ?? []) as Document[];
}

/** The keys a document offers for an equality join on `path`: each element of arrays, whole arrays, null when missing. */
function joinKeys(document: Document, path: string): string[] {
  const values = pathValues(document, path);
  if (values.length === 0) return [equalityKey(null)];
  const keys = values.map((value) => equalityKey(value === EMPTY_ARRAY ? [] : value));
  for (const whole of pathValues(document, path, false)) if (Array.isArray(whole)) keys.push(equalityKey(whole));
  return keys;
}

/** Positions of the documents holding each join key, in the collection's order. */
function indexBy(documents: Document[], path: string): Map<string, number[]> {
  const index = new Map<string, number[]>();
  documents.forEach((document, position) => {
    for (const key of new Set(joinKeys(document, path))) {
      const positions = index.get(key);
      if (positions) positions.push(position);
      else index.set(key, [position]);
    }
  });
  return index;
}

function optionalString(spec: Document, field: string, stage: string): string | undefined {
  const value = spec[field];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw CommandError.of('FailedToParse', `${stage} argument '${field}: ${describeType(value)}' must be a string`);
  return value;
}

// ---- $lookup --------------------------------------------------------------------------------------

interface LookupSpec {
  from?: string;
  as: string;
  localField?: string;
  foreignField?: string;
  let: Document;
  pipeline?: Document[];
}

const LOOKUP_OPTIONS = new Set(['from', 'as', 'localField', 'foreignField', 'let', 'pipeline']);

function prepareLookup(spec: unknown, preparePipeline: PreparePipeline): LookupSpec {
  if (!isPlainObject(spec)) throw new CommandError(40319, `the $lookup stage specification must be an object, but found ${describeType(spec)}`);
  for (const key of Object.keys(spec)) {
    if (!LOOKUP_OPTIONS.has(key)) throw CommandError.of('FailedToParse', `unknown argument to $lookup: ${key}`);
  }
  if (spec.from !== undefined && typeof spec.from !== 'string') {
    throw CommandError.of('FailedToParse', "$lookup 'from' must be a collection name in the same database (a string)");
  }
  const as = optionalString(spec, 'as', '$lookup');
  if (as === undefined) throw CommandError.of('FailedToParse', "must specify 'as' field for a $lookup");
  const localField = optionalString(spec, 'localField', '$lookup');
  const foreignField = optionalString(spec, 'foreignField', '$lookup');
  if ((localField === undefined) !== (foreignField === undefined) || (localField === undefined && spec.pipeline === undefined)) {
    throw CommandError.of('FailedToParse', "$lookup requires either 'pipeline' or both 'localField' and 'foreignField' to be specified");
  }
  if (spec.let !== undefined && !isPlainObject(spec.let)) throw CommandError.of('FailedToParse', "$lookup argument 'let' must be an object");
  const pipeline = spec.pipeline === undefined ? undefined : preparePipeline(spec.pipeline, '$lookup');
  const startsWithDocuments = pipeline !== undefined && pipeline.length > 0 && '$documents' in pipeline[0];
  if (spec.from === undefined && !startsWithDocuments) {
    throw CommandError.of('FailedToParse', "must specify 'from' field for a $lookup, unless its pipeline starts with $documents");
  }
  const variables = (spec.let ?? {}) as Document;
  return {
    from: spec.from as string | undefined,
    as,
    localField,
    foreignField,
    let: Object.fromEntries(Object.entries(variables).map(([name, expr]) => [name, prepareExpression(expr, '$lookup')])),
    pipeline,
  };
}

export const lookupStage: StageDefinition = {
  prepare: prepareLookup,
  operator(collection, spec: LookupSpec, options: Options) {
    const foreign = spec.from === undefined ? [] : resolveCollection(options, spec.from);
    const aggregator = spec.pipeline ? new Aggregator(spec.pipeline, options) : undefined;
    const index = spec.foreignField === undefined ? undefined : indexBy(foreign, spec.foreignField);
    return collection.map((document: Document) => {
      let input = foreign;
      if (index && spec.localField !== undefined) {
        const positions = new Set<number>();
        for (const key of joinKeys(document, spec.localField)) for (const position of index.get(key) ?? []) positions.add(position);
        input = [...positions].sort((a, b) => a - b).map((position) => foreign[position]);
      }
      // Copies: one foreign document can join several local ones, and later stages may write into it.
      if (!aggregator) return { ...document, [spec.as]: input.map(copyDocument) };
      const variables = Object.fromEntries(Object.entries(spec.let).map(([name, expr]) => [name, evaluate(document, expr, options)]));
      const scoped = withVariables(options, variables);
      return { ...document, [spec.as]: aggregator.run(input, scoped as never) };
    });
  },
};

// ---- $graphLookup ---------------------------------------------------------------------------------

interface GraphLookupSpec {
  from: string;
  startWith: unknown;
  connectFromField: string;
  connectToField: string;
  as: string;
  maxDepth?: number;
  depthField?: string;
  restrictSearchWithMatch?: Document;
}

const GRAPH_OPTIONS = ['from', 'startWith', 'connectFromField', 'connectToField', 'as', 'maxDepth', 'depthField', 'restrictSearchWithMatch'];

function prepareGraphLookup(spec: unknown): GraphLookupSpec {
  if (!isPlainObject(spec)) throw CommandError.of('FailedToParse', `the $graphLookup stage specification must be an object, but found ${describeType(spec)}`);
  for (const key of Object.keys(spec)) {
    if (!GRAPH_OPTIONS.includes(key)) throw new CommandError(40104, `Unknown argument to $graphLookup: ${key}`);
  }
  const required = (field: string, code: number) => {
    const value = optionalString(spec, field, '$graphLookup');
    if (value === undefined) throw new CommandError(code, `${field} was not specified`);
    return value;
  };
  if (!('startWith' in spec)) throw new CommandError(40106, 'startWith was not specified');
  let maxDepth: number | undefined;
  if (spec.maxDepth !== undefined) {
    const depth = asNumber(spec.maxDepth);
    if (!depth) throw new CommandError(40100, `maxDepth must be numeric, found type: ${describeType(spec.maxDepth)}`);
    if (!depth.isInteger()) throw new CommandError(40102, `maxDepth must be an integer, found ${depth.display()}`);
    if (depth.toNumber() < 0) throw new CommandError(40101, `maxDepth must be nonnegative, found ${depth.display()}`);
    maxDepth = depth.toNumber();
  }
  let restrict: Document | undefined;
  if (spec.restrictSearchWithMatch !== undefined) {
    if (!isPlainObject(spec.restrictSearchWithMatch)) throw new CommandError(40185, 'restrictSearchWithMatch must be an object');
    restrict = toFilter(spec.restrictSearchWithMatch);
    compileFilter(restrict);
  }
  return {
    from: required('from', 40105),
    startWith: prepareExpression(spec.startWith, '$graphLookup'),
    connectFromField: required('connectFromField', 40107),
    connectToField: required('connectToField', 40108),
    as: required('as', 40109),
    maxDepth,
    depthField: optionalString(spec, 'depthField', '$graphLookup'),
    restrictSearchWithMatch: restrict,
  };
}

/** Breadth-first search from the start values; each document is found once, at its smallest depth. */
function traverse(start: unknown, foreign: Document[], index: Map<string, number[]>, spec: GraphLookupSpec, accept: (d: Document) => boolean) {
  const found = new Map<number, number>();
  let frontier = Array.isArray(start) ? start : [start];
  for (let depth = 0; frontier.length > 0 && (spec.maxDepth === undefined || depth <= spec.maxDepth); depth++) {
    const next: unknown[] = [];
    for (const value of frontier) {
      for (const position of index.get(equalityKey(value ?? null)) ?? []) {
        if (found.has(position) || !accept(foreign[position])) continue;
        found.set(position, depth);
        next.push(...pathValues(foreign[position], spec.connectFromField).filter((v) => v !== EMPTY_ARRAY));
      }
    }
    frontier = next;
  }
  return found;
}

export const graphLookupStage: StageDefinition = {
  prepare: prepareGraphLookup,
  operator(collection, spec: GraphLookupSpec, options: Options) {
    const foreign = resolveCollection(options, spec.from);
    const index = indexBy(foreign, spec.connectToField);
    const restrict = spec.restrictSearchWithMatch ? new Query(spec.restrictSearchWithMatch, options) : undefined;
    const accept = (document: Document) => !restrict || restrict.test(document);
    return collection.map((document: Document) => {
      const found = traverse(evaluate(document, spec.startWith, options), foreign, index, spec, accept);
      const results = [...found].map(([position, depth]) =>
        spec.depthField
          ? { ...copyDocument(foreign[position]), [spec.depthField]: BsonNumber.long(BigInt(depth)) }
          : copyDocument(foreign[position]),
      );
      return { ...document, [spec.as]: results };
    });
  },
};

// ---- $unionWith and $facet ------------------------------------------------------------------------

export const unionWithStage: StageDefinition = {
  prepare(spec, preparePipeline) {
    if (typeof spec === 'string') return { coll: spec };
    if (!isPlainObject(spec)) throw CommandError.of('FailedToParse', `the $unionWith stage specification must be an object or string, but found ${describeType(spec)}`);
    for (const key of Object.keys(spec)) {
      if (key !== 'coll' && key !== 'pipeline') throw new CommandError(40415, `BSON field '$unionWith.${key}' is an unknown field.`);
    }
    const coll = optionalString(spec, 'coll', '$unionWith');
    const pipeline = spec.pipeline === undefined ? undefined : preparePipeline(spec.pipeline, '$unionWith');
    if (coll === undefined && !(pipeline && pipeline.length > 0 && '$documents' in pipeline[0])) {
      throw CommandError.of('FailedToParse', "$unionWith requires 'coll', unless its pipeline starts with $documents");
    }
    return { coll, pipeline };
  },
};

export const facetStage: StageDefinition = {
  prepare(spec, preparePipeline) {
    if (!isPlainObject(spec) || Object.keys(spec).length === 0) throw new CommandError(40169, 'the $facet specification must be a non-empty object');
    const facets: Document = {};
    for (const [name, pipeline] of Object.entries(spec)) {
      if (!Array.isArray(pipeline)) throw new CommandError(40170, `arguments to $facet must be arrays, ${name} is type ${describeType(pipeline)}`);
      if (pipeline.length === 0) throw new CommandError(40171, 'sub-pipeline in $facet stage cannot be empty');
      facets[name] = preparePipeline(pipeline, '$facet');
    }
    return facets;
  },
};
