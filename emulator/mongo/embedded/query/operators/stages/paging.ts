/**
 * $limit, $skip, $sample and $count, with mongod's validation of their arguments. mingo samples with
 * replacement (a document can come back twice) and counts an empty input as `{n: 0}`, where mongod
 * returns no document.
 */
import { randomInt } from 'node:crypto';
import { Lazy } from 'mingo/lazy';
import { CommandError } from '../../../errors';
import { asNumber } from '../../../values/arithmetic';
import { BsonNumber } from '../../../values/bson-number';
import { Document, isPlainObject } from '../../../values/forms';
import { describeType } from '../evaluation';
import type { StageDefinition } from './stage';

function wholeNumber(value: unknown, stage: string): number {
  const n = asNumber(value);
  if (!n) throw new CommandError(15957, `the ${stage} argument must be specified as a number, not ${describeType(value)}`);
  if (!n.isInteger()) throw CommandError.of('BadValue', `invalid argument to ${stage} stage: Expected an integer: ${stage}: ${n.display()}`);
  return n.toNumber();
}

export const limitStage: StageDefinition = {
  prepare(spec) {
    const limit = wholeNumber(spec, '$limit');
    if (limit <= 0) throw new CommandError(15958, 'the limit must be positive');
    return limit;
  },
  operator: (collection, limit: number) => collection.take(limit),
};

export const skipStage: StageDefinition = {
  prepare(spec) {
    const skip = wholeNumber(spec, '$skip');
    if (skip < 0) throw new CommandError(15956, `invalid argument to $skip stage: Expected a non-negative number in: $skip: ${skip}`);
    return skip;
  },
  operator: (collection, skip: number) => (skip === 0 ? collection : collection.drop(skip)),
};

export const sampleStage: StageDefinition = {
  prepare(spec) {
    if (!isPlainObject(spec)) throw new CommandError(28745, 'the $sample stage specification must be an object');
    for (const key of Object.keys(spec)) {
      if (key !== 'size') throw new CommandError(28748, `unrecognized option to $sample: ${key}`);
    }
    if (!('size' in spec)) throw new CommandError(28749, '$sample stage must specify a size');
    const size = asNumber(spec.size);
    if (!size) throw new CommandError(28746, 'size argument to $sample must be a number');
    if (size.toNumber() < 0) throw new CommandError(28747, 'size argument to $sample must not be negative');
    return Math.trunc(size.toNumber());
  },
  // A partial Fisher-Yates shuffle: `size` distinct documents in random order.
  operator: (collection, size: number) =>
    collection.transform((documents: Document[]) => {
      const pool = documents.slice();
      const count = Math.min(size, pool.length);
      for (let i = 0; i < count; i++) {
        const j = randomInt(i, pool.length);
        [pool[i], pool[j]] = [pool[j], pool[i]];
      }
      return Lazy(pool.slice(0, count));
    }),
};

export const countStage: StageDefinition = {
  prepare(spec) {
    if (typeof spec !== 'string' || spec.length === 0) throw new CommandError(40156, 'the count field must be a non-empty string');
    if (spec.startsWith('$')) throw new CommandError(40158, 'the count field cannot be a $-prefixed path');
    if (spec.includes('.')) throw new CommandError(40160, "the count field cannot contain '.'");
    return spec;
  },
  operator: (collection, field: string) =>
    collection.transform((documents: Document[]) =>
      Lazy(documents.length === 0 ? [] : [{ [field]: BsonNumber.fromInteger(BigInt(documents.length)) }]),
    ),
};
