/**
 * $bucket and $bucketAuto, with boundaries and group keys compared in BSON order (values/compare.ts)
 * and mongod's output shape (`_id` first, only non-empty buckets for $bucket).
 */
import { Lazy } from 'mingo/lazy';
import { $bucketAuto as mingoBucketAuto } from 'mingo/operators/pipeline';
import type { Options } from 'mingo/types';
import { CommandError } from '../../../errors';
import { asNumber } from '../../../values/arithmetic';
import { compareValues, typeRank } from '../../../values/compare';
import { Document, isPlainObject } from '../../../values/forms';
import { typeName } from '../../../values/types';
import { describeType, evaluate } from '../evaluation';
import { bsonNumbersIn, JS_NUMBER_OPERATOR } from '../numeric-arguments';
import { prepareExpression } from './expressions';
import type { StageDefinition } from './stage';

const DEFAULT_OUTPUT = { count: { $sum: 1 } };

function prepareGroupBy(stage: string, groupBy: unknown): unknown {
  const isPath = typeof groupBy === 'string' && groupBy.startsWith('$');
  const isOperator = isPlainObject(groupBy) && Object.keys(groupBy).length === 1 && Object.keys(groupBy)[0].startsWith('$');
  if (!isPath && !isOperator) {
    const code = stage === '$bucket' ? 40202 : 40239;
    throw new CommandError(code, `The ${stage} 'groupBy' field must be defined as a $-prefixed path or an expression object`);
  }
  return prepareExpression(groupBy, stage);
}

function prepareOutput(stage: string, output: unknown): unknown {
  if (output === undefined) return prepareExpression(DEFAULT_OUTPUT, stage);
  if (!isPlainObject(output)) throw new CommandError(40196, `The ${stage} 'output' field must be an object, but found type: ${describeType(output)}`);
  return prepareExpression(output, stage);
}

/** The accumulators of `output` over one bucket's documents, after the bucket's `_id`. */
function bucketDocument(id: unknown, documents: Document[], output: unknown, options: Options): Document {
  return { _id: id, ...(evaluate(documents, output, options) as Document) };
}

// ---- $bucket --------------------------------------------------------------------------------------

interface BucketSpec {
  groupBy: unknown;
  boundaries: unknown[];
  default?: unknown;
  hasDefault: boolean;
  output: unknown;
}

const BUCKET_OPTIONS = new Set(['groupBy', 'boundaries', 'default', 'output']);

function prepareBucket(spec: unknown): BucketSpec {
  if (!isPlainObject(spec)) throw new CommandError(40201, `Argument to $bucket stage must be an object, but found type: ${describeType(spec)}`);
  for (const key of Object.keys(spec)) {
    if (!BUCKET_OPTIONS.has(key)) throw new CommandError(40197, `Unrecognized option to $bucket: ${key}.`);
  }
  if (!('groupBy' in spec) || !('boundaries' in spec)) {
    throw new CommandError(40198, "$bucket requires 'groupBy' and 'boundaries' to be specified.");
  }
  const boundaries = prepareExpression(spec.boundaries, '$bucket');
  if (!Array.isArray(boundaries)) throw new CommandError(40200, `The $bucket 'boundaries' field must be an array, but found type: ${describeType(boundaries)}`);
  if (boundaries.length < 2) {
    throw new CommandError(40192, `The $bucket 'boundaries' field must have at least 2 values, but found ${boundaries.length} value(s).`);
  }
  for (let i = 1; i < boundaries.length; i++) {
    const [lower, upper] = [boundaries[i - 1], boundaries[i]];
    if (typeRank(lower) !== typeRank(upper)) {
      throw new CommandError(40193, `All values in the the 'boundaries' option to $bucket must have the same type. Found conflicting types ${typeName(lower)} and ${typeName(upper)}.`);
    }
    if (compareValues(lower, upper) >= 0) {
      throw new CommandError(40194, `The 'boundaries' option to $bucket must be sorted in ascending order, but elements ${i - 1} and ${i} are not in ascending order.`);
    }
  }
  const hasDefault = 'default' in spec;
  const defaultValue = hasDefault ? prepareExpression(spec.default, '$bucket') : undefined;
  if (hasDefault && typeRank(defaultValue) === typeRank(boundaries[0])) {
    const inside = compareValues(defaultValue, boundaries[0]) >= 0 && compareValues(defaultValue, boundaries[boundaries.length - 1]) < 0;
    if (inside) {
      throw new CommandError(40199, "The $bucket 'default' field must be less than the lowest boundary or greater than or equal to the highest boundary.");
    }
  }
  return { groupBy: prepareGroupBy('$bucket', spec.groupBy), boundaries, default: defaultValue, hasDefault, output: prepareOutput('$bucket', spec.output) };
}

/** The index of the bucket [boundaries[i], boundaries[i+1]) holding the key, or -1. */
function bucketIndex(key: unknown, boundaries: unknown[]): number {
  if (key === undefined || typeRank(key) !== typeRank(boundaries[0])) return -1;
  if (compareValues(key, boundaries[0]) < 0 || compareValues(key, boundaries[boundaries.length - 1]) >= 0) return -1;
  let low = 0;
  let high = boundaries.length - 2;
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (compareValues(boundaries[middle], key) <= 0) low = middle;
    else high = middle - 1;
  }
  return low;
}

