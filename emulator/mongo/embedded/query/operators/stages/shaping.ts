/**
 * Stages that reshape each document ($project, $unset, $addFields/$set, $replaceRoot/$replaceWith,
 * $redact), $group and $documents: mingo runs them; the engine validates their specifications as
 * mongod does and converts them (expressions to the expression form, projection flags to numbers).
 */
import { Lazy } from 'mingo/lazy';
import { $project } from 'mingo/operators/pipeline';
import type { Options } from 'mingo/types';
import { CommandError } from '../../../errors';
import { asNumber } from '../../../values/arithmetic';
import { copyDocument, Document, isPlainObject } from '../../../values/forms';
import { describeType, evaluate, withRoot } from '../evaluation';
import { accumulatorOperators } from '../registry';
import { checkFieldName, prepareExpression } from './expressions';
import type { StageDefinition } from './stage';

function isOperatorObject(value: unknown): boolean {
  return isPlainObject(value) && Object.keys(value).length > 0 && Object.keys(value)[0].startsWith('$');
}

/** Projection flags (1, 0, true, false) become plain numbers and booleans; other values are expressions. */
function projectionForm(spec: Document, stage: string): Document {
  const result: Document = {};
  for (const [key, value] of Object.entries(spec)) {
    const flag = asNumber(value);
    if (flag) result[key] = flag.toNumber();
    else if (typeof value === 'boolean') result[key] = value;
    else if (isPlainObject(value) && !isOperatorObject(value)) {
      if (Object.keys(value).length === 0) throw new CommandError(51270, `Invalid ${stage} :: caused by :: An empty sub-projection is not a valid value. Found empty object at path`);
      result[key] = projectionForm(value, stage);
    } else result[key] = prepareExpression(value, stage);
  }
  return result;
}

/**
 * mongod's field order: `_id`, then the included fields in the input document's order, then the
 * computed ones in the specification's order (mingo puts `_id` last and sorts computed fields).
 */
function inMongodOrder(projected: Document, input: Document, spec: Document): Document {
  const isComputed = (value: unknown) =>
    !(typeof value === 'number' || typeof value === 'boolean' || (isPlainObject(value) && !isOperatorObject(value)));
  const computed = new Set(Object.keys(spec).filter((key) => isComputed(spec[key])).map((key) => key.split('.')[0]));
  const ordered: Document = {};
  if ('_id' in projected) ordered._id = projected._id;
  for (const key of Object.keys(input)) if (key in projected && !computed.has(key)) ordered[key] = projected[key];
  for (const key of Object.keys(spec).map((path) => path.split('.')[0])) if (key in projected) ordered[key] = projected[key];
  for (const key of Object.keys(projected)) if (!(key in ordered)) ordered[key] = projected[key];
  return ordered;
}

export const projectStage: StageDefinition = {
  prepare(spec) {
    if (!isPlainObject(spec)) throw new CommandError(15969, '$project specification must be an object');
    if (Object.keys(spec).length === 0) throw new CommandError(51272, 'Invalid $project :: caused by :: projection specification must have at least one field');
    return projectionForm(spec, '$project');
  },
  operator(collection, spec: Document, options: Options) {
    // mingo's $project maps one document at a time, so the input of each output is the last one read.
    let input: Document = {};
    const tapped = collection.map((document: Document) => (input = document));
    return $project(tapped, spec, options).map((projected: Document) => inMongodOrder(projected, input, spec));
  },
};

export const unsetStage: StageDefinition = {
  prepare(spec) {
    const fields = typeof spec === 'string' ? [spec] : spec;
    if (!Array.isArray(fields) || fields.length === 0) {
      throw new CommandError(31119, '$unset specification must be a string or an array with at least one field');
    }
    for (const field of fields) {
      if (typeof field !== 'string') throw new CommandError(31120, '$unset specification must be a string or an array containing only string values');
      checkFieldName(field, '$unset');
    }
    return fields;
  },
};

/**
 * `{a: {b: 1}}` adds `b` inside an existing `a` in mongod; mingo would replace `a`. Nested literal
 * objects become dotted paths, which mingo sets inside the existing sub-document.
 */
function addFieldsForm(spec: Document, prefix: string, stage: string, into: Document): Document {
  for (const [key, value] of Object.entries(spec)) {
    const path = prefix ? `${prefix}.${key}` : key;
    checkFieldName(path, stage);
    if (isPlainObject(value) && !isOperatorObject(value) && Object.keys(value).length > 0) addFieldsForm(value, path, stage, into);
    else into[path] = prepareExpression(value, stage);
  }
  return into;
}

