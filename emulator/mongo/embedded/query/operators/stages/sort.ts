/**
 * $sort and $sortByCount in BSON order (values/compare.ts): mingo's $sort orders objects of unknown
 * classes (the engine's numbers, ObjectIds) by class name against other types.
 */
import { Lazy } from 'mingo/lazy';
import type { Options } from 'mingo/types';
import { CommandError } from '../../../errors';
import { asNumber } from '../../../values/arithmetic';
import { BsonNumber } from '../../../values/bson-number';
import { SortSpec, sortDocuments } from '../../../values/compare';
import { Document, isPlainObject, toExpressionValue } from '../../../values/forms';
import { equalityKey } from '../../../values/keys';
import { evaluate } from '../evaluation';
import type { StageDefinition } from './stage';

/** A sort specification as $sort, $setWindowFields, $top… and $sortArray take it. */
export function parseSortSpec(spec: unknown, where: string): SortSpec {
  if (!isPlainObject(spec)) throw new CommandError(15973, `the ${where} key specification must be an object`);
  const entries = Object.entries(spec);
  if (entries.length === 0) throw new CommandError(15976, `${where} must have at least one sort key`);
  return entries.map(([path, direction]) => {
    if (isPlainObject(direction) && '$meta' in direction) {
      throw CommandError.of('BadValue', `$meta sort by '${String(direction.$meta)}' is not supported by the embedded engine`);
    }
    const order = asNumber(direction)?.toNumber();
    if (order !== 1 && order !== -1) {
      throw new CommandError(15975, '$sort key ordering must be 1 (for ascending) or -1 (for descending)');
    }
    return [path, order];
  });
}

export const sortStage: StageDefinition = {
  prepare: (spec) => parseSortSpec(spec, '$sort'),
  operator: (collection, spec: SortSpec) => collection.transform((documents: Document[]) => Lazy(sortDocuments(documents, spec))),
};

/** `$sortByCount: <expression>`: one document per distinct value, `{_id: value, count}`, most frequent first. */
export const sortByCountStage: StageDefinition = {
  prepare(spec) {
    const isPath = typeof spec === 'string' && spec.startsWith('$') && !spec.startsWith('$$');
    const isOperator = isPlainObject(spec) && Object.keys(spec).length === 1 && Object.keys(spec)[0].startsWith('$');
    if (!isPath && !isOperator) {
      throw new CommandError(40148, 'the sortByCount field must be defined as a $-prefixed path or an expression');
    }
    return toExpressionValue(spec);
  },
  operator: (collection, spec: unknown, options: Options) =>
    collection.transform((documents: Document[]) => {
      const groups = new Map<string, { _id: unknown; count: number }>();
      for (const document of documents) {
        const value = evaluate(document, spec, options) ?? null;
        const key = equalityKey(value);
        const group = groups.get(key);
        if (group) group.count++;
        else groups.set(key, { _id: value, count: 1 });
      }
      const sorted = [...groups.values()].sort((a, b) => b.count - a.count);
      return Lazy(sorted.map(({ _id, count }) => ({ _id, count: BsonNumber.int(count) })));
    }),
};
