/**
 * The Data API's refusals as App Services errors, and MongoDB's errors translated to them. Where
 * App Services' answer is documented it is used (APP_SERVICES.md §3.6, §8); the rest are this
 * emulator's choices, marked so:
 *
 *  - the Data API switched off, never set up, or a version it does not enable: 404
 *    `IncomingWebhookNotFound` (choice: the Data API's actions are App Services' generated HTTPS
 *    endpoints, and the older docs answer an unknown endpoint with 404);
 *  - an action that does not exist: 404 `ServiceCommandNotFound` (choice: the actions are the
 *    mongodb service's commands; 404 as for an unknown endpoint);
 *  - a `dataSource` the app does not have: 400 (older docs: "data source disabled/missing" is a
 *    400), with the service's own message and code `service not found: '<name>'`, ServiceNotFound;
 *  - an aggregate answering more than 50,000 documents: 400 `ReadSizeLimitExceeded` (the limit is
 *    documented, the answer is the emulator's choice);
 *  - MongoDB refusing the operation (duplicate key, unknown operator, bad update): 400
 *    `MongoDBError` with MongoDB's own message (App Services' code for mongodb service failures;
 *    the status is a choice), and 500 `MongoDBError` when the database itself failed (unreachable,
 *    shutting down, not primary).
 */
import { BSONError } from 'bson';
import { MongoError, MongoServerError } from 'mongodb';
import { AppServicesError } from '../errors';

export const MAX_DOCUMENTS = 50_000;

export function dataApiDisabled(): AppServicesError {
  return AppServicesError.notFound('IncomingWebhookNotFound', "the Data API is disabled for this app (http_endpoints/data_api_config.json: \"disabled\": true, or no such file)");
}

export function versionNotEnabled(version: string, enabled: readonly string[]): AppServicesError {
  const list = enabled.length > 0 ? enabled.join(', ') : 'none';
  return AppServicesError.notFound('IncomingWebhookNotFound', `Data API version '${version}' is not enabled for this app (enabled: ${list})`);
}

export function unknownAction(action: string, known: readonly string[]): AppServicesError {
  return AppServicesError.notFound('ServiceCommandNotFound', `unknown Data API action '${action}'; the actions are ${known.join(', ')}`);
}

export function unknownDataSource(name: string): AppServicesError {
  return AppServicesError.badRequest('ServiceNotFound', `service not found: '${name}'`);
}

export function tooManyDocuments(action: string): AppServicesError {
  return AppServicesError.badRequest(
    'ReadSizeLimitExceeded',
    `${action} would return more than ${MAX_DOCUMENTS} documents, the most one Data API request returns; narrow it (a $match or $limit stage)`,
  );
}

/**
 * Error codes that mean the database failed rather than the request: the client can only retry.
 * 1 InternalError, 6 HostUnreachable, 7 HostNotFound, 13 Unauthorized and 18 AuthenticationFailed
 * (the emulator's own connection is not allowed), 50 MaxTimeMSExpired, 89 NetworkTimeout,
 * 91 ShutdownInProgress, 189 PrimarySteppedDown, 262 ExceededTimeLimit, 10107 NotWritablePrimary,
 * 11600 InterruptedAtShutdown, 11602 InterruptedDueToReplStateChange, 13435 NotPrimaryNoSecondaryOk.
 */
const DATABASE_FAILURES = new Set([1, 6, 7, 13, 18, 50, 89, 91, 189, 262, 10107, 11600, 11602, 13435]);

/** What an action threw, as the error the client gets. Anything unrecognised stays a defect (500, logged). */
export function fromOperationError(error: unknown): unknown {
  if (error instanceof AppServicesError) return error;
  if (error instanceof MongoServerError) {
    const failed = typeof error.code === 'number' && DATABASE_FAILURES.has(error.code);
    return new AppServicesError(failed ? 500 : 400, 'MongoDBError', error.message);
  }
  if (error instanceof MongoError) {
    // The driver refusing arguments (an invalid sort, operators in a replacement) is the request's
    // fault; everything else it raises (network, server selection, a closed client) is not.
    const requestFault = error.name === 'MongoInvalidArgumentError' || error.name === 'MongoAPIError' || error.name === 'MongoCompatibilityError';
    return new AppServicesError(requestFault ? 400 : 500, 'MongoDBError', error.message);
  }
  // Serializing the request's values failed (a key with a NUL byte, a document over 16 MB).
  if (BSONError.isBSONError(error)) return AppServicesError.badRequest('InvalidParameter', error.message);
  return error;
}
