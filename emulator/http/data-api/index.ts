/**
 * The Atlas Data API v1 (APP_SERVICES.md §3): `POST /app/<app id>/endpoint/data/<v1|beta>/action/<action>`,
 * mounted at `/app/:appId/endpoint/data`. A request goes through, in order:
 *
 *  1. the URL: the Data API enabled, the version among `versions`, the action known (404s, before
 *     the body is read);
 *  2. the body's bytes, at most 18 MB (413 beyond);
 *  3. who is calling (request-auth.ts): `validation_method`, run-as or application credentials
 *     (bearer token, apiKey / api-key, email + password, jwtTokenString), `can_evaluate`;
 *  4. the body: JSON or EJSON (body.ts), then the action's fields (validation.ts);
 *  5. the operation, on the mongodb service as that caller, so the app's rules apply;
 *  6. the answer: canonical EJSON or JSON, chosen by `Accept` over `return_type` (response-format.ts).
 *
 * Credentials are checked before the body is parsed, so nobody unauthenticated makes the server
 * decode anything.
 */
import { Router, type RequestHandler } from 'express';
import type { MongoClient } from 'mongodb';
import type { AppDefinition, DataApiConfig } from '../../app/definition';
import { createMongoService } from '../../services/mongodb';
import { type CallerDependencies, type CallerSettings, resolveCaller } from '../request-auth';
import { requestInfo } from '../request-info';
import { formatBody, responseFormat } from '../response-format';
import { ACTION_NAMES, actionNamed, type DataApiAction } from './actions';
import { bodyFormat, parseBody, rawBodyOf, readRawBody } from './body';
import { dataApiDisabled, fromOperationError, unknownAction, unknownDataSource, versionNotEnabled } from './errors';

export interface DataApiContext {
  definition: AppDefinition;
  client: MongoClient;
  /** Who is calling: shared with custom endpoints, and carrying the functions runtime's hooks. */
  callers: CallerDependencies;
}

declare module 'express-serve-static-core' {
  interface Request {
    /** The Data API action the URL names, once routing accepted it. */
    dataApiAction?: DataApiAction;
  }
}

function callerSettings(config: DataApiConfig): CallerSettings {
  return {
    runAs: config.runAs,
    validation: config.validation,
    canEvaluate: config.canEvaluate,
    createUserOnAuth: config.createUserOnAuth,
    fetchCustomUserData: config.fetchCustomUserData,
    what: 'the Data API',
  };
}

export function dataApiRouter(context: DataApiContext): Router {
  const router = Router();
  const config = context.definition.dataApi;
  // One settings object for the app's life: request-auth compiles can_evaluate once per object.
  const settings = config && callerSettings(config);

  const route: RequestHandler = (request, _response, next) => {
    if (!config || config.disabled) throw dataApiDisabled();
    const version = request.params.version as string;
    if (!(config.versions as readonly string[]).includes(version)) throw versionNotEnabled(version, config.versions);
    const action = actionNamed(request.params.action as string);
    if (!action) throw unknownAction(request.params.action as string, ACTION_NAMES);
    request.dataApiAction = action;
    next();
  };

  router.post('/:version/action/:action', route, readRawBody, async (request, response) => {
    const action = request.dataApiAction!;
    const raw = rawBodyOf(request);
    const info = requestInfo(request, { action: action.name });
    const caller = await resolveCaller(request, raw, info, settings!, context.callers);

    const operation = action.validate(parseBody(raw, bodyFormat(request)));
    const { dataSource, database, collection } = operation.namespace;
    if (!context.definition.dataSources.has(dataSource)) throw unknownDataSource(dataSource);
    const service = createMongoService({
      client: context.client,
      definition: context.definition,
      dataSourceName: dataSource,
      caller: { ...caller, request: { ...caller.request, service: dataSource } },
      functions: context.callers.ruleFunctions,
      explain: request.explainRules,
      exactValues: true,
    });

    let result: unknown;
    try {
      result = await operation.run(service.db(database).collection(collection));
    } catch (error) {
      throw fromOperationError(error);
    }
    const { body, contentType } = formatBody(result, responseFormat(request, config!.returnType));
    response.status(200).set('Content-Type', contentType).send(body);
  });

  return router;
}
