/**
 * Comparison expressions ($eq … $cmp) in BSON order, numbers compared by value across types
 * (values/compare.ts). mingo's versions compare a BsonNumber with a string by class name.
 */
import { compareValues } from '../../values/compare';
import { bsonType } from '../../values/forms';
import { BsonNumber } from '../../values/bson-number';
import { evaluateExactly, ExpressionOperator } from './evaluation';

/**
 * In expressions a missing field is a value of its own, below null and above MinKey
 * (`{$eq: ["$missing", null]}` is false, `{$lt: ["$missing", null]}` is true).
 */
export function compareExpressionValues(a: unknown, b: unknown): number {
  if (a !== undefined && b !== undefined) return compareValues(a, b);
  if (a === b) return 0;
  const present = a === undefined ? b : a;
  const missingIsGreater = bsonType(present) === 'MinKey';
  const order = missingIsGreater ? 1 : -1;
  return a === undefined ? order : -order;
}

function comparison(name: string, test: (order: number) => boolean): ExpressionOperator {
  return (obj, expr, options) => {
    const [a, b] = evaluateExactly(name, obj, expr, 2, options);
    return test(compareExpressionValues(a, b));
  };
}

export const comparisonOperators: Record<string, ExpressionOperator> = {
  $eq: comparison('$eq', (order) => order === 0),
  $ne: comparison('$ne', (order) => order !== 0),
  $gt: comparison('$gt', (order) => order > 0),
  $gte: comparison('$gte', (order) => order >= 0),
  $lt: comparison('$lt', (order) => order < 0),
  $lte: comparison('$lte', (order) => order <= 0),
  $cmp: (obj, expr, options) => {
    const [a, b] = evaluateExactly('$cmp', obj, expr, 2, options);
    return BsonNumber.int(Math.sign(compareExpressionValues(a, b)));
  },
};
