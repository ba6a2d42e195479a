/** deleteMany: `{"deletedCount": n}`. `filter` is required, so deleting everything takes an explicit `{}`. */
import { defineAction } from './action';
import { document } from '../validation';

export const deleteMany = defineAction('deleteMany', { filter: document }, (collection, input) => collection.deleteMany(input.filter));
