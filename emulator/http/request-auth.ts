/**
 * Who a Data API or custom endpoint request runs as, decided the way App Services decides it
 * (APP_SERVICES.md §3.4, §4.3, §4.4), in this order:
 *
 *  1. request validation: `SECRET_AS_QUERY_PARAM` (`?secret=<value>`) or `VERIFY_PAYLOAD`
 *     (`Endpoint-Signature: sha256=<hex HMAC-SHA256 of the raw body>`; legacy webhooks sent
 *     `X-Hook-Signature`);
 *  2. authentication, by the configured run-as: system (no credentials), a fixed user id, a script
 *     that names the user, or application authentication — `Authorization: Bearer <access token>`,
 *     else the credential headers `apiKey` (or the older `api-key`), `email` + `password`,
 *     `jwtTokenString`, with `create_user_on_auth`;
 *  3. `can_evaluate`, a rule expression over `%%user` and `%%request`.
 *
 * The Data API (http/data-api/) and custom endpoints (http/endpoints.ts) both call `resolveCaller`.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';
import type { AppDefinition, RequestValidation, RuleExpression, RunAs } from '../app/definition';
import type { AuthService } from '../auth';
import { AppUser, SYSTEM_USER } from '../auth/user';
import { compileRule, requestContext, type RuleFunctionHook } from '../rules';
import { bearerToken } from './bearer';
import { AppServicesError } from './errors';
import type { RequestInfo } from './request-info';
import { recordCaller } from './request-log';

export interface CallerSettings {
  runAs: RunAs;
  validation: RequestValidation;
  canEvaluate?: RuleExpression;
  createUserOnAuth: boolean;
  fetchCustomUserData: boolean;
  /** What is being called, for messages: "the Data API", "endpoint GET /hello". */
  what: string;
}

/** A run_as_user_id_script_source's answer: a user id, or system. */
export type ScriptRunAs = string | { runAsSystem: true };

export interface CallerDependencies {
  definition: AppDefinition;
  auth: AuthService;
  /** Runs a `run_as_user_id_script_source` (the functions runtime); absent, such configs are refused. */
  runUserIdScript?: (source: string, request: RequestInfo) => Promise<ScriptRunAs>;
  /** `%function` in `can_evaluate`. */
  ruleFunctions?: RuleFunctionHook;
}

