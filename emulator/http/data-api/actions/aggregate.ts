/**
 * aggregate: `{"documents": […]}`. A pipeline answering more than 50,000 documents is refused
 * (App Services returns at most that many from any query, §3.7) rather than cut short silently.
 */
import type { Document } from 'mongodb';
import { defineAction } from './action';
import { MAX_DOCUMENTS, tooManyDocuments } from '../errors';
import { documentList } from '../validation';

export const aggregate = defineAction('aggregate', { pipeline: documentList }, async (collection, input) => {
  const cursor = collection.aggregate(input.pipeline);
  const documents: Document[] = [];
  try {
    for (let next = await cursor.next(); next !== undefined; next = await cursor.next()) {
      if (documents.length === MAX_DOCUMENTS) throw tooManyDocuments('aggregate');
      documents.push(next);
    }
  } finally {
    await cursor.close();
  }
  return { documents };
});
