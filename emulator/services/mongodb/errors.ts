/**
 * What the mongodb service refuses, as App Services errors (status, error_code, message). Where App
 * Services' own message is known it is used (`service not found: '<name>'`, `insert not permitted`);
 * the rest are this emulator's choices, documented here:
 *
 *  - a write a rule denies: 403, `MongoDBError` (the code App Services gives mongodb service
 *    failures; the denial's own code is not documented), message `<kind> not permitted`;
 *  - what App Services does not allow in user context: 400, `InvalidParameter`;
 *  - what the emulator cannot do under rules: 400, `InvalidParameter`, saying so;
 *  - the emulator's own database: 403, `InvalidParameter`.
 *
 * Errors of MongoDB itself (duplicate keys, bad update operators) pass through as the driver's
 * MongoServerError, as they would from the real service's driver.
 */
import { AppServicesError } from '../../http/errors';

export function serviceNotFound(name: string): AppServicesError {
  return AppServicesError.notFound('ServiceNotFound', `service not found: '${name}'`);
}

export function reservedDatabase(name: string): AppServicesError {
  return AppServicesError.forbidden(
    'InvalidParameter',
    `database '${name}' holds the emulator's own data (users, keys, sessions) and cannot be used by the app`,
  );
}

export type WriteKind = 'insert' | 'update' | 'delete';

/**
 * `insert not permitted` is App Services' message for an insert (or upserting update) it denies;
 * updates and deletes follow the same pattern. Which rule denied it is told by the explanation,
 * not the client, as App Services does.
 */
export function writeNotPermitted(kind: WriteKind): AppServicesError {
  return AppServicesError.forbidden('MongoDBError', `${kind} not permitted`);
}

export function notAllowedInUserContext(what: string): AppServicesError {
  return AppServicesError.badRequest(
    'InvalidParameter',
    `${what} is not allowed in user context; App Services allows it only in system functions`,
  );
}

export function notAllowed(what: string): AppServicesError {
  return AppServicesError.badRequest('InvalidParameter', `${what} is not allowed`);
}

export function notSupportedUnderRules(what: string): AppServicesError {
  return AppServicesError.badRequest('InvalidParameter', `the emulator cannot apply rules to ${what}`);
}

export function concurrentModification(id: unknown): AppServicesError {
  return new AppServicesError(
    409,
    'MongoDBError',
    `the document with _id ${JSON.stringify(id)} kept changing while the write was checked against the rules; retry the operation`,
  );
}
