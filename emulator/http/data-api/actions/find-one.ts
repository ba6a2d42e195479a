/** findOne: `{"document": {…}}`, or `{"document": null}` when nothing matches (or nothing is readable). */
import { defineAction } from './action';
import { document, numericDocument } from '../validation';

// `filter` is required by the OpenAPI spec and optional (default {}) in the older docs: accepted missing.
export const findOne = defineAction('findOne', { filter: document.optional(), projection: numericDocument.optional() }, async (collection, input) => ({
  document: await collection.findOne(input.filter ?? {}, input.projection),
}));
