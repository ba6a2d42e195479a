/**
 * Replacing a whole document (replacement-style updates, and the result of a pipeline-style
 * update), as mongod's ObjectReplaceExecutor does: the old `_id` is kept when the new document has
 * none, a different `_id` is refused, and `_id` comes first.
 */
import { CommandError } from '../../errors';
import { compareValues } from '../../values/compare';
import { Document } from '../../values/forms';
import { dollarPrefixedField, withIdFirst } from './apply-operators';
import { cloneValue, describeElement } from './paths';
import { isEmptyTimestamp, nextTimestamp } from './timestamps';

export interface ReplaceOptions {
  /** Pipeline results may have top-level `$` fields (built with $setField); replacement documents may not. */
  allowTopLevelDollarFields: boolean;
}

/** mongod fills a replacement document's empty top-level Timestamp(0, 0) values with the current time, once per statement. */
export function fillEmptyTimestamps(replacement: Document): Document {
  const filled: Document = {};
  for (const [key, value] of Object.entries(replacement)) {
    filled[key] = key !== '_id' && isEmptyTimestamp(value) ? nextTimestamp() : value;
  }
  return filled;
}

export function replaceDocument(original: Document, replacement: Document, options: ReplaceOptions): Document {
  if (!options.allowTopLevelDollarFields) {
    const dollarField = Object.keys(replacement).find((key) => key.startsWith('$'));
    if (dollarField !== undefined) throw dollarPrefixedField(dollarField);
  }
  const hasOwnId = Object.prototype.hasOwnProperty.call(replacement, '_id');
  const hadId = Object.prototype.hasOwnProperty.call(original, '_id');
  const result: Document = !hasOwnId && hadId ? { _id: original._id } : {};
  for (const [key, value] of Object.entries(replacement)) result[key] = cloneValue(value);
  if (Array.isArray(result._id)) {
    throw CommandError.of(
      'NotSingleValueField',
      "After applying the update to the document, the (immutable) field '_id' was found to be an array or array descendant.",
    );
  }
  if (hasOwnId && hadId && compareValues(replacement._id, original._id) !== 0) {
    throw CommandError.of(
      'ImmutableField',
      `After applying the update, the (immutable) field '_id' was found to have been altered to ${describeElement('_id', replacement._id)}`,
    );
  }
  return withIdFirst(result);
}
