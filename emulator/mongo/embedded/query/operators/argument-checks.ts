/**
 * mingo operators that fail with a TypeError (an internal error) on a malformed argument, given
 * mongod's checks first: $let, and the expression forms of $median and $percentile.
 */
import { CommandError } from '../../errors';
import { isPlainObject } from '../../values/forms';
import { ExpressionOperator } from './evaluation';

function requiringFields(name: string, fields: string[], operator: ExpressionOperator): ExpressionOperator {
  return (obj, expr, options) => {
    if (!isPlainObject(expr)) throw CommandError.of('FailedToParse', `${name} only supports an object as its argument`);
    for (const field of fields) {
      if (!(field in expr)) throw CommandError.of('FailedToParse', `Missing '${field}' parameter to ${name}`);
    }
    return operator(obj, expr, options);
  };
}

export function argumentChecks(mingo: Record<string, ExpressionOperator>): Record<string, ExpressionOperator> {
  return {
    $let: requiringFields('$let', ['vars', 'in'], mingo.$let),
    $median: requiringFields('$median', ['input', 'method'], mingo.$median),
    $percentile: requiringFields('$percentile', ['input', 'p', 'method'], mingo.$percentile),
  };
}
