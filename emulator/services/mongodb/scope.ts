/**
 * What every collection handle of one service shares: the driver, the app, the data source, the
 * caller, and the hooks a caller attached (functions for `%function`, explain for explanations).
 */
import type { BSONSerializeOptions, Collection, Document, MongoClient } from 'mongodb';
import type { AppDefinition, DataSourceDefinition } from '../../app/definition';
import type { AppUser } from '../../auth/user';
import type { RequestInfo } from '../../http/request-info';
import { requestContext, type ExpressionContext, type RuleFunctionHook } from '../../rules/context';
import type { ExplanationRecorder, RulesExplanation } from '../../rules/explanation';

export interface MongoServiceCaller {
  user: AppUser;
  /** true: rules do not apply (system functions, run_as_system endpoints and Data API). */
  runAsSystem: boolean;
  request: RequestInfo;
}

export interface ServiceScope {
  client: MongoClient;
  definition: AppDefinition;
  dataSource: DataSourceDefinition;
  caller: MongoServiceCaller;
  functions?: RuleFunctionHook;
  explain?: (explanation: RulesExplanation) => void;
  /** The request-level expression context, its `onFailure` reporting to `recorder`. */
  context(recorder: ExplanationRecorder | undefined): ExpressionContext;
  /** How the client hands documents to its callers (promoteValues …), for documents this service builds. */
  bsonOptions: BSONSerializeOptions;
  /** The driver's handle of a collection, made once per client (they are stateless and costly to make). */
  collection(database: string, collection: string): Collection<Document>;
}

const handles = new WeakMap<MongoClient, Map<string, Collection<Document>>>();

function collectionHandle(client: MongoClient, database: string, collection: string): Collection<Document> {
  let known = handles.get(client);
  if (!known) handles.set(client, (known = new Map()));
  const key = `${database}.${collection}`;
  let handle = known.get(key);
  if (!handle) known.set(key, (handle = client.db(database).collection<Document>(collection)));
  return handle;
}

export function createScope(options: Omit<ServiceScope, 'context' | 'bsonOptions' | 'collection'>): ServiceScope {
  let base: ExpressionContext | undefined;
  return {
    ...options,
    bsonOptions: options.client.bsonOptions,
    collection: (database, collection) => collectionHandle(options.client, database, collection),
    context(recorder) {
      base ??= requestContext({
        definition: options.definition,
        user: options.caller.user,
        request: options.caller.request,
        functions: options.functions,
      });
      return recorder ? { ...base, onFailure: (reason) => recorder.failure(reason) } : base;
    },
  };
}
