/**
 * replaceOne: `{"matchedCount", "modifiedCount"}` (+ `"upsertedId"`). Documented and tested against
 * the real service although the OpenAPI spec omits it (§3.1).
 */
import { defineAction } from './action';
import { document, flag } from '../validation';

export const replaceOne = defineAction('replaceOne', { filter: document, replacement: document, upsert: flag.optional() }, (collection, input) =>
  collection.replaceOne(input.filter, input.replacement, { upsert: input.upsert ?? false }),
);
