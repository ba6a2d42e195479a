/**
 * Small helpers for documents the service handles itself rather than passing straight through.
 */
import { BSON, EJSON } from 'bson';
import type { BSONSerializeOptions, Document } from 'mongodb';

/**
 * Driver options for documents the service reads to check or rewrite: every value keeps its BSON
 * type (an Int32 stays Int32, a Double 5.0 stays Double), so writing the document back, or sending
 * it in a pipeline, changes nothing the caller did not change.
 */
export const EXACT_VALUES = { promoteValues: false, promoteLongs: false, promoteBuffers: false } as const;

/** A key identifying an `_id` value exactly (type included), for maps keyed by document. */
export function idKey(id: unknown): string {
  return EJSON.stringify({ id }, { relaxed: false });
}

/** A document read with EXACT_VALUES, shaped as the caller's client shapes documents. */
export function toCallerShape<T>(value: T, options: BSONSerializeOptions): T {
  if (value === null || value === undefined) return value;
  const { promoteValues, promoteLongs, promoteBuffers, useBigInt64, bsonRegExp } = options;
  return BSON.deserialize(BSON.serialize({ value }), { promoteValues, promoteLongs, promoteBuffers, useBigInt64, bsonRegExp })
    .value as T;
}

export function withoutId(document: Document): Document {
  const { _id: _ignored, ...rest } = document;
  void _ignored;
  return rest;
}
