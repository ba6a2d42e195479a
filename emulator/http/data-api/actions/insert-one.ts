/** insertOne: `{"insertedId": …}`, the new document's `_id` (generated when the document has none). */
import { defineAction } from './action';
import { document } from '../validation';

export const insertOne = defineAction('insertOne', { document }, async (collection, input) => ({
  insertedId: (await collection.insertOne(input.document)).insertedId,
}));
