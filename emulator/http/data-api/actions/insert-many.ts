/** insertMany: `{"insertedIds": […]}` in the order of `documents`. */
import { defineAction } from './action';
import { documentList } from '../validation';

export const insertMany = defineAction('insertMany', { documents: documentList.min(1, { error: 'must hold at least one document' }) }, async (collection, input) => ({
  insertedIds: (await collection.insertMany(input.documents)).insertedIds,
}));
