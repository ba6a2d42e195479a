/**
 * The fixture app of the function runtime's tests and a runtime over it. Each test file starts
 * its own runtime (workers load the TypeScript sources through ts-node, about a second each on a
 * slow machine), so timing-sensitive suites keep their own limits.
 */
import * as path from 'node:path';
import { loadApp, type AppDefinition } from '../../emulator/app';
import type { AppUser } from '../../emulator/auth/user';
import { createFunctionRuntime, type FunctionRuntime, type FunctionRuntimeOptions } from '../../emulator/functions';

export const FIXTURE_APP = path.join(__dirname, '..', '..', 'fixtures', 'apps', 'functions-runtime');
export const SECRETS = { apiKeySecret: 's3cr3t-key' };

export async function loadFixture(directory = FIXTURE_APP): Promise<AppDefinition> {
  const loaded = await loadApp(directory, { secrets: SECRETS });
  const errors = loaded.problems.filter((problem) => problem.severity === 'error');
  if (!loaded.app || errors.length > 0) throw new Error(`the fixture app does not load: ${JSON.stringify(errors)}`);
  return loaded.app;
}

export async function startRuntime(options: Partial<FunctionRuntimeOptions> = {}): Promise<{ runtime: FunctionRuntime; definition: AppDefinition }> {
  const definition = options.definition ?? (await loadFixture());
  return { runtime: createFunctionRuntime({ workers: 1, ...options, definition }), definition };
}

export function user(overrides: Partial<AppUser> = {}): AppUser {
  return {
    id: '64b000000000000000000001',
    type: 'normal',
    data: { email: 'ada@example.com' },
    custom_data: {},
    identities: [{ id: 'ada', provider_type: 'local-userpass', provider_id: 'local-userpass' }],
    ...overrides,
  };
}

/** The error a promise rejects with (failing the test when it resolves). */
export async function rejection<T extends Error>(promise: Promise<unknown>): Promise<T> {
  try {
    await promise;
  } catch (error) {
    return error as T;
  }
  throw new Error('expected the call to fail, and it succeeded');
}
