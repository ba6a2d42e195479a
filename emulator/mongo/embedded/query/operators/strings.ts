/** String expressions mongod has and mingo lacks: $indexOfCP (positions counted in code points). */
import { CommandError } from '../../errors';
import { asNumber } from '../../values/arithmetic';
import { BsonNumber } from '../../values/bson-number';
import { describeType, evaluateOperands, ExpressionOperator, isNullish } from './evaluation';

function position(value: unknown, which: 'starting' | 'ending'): number {
  const n = asNumber(value);
  if (!n || !n.isInteger()) {
    throw new CommandError(40096, `$indexOfCP requires an integral ${which} index, found a value of type: ${describeType(value)}`);
  }
  if (n.toNumber() < 0) throw new CommandError(40097, `$indexOfCP requires a nonnegative ${which} index, found: ${n.display()}`);
  return n.toNumber();
}

const $indexOfCP: ExpressionOperator = (obj, expr, options) => {
  const values = evaluateOperands(obj, expr, options);
  if (values.length < 2 || values.length > 4) {
    throw new CommandError(16020, `Expression $indexOfCP takes at least 2 arguments, and at most 4, but ${values.length} were passed in.`);
  }
  const [text, token] = values;
  if (isNullish(text)) return null;
  if (typeof text !== 'string') throw new CommandError(40093, `$indexOfCP requires a string as the first argument, found: ${describeType(text)}`);
  if (typeof token !== 'string') throw new CommandError(40094, `$indexOfCP requires a string as the second argument, found: ${describeType(token)}`);
  const codePoints = [...text];
  const start = values.length > 2 ? position(values[2], 'starting') : 0;
  const end = Math.min(values.length > 3 ? position(values[3], 'ending') : codePoints.length, codePoints.length);
  const needle = [...token];
  for (let i = start; i + needle.length <= end; i++) {
    if (needle.every((point, j) => codePoints[i + j] === point)) return BsonNumber.int(i);
  }
  return BsonNumber.int(-1);
};

export const stringOperators: Record<string, ExpressionOperator> = { $indexOfCP };
