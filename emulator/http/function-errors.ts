/**
 * The function runtime's failures as HTTP answers, for the client API's functions/call and for
 * HTTPS endpoints alike. Statuses follow what SDK users quote from the real server ("function not
 * found: 'x' (status 404)", a function that throws: status 400); the rest are this emulator's
 * choices, kept consistent with the auth module's (403 for a caller that may not call):
 *
 *   FunctionNotFound        404  unknown function, or one listed without a source
 *   NotCallable             403  a private function called by a client, or can_evaluate false
 *   FunctionExecutionError  400  the function threw, returned what cannot be returned, hit a limit
 *   InternalServerError     500  the runtime could not run it (stopped, a worker could not start)
 */
import { FunctionError, type FunctionErrorCode } from '../functions';
import { AppServicesError } from './errors';

const STATUS: Record<FunctionErrorCode, number> = {
  FunctionNotFound: 404,
  NotCallable: 403,
  FunctionExecutionError: 400,
  InternalServerError: 500,
};

/** A FunctionError as an AppServicesError; anything else is returned as it is. */
export function fromFunctionError(error: unknown): unknown {
  if (!(error instanceof FunctionError)) return error;
  return new AppServicesError(STATUS[error.code], error.code, error.message);
}
