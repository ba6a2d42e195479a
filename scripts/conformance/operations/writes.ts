/**
 * Write operations of the CRUD specification: single-document and multi-document writes,
 * findOneAndX, collection bulkWrite and client bulkWrite. Results are the driver's; results.ts turns
 * model objects into documents before matching.
 */
import type { AnyBulkWriteOperation, ClientBulkWriteModel, Collection, Document, MongoClient } from 'mongodb';
import { writeModel } from './arguments';
import type { OperationTable } from './operation';

type Target = Collection<Document>;

export const writeOperations: OperationTable = {
  insertOne: {
    on: ['collection'],
    run: (target, args) => (target as Target).insertOne(args.required<Document>('document'), args.options('document')),
  },
  insertMany: {
    on: ['collection'],
    run: (target, args) => (target as Target).insertMany(args.required<Document[]>('documents'), args.options('documents')),
  },
  updateOne: {
    on: ['collection'],
    run: (target, args) =>
      (target as Target).updateOne(args.required<Document>('filter'), args.required<Document>('update'), args.options('filter', 'update')),
  },
  updateMany: {
    on: ['collection'],
    run: (target, args) =>
      (target as Target).updateMany(args.required<Document>('filter'), args.required<Document>('update'), args.options('filter', 'update')),
  },
  replaceOne: {
    on: ['collection'],
    run: (target, args) =>
      (target as Target).replaceOne(args.required<Document>('filter'), args.required<Document>('replacement'), args.options('filter', 'replacement')),
  },
  deleteOne: {
    on: ['collection'],
    run: (target, args) => (target as Target).deleteOne(args.required<Document>('filter'), args.options('filter')),
  },
  deleteMany: {
    on: ['collection'],
    run: (target, args) => (target as Target).deleteMany(args.required<Document>('filter'), args.options('filter')),
  },
  findOneAndDelete: {
    on: ['collection'],
    run: (target, args) => (target as Target).findOneAndDelete(args.required<Document>('filter'), args.options('filter')),
  },
  findOneAndReplace: {
    on: ['collection'],
    run: (target, args) =>
      (target as Target).findOneAndReplace(
        args.required<Document>('filter'),
        args.required<Document>('replacement'),
        args.options('filter', 'replacement'),
      ),
  },
  findOneAndUpdate: {
    on: ['collection'],
    run: (target, args) =>
      (target as Target).findOneAndUpdate(args.required<Document>('filter'), args.required<Document>('update'), args.options('filter', 'update')),
  },
  bulkWrite: {
    on: ['collection'],
    run: (target, args) => {
      const requests = args.required<Document[]>('requests').map((model) => {
        const { name, fields } = writeModel(model);
        return { [name]: fields } as AnyBulkWriteOperation<Document>;
      });
      return (target as Target).bulkWrite(requests, args.options('requests'));
    },
  },
  clientBulkWrite: {
    on: ['client'],
    run: (target, args) => {
      const models = args.required<Document[]>('models').map((model) => {
        const { name, fields } = writeModel(model);
        return { name, ...fields } as unknown as ClientBulkWriteModel;
      });
      return (target as MongoClient).bulkWrite(models, args.options('models'));
    },
  },
};