export const bucketStage: StageDefinition = {
  prepare: prepareBucket,
  operator: (collection, spec: BucketSpec, options: Options) =>
    collection.transform((documents: Document[]) => {
      const buckets: Document[][] = spec.boundaries.slice(1).map(() => []);
      const outside: Document[] = [];
      for (const document of documents) {
        const index = bucketIndex(evaluate(document, spec.groupBy, options), spec.boundaries);
        if (index >= 0) buckets[index].push(document);
        else if (spec.hasDefault) outside.push(document);
        else throw new CommandError(40066, '$switch could not find a matching branch for an input, and no default was specified.');
      }
      const results = buckets.flatMap((bucket, i) => (bucket.length > 0 ? [bucketDocument(spec.boundaries[i], bucket, spec.output, options)] : []));
      if (outside.length > 0) results.push(bucketDocument(spec.default, outside, spec.output, options));
      return Lazy(results);
    }),
};

// ---- $bucketAuto ----------------------------------------------------------------------------------

interface BucketAutoSpec {
  groupBy: unknown;
  buckets: number;
  output: unknown;
  granularity?: string;
}

const BUCKET_AUTO_OPTIONS = new Set(['groupBy', 'buckets', 'output', 'granularity']);
const GRANULARITIES = new Set(['R5', 'R10', 'R20', 'R40', 'R80', '1-2-5', 'E6', 'E12', 'E24', 'E48', 'E96', 'E192', 'POWERSOF2']);

function prepareBucketAuto(spec: unknown): BucketAutoSpec {
  if (!isPlainObject(spec)) throw new CommandError(40240, `The argument to $bucketAuto must be an object, but found type: ${describeType(spec)}`);
  for (const key of Object.keys(spec)) {
    if (!BUCKET_AUTO_OPTIONS.has(key)) throw new CommandError(40245, `Unrecognized option to $bucketAuto: ${key}.`);
  }
  if (!('groupBy' in spec) || !('buckets' in spec)) {
    throw new CommandError(40246, "$bucketAuto requires 'groupBy' and 'buckets' to be specified");
  }
  const buckets = asNumber(spec.buckets);
  if (!buckets) throw new CommandError(40241, `The $bucketAuto 'buckets' field must be a numeric value, but found type: ${describeType(spec.buckets)}`);
  if (!buckets.isInteger() || Math.abs(buckets.toNumber()) > 2 ** 31 - 1) {
    throw new CommandError(40242, `The $bucketAuto 'buckets' field must be representable as a 32-bit integer, but found ${buckets.display()}`);
  }
  if (buckets.toNumber() <= 0) throw new CommandError(40243, `The $bucketAuto 'buckets' field must be greater than 0, but found: ${buckets.display()}`);
  const granularity = spec.granularity;
  if (granularity !== undefined && typeof granularity !== 'string') {
    throw new CommandError(40261, `The $bucketAuto 'granularity' field must be a string, but found type: ${describeType(granularity)}`);
  }
  if (granularity !== undefined && !GRANULARITIES.has(granularity)) {
    throw new CommandError(40257, `Rounding granularity not recognized: ${String(granularity)}`);
  }
  return {
    groupBy: prepareGroupBy('$bucketAuto', spec.groupBy),
    buckets: buckets.toNumber(),
    output: prepareOutput('$bucketAuto', spec.output),
    granularity,
  };
}

/**
 * mongod's bucketing: about n/buckets documents a bucket in key order, documents with equal keys in
 * one bucket, the last bucket taking the rest; a bucket's max is the next bucket's min.
 */
function autoBuckets(documents: Document[], spec: BucketAutoSpec, options: Options): Document[] {
  const keyed = documents.map((document) => ({ key: evaluate(document, spec.groupBy, options) ?? null, document }));
  keyed.sort((a, b) => compareValues(a.key, b.key));
  const size = Math.max(1, Math.round(keyed.length / spec.buckets));
  const results: Document[] = [];
  let index = 0;
  for (let bucket = 1; index < keyed.length; bucket++) {
    const start = index;
    const last = bucket === spec.buckets;
    while (
      index < keyed.length &&
      (last || index - start < size || compareValues(keyed[index - 1].key, keyed[index].key) === 0)
    ) {
      index++;
    }
    const max = index < keyed.length ? keyed[index].key : keyed[index - 1].key;
    const members = keyed.slice(start, index).map((entry) => entry.document);
    results.push(bucketDocument({ min: keyed[start].key, max }, members, spec.output, options));
  }
  return results;
}

export const bucketAutoStage: StageDefinition = {
  prepare: prepareBucketAuto,
  operator(collection, spec: BucketAutoSpec, options: Options) {
    if (!spec.granularity) return collection.transform((documents: Document[]) => Lazy(autoBuckets(documents, spec, options)));
    // Preferred-number rounding is mingo's; it reads the keys as JavaScript numbers.
    const numericSpec = { ...spec, groupBy: { [JS_NUMBER_OPERATOR]: spec.groupBy } };
    return mingoBucketAuto(collection, numericSpec as never, options).map((bucket: Document) => {
      const { _id, ...outputs } = bucket as { _id: { min: number; max: number } };
      // mingo scales the series by powers of ten in binary (63 × 0.1 = 6.300000000000001).
      const boundary = (value: number) => Number(value.toPrecision(15));
      return { _id: bsonNumbersIn({ min: boundary(_id.min), max: boundary(_id.max) }, 'double'), ...outputs };
    });
  },
};
