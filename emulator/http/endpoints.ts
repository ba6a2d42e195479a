/**
 * Custom HTTPS endpoints (spec §1.7, §4): every entry of http_endpoints/config.json answers at
 * `/app/<app id>/endpoint<route>`, and legacy incoming webhooks (converted by the loader into
 * endpoints with origin `webhook`) also answer at their old URL
 * `/api/client/v2.0/app/<app id>/service/<service>/incoming_webhook/<name>`.
 *
 * Routing: routes are matched literally (no path parameters, as App Services documents none);
 * several methods may share a route, and `*` accepts any method (the loader refuses a `*` beside
 * other methods on one route); HEAD is served by a GET endpoint. A route no enabled endpoint has is left to the server's 404 (so the Data API, mounted
 * beside this router, keeps its own paths); a disabled endpoint answers 404 saying so, a known
 * route asked with another method 405 with `Allow` (emulator's choice: App Services documents
 * only the unknown route's 404).
 *
 * A request is validated and authenticated by request-auth.ts with the endpoint's validation,
 * create_user_on_auth, fetch_custom_user_data and can_evaluate and the function's run-as
 * settings; the function's own can_evaluate is checked by the runtime. The function gets
 * `(request, response)` (spec §4.2) and endpoint-response.ts writes what it answered.
 */
import express, { type NextFunction, type Request, type Response, Router } from 'express';
import type { AppDefinition, EndpointDefinition } from '../app';
import type { FunctionRuntime } from '../functions';
import { writeEndpointResponse } from './endpoint-response';
import { AppServicesError } from './errors';
import { fromFunctionError } from './function-errors';
import { resolveCaller, type CallerDependencies, type CallerSettings } from './request-auth';
import { requestInfo } from './request-info';
import type { RequestLog } from './request-log';

/** App Services' limit on an incoming request (spec §5.4). */
const BODY_LIMIT = '18mb';

export interface EndpointDependencies {
  definition: AppDefinition;
  functions: FunctionRuntime;
  callers: CallerDependencies;
  /** Where a call's console output is kept, beside the request's log entry. */
  requestLog?: RequestLog;
}

/** An endpoint with what its requests are authenticated by, made once. */
interface ServedEndpoint {
  definition: EndpointDefinition;
  settings: CallerSettings;
}

function served(definition: AppDefinition, endpoint: EndpointDefinition): ServedEndpoint {
  const fn = definition.functions.get(endpoint.functionName);
  const origin = endpoint.origin.kind === 'webhook' ? `incoming webhook ${endpoint.origin.service}/${endpoint.origin.webhook}` : `endpoint ${endpoint.httpMethod} ${endpoint.route}`;
  return {
    definition: endpoint,
    // One settings object per endpoint: request-auth compiles its can_evaluate once per object.
    settings: {
      // A function the app lacks fails with FunctionNotFound when called; until then it is
      // authenticated as an application function would be.
      runAs: fn?.runAs ?? { kind: 'application' },
      validation: endpoint.validation,
      canEvaluate: endpoint.canEvaluate,
      createUserOnAuth: endpoint.createUserOnAuth,
      fetchCustomUserData: endpoint.fetchCustomUserData,
      what: origin,
    },
  };
}

/** The router mounted at /app/:appId/endpoint. */
export function customEndpointsRouter(deps: EndpointDependencies): Router {
  const routes = new Map<string, ServedEndpoint[]>();
  for (const endpoint of deps.definition.endpoints) {
    const list = routes.get(endpoint.route) ?? [];
    list.push(served(deps.definition, endpoint));
    routes.set(endpoint.route, list);
  }
  const router = Router();
  const handle = handler(deps);
  router.use((request, response, next) => {
    const candidates = routes.get(request.path);
    if (!candidates) return next();
    handle(choose(candidates, request, response, request.path), request.path, request, response, next);
  });
  return router;
}

/** The router of legacy incoming webhook URLs, mounted at /api/client/v2.0. */
export function incomingWebhooksRouter(deps: EndpointDependencies): Router {
  const webhooks = new Map<string, ServedEndpoint>();
  for (const endpoint of deps.definition.endpoints) {
    if (endpoint.origin.kind === 'webhook') webhooks.set(`${endpoint.origin.service}/${endpoint.origin.webhook}`, served(deps.definition, endpoint));
  }
  const router = Router();
  const handle = handler(deps);
  router.all('/app/:appId/service/:service/incoming_webhook/:webhook', (request, response, next) => {
    const { service, webhook } = request.params as Record<string, string>;
    const found = webhooks.get(`${service}/${webhook}`);
    if (!found) throw AppServicesError.notFound('IncomingWebhookNotFound', `no incoming webhook '${webhook}' in service '${service}'`);
    handle(choose([found], request, response, `${service}/${webhook}`), request.originalUrl.split('?')[0], request, response, next);
  });
  return router;
}

