/**
 * Secret values for the app, from the three places a user can give them. Later ones win:
 * environment variables APP_SECRET_<name>, then `--secrets <file.json>`, then `--secret name=value`.
 */
import { readFileSync } from 'node:fs';

const ENVIRONMENT_PREFIX = 'APP_SECRET_';

export class SecretsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecretsError';
  }
}

export function secretsFromEnvironment(environment: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const secrets: Record<string, string> = {};
  for (const [name, value] of Object.entries(environment)) {
    if (name.startsWith(ENVIRONMENT_PREFIX) && name.length > ENVIRONMENT_PREFIX.length && value !== undefined) {
      secrets[name.slice(ENVIRONMENT_PREFIX.length)] = value;
    }
  }
  return secrets;
}

export function secretsFromFile(file: string): Record<string, string> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new SecretsError(`cannot read the secrets file ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new SecretsError(`the secrets file ${file} is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new SecretsError(`the secrets file ${file} must hold one JSON object of secret name → value`);
  }
  const secrets: Record<string, string> = {};
  for (const [name, value] of Object.entries(parsed)) {
    if (typeof value !== 'string') throw new SecretsError(`the secrets file ${file}: the value of "${name}" must be a string`);
    secrets[name] = value;
  }
  return secrets;
}

/** `--secret name=value`, repeatable; the value may itself contain "=". */
export function secretFromArgument(argument: string): [string, string] {
  const separator = argument.indexOf('=');
  if (separator <= 0) throw new SecretsError(`--secret takes name=value, got "${argument}"`);
  return [argument.slice(0, separator), argument.slice(separator + 1)];
}

export function gatherSecrets(options: { secretsFile?: string; secret?: string[] }, environment = process.env): Record<string, string> {
  return {
    ...secretsFromEnvironment(environment),
    ...(options.secretsFile ? secretsFromFile(options.secretsFile) : {}),
    ...Object.fromEntries((options.secret ?? []).map(secretFromArgument)),
  };
}
