/**
 * Bitwise expressions on ints and longs ($bitAnd, $bitOr, $bitXor, $bitNot): the result is a long
 * if any operand is one, else an int; other types are mongod's error 28765.
 */
import { CommandError } from '../../errors';
import { asNumber } from '../../values/arithmetic';
import { BsonNumber } from '../../values/bson-number';
import { describeType, evaluateExactly, evaluateOperands, ExpressionOperator, isNullish } from './evaluation';

function integerOperand(name: string, value: unknown): BsonNumber {
  const n = asNumber(value);
  if (!n || (n.kind !== 'int' && n.kind !== 'long')) {
    throw new CommandError(28765, `${name} only supports int and long operands, not ${describeType(value)}`);
  }
  return n;
}

function fromBits(bits: bigint, kind: 'int' | 'long'): BsonNumber {
  return kind === 'long' ? BsonNumber.long(BigInt.asIntN(64, bits)) : BsonNumber.int(Number(BigInt.asIntN(32, bits)));
}

function nary(name: string, identity: bigint, combine: (a: bigint, b: bigint) => bigint): ExpressionOperator {
  return (obj, expr, options) => {
    let bits = identity;
    let kind: 'int' | 'long' = 'int';
    for (const value of evaluateOperands(obj, expr, options)) {
      if (isNullish(value)) return null;
      const n = integerOperand(name, value);
      if (n.kind === 'long') kind = 'long';
      bits = combine(bits, n.toBigInt() as bigint);
    }
    return fromBits(bits, kind);
  };
}

export const bitwiseOperators: Record<string, ExpressionOperator> = {
  $bitAnd: nary('$bitAnd', -1n, (a, b) => a & b),
  $bitOr: nary('$bitOr', 0n, (a, b) => a | b),
  $bitXor: nary('$bitXor', 0n, (a, b) => a ^ b),
  $bitNot: (obj, expr, options) => {
    const [value] = evaluateExactly('$bitNot', obj, expr, 1, options);
    if (isNullish(value)) return null;
    const n = integerOperand('$bitNot', value);
    return fromBits(~(n.toBigInt() as bigint), n.kind as 'int' | 'long');
  },
};
