/**
 * Read operations of the CRUD specification. Cursors are fully iterated, as the format requires,
 * so errors from getMore surface in the operation that caused them.
 */
import type { Collection, Db, Document } from 'mongodb';
import type { OperationTable } from './operation';

type Target = Collection<Document>;

export const readOperations: OperationTable = {
  find: {
    on: ['collection'],
    returnsDocuments: true,
    run: (target, args) => (target as Target).find(args.optional<Document>('filter') ?? {}, args.options('filter')).toArray(),
  },
  findOne: {
    on: ['collection'],
    run: (target, args) => (target as Target).findOne(args.optional<Document>('filter') ?? {}, args.options('filter')),
  },
  aggregate: {
    // Collection aggregate, or database aggregate ($documents, $listLocalSessions…): same call.
    on: ['collection', 'database'],
    returnsDocuments: true,
    run: (target, args) => (target as Target | Db).aggregate(args.required<Document[]>('pipeline'), args.options('pipeline')).toArray(),
  },
  countDocuments: {
    on: ['collection'],
    run: (target, args) => (target as Target).countDocuments(args.optional<Document>('filter') ?? {}, args.options('filter')),
  },
  estimatedDocumentCount: {
    on: ['collection'],
    run: (target, args) => (target as Target).estimatedDocumentCount(args.options()),
  },
  count: {
    // The deprecated `count` helper, which the CRUD files still test.
    on: ['collection'],
    run: (target, args) => (target as Target).count(args.optional<Document>('filter') ?? {}, args.options('filter')),
  },
  distinct: {
    on: ['collection'],
    run: (target, args) =>
      (target as Target).distinct(args.string('fieldName'), args.optional<Document>('filter') ?? {}, args.options('fieldName', 'filter')),
  },
};
