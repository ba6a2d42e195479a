/**
 * Expressions in stage specifications: checked for operators the engine does not know (mongod's
 * "Unrecognized expression", reported when the pipeline is parsed rather than when a document first
 * reaches it) and converted to the engine's expression form.
 */
import { CommandError } from '../../../errors';
import { isPlainObject, toExpressionValue } from '../../../values/forms';
import { isAggregationOperator } from '../registry';
import { scriptingRefused } from '../scripting';

const SCRIPTING = new Set(['$function', '$accumulator', '$where']);

export function checkOperators(value: unknown, stage: string): void {
  if (Array.isArray(value)) {
    for (const element of value) checkOperators(element, stage);
    return;
  }
  if (!isPlainObject(value)) return;
  for (const key of Object.keys(value)) {
    if (key.startsWith('$')) {
      if (key === '$literal') continue;
      if (SCRIPTING.has(key)) throw scriptingRefused(key);
      if (key === '$meta') {
        throw CommandError.of('BadValue', '$meta is not supported by the embedded engine: it computes no text or search scores and exposes no index keys');
      }
      if (!isAggregationOperator(key)) {
        throw CommandError.of('InvalidPipelineOperator', `Invalid ${stage} :: caused by :: Unrecognized expression '${key}'`);
      }
    }
    checkOperators(value[key], stage);
  }
}

export function prepareExpression(value: unknown, stage: string): unknown {
  checkOperators(value, stage);
  return toExpressionValue(value);
}

/** A field name a stage creates: not empty, not `$`-prefixed (mongod's FieldPath rules). */
export function checkFieldName(name: string, stage: string): void {
  if (name.length === 0) throw new CommandError(40352, `Invalid ${stage} :: caused by :: FieldPath cannot be constructed with empty string`);
  if (name.startsWith('$')) {
    throw new CommandError(16410, `Invalid ${stage} :: caused by :: FieldPath field names may not start with '$'. Consider using $getField or $setField.`);
  }
  if (name.split('.').some((part) => part.length === 0)) {
    throw new CommandError(15998, `Invalid ${stage} :: caused by :: FieldPath field names may not be empty strings.`);
  }
}
