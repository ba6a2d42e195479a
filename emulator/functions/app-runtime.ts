/**
 * The function runtime of a served app, and the hooks through which everything else calls it:
 *
 *  - `ruleFunctions`: `%function` in rules evaluated on the main thread (client service calls, the
 *    Data API, request `can_evaluate`); it runs the function as the rule's user;
 *  - `runUserIdScript`: the Data API's and endpoints' `run_as_user_id_script_source`, run as
 *    system with the request as `context.request` (and no arguments: App Services documents none);
 *  - `callFunction`: auth's confirmation, reset, user creation and custom-function login
 *    functions, run as system (they run before anyone is logged in).
 *
 * Functions' own `can_evaluate` is evaluated by the rules engine (compiled once per expression),
 * and `run_as_user_id` users are looked up by the auth service.
 */
import type { AppDefinition, RuleExpression } from '../app/definition';
import type { AuthService, FunctionCaller } from '../auth';
import { SYSTEM_USER, type AppUser } from '../auth/user';
import { AppServicesError } from '../http/errors';
import { fromFunctionError } from '../http/function-errors';
import type { CallerDependencies } from '../http/request-auth';
import { compileRule, requestContext, RuleExpressionError, type RuleCheck, type RuleFunctionHook } from '../rules';
import { FunctionError } from './errors';
import { createFunctionRuntime, type CanEvaluateContext, type FunctionRuntime, type FunctionRuntimeOptions } from './runtime';

export interface AppFunctions {
  runtime: FunctionRuntime;
  ruleFunctions: RuleFunctionHook;
  runUserIdScript: NonNullable<CallerDependencies['runUserIdScript']>;
  callFunction: FunctionCaller;
}

export type AppFunctionsOptions = Omit<FunctionRuntimeOptions, 'evaluateExpression' | 'resolveUser'> & { auth: AuthService };

export function createAppFunctions(options: AppFunctionsOptions): AppFunctions {
  const { auth, ...runtimeOptions } = options;
  const runtime = createFunctionRuntime({
    ...runtimeOptions,
    evaluateExpression: canEvaluateEvaluator(options.definition),
    resolveUser: (userId) => runAsUser(auth, userId),
  });
  return {
    runtime,
    ruleFunctions: async (call) => (await runtime.call({ name: call.name, args: call.arguments, user: call.user, request: call.request })).result,
    runUserIdScript: async (source, request) => {
      try {
        return await runtime.runUserIdScript({ source, user: SYSTEM_USER, request });
      } catch (error) {
        // resolveCaller's callers (the Data API, endpoints) answer AppServicesErrors.
        throw fromFunctionError(error);
      }
    },
    callFunction: async (name, args) => (await runtime.call({ name, args, user: SYSTEM_USER })).result,
  };
}

/** `run_as_user_id`: the user, or undefined for an id no user has (the runtime says so). */
async function runAsUser(auth: AuthService, userId: string): Promise<AppUser | undefined> {
  try {
    return await auth.appUserById(userId);
  } catch (error) {
    if (error instanceof AppServicesError && error.errorCode === 'InvalidSession') return undefined;
    throw error;
  }
}

function canEvaluateEvaluator(definition: AppDefinition): (expression: RuleExpression, context: CanEvaluateContext) => Promise<boolean> {
  const compiled = new WeakMap<object, RuleCheck>();
  return async (expression, context) => {
    let check = typeof expression === 'object' ? compiled.get(expression) : undefined;
    if (!check) {
      try {
        check = compileRule(expression, true, 'can_evaluate');
      } catch (error) {
        if (error instanceof RuleExpressionError) throw new FunctionError('InternalServerError', `the function's ${error.message}`);
        throw error;
      }
      if (typeof expression === 'object') compiled.set(expression, check);
    }
    return check(
      requestContext({
        definition,
        user: context.user,
        request: context.request,
        functions: (call) => context.callFunction(call.name, call.arguments),
      }),
    );
  };
}
