/**
 * Atlas Functions: the runtime every caller of an app function goes through (the client API's
 * functions/call, HTTPS endpoints, rules' %function, auth's confirmation/reset/custom-function
 * hooks, the test harness).
 *
 *   const runtime = createFunctionRuntime({ definition, mongoUri, logger });
 *   await runtime.warm();     // optional: start the workers now rather than on the first calls
 *   const { result, resultEJSON, logs } = await runtime.call({ name: 'sum', args: [1, 2], user, origin: 'client' });
 *   const { result, response } = await runtime.callEndpoint({ name, httpRequest, user, runAsSystem, request });
 *   await runtime.stop();
 *
 * Functions run in worker threads (pool.ts), each call in a fresh vm2 sandbox (sandbox.ts) with
 * App Services' globals (globals/) and `require` policy (modules.ts). Failures are FunctionError
 * with App Services' error codes (errors.ts).
 */
export {
  createFunctionRuntime,
  DEFAULT_MEMORY_LIMIT_MB,
  DEFAULT_TIMEOUT_MS,
  type CallOrigin,
  type CanEvaluateContext,
  type EndpointCall,
  type EndpointCallResult,
  type EndpointRequest,
  type FunctionCall,
  type FunctionCallResult,
  type FunctionRuntime,
  type FunctionRuntimeOptions,
  type UserIdScriptCall,
} from './runtime';
export { FunctionError, MAX_CALL_DEPTH, type FunctionErrorCode } from './errors';
export { runAsStep, scriptAnswer, scriptResultStep, userIdentity, type Identity, type RunAsStep } from './run-as';
export { DEFAULT_SERVICE_MODULE, SYSTEM_ONLY_SERVICE_MODULE, type CreateServiceForWorker, type DataSourceService, type ServiceCaller } from './data-sources';
/** The EJSON conventions of arguments and results, for callers that read or write them as text. */
export { decodeValue, encodeValue, type EndpointResponse } from './transport';
export { DependencyArchiveError } from './dependencies';
