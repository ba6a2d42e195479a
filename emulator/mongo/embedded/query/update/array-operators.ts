/**
 * Operators on arrays: $push (with $each, $position, $sort, $slice), $addToSet, $pop, $pull and
 * $pullAll. Elements are compared as BSON values (Int32(1) equals Double(1.0)), and sorted in BSON
 * order, as mongod does.
 */
import { CommandError } from '../../errors';
import { asNumber } from '../../values/arithmetic';
import { compareValues } from '../../values/compare';
import { formatDocument } from '../../values/format';
import { Document, isPlainObject, toFilter, toFilterValue, toStoredValue } from '../../values/forms';
import { typeName } from '../../values/types';
import { compileFilter } from '../matcher';
import { identicalValues } from './identity';
import { UNCHANGED, UpdateOperator, defineOperator } from './operator';
import { cloneValue, describeElement, locate } from './paths';

/** A whole number argument (Int32, Long, or an integral Double or Decimal), as mongod's parseIntegerElementToLong accepts. */
function integerArgument(value: unknown): number | undefined {
  const number = asNumber(value);
  return number && !number.isNaN() && number.isInteger() ? Number(number.toBigInt()) : undefined;
}

function requireArray(current: unknown, error: () => CommandError): unknown[] {
  if (!Array.isArray(current)) throw error();
  return current;
}

// ---- $push --------------------------------------------------------------------------------------

type SortPattern = { whole: 1 | -1 } | { fields: [path: string[], direction: 1 | -1][] };

interface PushArgument {
  values: unknown[];
  position?: number;
  slice?: number;
  sort?: SortPattern;
}

const PUSH_CLAUSES = new Set(['$each', '$slice', '$sort', '$position']);

function parseSortPattern(value: unknown): SortPattern {
  if (isPlainObject(value)) {
    const fields: [string[], 1 | -1][] = [];
    for (const [field, direction] of Object.entries(value)) {
      const order = asNumber(direction)?.toNumber();
      if (order !== 1 && order !== -1) throw CommandError.of('BadValue', 'The $sort element value must be either 1 or -1');
      if (field === '') throw CommandError.of('BadValue', 'The $sort field cannot be empty');
      const parts = field.split('.');
      if (parts.some((part) => part === '')) {
        throw CommandError.of('BadValue', `The $sort field is a dotted field but has an empty part: ${field}`);
      }
      fields.push([parts, order]);
    }
    if (fields.length === 0) throw CommandError.of('BadValue', 'The $sort pattern is empty when it should be a set of fields.');
    return { fields };
  }
  const order = asNumber(value)?.toNumber();
  if (order === undefined) {
    throw CommandError.of(
      'BadValue',
      'The $sort is invalid: use 1/-1 to sort the whole element, or {field:1/-1} to sort embedded fields',
    );
  }
  if (order !== 1 && order !== -1) throw CommandError.of('BadValue', 'The $sort element value must be either 1 or -1');
  return { whole: order };
}

const push = defineOperator<PushArgument>({
  parse(_field, value) {
    if (!isPlainObject(value) || !('$each' in value)) return { values: [toStoredValue(value)] };
    for (const clause of Object.keys(value)) {
      if (!PUSH_CLAUSES.has(clause)) throw CommandError.of('BadValue', `Unrecognized clause in $push: ${clause}`);
    }
    if (!Array.isArray(value.$each)) {
      throw CommandError.of(
        'BadValue',
        `The argument to $each in $push must be an array but it was of type: ${typeName(value.$each)}`,
      );
    }
    const argument: PushArgument = { values: value.$each.map(toStoredValue) };
    if ('$slice' in value) {
      argument.slice = integerArgument(value.$slice);
      if (argument.slice === undefined) {
        throw CommandError.of(
          'BadValue',
          `The value for $slice must be an integer value but was given type: ${typeName(value.$slice)}`,
        );
      }
    }
    if ('$sort' in value) argument.sort = parseSortPattern(value.$sort);
    if ('$position' in value) {
      argument.position = integerArgument(value.$position);
      if (argument.position === undefined) {
        throw CommandError.of(
          'BadValue',
          `The value for $position must be an integer value, not of type: ${typeName(value.$position)}`,
        );
      }
    }
    return argument;
  },
  onMissing: 'create',
  update(current, argument, target) {
    const array = requireArray(current, () =>
      CommandError.of(
        'BadValue',
        `The field '${target.path}' must be an array but is of type ${typeName(current)} in document {${target.documentId}}`,
      ),
    );
    const result = pushInto([...array], argument);
    return identicalValues(result, array) ? UNCHANGED : result;
  },
  create: (argument) => pushInto([], argument),
});

