/**
 * Cursor entities: createFindCursor opens one (its find command runs now, before the cursor is
 * saved), then iterateUntilDocumentOrError / iterateOnce read from it and close closes it.
 */
import type { AbstractCursor, Collection, Document, MongoClient } from 'mongodb';
import type { OperationTable } from './operation';

export const cursorOperations: OperationTable = {
  createFindCursor: {
    on: ['collection'],
    saves: 'cursor',
    run: async (target, args) => {
      const cursor = (target as Collection<Document>).find(args.optional<Document>('filter') ?? {}, args.options('filter'));
      // hasNext() sends find and buffers the first batch without consuming a document.
      await cursor.hasNext();
      return cursor;
    },
  },
  iterateUntilDocumentOrError: {
    on: ['cursor'],
    run: (target) => (target as AbstractCursor<Document>).next(),
  },
  iterateOnce: {
    on: ['cursor'],
    run: (target) => (target as AbstractCursor<Document>).tryNext(),
  },
  close: {
    // "Test runners MUST suppress all errors when closing the cursor."
    on: ['cursor', 'client'],
    run: async (target) => {
      await (target as AbstractCursor | MongoClient).close().catch(() => undefined);
    },
  },
};
