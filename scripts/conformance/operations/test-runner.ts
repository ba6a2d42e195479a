/**
 * The format's special operations (`object: testRunner`) that CRUD tests use: fail points and
 * assertions about collections and indexes, all through the internal client.
 */
import type { Document, MongoClient } from 'mongodb';
import { toPlain } from '../entities';
import type { OperationTable } from './operation';

async function collectionNames(client: MongoClient, databaseName: string): Promise<string[]> {
  return (await client.db(databaseName).listCollections({}, { nameOnly: true }).toArray()).map((info) => info.name);
}

async function indexNames(client: MongoClient, databaseName: string, collectionName: string): Promise<string[]> {
  try {
    return (await client.db(databaseName).collection(collectionName).listIndexes().toArray()).map((index) => String(index.name));
  } catch (error) {
    // A collection that does not exist has no indexes (NamespaceNotFound).
    if ((error as { code?: number }).code === 26) return [];
    throw error;
  }
}

export const testRunnerOperations: OperationTable = {
  failPoint: {
    on: ['testRunner'],
    run: async (_target, args, context) => {
      const client = context.entities.get(args.string('client'), 'client');
      const failPoint = toPlain(args.required<Document>('failPoint')) as Document;
      await client.db('admin').command(failPoint);
      context.failPoints.push({ client, name: String(failPoint.configureFailPoint) });
    },
  },
  assertCollectionExists: {
    on: ['testRunner'],
    run: async (_target, args, context) => {
      const names = await collectionNames(context.internal, args.string('databaseName'));
      if (!names.includes(args.string('collectionName'))) throw new Error(`collection ${args.string('collectionName')} does not exist`);
    },
  },
  assertCollectionNotExists: {
    on: ['testRunner'],
    run: async (_target, args, context) => {
      const names = await collectionNames(context.internal, args.string('databaseName'));
      if (names.includes(args.string('collectionName'))) throw new Error(`collection ${args.string('collectionName')} exists`);
    },
  },
  assertIndexExists: {
    on: ['testRunner'],
    run: async (_target, args, context) => {
      const names = await indexNames(context.internal, args.string('databaseName'), args.string('collectionName'));
      if (!names.includes(args.string('indexName'))) throw new Error(`index ${args.string('indexName')} does not exist`);
    },
  },
  assertIndexNotExists: {
    on: ['testRunner'],
    run: async (_target, args, context) => {
      const names = await indexNames(context.internal, args.string('databaseName'), args.string('collectionName'));
      if (names.includes(args.string('indexName'))) throw new Error(`index ${args.string('indexName')} exists`);
    },
  },
  createEntities: {
    on: ['testRunner'],
    run: async (_target, args, context) => {
      await context.entities.create(args.required<Document[]>('entities'));
    },
  },
  wait: {
    on: ['testRunner'],
    run: async (_target, args) => {
      await new Promise((resolve) => setTimeout(resolve, Number(toPlain(args.required('ms')))));
    },
  },
};
