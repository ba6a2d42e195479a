/**
 * custom-function (docs: authentication/custom-function): the app's authentication function,
 * named by the provider's `authFunctionName`, receives the login payload and answers who logs in:
 * the identity's id as a string, or `{ id, name }` (the name becomes the user's profile name).
 * A function that throws refuses the login with its error's message.
 *
 * The payload is what the client sent, without what SDKs add to every login body: `options`
 * (`{ device }`) and realm-core's `provider` field naming the provider type.
 */
import type { CustomFunctionProvider } from '../../app';
import { AppServicesError } from '../../http/errors';
import { authErrors } from '../errors';
import type { FunctionCaller, ProviderLogin } from './provider';

export async function customFunctionLogin(provider: CustomFunctionProvider, payload: Record<string, unknown>, callFunction: FunctionCaller | undefined): Promise<ProviderLogin> {
  const functionName = provider.config.authFunctionName;
  if (!callFunction || functionName === undefined) throw authErrors.noFunctionRuntime(functionName);
  const credentials: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(payload)) {
    if (key === 'options' || (key === 'provider' && value === 'custom-function')) continue;
    credentials[key] = value;
  }
  let answer: unknown;
  try {
    answer = await callFunction(functionName, [credentials]);
  } catch (error) {
    throw refusal(error);
  }
  const { id, name } = identityOf(answer, functionName);
  return {
    identity: { id, provider_type: 'custom-function', provider_id: provider.name },
    data: name === undefined ? {} : { name },
    type: 'normal',
  };
}

function identityOf(answer: unknown, functionName: string): { id: string; name?: string } {
  if (typeof answer === 'string' && answer !== '') return { id: answer };
  if (answer !== null && typeof answer === 'object') {
    const { id, name } = answer as { id?: unknown; name?: unknown };
    if (typeof id === 'string' && id !== '') return { id, ...(typeof name === 'string' && name !== '' ? { name } : {}) };
  }
  throw authErrors.badAuthFunctionResult(functionName);
}

/** The function threw: the login is refused with its message. The runtime failing is not a refusal. */
function refusal(error: unknown): AppServicesError {
  if (error instanceof AppServicesError) return error;
  const { code, message } = error as { code?: unknown; message?: unknown };
  const text = typeof message === 'string' ? message : String(error);
  if (code === undefined || code === 'FunctionExecutionError') return authErrors.customFunctionRefused(text);
  // The app names a function it does not have, or the runtime could not run it: the server's fault.
  return new AppServicesError(500, typeof code === 'string' ? code : 'InternalServerError', text);
}
