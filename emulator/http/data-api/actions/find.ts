/**
 * find: `{"documents": […]}`. `limit` defaults to 1000 and may not exceed 50,000 (the older docs'
 * limits, §3.7); `skip`, `sort` and `projection` as MongoDB reads them.
 */
import { defineAction } from './action';
import { MAX_DOCUMENTS } from '../errors';
import { count, document, numericDocument } from '../validation';

const DEFAULT_LIMIT = 1000;

export const find = defineAction(
  'find',
  {
    filter: document.optional(),
    projection: numericDocument.optional(),
    sort: numericDocument.optional(),
    limit: count(1, MAX_DOCUMENTS, ", the Data API's maximum per request").optional(),
    skip: count(0, Number.MAX_SAFE_INTEGER).optional(),
  },
  async (collection, input) => ({
    documents: await collection
      .find(input.filter ?? {}, input.projection, { sort: input.sort, skip: input.skip, limit: input.limit ?? DEFAULT_LIMIT })
      .toArray(),
  }),
);
