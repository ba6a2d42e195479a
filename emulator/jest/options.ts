/**
 * The jest integration's options, read from the project's jest config:
 *
 *   testEnvironmentOptions: { appServicesEmulator: { app: './my-app', seed: 'sample_training:small' } }
 *
 * `testEnvironmentOptions` is where jest keeps per-project settings it does not interpret itself,
 * and it reaches globalSetup through `projectConfig`. Relative paths are resolved against the
 * project's rootDir, so a config means the same thing whichever directory jest runs from.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { parseAdminKey } from '../auth';
import type { EmulatorOptions } from '../index';
import { secretsFromEnvironment } from '../cli/secrets';

export const OPTIONS_KEY = 'appServicesEmulator';

const PINO_LEVELS = ['silent', 'fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const;

const jestEmulatorOptionsSchema = z.strictObject({
  app: z.string({ error: 'the exported app directory, e.g. "./app" (relative to the jest rootDir)' }).min(1),
  seed: z.union([z.string(), z.array(z.string())], { error: 'a seed spec or a list of them, e.g. "sample_training:small"' }).optional(),
  secrets: z.record(z.string(), z.string(), { error: 'an object of secret name → string value' }).optional(),
  appId: z.string().min(1).optional(),
  mongodb: z
    .enum(['embedded', 'memory-server'], {
      error: '"embedded" or "memory-server": every worker gets a database of its own, which a shared MongoDB URI cannot give',
    })
    .optional(),
  adminKey: z
    .string()
    .refine((value) => {
      try {
        parseAdminKey(value);
        return true;
      } catch {
        return false;
      }
    }, 'a key pair "<public key>:<private key>"')
    .optional(),
  functionTimeoutMs: z.number().int().positive().optional(),
  functionWorkers: z.number().int().positive().optional(),
  accessTokenLifetimeSeconds: z.number().int().positive().optional(),
  logLevel: z.enum(PINO_LEVELS, { error: `one of ${PINO_LEVELS.join(', ')}` }).optional(),
});

/** What `testEnvironmentOptions.appServicesEmulator` may hold. */
export type JestEmulatorOptions = z.input<typeof jestEmulatorOptionsSchema>;

/** The part of jest's ProjectConfig read here; structural, so any jest version's object fits. */
export interface JestProjectConfig {
  rootDir: string;
  testEnvironmentOptions?: Record<string, unknown>;
}

export class JestEmulatorConfigError extends Error {
  constructor(message: string) {
    super(`app-services-emulator/jest: ${message}`);
    this.name = 'JestEmulatorConfigError';
  }
}

const EXAMPLE = `testEnvironmentOptions: { ${OPTIONS_KEY}: { app: './app', seed: 'sample_training:small' } }`;

/** Names a dataset the emulator generates, or a path; only paths are resolved against rootDir. */
function seedSpec(rootDir: string, spec: string): string {
  const candidate = path.resolve(rootDir, spec);
  return existsSync(candidate) ? candidate : spec;
}

export function readJestOptions(projectConfig: JestProjectConfig): { options: EmulatorOptions; logLevel: string } {
  const raw = projectConfig.testEnvironmentOptions?.[OPTIONS_KEY];
  if (raw === undefined) throw new JestEmulatorConfigError(`no options: add to your jest config\n  ${EXAMPLE}`);
  const parsed = jestEmulatorOptionsSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const where = [OPTIONS_KEY, ...issue.path.map(String)].join('.');
      return `  testEnvironmentOptions.${where}: ${issue.message}`;
    });
    throw new JestEmulatorConfigError(`invalid options in the jest config\n${problems.join('\n')}\n(expected, e.g. ${EXAMPLE})`);
  }
  const given = parsed.data;
  const app = path.resolve(projectConfig.rootDir, given.app);
  if (!existsSync(app)) throw new JestEmulatorConfigError(`the app directory ${app} does not exist (testEnvironmentOptions.${OPTIONS_KEY}.app is relative to the jest rootDir, ${projectConfig.rootDir})`);
  const seeds = given.seed === undefined ? [] : Array.isArray(given.seed) ? given.seed : [given.seed];
  return {
    options: {
      app,
      appId: given.appId,
      mongodb: given.mongodb ?? 'embedded',
      seed: seeds.map((spec) => seedSpec(projectConfig.rootDir, spec)),
      // As on the command line: APP_SECRET_<name> variables, overridden by the config's values.
      secrets: { ...secretsFromEnvironment(), ...given.secrets },
      adminKey: given.adminKey === undefined ? undefined : parseAdminKey(given.adminKey),
      functionTimeoutMs: given.functionTimeoutMs,
      functionWorkers: given.functionWorkers,
      accessTokenLifetimeSeconds: given.accessTokenLifetimeSeconds,
    },
    logLevel: given.logLevel ?? 'silent',
  };
}
