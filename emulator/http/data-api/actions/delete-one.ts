/** deleteOne: `{"deletedCount": 0 | 1}`. `filter` is required: `{}` deletes the first document. */
import { defineAction } from './action';
import { document } from '../validation';

export const deleteOne = defineAction('deleteOne', { filter: document }, (collection, input) => collection.deleteOne(input.filter));
