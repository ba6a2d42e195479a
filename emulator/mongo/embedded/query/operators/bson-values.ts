/**
 * Expressions about BSON values that mingo does not have: $bsonSize, $binarySize, $tsSecond,
 * $tsIncrement.
 */
import { CommandError } from '../../errors';
import { BsonNumber } from '../../values/bson-number';
import { bsonType, Document, isPlainObject } from '../../values/forms';
import { bsonSize } from '../../wire/protocol';
import { describeType, evaluateExactly, ExpressionOperator, isNullish } from './evaluation';

function timestampPart(name: string, code: number, part: 'high' | 'low'): ExpressionOperator {
  return (obj, expr, options) => {
    const [value] = evaluateExactly(name, obj, expr, 1, options);
    if (isNullish(value)) return null;
    if (bsonType(value) !== 'Timestamp') throw new CommandError(code, `Argument to ${name} must be a timestamp, but is ${describeType(value)}`);
    return BsonNumber.long(BigInt((value as { high: number; low: number })[part] >>> 0));
  };
}

export const bsonValueOperators: Record<string, ExpressionOperator> = {
  $bsonSize: (obj, expr, options) => {
    const [value] = evaluateExactly('$bsonSize', obj, expr, 1, options);
    if (isNullish(value)) return null;
    if (!isPlainObject(value)) throw new CommandError(31393, `$bsonSize requires a document input, found: ${describeType(value)}`);
    return BsonNumber.int(bsonSize(value as Document));
  },
  $binarySize: (obj, expr, options) => {
    const [value] = evaluateExactly('$binarySize', obj, expr, 1, options);
    if (isNullish(value)) return null;
    if (typeof value === 'string') return BsonNumber.int(Buffer.byteLength(value, 'utf8'));
    if (bsonType(value) === 'Binary') return BsonNumber.int((value as { position: number }).position);
    throw new CommandError(51276, `$binarySize requires a string or BinData argument, found: ${describeType(value)}`);
  },
  $tsSecond: timestampPart('$tsSecond', 5687301, 'high'),
  $tsIncrement: timestampPart('$tsIncrement', 5687302, 'low'),
};
