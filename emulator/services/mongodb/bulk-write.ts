/**
 * bulkWrite for application users: each operation goes through the collection's own method, so
 * each is checked against the rules exactly as if called alone. Ordered (the default) stops at the
 * first failure, leaving earlier operations applied, as an ordered MongoDB bulk write does;
 * unordered runs them all and then fails with the first failure, if any.
 */
import type { ClientSession, Document } from 'mongodb';
import { notAllowed } from './errors';
import type { ServiceCollection } from './collection';

interface UpdateSpec {
  filter: Document;
  update: Document | Document[];
  upsert?: boolean;
  arrayFilters?: Document[];
}

export type BulkOperation =
  | { insertOne: { document: Document } }
  | { updateOne: UpdateSpec }
  | { updateMany: UpdateSpec }
  | { replaceOne: { filter: Document; replacement: Document; upsert?: boolean } }
  | { deleteOne: { filter: Document } }
  | { deleteMany: { filter: Document } };

function runOne(collection: ServiceCollection, operation: BulkOperation, session: ClientSession | undefined): Promise<unknown> {
  if ('insertOne' in operation) return collection.insertOne(operation.insertOne.document, { session });
  if ('updateOne' in operation) {
    const { filter, update, upsert, arrayFilters } = operation.updateOne;
    return collection.updateOne(filter, update, { upsert, arrayFilters, session });
  }
  if ('updateMany' in operation) {
    const { filter, update, upsert, arrayFilters } = operation.updateMany;
    return collection.updateMany(filter, update, { upsert, arrayFilters, session });
  }
  if ('replaceOne' in operation) {
    const { filter, replacement, upsert } = operation.replaceOne;
    return collection.replaceOne(filter, replacement, { upsert, session });
  }
  if ('deleteOne' in operation) return collection.deleteOne(operation.deleteOne.filter, { session });
  if ('deleteMany' in operation) return collection.deleteMany(operation.deleteMany.filter, { session });
  throw notAllowed(`the bulkWrite operation ${JSON.stringify(Object.keys(operation as object))}`);
}

export async function runBulkWrite(
  collection: ServiceCollection,
  operations: BulkOperation[],
  options: { ordered?: boolean; session?: ClientSession },
): Promise<void> {
  const ordered = options.ordered ?? true;
  let firstFailure: unknown;
  for (const operation of operations) {
    try {
      await runOne(collection, operation, options.session);
    } catch (error) {
      if (ordered) throw error;
      firstFailure ??= error;
    }
  }
  if (firstFailure !== undefined) throw firstFailure;
}
