/**
 * The update engine's surface. An update statement's `u` is compiled once: replacement document,
 * operators, or pipeline, with every parse error raised at once even when nothing matches, as
 * mongod does. The compiled update then turns each matched stored document into a new one
 * (stored documents are never modified in place), or builds the document an upsert inserts.
 */
import { ObjectId } from 'bson';
import { CommandError } from '../../errors';
import { Document, isPlainObject, toExpressionValue, toStoredDocument } from '../../values/forms';
import { applyOperators, withIdFirst } from './apply-operators';
import { identicalDocuments } from './identity';
import { parseOperatorUpdate } from './parse-operators';
import { PipelineUpdate } from './pipeline';
import { PositionalMatcher, parseArrayFilters } from './positional';
import { fillEmptyTimestamps, replaceDocument } from './replacement';
import { upsertSeed } from './upsert';

export type UpdateKind = 'replacement' | 'operators' | 'pipeline';

export interface UpdateOptions {
  /** The statement's query in filter form: the positional operator `$` reads what it matched. */
  filter: Document;
  arrayFilters?: unknown[];
  /** The statement's `c`: constants for pipeline-style updates. */
  constants?: Document;
  /** The command's `let` variables, in expression form. */
  variables?: Document;
  multi?: boolean;
}

export interface AppliedUpdate {
  document: Document;
  /** Whether the new document differs from the old one in its BSON bytes. */
  modified: boolean;
}

export interface CompiledUpdate {
  readonly kind: UpdateKind;
  /** The updated version of a stored document the query matched. */
  apply(document: Document): AppliedUpdate;
  /** The document to insert when an upsert matched nothing; `query` as the command sent it. */
  upsertDocument(query: Document): Document;
}

function applied(original: Document, updated: Document): AppliedUpdate {
  return identicalDocuments(original, updated) ? { document: original, modified: false } : { document: updated, modified: true };
}

/** An upserted document gets an ObjectId `_id` when it has none, and `_id` first. */
function withId(document: Document): Document {
  if (!Object.prototype.hasOwnProperty.call(document, '_id')) return { _id: new ObjectId(), ...document };
  if (Array.isArray(document._id)) {
    throw CommandError.of(
      'NotSingleValueField',
      "After applying the update to the document, the field '_id' was found to be an array or array descendant.",
    );
  }
  return withIdFirst(document);
}

export function compileUpdate(u: unknown, options: UpdateOptions): CompiledUpdate {
  const arrayFilters = parseArrayFilters(options.arrayFilters, options.variables);
  if (Array.isArray(u)) return compilePipeline(u, options);
  if (!isPlainObject(u)) throw CommandError.of('FailedToParse', 'Update argument must be either an object or an array');
  if (options.constants) throw new CommandError(51198, 'Constant values may only be specified for pipeline updates');

  const firstField = Object.keys(u)[0];
  if (firstField === undefined || !firstField.startsWith('$')) {
    if (options.multi) throw CommandError.of('FailedToParse', 'multi update is not supported for replacement-style update');
    const replacement = fillEmptyTimestamps(toStoredDocument(u));
    const replace = (document: Document) => replaceDocument(document, replacement, { allowTopLevelDollarFields: false });
    return {
      kind: 'replacement',
      apply: (document) => applied(document, replace(document)),
      upsertDocument: (query) => withId(replace(upsertSeed(query, 'replacement'))),
    };
  }

  const operations = parseOperatorUpdate(u, arrayFilters, { variables: options.variables });
  const update = { operations, arrayFilters };
  const usesPositional = operations.some((operation) => operation.path.includes('$'));
  let positional: PositionalMatcher | undefined;
  return {
    kind: 'operators',
    apply(document) {
      if (usesPositional) positional ??= new PositionalMatcher(options.filter, options.variables);
      return applied(document, applyOperators(document, update, { isInsert: false, positional }));
    },
    upsertDocument: (query) => withId(applyOperators(upsertSeed(query, 'operators'), update, { isInsert: true })),
  };
}

function compilePipeline(stages: unknown[], options: UpdateOptions): CompiledUpdate {
  if (options.arrayFilters && options.arrayFilters.length > 0) {
    throw CommandError.of('FailedToParse', 'arrayFilters may not be specified for pipeline-style updates');
  }
  const constants = options.constants ? (toExpressionValue(options.constants) as Document) : undefined;
  const variables = options.variables || constants ? { ...options.variables, ...constants } : undefined;
  const pipeline = new PipelineUpdate(stages, variables);
  return {
    kind: 'pipeline',
    apply: (document) => applied(document, pipeline.apply(document)),
    upsertDocument: (query) => withId(pipeline.apply(upsertSeed(query, 'operators'))),
  };
}
