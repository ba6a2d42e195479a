/**
 * The App Services "mongodb-atlas" service (spec 5.3): what `context.services.get("<data source>")`
 * gives a function and what the Data API calls. It is the one place rules are applied
 * (ARCHITECTURE.md): every caller that is not the system user goes through it, and nothing reaches
 * the driver around it.
 *
 *   const mongodb = createMongoService({ client, definition, dataSourceName, caller });
 *   await mongodb.db('shop').collection('orders').find({ status: 'open' }).limit(10).toArray();
 *
 * One service is made per caller (it holds the caller's user and request); rule compilation is
 * cached per app definition, so making one is cheap.
 */
import type { ClientSession, ClientSessionOptions, MongoClient } from 'mongodb';
import type { AppDefinition } from '../app/definition';
import { isInternalDatabase } from '../mongo/internal';
import type { RuleFunctionHook } from '../rules/context';
import type { RulesExplanation } from '../rules/explanation';
import { ServiceCollection } from './mongodb/collection';
import { reservedDatabase, serviceNotFound } from './mongodb/errors';
import { createScope, type MongoServiceCaller, type ServiceScope } from './mongodb/scope';

export { ServiceCollection } from './mongodb/collection';
export type {
  FindOneAndDeleteOptions,
  FindOneAndUpdateOptions,
  FindOptions,
  InsertManyOptions,
  SessionOption,
  UpdateOptions,
  UpdateResult,
} from './mongodb/collection';
export type { BulkOperation } from './mongodb/bulk-write';
export { ServiceCursor } from './mongodb/cursor';
export type { MongoServiceCaller } from './mongodb/scope';
export type { RuleFunctionCall, RuleFunctionHook } from '../rules/context';
export type { RulesExplanation, DocumentDecision } from '../rules/explanation';

export interface MongoServiceOptions {
  client: MongoClient;
  definition: AppDefinition;
  /** The data source's name: what Data API requests pass as `dataSource`. */
  dataSourceName: string;
  caller: MongoServiceCaller;
  /** Runs `%function` in rule expressions; without it such rules evaluate to false. */
  functions?: RuleFunctionHook;
  /** Receives the explanation of every operation when it ends (costs nothing when absent). */
  explain?: (explanation: RulesExplanation) => void;
  /**
   * Documents come back with every value's BSON type kept (Int32, Double, Long, Binary), whatever
   * the client promotes: what the Data API needs to answer canonical EJSON, where a Double 5.0 is
   * not an Int32 5. Functions leave it off and get values as the driver shapes them.
   */
  exactValues?: boolean;
}

export interface ServiceDatabase {
  readonly name: string;
  collection(name: string): ServiceCollection;
  getCollectionNames(): Promise<string[]>;
}

export interface MongoService {
  /** The data source's name. */
  readonly name: string;
  db(name: string): ServiceDatabase;
  admin(): { getDBNames(): Promise<string[]> };
  startSession(options?: ClientSessionOptions): ClientSession;
}

function database(scope: ServiceScope, name: string): ServiceDatabase {
  // App Services apps cannot use the emulator's own database, not even as system (mongo/internal.ts).
  if (isInternalDatabase(name)) throw reservedDatabase(name);
  return {
    name,
    collection: (collection) => new ServiceCollection(scope, scope.collection(name, collection)),
    async getCollectionNames() {
      const collections = await scope.client.db(name).listCollections({}, { nameOnly: true }).toArray();
      return collections.map((collection) => collection.name).filter((collection) => !collection.startsWith('system.'));
    },
  };
}

/** Throws ServiceNotFound (`service not found: '<name>'`) for a data source the app does not define. */
export function createMongoService(options: MongoServiceOptions): MongoService {
  const dataSource = options.definition.dataSources.get(options.dataSourceName);
  if (!dataSource) throw serviceNotFound(options.dataSourceName);
  const scope = createScope({
    client: options.client,
    definition: options.definition,
    dataSource,
    caller: options.caller,
    functions: options.functions,
    explain: options.explain,
    exactValues: options.exactValues,
  });
  return {
    name: dataSource.name,
    db: (name) => database(scope, name),
    admin: () => ({
      async getDBNames() {
        const { databases } = await scope.client.db('admin').admin().listDatabases({ nameOnly: true });
        return databases.map((entry) => entry.name).filter((name) => !isInternalDatabase(name));
      },
    }),
    startSession: (sessionOptions) => scope.client.startSession(sessionOptions),
  };
}