export interface Caller {
  user: AppUser;
  runAsSystem: boolean;
  request: RequestInfo;
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * App Services does not document how a failed validation answers; `IncomingWebhookAuthFailed`
 * (in the SDKs' error code list) with 401 is the emulator's choice.
 */
function validationFailed(message: string): AppServicesError {
  return AppServicesError.unauthorized('IncomingWebhookAuthFailed', message);
}

function validate(request: Request, rawBody: Buffer, validation: RequestValidation, what: string): void {
  if (validation.method === 'NO_VALIDATION') return;
  const secret = validation.secret.value;
  // The loader refuses to serve an app whose validation secret was not given; this is a guard.
  if (secret === undefined) throw new AppServicesError(500, 'InternalServerError', `${what} has no validation secret`);
  if (validation.method === 'SECRET_AS_QUERY_PARAM') {
    const given = new URLSearchParams(request.originalUrl.split('?')[1] ?? '').get('secret');
    if (given === null) throw validationFailed(`${what} requires the secret as the query parameter "secret"`);
    if (!sameSecret(given, secret)) throw validationFailed(`the secret given to ${what} is not valid`);
    return;
  }
  const header = request.get('endpoint-signature') ?? request.get('x-hook-signature');
  if (!header) throw validationFailed(`${what} requires the header "Endpoint-Signature: sha256=<HMAC-SHA256 of the body>"`);
  const expected = `sha256=${createHmac('sha256', secret).update(rawBody).digest('hex')}`;
  if (!sameSecret(header.trim().toLowerCase(), expected)) throw validationFailed(`the Endpoint-Signature given to ${what} does not match its body`);
}

/** Application authentication: a bearer access token, else one of the credential headers. */
async function applicationUser(request: Request, settings: CallerSettings, auth: AuthService): Promise<AppUser> {
  const customData = settings.fetchCustomUserData;
  const token = bearerToken(request);
  if (token) return auth.userFromAccessToken(token, { customData });
  const options = { createUserOnAuth: settings.createUserOnAuth, customData };
  const apiKey = request.get('apikey') ?? request.get('api-key');
  if (apiKey) return auth.authenticateCredentials({ apiKey }, options);
  const email = request.get('email');
  const password = request.get('password');
  if (email !== undefined || password !== undefined) {
    if (email === undefined || password === undefined) {
      throw AppServicesError.badRequest('MissingParameter', 'email and password must be given together, as the headers "email" and "password"');
    }
    return auth.authenticateCredentials({ email, password }, options);
  }
  const jwt = request.get('jwttokenstring');
  if (jwt) return auth.authenticateCredentials({ jwt }, options);
  // The message App Services' Data API answers with (APP_SERVICES.md §3.6).
  throw AppServicesError.badRequest(
    'MissingParameter',
    'must specify some form of authentication (either email+password, api-key, or jwt) in the request header or body',
  );
}

async function authenticate(request: Request, info: RequestInfo, settings: CallerSettings, deps: CallerDependencies): Promise<Caller> {
  const runAs = settings.runAs;
  switch (runAs.kind) {
    case 'system':
      return { user: SYSTEM_USER, runAsSystem: true, request: info };
    case 'user-id':
      return { user: await deps.auth.appUserById(runAs.userId, { customData: settings.fetchCustomUserData }), runAsSystem: false, request: info };
    case 'user-id-script': {
      if (!deps.runUserIdScript) {
        throw new AppServicesError(501, 'FunctionExecutionError', `${settings.what} names its user with a run_as_user_id_script_source, which needs the functions runtime`);
      }
      const answer = await deps.runUserIdScript(runAs.source, info);
      if (typeof answer === 'object') return { user: SYSTEM_USER, runAsSystem: true, request: info };
      return { user: await deps.auth.appUserById(answer, { customData: settings.fetchCustomUserData }), runAsSystem: false, request: info };
    }
    case 'application':
      return { user: await applicationUser(request, settings, deps.auth), runAsSystem: false, request: info };
  }
}

const compiled = new WeakMap<CallerSettings, ReturnType<typeof compileRule>>();

/** can_evaluate is compiled once per settings object (one per endpoint, one for the Data API). */
function compiledCanEvaluate(settings: CallerSettings): ReturnType<typeof compileRule> {
  let check = compiled.get(settings);
  if (!check) {
    check = compileRule(settings.canEvaluate, true, `${settings.what} can_evaluate`);
    compiled.set(settings, check);
  }
  return check;
}

/**
 * Validates and authenticates a request and checks `can_evaluate`. `rawBody` is the body exactly
 * as received (what VERIFY_PAYLOAD signs). Throws AppServicesError in App Services' shape.
 */
export async function resolveCaller(
  request: Request,
  rawBody: Buffer,
  info: RequestInfo,
  settings: CallerSettings,
  deps: CallerDependencies,
): Promise<Caller> {
  validate(request, rawBody, settings.validation, settings.what);
  const caller = await authenticate(request, info, settings, deps);
  recordCaller(request, caller.user, caller.runAsSystem);
  if (settings.canEvaluate !== undefined) {
    const check = compiledCanEvaluate(settings);
    const allowed = await check(requestContext({ definition: deps.definition, user: caller.user, request: info, functions: deps.ruleFunctions }));
    // Unconfirmed in App Services' docs; 401 with the reason named is the emulator's choice.
    if (!allowed) throw AppServicesError.unauthorized('IncomingWebhookAuthFailed', `${settings.what} refused the request: its can_evaluate expression is false`);
  }
  return caller;
}
