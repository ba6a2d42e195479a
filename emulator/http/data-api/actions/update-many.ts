/** updateMany: `{"matchedCount", "modifiedCount"}`, with `"upsertedId"` only when an upsert inserted. */
import { defineAction } from './action';
import { document, flag, update } from '../validation';

export const updateMany = defineAction('updateMany', { filter: document, update, upsert: flag.optional() }, (collection, input) =>
  collection.updateMany(input.filter, input.update, { upsert: input.upsert ?? false }),
);
