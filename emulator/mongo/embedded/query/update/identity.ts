/**
 * Whether an update changed anything. mongod counts a document as modified when its BSON bytes
 * change: `$set` to the same value is a no-op, but Int32(1) → Double(1.0) is a modification, and
 * so is a change of field order. Comparing serialised bytes gives exactly that.
 */
import { serialize } from 'bson';
import type { Document } from '../../values/forms';

export function identicalDocuments(a: Document, b: Document): boolean {
  return a === b || Buffer.compare(serialize(a), serialize(b)) === 0;
}

export function identicalValues(a: unknown, b: unknown): boolean {
  return a === b || identicalDocuments({ v: a }, { v: b });
}
