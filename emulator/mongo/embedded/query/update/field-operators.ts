/**
 * Operators on one field's value: $set, $setOnInsert, $unset, $inc, $mul, $min, $max,
 * $currentDate and $bit, with mongod's argument checks, messages and numeric types (an Int32 that
 * overflows becomes a Long, a Long that overflows is an error, decimals stay decimal).
 */
import { CommandError } from '../../errors';
import { LongOverflowError, add, asNumber, multiply } from '../../values/arithmetic';
import { BsonNumber, isBsonNumber } from '../../values/bson-number';
import { compareValues } from '../../values/compare';
import { isPlainObject, toStoredValue } from '../../values/forms';
import { typeName } from '../../values/types';
import { identicalValues } from './identity';
import { REMOVE, Target, UNCHANGED, UpdateOperator, defineOperator } from './operator';
import { cloneValue, describeElement } from './paths';
import { nextTimestamp } from './timestamps';

const assign = defineOperator<unknown>({
  parse: (_field, value) => toStoredValue(value),
  onMissing: 'create',
  update: (current, value) => (identicalValues(current, value) ? UNCHANGED : cloneValue(value)),
  create: (value) => cloneValue(value),
});

const unset = defineOperator<null>({
  parse: () => null,
  onMissing: 'ignore',
  update: () => REMOVE,
});

// ---- $inc and $mul ------------------------------------------------------------------------------

/** A number as mongod's SafeNum prints it in messages: (NumberInt)42, (NumberLong)9223372036854775807. */
function describeNumber(value: BsonNumber): string {
  const names = { int: 'NumberInt', long: 'NumberLong', double: 'NumberDouble', decimal: 'NumberDecimal' };
  return `(${names[value.kind]})${value.display()}`;
}

function arithmetic(operator: '$inc' | '$mul'): UpdateOperator<BsonNumber> {
  const verb = operator === '$inc' ? 'increment' : 'multiply';
  const operate = operator === '$inc' ? add : multiply;
  return defineOperator<BsonNumber>({
    parse(field, value) {
      const number = asNumber(value);
      if (!number) {
        throw CommandError.of('TypeMismatch', `Cannot ${verb} with non-numeric argument: {${describeElement(field, value)}}`);
      }
      return number;
    },
    onMissing: 'create',
    update(current, operand, target) {
      if (!isBsonNumber(current)) {
        throw CommandError.of(
          'TypeMismatch',
          `Cannot apply ${operator} to a value of non-numeric type. {${target.documentId}} has the field '${target.fieldName}' of non-numeric type ${typeName(current)}`,
        );
      }
      let result: BsonNumber;
      try {
        result = operate(current, operand, 'exact');
      } catch (error) {
        if (!(error instanceof LongOverflowError)) throw error;
        throw CommandError.of(
          'BadValue',
          `Failed to apply ${operator} operations to current value (${describeNumber(current)}) for document {${target.documentId}}`,
        );
      }
      return identicalValues(result, current) ? UNCHANGED : result;
    },
    // A missing field becomes the increment, or a zero of the multiplier's type.
    create: (operand) => (operator === '$inc' ? operand : multiply(operand, BsonNumber.int(0))),
  });
}

// ---- $min and $max ------------------------------------------------------------------------------

function compareAndKeep(keep: 'smaller' | 'larger'): UpdateOperator<unknown> {
  return defineOperator<unknown>({
    parse: (_field, value) => toStoredValue(value),
    onMissing: 'create',
    update(current, value) {
      const order = compareValues(value, current);
      const replaces = keep === 'smaller' ? order < 0 : order > 0;
      return replaces ? cloneValue(value) : UNCHANGED;
    },
    create: (value) => cloneValue(value),
  });
}

// ---- $currentDate -------------------------------------------------------------------------------

type DateKind = 'date' | 'timestamp';

