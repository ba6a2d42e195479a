/**
 * The mongodb service over a test database (the embedded engine, or TEST_MONGODB_URI), as a user
 * or as the system user, with the explanations it gives collected.
 */
import type { Document } from 'mongodb';
import type { AppDefinition } from '../../../emulator/app/definition';
import type { AppUser } from '../../../emulator/auth/user';
import { SYSTEM_USER } from '../../../emulator/auth/user';
import { AppServicesError } from '../../../emulator/http/errors';
import { internalDatabaseName } from '../../../emulator/mongo/internal';
import { createMongoService, type MongoService, type RuleFunctionHook, type RulesExplanation } from '../../../emulator/services/mongodb';
import type { TestDatabase } from '../../helpers/database';
import { requestWith, userWith } from '../../rules/helpers/definitions';

export const ME = '64b000000000000000000001';
export const OTHER = '64b000000000000000000002';

export interface ServiceOptions {
  user?: AppUser;
  functions?: RuleFunctionHook;
  explanations?: RulesExplanation[];
}

export function userService(t: TestDatabase, definition: AppDefinition, options: ServiceOptions = {}): MongoService {
  return createMongoService({
    client: t.client,
    definition,
    dataSourceName: 'mongodb-atlas',
    caller: { user: options.user ?? userWith({ id: ME }), runAsSystem: false, request: requestWith() },
    functions: options.functions,
    explain: options.explanations ? (explanation) => options.explanations!.push(explanation) : undefined,
  });
}

export function systemService(t: TestDatabase, definition: AppDefinition): MongoService {
  return createMongoService({
    client: t.client,
    definition,
    dataSourceName: 'mongodb-atlas',
    caller: { user: SYSTEM_USER, runAsSystem: true, request: requestWith() },
  });
}

/** Replaces the collection's content through the driver, around the service. */
export async function seed(t: TestDatabase, collection: string, documents: Document[]): Promise<void> {
  await t.db.collection(collection).deleteMany({});
  if (documents.length > 0) await t.db.collection(collection).insertMany(documents.map((document) => ({ ...document })));
}

/** The collection as stored, read through the driver around the service, in _id order. */
export function stored(t: TestDatabase, collection: string): Promise<Document[]> {
  return t.db.collection(collection).find({}).sort({ _id: 1 }).toArray();
}

/** The AppServicesError a promise rejects with (fails the test when it resolves). */
export async function refusal(promise: Promise<unknown>): Promise<AppServicesError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppServicesError) return error;
    throw error;
  }
  throw new Error('expected the operation to be refused, but it succeeded');
}

/** Drops the scratch collections the service made in the emulator's own database. */
export async function dropInternalDatabase(t: TestDatabase, definition: AppDefinition): Promise<void> {
  await t.client.db(internalDatabaseName(definition.meta.appId)).dropDatabase();
}
