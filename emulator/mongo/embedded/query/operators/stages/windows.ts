/**
 * $setWindowFields, $densify and $fill: mingo runs them; the engine validates their specifications
 * and gives mingo window bounds, steps and sort directions as JavaScript numbers. $densify reads the
 * densified field as a JavaScript number, so documents go through it with that field converted and
 * come back as they were; the documents it creates get BsonNumbers.
 */
import { $densify as mingoDensify } from 'mingo/operators/pipeline';
import type { Options } from 'mingo/types';
import { CommandError } from '../../../errors';
import { asNumber } from '../../../values/arithmetic';
import { isBsonNumber } from '../../../values/bson-number';
import { copyDocument, Document, isPlainObject } from '../../../values/forms';
import { describeType } from '../evaluation';
import { bsonNumbersIn } from '../numeric-arguments';
import { accumulatorOperators, windowOperators } from '../registry';
import { prepareExpression } from './expressions';
import { parseSortSpec } from './sort';
import type { StageDefinition } from './stage';

function unknownFields(spec: Document, allowed: string[], stage: string): void {
  for (const key of Object.keys(spec)) {
    if (!allowed.includes(key)) throw new CommandError(40415, `BSON field '${stage}.${key}' is an unknown field.`);
  }
}

/** A sort specification for mingo: `{field: 1 | -1}` with plain numbers. */
function plainSort(spec: unknown, stage: string): Document {
  return Object.fromEntries(parseSortSpec(spec, stage));
}

function windowBound(value: unknown, kind: 'documents' | 'range'): number | string {
  if (value === 'unbounded' || value === 'current') return value;
  const n = asNumber(value);
  if (!n || (kind === 'documents' && !n.isInteger())) {
    throw CommandError.of('FailedToParse', `Window bounds must be 'unbounded', 'current', or ${kind === 'documents' ? 'an integer' : 'a number'}`);
  }
  return n.toNumber();
}

function prepareWindow(window: unknown): Document {
  if (!isPlainObject(window)) throw CommandError.of('FailedToParse', "'window' field must be an object");
  unknownFields(window, ['documents', 'range', 'unit'], 'window');
  const kind = 'documents' in window ? 'documents' : 'range' in window ? 'range' : undefined;
  if (!kind || ('documents' in window && 'range' in window)) {
    throw CommandError.of('FailedToParse', "'window' field must specify exactly one of 'documents' or 'range'");
  }
  const bounds = window[kind];
  if (!Array.isArray(bounds) || bounds.length !== 2) throw CommandError.of('FailedToParse', `Window bounds must be a 2-element array`);
  const prepared: Document = { [kind]: bounds.map((bound) => windowBound(bound, kind)) };
  if (window.unit !== undefined) prepared.unit = window.unit;
  return prepared;
}

function prepareOutput(output: unknown): Document {
  if (!isPlainObject(output)) throw CommandError.of('FailedToParse', `$setWindowFields 'output' must be an object, found ${describeType(output)}`);
  const prepared: Document = {};
  for (const [field, spec] of Object.entries(output)) {
    if (!isPlainObject(spec)) throw CommandError.of('FailedToParse', `The field '${field}' must be an object`);
    const operators = Object.keys(spec).filter((key) => key !== 'window');
    if (operators.length !== 1) throw CommandError.of('FailedToParse', `The field '${field}' must specify exactly one window function`);
    const operator = operators[0];
    if (!(operator in windowOperators) && !(operator in accumulatorOperators)) {
      throw CommandError.of('FailedToParse', `Unrecognized window function, ${operator}`);
    }
    prepared[field] = { [operator]: prepareExpression(spec[operator], '$setWindowFields') };
    if ('window' in spec) (prepared[field] as Document).window = prepareWindow(spec.window);
  }
  return prepared;
}

export const setWindowFieldsStage: StageDefinition = {
  prepare(spec) {
    if (!isPlainObject(spec)) throw CommandError.of('FailedToParse', '$setWindowFields must be an object');
    unknownFields(spec, ['partitionBy', 'sortBy', 'output'], '$setWindowFields');
    if (!('output' in spec)) throw new CommandError(40414, "BSON field '$setWindowFields.output' is missing but a required field");
    const prepared: Document = { output: prepareOutput(spec.output) };
    if ('partitionBy' in spec) prepared.partitionBy = prepareExpression(spec.partitionBy, '$setWindowFields');
    if ('sortBy' in spec) prepared.sortBy = plainSort(spec.sortBy, '$setWindowFields');
    return prepared;
  },
};

