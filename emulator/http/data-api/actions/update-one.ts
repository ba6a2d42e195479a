/** updateOne: `{"matchedCount", "modifiedCount"}`, with `"upsertedId"` only when an upsert inserted. */
import { defineAction } from './action';
import { document, flag, update } from '../validation';

export const updateOne = defineAction('updateOne', { filter: document, update, upsert: flag.optional() }, (collection, input) =>
  collection.updateOne(input.filter, input.update, { upsert: input.upsert ?? false }),
);