/** The endpoint that answers the request's method, or the refusal for the route. */
function choose(candidates: ServedEndpoint[], request: Request, response: Response, route: string): ServedEndpoint {
  const method = request.method;
  const enabled = candidates.filter((candidate) => !candidate.definition.disabled);
  if (enabled.length === 0) throw AppServicesError.notFound('IncomingWebhookNotFound', `the endpoint ${route} is disabled`);
  const wanted = method === 'HEAD' ? 'GET' : method;
  const found = enabled.find((candidate) => candidate.definition.httpMethod === wanted) ?? enabled.find((candidate) => candidate.definition.httpMethod === '*');
  if (found) return found;
  const allowed = enabled.map((candidate) => candidate.definition.httpMethod).join(', ');
  response.setHeader('Allow', allowed);
  throw new AppServicesError(405, 'InvalidParameter', `the endpoint ${route} does not accept ${method}; it accepts ${allowed}`);
}

/**
 * Reads the body, then serves the chosen endpoint. `webhookUrl` is what
 * `context.request.webhookUrl` says: the endpoint's route, or a webhook's URL path.
 */
function handler(deps: EndpointDependencies) {
  // The raw bytes: VERIFY_PAYLOAD signs them exactly, and the function receives them as a Binary.
  const raw = express.raw({ type: () => true, limit: BODY_LIMIT });
  return (endpoint: ServedEndpoint, webhookUrl: string, request: Request, response: Response, next: NextFunction): void => {
    raw(request, response, (error?: unknown) => {
      if (error) return next(error);
      serve(deps, endpoint, request, response, webhookUrl).catch(next);
    });
  };
}

async function serve(deps: EndpointDependencies, endpoint: ServedEndpoint, request: Request, response: Response, webhookUrl: string): Promise<void> {
  const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
  // App Services strips the secret from what the function sees (spec §4.2).
  const queryString = withoutSecret(request.originalUrl, endpoint.definition.validation.method === 'SECRET_AS_QUERY_PARAM');
  const info = requestInfo(request, { rawQueryString: queryString, webhookUrl });
  const caller = await resolveCaller(request, body, info, endpoint.settings, deps.callers);
  const name = endpoint.definition.functionName;
  try {
    const outcome = await deps.functions.callEndpoint({
      name,
      httpRequest: { query: firstValues(queryString), headers: canonicalHeaders(request.rawHeaders), ...(body.length > 0 ? { body } : {}) },
      user: caller.user,
      runAsSystem: caller.runAsSystem,
      request: caller.request,
    });
    deps.requestLog?.recordFunction(request.requestId, name, outcome.logs);
    writeEndpointResponse(request, response, endpoint.definition, outcome);
  } catch (error) {
    deps.requestLog?.recordFunction(request.requestId, name, (error as { logs?: string[] }).logs ?? []);
    throw fromFunctionError(error);
  }
}

/** The query string without its `?`, and without the `secret` pair when that is how requests are validated. */
function withoutSecret(url: string, strip: boolean): string {
  const at = url.indexOf('?');
  const query = at === -1 ? '' : url.slice(at + 1);
  if (!strip) return query;
  return query
    .split('&')
    .filter((pair) => pair !== '' && parameterName(pair) !== 'secret')
    .join('&');
}

function parameterName(pair: string): string {
  const name = pair.split('=')[0].replace(/\+/g, ' ');
  try {
    return decodeURIComponent(name);
  } catch {
    // A malformed escape is no valid parameter name; it is kept as written.
    return name;
  }
}

/** `request.query`: the first value of each parameter (spec §4.2). */
function firstValues(query: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(query)) if (!Object.hasOwn(values, key)) values[key] = value;
  return values;
}

/**
 * `request.headers`: name → every value. Names are canonicalized as App Services' Go server does
 * (`content-type` → `Content-Type`), which is how the docs' examples read them.
 */
function canonicalHeaders(rawHeaders: string[]): Record<string, string[]> {
  const headers: Record<string, string[]> = {};
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i].toLowerCase().replace(/(^|-)([a-z])/g, (_match, dash: string, letter: string) => dash + letter.toUpperCase());
    (headers[name] ??= []).push(rawHeaders[i + 1]);
  }
  return headers;
}
