/**
 * An AuthService over the test database, for the auth module's tests: the auth-providers fixture
 * (or another app), optionally changed provider by provider, under a fresh app id so every suite
 * has its own internal database, even on a shared MongoDB (TEST_MONGODB_URI).
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import jwt from 'jsonwebtoken';
import pino, { type Logger } from 'pino';
import { type AppDefinition, type AuthProvider, loadApp } from '../../emulator/app';
import { AuthService, type AuthServiceOptions } from '../../emulator/auth';
import { internalDatabaseName } from '../../emulator/mongo/internal';
import { openTestDatabase, type TestDatabase } from '../helpers/database';

export const AUTH_APP = path.resolve(__dirname, '../../fixtures/apps/auth-providers');
export const BLOG_APP = path.resolve(__dirname, '../../fixtures/apps/data-api-blog');
export const JWT_KEY = 'current-signing-key-of-the-auth-providers-app';
export const PREVIOUS_JWT_KEY = 'previous-signing-key-of-the-auth-providers-app';
export const AUTH_SECRETS = { jwtSigningKey: JWT_KEY, jwtPreviousSigningKey: PREVIOUS_JWT_KEY };

export async function loadDefinition(app = AUTH_APP, secrets: Record<string, string> = AUTH_SECRETS, appId?: string): Promise<AppDefinition> {
  const loaded = await loadApp(app, { secrets, appId });
  const errors = loaded.problems.filter((problem) => problem.severity === 'error');
  if (!loaded.app || errors.length > 0) throw new Error(`fixture ${app} does not load: ${JSON.stringify(errors)}`);
  return loaded.app;
}

/** The definition with one provider changed (or added). */
export function withProvider<T extends AuthProvider>(definition: AppDefinition, name: string, change: (provider: T) => T): AppDefinition {
  const providers = new Map(definition.authProviders);
  providers.set(name, change(providers.get(name) as T));
  return { ...definition, authProviders: providers };
}

export interface AuthTestContext {
  auth: AuthService;
  database: TestDatabase;
  definition: AppDefinition;
  /** Another AuthService on the same database and app: a restart, or a second process. */
  another(options?: Partial<AuthServiceOptions>): Promise<AuthService>;
  close(): Promise<void>;
}

export async function startAuth(
  options: { app?: string; secrets?: Record<string, string>; change?: (definition: AppDefinition) => AppDefinition; logger?: Logger } & Partial<AuthServiceOptions> = {},
): Promise<AuthTestContext> {
  const database = await openTestDatabase('auth');
  const appId = `auth-test-${randomBytes(4).toString('hex')}`;
  const loaded = await loadDefinition(options.app ?? AUTH_APP, options.secrets ?? AUTH_SECRETS, appId);
  const definition = options.change ? options.change(loaded) : loaded;
  // Custom user data lives in the test's own database, so suites never see each other's.
  if (definition.customUserData?.enabled) definition.customUserData = { ...definition.customUserData, databaseName: database.db.databaseName };
  const base = { definition, client: database.client, logger: options.logger ?? pino({ level: 'silent' }) };
  const auth = await AuthService.create({ ...base, ...options, definition });
  return {
    auth,
    database,
    definition,
    another: (more = {}) => AuthService.create({ ...base, ...options, definition, adminKey: auth.adminKey, ...more }),
    async close() {
      await database.client.db(internalDatabaseName(appId)).dropDatabase().catch(() => undefined);
      await database.close();
    },
  };
}

/** A JWT for the auth-providers app's custom-token provider; `claims` and `options` override. */
export function customJwt(claims: Record<string, unknown> = {}, key = JWT_KEY, options: jwt.SignOptions = {}): string {
  return jwt.sign(
    { sub: 'employee-7', aud: 'auth-providers-kqzvw', user_data: { department: 'support' }, name: 'Ada', exp: Math.floor(Date.now() / 1000) + 600, ...claims },
    key,
    { algorithm: 'HS256', ...options },
  );
}

/** What a promise rejects with (an AppServicesError for the auth module's refusals). */
export async function refusal(promise: Promise<unknown>): Promise<{ status: number; errorCode: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    return error as { status: number; errorCode: string; message: string };
  }
  throw new Error('expected a refusal, but the promise resolved');
}

/** Decodes a JWT's payload without verifying it. */
export function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8'));
}