// ---- $densify -------------------------------------------------------------------------------------

export const densifyStage: StageDefinition = {
  prepare(spec) {
    if (!isPlainObject(spec)) throw CommandError.of('FailedToParse', '$densify must be an object');
    unknownFields(spec, ['field', 'partitionByFields', 'range'], '$densify');
    if (typeof spec.field !== 'string') throw new CommandError(40414, "BSON field '$densify.field' is missing but a required field");
    const range = spec.range;
    if (!isPlainObject(range)) throw new CommandError(40414, "BSON field '$densify.range' is missing but a required field");
    unknownFields(range, ['step', 'unit', 'bounds'], '$densify.range');
    const step = asNumber(range.step);
    if (!step || step.toNumber() <= 0) throw new CommandError(5733401, "the step parameter in a range statement must be a strictly positive numeric value");
    const bounds = Array.isArray(range.bounds) ? range.bounds.map((bound) => asNumber(bound)?.toNumber() ?? bound) : range.bounds;
    if (!Array.isArray(bounds) && bounds !== 'full' && bounds !== 'partition') {
      throw new CommandError(5946802, "the bounds in a range statement must be the string 'full', 'partition', or an ascending array of two numbers or two dates");
    }
    const partitionByFields = spec.partitionByFields ?? [];
    if (!Array.isArray(partitionByFields) || !partitionByFields.every((name) => typeof name === 'string')) {
      throw CommandError.of('FailedToParse', "$densify 'partitionByFields' must be an array of strings");
    }
    return { field: spec.field, partitionByFields, range: { step: step.toNumber(), unit: range.unit, bounds } };
  },
  operator(collection, spec: { field: string; range: { unit?: unknown } }, options: Options) {
    const originals = new WeakMap<object, Document>();
    const path = spec.field.split('.');
    const numeric = collection.map((document: Document) => {
      const value = valueAt(document, path);
      if (!isBsonNumber(value)) return document;
      const shadow = copyDocument(document);
      setAt(shadow, path, value.toNumber());
      originals.set(shadow, document);
      return shadow;
    });
    return mingoDensify(numeric, spec as never, options).map(
      (document: Document) => originals.get(document) ?? bsonNumbersIn(document),
    );
  },
};

function valueAt(document: Document, path: string[]): unknown {
  let value: unknown = document;
  for (const part of path) value = isPlainObject(value) ? value[part] : undefined;
  return value;
}

function setAt(document: Document, path: string[], value: unknown): void {
  let target = document;
  for (const part of path.slice(0, -1)) target = target[part] as Document;
  target[path[path.length - 1]] = value;
}

// ---- $fill ----------------------------------------------------------------------------------------

export const fillStage: StageDefinition = {
  prepare(spec) {
    if (!isPlainObject(spec)) throw CommandError.of('FailedToParse', '$fill must be an object');
    unknownFields(spec, ['partitionBy', 'partitionByFields', 'sortBy', 'output'], '$fill');
    if (!isPlainObject(spec.output)) throw new CommandError(40414, "BSON field '$fill.output' is missing but a required field");
    const output: Document = {};
    for (const [field, method] of Object.entries(spec.output)) {
      if (!isPlainObject(method) || (!('value' in method) && !('method' in method))) {
        throw CommandError.of('FailedToParse', `$fill output for '${field}' must specify either 'value' or 'method'`);
      }
      if ('method' in method && method.method !== 'linear' && method.method !== 'locf') {
        throw CommandError.of('FailedToParse', `Method must be either 'linear' or 'locf', found ${String(method.method)}`);
      }
      output[field] = 'value' in method ? { value: prepareExpression(method.value, '$fill') } : { method: method.method };
    }
    const prepared: Document = { output };
    if (spec.partitionBy !== undefined) prepared.partitionBy = prepareExpression(spec.partitionBy, '$fill');
    if (spec.partitionByFields !== undefined) prepared.partitionByFields = spec.partitionByFields;
    if (spec.sortBy !== undefined) prepared.sortBy = plainSort(spec.sortBy, '$fill');
    return prepared;
  },
};
