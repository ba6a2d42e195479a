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
import { EXACT_VALUES } from './documents';

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
  /** Documents keep every value's BSON type (Int32, Double, Long …) instead of the client's promotion. */
  exactValues?: boolean;
  /** The request-level expression context, its `onFailure` reporting to `recorder`. */
  context(recorder: ExplanationRecorder | undefined): ExpressionContext;
  /** How the client hands documents to its callers (promoteValues …), for documents this service builds. */
  bsonOptions: BSONSerializeOptions;
  /** Read options for reads the service sends itself (EXACT_VALUES with exactValues, else none). */
  valueOptions: BSONSerializeOptions;
  /** The driver's handle of a collection, made once per client (they are stateless and costly to make). */
  collection(database: string, collection: string): Collection<Document>;
}

const handles = new WeakMap<MongoClient, Map<string, Collection<Document>>>();

function collectionHandle(client: MongoClient, database: string, collection: string, exact: boolean): Collection<Document> {
  let known = handles.get(client);
  if (!known) handles.set(client, (known = new Map()));
  const key = `${exact ? 'exact:' : ''}${database}.${collection}`;
  let handle = known.get(key);
  if (!handle) known.set(key, (handle = client.db(database).collection<Document>(collection, exact ? EXACT_VALUES : undefined)));
  return handle;
}

export function createScope(options: Omit<ServiceScope, 'context' | 'bsonOptions' | 'valueOptions' | 'collection'>): ServiceScope {
  let base: ExpressionContext | undefined;
  const exact = options.exactValues === true;
  const valueOptions = exact ? EXACT_VALUES : {};
  return {
    ...options,
    bsonOptions: { ...options.client.bsonOptions, ...valueOptions },
    valueOptions,
    collection: (database, collection) => collectionHandle(options.client, database, collection, exact),
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