function pushInto(array: unknown[], { values, position, slice, sort }: PushArgument): unknown[] {
  const added = values.map(cloneValue);
  const size = array.length;
  let at = size;
  if (position !== undefined && size > 0) {
    if (position >= 0) at = Math.min(position, size);
    else at = -position < size ? size + position : 0;
  }
  array.splice(at, 0, ...added);
  let result = sort ? sortElements(array, sort) : array;
  if (slice !== undefined && result.length > Math.abs(slice)) {
    result = slice >= 0 ? result.slice(0, slice) : result.slice(result.length + slice);
  }
  return result;
}

function sortElements(array: unknown[], pattern: SortPattern): unknown[] {
  if ('whole' in pattern) return [...array].sort((a, b) => compareValues(a, b) * pattern.whole);
  // Elements that are not documents have no fields: every key of theirs is null.
  const keyed = array.map((element) => ({
    element,
    keys: pattern.fields.map(([path]) => {
      if (!isPlainObject(element)) return null;
      const location = locate(element, path);
      return location.exists ? location.element : null;
    }),
  }));
  keyed.sort((x, y) => {
    for (let i = 0; i < pattern.fields.length; i++) {
      const order = compareValues(x.keys[i], y.keys[i]);
      if (order !== 0) return order * pattern.fields[i][1];
    }
    return 0;
  });
  return keyed.map((entry) => entry.element);
}

// ---- $addToSet ----------------------------------------------------------------------------------

function distinctValues(values: unknown[]): unknown[] {
  const result: unknown[] = [];
  for (const value of values) if (!result.some((kept) => compareValues(kept, value) === 0)) result.push(value);
  return result;
}

const addToSet = defineOperator<unknown[]>({
  parse(_field, value) {
    // Only an object whose first field is $each lists several values; any other value is added whole.
    if (isPlainObject(value) && Object.keys(value)[0] === '$each') {
      if (!Array.isArray(value.$each)) {
        throw CommandError.of(
          'TypeMismatch',
          `The argument to $each in $addToSet must be an array but it was of type ${typeName(value.$each)}`,
        );
      }
      if (Object.keys(value).length > 1) {
        throw CommandError.of('BadValue', `Found unexpected fields after $each in $addToSet: ${formatDocument(value)}`);
      }
      return distinctValues(value.$each.map(toStoredValue));
    }
    return [toStoredValue(value)];
  },
  onMissing: 'create',
  update(current, values, target) {
    const array = requireArray(current, () =>
      CommandError.of(
        'BadValue',
        `Cannot apply $addToSet to non-array field. Field named '${target.fieldName}' has non-array type ${typeName(current)}`,
      ),
    );
    const missing = values.filter((value) => !array.some((element) => compareValues(element, value) === 0));
    return missing.length === 0 ? UNCHANGED : [...array, ...missing.map(cloneValue)];
  },
  create: (values) => values.map(cloneValue),
});

// ---- $pop ---------------------------------------------------------------------------------------

