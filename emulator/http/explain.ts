/**
 * `POST /_emulator/explain`: a Data API action run as a given user (or the system user) on the
 * rules-aware service, answered with the rules' explanation of it (rules/explanation.ts) — which
 * rules and filters applied, which role each document got, which fields were withheld, which
 * writes were denied and why — plus the action's result or its error, as the Data API would
 * answer them.
 *
 * Explaining changes nothing: reads run as they are; writes run as a dry run on a scratch copy of
 * the documents they can reach (services/mongodb/dry-run.ts). A pipeline with `$out` or `$merge`
 * writes where no copy can stand in, so it is refused.
 */
import type { Document, MongoClient } from 'mongodb';
import type { AppDefinition } from '../app';
import type { AuthService } from '../auth';
import { type AppUser, SYSTEM_USER } from '../auth/user';
import type { RuleFunctionHook } from '../rules';
import { createMongoService, type RulesExplanation } from '../services/mongodb';
import { withDryRun, type DryRunTarget } from '../services/mongodb/dry-run';
import { isPlainDocument } from '../rules/values';
import { ACTION_NAMES, actionNamed } from './data-api/actions';
import { fromOperationError, unknownDataSource } from './data-api/errors';
import { AppServicesError } from './errors';
import type { RequestInfo } from './request-info';

export interface ExplainContext {
  definition: AppDefinition;
  client: MongoClient;
  auth: AuthService;
  ruleFunctions?: RuleFunctionHook;
}

export interface ExplainAnswer extends Partial<RulesExplanation> {
  action: string;
  /** The write ran on a scratch copy; nothing was changed. */
  dryRun: boolean;
  /** What the Data API would have answered (absent when the action failed). */
  result?: unknown;
  /** The action's failure as the Data API would answer it. */
  error?: { message: string; code?: string; status?: number };
  /** Every explanation, when the action ran more than one operation. */
  operations?: RulesExplanation[];
}

const WRITES = new Set(['insertOne', 'insertMany', 'updateOne', 'updateMany', 'replaceOne', 'deleteOne', 'deleteMany']);

function invalid(message: string): AppServicesError {
  return AppServicesError.badRequest('InvalidParameter', message);
}

/** The documents of the collection a write can reach: see dry-run.ts. */
function reachable(action: string, request: Record<string, unknown>): Document {
  if (action === 'insertOne' || action === 'insertMany') {
    const documents = action === 'insertOne' ? [request.document] : Array.isArray(request.documents) ? request.documents : [];
    const ids = documents.flatMap((document) => (isPlainDocument(document) && document._id !== undefined ? [document._id] : []));
    return { _id: { $in: ids } };
  }
  return isPlainDocument(request.filter) ? request.filter : {};
}

function writesOutside(pipeline: unknown): boolean {
  return Array.isArray(pipeline) && pipeline.some((stage) => isPlainDocument(stage) && ('$out' in stage || '$merge' in stage));
}

async function callerOf(context: ExplainContext, user: unknown): Promise<{ user: AppUser; runAsSystem: boolean }> {
  if (user === 'system') return { user: SYSTEM_USER, runAsSystem: true };
  if (typeof user !== 'string' || user === '') throw invalid('expected "user": a user id, or "system"');
  try {
    return { user: await context.auth.appUserById(user), runAsSystem: false };
  } catch (error) {
    if (error instanceof AppServicesError && error.status === 401) throw AppServicesError.notFound('UserNotFound', `no active user with id "${user}" to explain a request for`);
    throw error;
  }
}

export async function explainAction(context: ExplainContext, body: Record<string, unknown>, info: RequestInfo): Promise<ExplainAnswer> {
  const actionName = body.action;
  const action = typeof actionName === 'string' ? actionNamed(actionName) : undefined;
  if (!action) throw invalid(`expected "action": one of the Data API actions ${ACTION_NAMES.join(', ')}`);
  if (!isPlainDocument(body.request)) throw invalid('expected "request": the Data API request body ({"dataSource", "database", "collection", …})');
  const request = body.request as Record<string, unknown>;
  if (action.name === 'aggregate' && writesOutside(request.pipeline)) {
    throw invalid('explain cannot run a pipeline with $out or $merge: it would write outside any copy, and explaining must change nothing');
  }
  const caller = await callerOf(context, body.user);
  const operation = action.validate(request);
  const { dataSource, database, collection } = operation.namespace;
  if (!context.definition.dataSources.has(dataSource)) throw unknownDataSource(dataSource);

  const explanations: RulesExplanation[] = [];
  const run = async (client: MongoClient) => {
    const service = createMongoService({
      client,
      definition: context.definition,
      dataSourceName: dataSource,
      caller: { ...caller, request: { ...info, service: dataSource, action: action.name } },
      functions: context.ruleFunctions,
      explain: (explanation) => explanations.push(explanation),
      exactValues: true,
    });
    return operation.run(service.db(database).collection(collection));
  };

  const dryRun = WRITES.has(action.name);
  let result: unknown;
  let error: ExplainAnswer['error'];
  let copied = 0;
  try {
    if (dryRun) {
      const target: DryRunTarget = { database, collection, reachable: reachable(action.name, request) };
      const outcome = await withDryRun(context.client, context.definition.meta.appId, target, run);
      copied = outcome.copied;
      if (!outcome.settled.ok) throw outcome.settled.error;
      result = outcome.settled.value;
    } else {
      result = await run(context.client);
    }
  } catch (thrown) {
    const mapped = fromOperationError(thrown);
    if (!(mapped instanceof AppServicesError)) throw thrown;
    error = { message: mapped.message, code: mapped.errorCode, status: mapped.status };
  }
  const [first] = explanations;
  if (first && dryRun) first.notes.push(`dry run: the write ran on a scratch copy of the ${copied} document${copied === 1 ? '' : 's'} it could reach; nothing was changed`);
  const answer: ExplainAnswer = { action: action.name, dryRun, ...first, ...(error ? { error } : { result }) };
  if (explanations.length > 1) answer.operations = explanations;
  return answer;
}
