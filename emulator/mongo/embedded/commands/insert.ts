/**
 * insert: documents get an ObjectId `_id` when they have none, and `_id` becomes the first field,
 * as mongod stores it.
 */
import { Int32, ObjectId } from 'bson';
import { Document, toStoredDocument } from '../values/forms';
import { Arguments, targetName } from './arguments';
import type { CommandDefinition } from './command';
import { checkBatchSize, runBatch } from './write-batch';

export function withIdFirst(document: Document): Document {
  const { _id, ...rest } = document;
  return { _id: _id === undefined ? new ObjectId() : _id, ...rest };
}

export const insert: CommandDefinition = {
  name: 'insert',
  run(command, context) {
    const name = targetName(command, 'insert');
    const args = new Arguments(command, 'insert');
    const documents = args.documents('documents');
    checkBatchSize(documents);
    const collection = context.engine.collectionForWrite(context.database, name);
    let inserted = 0;
    const result = runBatch(documents, args.boolean('ordered', true), context, (document) => {
      collection.insert(toStoredDocument(withIdFirst(document)));
      inserted++;
    });
    return { n: new Int32(inserted), ...result };
  },
};