const pop = defineOperator<'first' | 'last'>({
  parse(field, value) {
    const number = asNumber(value);
    if (!number) throw CommandError.of('FailedToParse', `Expected a number in: ${describeElement(field, value)}`);
    const integer = integerArgument(value);
    if (integer === undefined) throw CommandError.of('FailedToParse', `Expected an integer: ${describeElement(field, value)}`);
    if (integer !== 1 && integer !== -1) throw CommandError.of('FailedToParse', `$pop expects 1 or -1, found: ${integer}`);
    return integer === -1 ? 'first' : 'last';
  },
  onMissing: 'ignore-if-viable',
  update(current, end, target) {
    const array = requireArray(current, () =>
      CommandError.of('TypeMismatch', `Path '${target.path}' contains an element of non-array type '${typeName(current)}'`),
    );
    if (array.length === 0) return UNCHANGED;
    return end === 'first' ? array.slice(1) : array.slice(0, -1);
  },
});

// ---- $pull and $pullAll -------------------------------------------------------------------------

type ElementMatcher = (element: unknown) => boolean;

/** Query operators that apply to a field's value (mongod's "path-accepting keywords"). */
const FIELD_QUERY_OPERATORS = new Set([
  '$eq', '$ne', '$gt', '$gte', '$lt', '$lte', '$in', '$nin', '$exists', '$type', '$size', '$all',
  '$elemMatch', '$regex', '$options', '$not', '$mod', '$bitsAllSet', '$bitsAllClear', '$bitsAnySet',
  '$bitsAnyClear', '$near', '$nearSphere', '$geoWithin', '$geoIntersects', '$within',
]);

const WRAPPED_FIELD = 'element';

/**
 * mongod's three kinds of $pull condition: a document of field conditions (matched against
 * elements that are documents), a condition on the element itself ({$gt: 5}, a regex), or a value
 * the element must equal.
 */
function pullMatcher(condition: unknown, variables: Document | undefined): ElementMatcher {
  const isRegex = typeName(condition) === 'regex';
  if (isPlainObject(condition) && !FIELD_QUERY_OPERATORS.has(Object.keys(condition)[0] ?? '')) {
    const matches = compileFilter(toFilter(condition), variables);
    return (element) => isPlainObject(element) && matches(element);
  }
  if (isPlainObject(condition) || isRegex) {
    const matches = compileFilter({ [WRAPPED_FIELD]: toFilterValue(condition) }, variables);
    return (element) => matches({ [WRAPPED_FIELD]: element });
  }
  const value = toStoredValue(condition);
  return (element) => compareValues(element, value) === 0;
}

function removeMatching(current: unknown, matches: ElementMatcher): unknown {
  const array = requireArray(current, () => CommandError.of('BadValue', 'Cannot apply $pull to a non-array value'));
  const kept = array.filter((element) => !matches(element));
  return kept.length === array.length ? UNCHANGED : kept;
}

const pull = defineOperator<ElementMatcher>({
  parse: (_field, value, context) => pullMatcher(value, context.variables),
  onMissing: 'ignore-if-viable',
  update: (current, matches) => removeMatching(current, matches),
});

const pullAll = defineOperator<ElementMatcher>({
  parse(_field, value) {
    if (!Array.isArray(value)) {
      throw CommandError.of('BadValue', `$pullAll requires an array argument but was given a ${typeName(value)}`);
    }
    const values = value.map(toStoredValue);
    return (element) => values.some((candidate) => compareValues(element, candidate) === 0);
  },
  onMissing: 'ignore-if-viable',
  update: (current, matches) => removeMatching(current, matches),
});

export const ARRAY_OPERATORS: Record<string, UpdateOperator<unknown>> = {
  $push: push as UpdateOperator<unknown>,
  $addToSet: addToSet as UpdateOperator<unknown>,
  $pop: pop as UpdateOperator<unknown>,
  $pull: pull as UpdateOperator<unknown>,
  $pullAll: pullAll as UpdateOperator<unknown>,
};
