/**
 * Date expressions mingo computes, corrected where its answer differs from mongod's: $dateToParts
 * returns null for a null date (mingo reads it as the epoch) and its parts in mongod's order.
 */
import { isPlainObject } from '../../values/forms';
import { evaluate, ExpressionOperator, isNullish } from './evaluation';

const PART_ORDER = ['year', 'isoWeekYear', 'month', 'isoWeek', 'day', 'isoDayOfWeek', 'hour', 'minute', 'second', 'millisecond'];

export function dateOperators(mingo: Record<string, ExpressionOperator>): Record<string, ExpressionOperator> {
  return {
    $dateToParts: (obj, expr, options) => {
      if (isPlainObject(expr) && isNullish(evaluate(obj, expr.date, options))) return null;
      const parts = mingo.$dateToParts(obj, expr, options) as Record<string, unknown>;
      return Object.fromEntries(PART_ORDER.filter((part) => part in parts).map((part) => [part, parts[part]]));
    },
  };
}
