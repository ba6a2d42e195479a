/**
 * `POST /api/client/v2.0/app/<app id>/functions/call`, with the caller's access token (spec §6,
 * REALM_WEB_CLIENT.md "Functions"):
 *
 *   { "name": "sum", "arguments": [ … ] }                          an app function, as the caller
 *   { "service": "mongodb-atlas", "name": "find", "arguments": [{ database, collection, … }] }
 *                                                                   a collection operation (service-calls.ts)
 *
 * Arguments are EJSON (canonical or relaxed; number types are kept exactly, as for the Data API)
 * and the answer is canonical EJSON, which realm-web deserializes. A function call goes through
 * the function runtime with origin `client`: private functions are refused and `can_evaluate`
 * applies. A service call runs on the main thread, on the rules-aware mongodb service, with the
 * caller's user and request. Failures are App Services' error bodies (function-errors.ts).
 *
 * `GET …/functions/call?baas_request=<base64 JSON>` is how SDKs open a change stream (`watch`);
 * it is answered with an error that says change streams are not served.
 */
import express, { type Request, Router } from 'express';
import type { MongoClient } from 'mongodb';
import type { AppDefinition } from '../app';
import type { AuthService } from '../auth';
import type { AppUser } from '../auth/user';
import { encodeValue, type FunctionRuntime } from '../functions';
import { parseExtendedJson } from '../mongo/extended-json';
import type { RuleFunctionHook } from '../rules';
import { createMongoService } from '../services/mongodb';
import { requireBearerToken } from './bearer';
import { fromOperationError } from './data-api/errors';
import { AppServicesError } from './errors';
import { fromFunctionError } from './function-errors';
import { requestInfo } from './request-info';
import { recordCaller, type RequestLog } from './request-log';
import { callServiceOperation } from './service-calls';

/** App Services' limit on an incoming request (spec §5.4). */
const BODY_LIMIT = '18mb';

export interface FunctionCallsDependencies {
  definition: AppDefinition;
  auth: AuthService;
  functions: FunctionRuntime;
  /** The main thread's client, for the service form. */
  client: MongoClient;
  /** `%function` in the rules a service call is checked against. */
  ruleFunctions?: RuleFunctionHook;
  /** Where a call's console output is kept, beside the request's log entry. */
  requestLog?: RequestLog;
}

interface CallBody {
  name: string;
  arguments: unknown[];
  service?: string;
}

export function functionCallsRouter(deps: FunctionCallsDependencies): Router {
  const router = Router();
  // Read as text: EJSON must be parsed with its number types, which JSON.parse would lose.
  const body = express.text({ type: () => true, limit: BODY_LIMIT });

  router.post('/app/:appId/functions/call', body, async (request, response) => {
    const user = await deps.auth.userFromAccessToken(requireBearerToken(request));
    recordCaller(request, user);
    const call = callBody(request.body);
    const answer = call.service === undefined ? await callFunction(deps, request, user, call) : await callService(deps, request, user, call.service, call);
    response.status(200).type('application/json').send(answer);
  });

  router.get('/app/:appId/functions/call', async (request, _response) => {
    await deps.auth.userFromAccessToken(requireBearerToken(request));
    throw new AppServicesError(501, 'ServiceCommandNotFound', 'streaming function calls (watch, change streams) are not served by the emulator');
  });

  return router;
}

async function callFunction(deps: FunctionCallsDependencies, request: Request, user: AppUser, call: CallBody): Promise<string> {
  try {
    const { resultEJSON, logs } = await deps.functions.call({ name: call.name, args: call.arguments, user, request: requestInfo(request), origin: 'client' });
    deps.requestLog?.recordFunction(request.requestId, call.name, logs);
    return resultEJSON;
  } catch (error) {
    deps.requestLog?.recordFunction(request.requestId, call.name, (error as { logs?: string[] }).logs ?? []);
    throw fromFunctionError(error);
  }
}

async function callService(deps: FunctionCallsDependencies, request: Request, user: AppUser, name: string, call: CallBody): Promise<string> {
  const service = createMongoService({
    client: deps.client,
    definition: deps.definition,
    dataSourceName: name,
    caller: { user, runAsSystem: false, request: requestInfo(request, { service: name, action: call.name }) },
    functions: deps.ruleFunctions,
    explain: request.explainRules,
    // Answers are canonical EJSON: a Double 5.0 must not come back as an Int32 5.
    exactValues: true,
  });
  try {
    return encodeValue(await callServiceOperation(service, call.name, call.arguments));
  } catch (error) {
    throw fromOperationError(error);
  }
}

function callBody(text: unknown): CallBody {
  let parsed: unknown;
  try {
    parsed = parseExtendedJson(typeof text === 'string' && text !== '' ? text : '{}');
  } catch (error) {
    throw AppServicesError.badRequest('InvalidParameter', `invalid request body: ${(error as Error).message}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw AppServicesError.badRequest('InvalidParameter', 'the request body must be an object {"name", "arguments"[, "service"]}');
  }
  const { name, arguments: args, service } = parsed as Record<string, unknown>;
  if (typeof name !== 'string' || name === '') throw AppServicesError.badRequest('InvalidParameter', 'the request body has no function name ("name")');
  if (args !== undefined && !Array.isArray(args)) throw AppServicesError.badRequest('InvalidParameter', '"arguments" must be an array');
  if (service !== undefined && (typeof service !== 'string' || service === '')) {
    throw AppServicesError.badRequest('InvalidParameter', '"service" must be the name of a data source');
  }
  return { name, arguments: args ?? [], ...(service === undefined ? {} : { service }) };
}
