/**
 * Database, collection and index management, and the generic runCommand: the operations CRUD tests
 * use to set the stage (create a view, drop a collection, add a validator or an index).
 */
import type { Collection, Db, Document, MongoClient } from 'mongodb';
import { toPlain } from '../entities';
import type { OperationTable } from './operation';

type CollectionTarget = Collection<Document>;

export const adminOperations: OperationTable = {
  createCollection: {
    on: ['database'],
    // The format's result for createCollection is the collection; nothing matches on it.
    run: async (target, args) => {
      await (target as Db).createCollection(args.string('collection'), args.options('collection'));
    },
  },
  dropCollection: {
    on: ['database'],
    run: (target, args) => (target as Db).dropCollection(args.string('collection'), args.options('collection')),
  },
  modifyCollection: {
    on: ['database'],
    run: (target, args) => (target as Db).command({ collMod: args.string('collection'), ...args.options('collection') }),
  },
  listCollections: {
    on: ['database'],
    returnsDocuments: true,
    run: (target, args) => (target as Db).listCollections(args.optional<Document>('filter') ?? {}, args.options('filter')).toArray(),
  },
  listCollectionNames: {
    on: ['database'],
    run: async (target, args) =>
      (await (target as Db).listCollections(args.optional<Document>('filter') ?? {}, { ...args.options('filter'), nameOnly: true }).toArray()).map(
        (info) => info.name,
      ),
  },
  listDatabases: {
    on: ['client'],
    returnsDocuments: true,
    // The format wants the iterable of database documents, not the command's reply.
    run: async (target, args) => (await (target as MongoClient).db('admin').admin().listDatabases(args.options())).databases,
  },
  listDatabaseNames: {
    on: ['client'],
    run: async (target, args) =>
      (await (target as MongoClient).db('admin').admin().listDatabases({ ...args.options(), nameOnly: true })).databases.map((db) => db.name),
  },
  runCommand: {
    on: ['database'],
    // commandName exists for languages that lose key order; JS keeps it, so the command is sent as is.
    run: (target, args) => (target as Db).command(args.required<Document>('command'), args.options('command', 'commandName')),
  },
  createIndex: {
    on: ['collection'],
    // Index keys are read by the driver (to name the index), so they are plain numbers.
    run: (target, args) => (target as CollectionTarget).createIndex(toPlain(args.required('keys')) as Document, args.options('keys')),
  },
  listIndexes: {
    on: ['collection'],
    returnsDocuments: true,
    run: (target, args) => (target as CollectionTarget).listIndexes(args.options()).toArray(),
  },
  listIndexNames: {
    on: ['collection'],
    run: async (target, args) => (await (target as CollectionTarget).listIndexes(args.options()).toArray()).map((index) => index.name),
  },
  dropIndex: {
    on: ['collection'],
    run: async (target, args) => {
      await (target as CollectionTarget).dropIndex(args.string('name'), args.options('name'));
    },
  },
  dropIndexes: {
    on: ['collection'],
    run: async (target, args) => {
      await (target as CollectionTarget).dropIndexes(args.options());
    },
  },
  drop: {
    on: ['collection'],
    run: (target, args) => (target as CollectionTarget).drop(args.options()),
  },
};