const currentDate = defineOperator<DateKind>({
  parse(_field, value) {
    if (typeof value === 'boolean') return 'date';
    if (!isPlainObject(value)) {
      throw CommandError.of(
        'BadValue',
        `${typeName(value)} is not valid type for $currentDate. Please use a boolean ('true') or a $type expression ({$type: 'timestamp/date'}).`,
      );
    }
    let kind: DateKind | undefined;
    for (const [option, setting] of Object.entries(value)) {
      if (option !== '$type') throw CommandError.of('BadValue', `Unrecognized $currentDate option: ${option}`);
      if (setting === 'date' || setting === 'timestamp') kind = setting;
    }
    if (!kind) {
      throw CommandError.of(
        'BadValue',
        "The '$type' string field is required to be 'date' or 'timestamp': {$currentDate: {field : {$type: 'date'}}}",
      );
    }
    return kind;
  },
  onMissing: 'create',
  update: (_current, kind, target) => currentValue(kind, target),
  create: (kind, target) => currentValue(kind, target),
});

function currentValue(kind: DateKind, target: Target): unknown {
  return kind === 'date' ? new Date(target.now.getTime()) : nextTimestamp();
}

// ---- $bit ---------------------------------------------------------------------------------------

type BitOperation = { operation: 'and' | 'or' | 'xor'; operand: BsonNumber };

const BIT_FORMAT = '{$bit: {field: {and/or/xor: #}}';

const bit = defineOperator<BitOperation[]>({
  parse(_field, value) {
    if (!isPlainObject(value)) {
      throw CommandError.of(
        'BadValue',
        `The $bit modifier is not compatible with a ${typeName(value)}. You must pass in an embedded document: ${BIT_FORMAT}`,
      );
    }
    const operations: BitOperation[] = [];
    for (const [operation, operandValue] of Object.entries(value)) {
      if (operation !== 'and' && operation !== 'or' && operation !== 'xor') {
        throw CommandError.of(
          'BadValue',
          `The $bit modifier only supports 'and', 'or', and 'xor', not '${operation}' which is an unknown operator: {${describeElement(operation, operandValue)}}`,
        );
      }
      const operand = asNumber(operandValue);
      if (!operand || (operand.kind !== 'int' && operand.kind !== 'long')) {
        throw CommandError.of(
          'BadValue',
          `The $bit modifier field must be an Integer(32/64 bit); a '${typeName(operandValue)}' is not supported here: {${describeElement(operation, operandValue)}}`,
        );
      }
      operations.push({ operation, operand });
    }
    if (operations.length === 0) {
      throw CommandError.of('BadValue', `You must pass in at least one bitwise operation. The format is: ${BIT_FORMAT}`);
    }
    return operations;
  },
  onMissing: 'create',
  update(current, operations, target) {
    if (!isBsonNumber(current) || (current.kind !== 'int' && current.kind !== 'long')) {
      // mongod's message really has no space after "type." and no quotes around the field.
      throw CommandError.of(
        'BadValue',
        `Cannot apply $bit to a value of non-integral type.${target.documentId} has the field ${target.fieldName} of non-integer type ${typeName(current)}`,
      );
    }
    const result = applyBitOperations(current, operations);
    return identicalValues(result, current) ? UNCHANGED : result;
  },
  create: (operations) => applyBitOperations(BsonNumber.int(0), operations),
});

/** Bitwise operations in two's complement; an Int32 stays an Int32 unless a Long takes part. */
function applyBitOperations(start: BsonNumber, operations: BitOperation[]): BsonNumber {
  let value = start;
  for (const { operation, operand } of operations) {
    const a = value.toBigInt() as bigint;
    const b = operand.toBigInt() as bigint;
    const bits = operation === 'and' ? a & b : operation === 'or' ? a | b : a ^ b;
    value =
      value.kind === 'long' || operand.kind === 'long'
        ? BsonNumber.long(BigInt.asIntN(64, bits))
        : BsonNumber.int(Number(BigInt.asIntN(32, bits)));
  }
  return value;
}

export const FIELD_OPERATORS: Record<string, UpdateOperator<unknown>> = {
  $set: assign,
  $setOnInsert: assign,
  $unset: unset as UpdateOperator<unknown>,
  $inc: arithmetic('$inc') as UpdateOperator<unknown>,
  $mul: arithmetic('$mul') as UpdateOperator<unknown>,
  $min: compareAndKeep('smaller'),
  $max: compareAndKeep('larger'),
  $currentDate: currentDate as UpdateOperator<unknown>,
  $bit: bit as UpdateOperator<unknown>,
};