function addFieldsStage(stage: string): StageDefinition {
  return {
    prepare(spec) {
      if (!isPlainObject(spec)) throw new CommandError(40272, `${stage} specification stage must be an object`);
      return addFieldsForm(spec, '', stage, {});
    },
  };
}

export const addFieldsStages = { $addFields: addFieldsStage('$addFields'), $set: addFieldsStage('$set') };

export const replaceRootStage: StageDefinition = {
  prepare(spec) {
    if (!isPlainObject(spec)) throw new CommandError(40228, 'expected an object as specification for $replaceRoot stage');
    for (const key of Object.keys(spec)) {
      if (key !== 'newRoot') throw new CommandError(40415, `BSON field '$replaceRoot.${key}' is an unknown field.`);
    }
    if (!('newRoot' in spec)) throw new CommandError(40231, 'no newRoot specified for the $replaceRoot stage');
    return { newRoot: prepareExpression(spec.newRoot, '$replaceRoot') };
  },
};

export const replaceWithStage: StageDefinition = {
  prepare: (spec) => prepareExpression(spec, '$replaceWith'),
};

/**
 * $redact: the expression decides, for the document and then for each embedded document it
 * descends into, to keep it, prune it or descend; a pruned document is dropped (mingo leaves
 * `undefined` in its place). mingo resolves field paths against `$$ROOT`, so each level is evaluated
 * as the root: `$$ROOT` in a $redact expression means the current level, not the top document.
 */
function redact(document: Document, expr: unknown, options: Options): Document | undefined {
  const action = evaluate(document, expr, withRoot(options, document));
  if (action === '$$KEEP') return document;
  if (action === '$$PRUNE') return undefined;
  if (action !== '$$DESCEND') {
    throw new CommandError(17053, `$redact's expression should not return anything aside from the variables $$KEEP, $$DESCEND, and $$PRUNE, but returned ${describeType(action)}`);
  }
  const result: Document = {};
  for (const [key, value] of Object.entries(document)) {
    if (isPlainObject(value)) {
      const kept = redact(value, expr, options);
      if (kept !== undefined) result[key] = kept;
    } else if (Array.isArray(value)) {
      result[key] = value.flatMap((element) => {
        if (!isPlainObject(element)) return [element];
        const kept = redact(element, expr, options);
        return kept === undefined ? [] : [kept];
      });
    } else {
      result[key] = value;
    }
  }
  return result;
}

export const redactStage: StageDefinition = {
  prepare: (spec) => prepareExpression(spec, '$redact'),
  operator: (collection, spec: unknown, options: Options) =>
    collection
      .map((document: Document) => redact(document, spec, options))
      .filter((document: unknown) => document !== undefined),
};

export const documentsStage: StageDefinition = {
  prepare: (spec) => prepareExpression(spec, '$documents'),
  operator(_collection, spec: unknown, options: Options) {
    const documents = evaluate({}, spec, options);
    if (!Array.isArray(documents)) {
      throw CommandError.of('TypeMismatch', `$documents must evaluate to an array of documents, found ${describeType(documents)}`);
    }
    for (const document of documents) {
      if (!isPlainObject(document)) throw CommandError.of('TypeMismatch', `$documents elements must be documents, found ${describeType(document)}`);
    }
    return Lazy(documents.map(copyDocument));
  },
};

export const groupStage: StageDefinition = {
  prepare(spec) {
    if (!isPlainObject(spec)) throw new CommandError(15947, "a group's fields must be specified in an object");
    if (!('_id' in spec)) throw new CommandError(15955, 'a group specification must include an _id');
    const prepared: Document = { _id: prepareExpression(spec._id, '$group') };
    for (const [field, value] of Object.entries(spec)) {
      if (field === '_id') continue;
      if (field.startsWith('$')) throw new CommandError(40236, `The field name '${field}' cannot be an operator name`);
      if (field.includes('.')) throw new CommandError(40235, `The field name '${field}' cannot contain '.'`);
      if (!isPlainObject(value)) throw new CommandError(40234, `The field '${field}' must be an accumulator object`);
      const operators = Object.keys(value);
      if (operators.length !== 1) throw new CommandError(40238, `The field '${field}' must specify one accumulator`);
      const accumulator = operators[0];
      if (!(accumulator in accumulatorOperators)) throw new CommandError(15952, `unknown group operator '${accumulator}'`);
      prepared[field] = prepareExpression(value, '$group');
    }
    return prepared;
  },
};
