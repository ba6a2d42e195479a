/**
 * Authentication providers: auth/providers.json (current) or auth_providers/<name>.json (legacy,
 * one provider per file, same shape), and auth/custom_user_data.json.
 */
import {
  SERVED_AUTH_PROVIDER_TYPES,
  type AuthProvider,
  type CustomJwtConfig,
  type CustomUserDataConfig,
  type EmailPasswordConfig,
  type MetadataField,
  type SecretRef,
} from '../definition';
import { jsonPath } from '../problems';
import {
  authProviderSchema,
  authProvidersFileSchema,
  customFunctionConfigSchema,
  customJwtConfigSchema,
  customJwtSecretConfigSchema,
  customUserDataSchema,
  emailPasswordConfigSchema,
  type AuthProviderFile,
} from '../schemas/auth';
import { present } from '../schemas/common';
import type { SecretBook } from '../secrets';
import type { LoadContext } from './context';

export async function readAuthProviders(context: LoadContext, secrets: SecretBook): Promise<Map<string, AuthProvider>> {
  const providers = new Map<string, AuthProvider>();
  const file = 'auth/providers.json';
  if (!(await context.isFile(file))) return providers;
  const entries = await context.readAndParse(authProvidersFileSchema, file);
  for (const [key, value] of Object.entries(entries ?? {})) {
    const parsed = context.parse(authProviderSchema, value, file, [key]);
    if (!parsed) continue;
    if (present(parsed.name) && parsed.name !== key) {
      context.problems.warning('NameMismatch', `the provider is listed as "${key}" but names itself "${parsed.name}"; "${key}" is used`, { file, path: jsonPath([key, 'name']) });
    }
    providers.set(key, buildProvider(context, secrets, key, parsed, file, [key]));
  }
  return providers;
}

/** Legacy layout: auth_providers/<name>.json. */
export async function readLegacyAuthProviders(context: LoadContext, secrets: SecretBook): Promise<Map<string, AuthProvider>> {
  const providers = new Map<string, AuthProvider>();
  for (const entry of await context.list('auth_providers')) {
    if (entry.kind !== 'file' || !entry.name.endsWith('.json')) continue;
    const file = `auth_providers/${entry.name}`;
    const parsed = await context.readAndParse(authProviderSchema, file);
    if (!parsed) continue;
    const name = present(parsed.name) ?? entry.name.slice(0, -'.json'.length);
    if (providers.has(name)) {
      context.problems.error('DuplicateName', `a second auth provider is named "${name}"`, { file, path: '$.name' });
      continue;
    }
    providers.set(name, buildProvider(context, secrets, name, parsed, file, []));
  }
  return providers;
}

function buildProvider(context: LoadContext, secrets: SecretBook, name: string, parsed: AuthProviderFile, file: string, at: PropertyKey[]): AuthProvider {
  const disabled = parsed.disabled ?? false;
  const served = SERVED_AUTH_PROVIDER_TYPES.has(parsed.type);
  const configAt = [...at, 'config'];
  const jwtConfig = parsed.type === 'custom-token' ? customJwt(context, parsed, file, configAt) : undefined;
  // A custom JWT provider reading keys from a JWK URI needs no signing key secrets.
  const secretsRequired = !disabled && served && !jwtConfig?.useJWKURI;

  const secretConfig: Record<string, SecretRef | SecretRef[]> = {};
  for (const [option, names] of Object.entries(parsed.secret_config ?? {})) {
    const reference = (secretName: string, path: PropertyKey[]): SecretRef =>
      secrets.reference(
        secretName,
        { file, path: jsonPath(path), part: `auth provider "${name}"`, purpose: describeOption(parsed.type, option), required: secretsRequired },
        parsed.type === 'custom-token' && jwtConfig?.signingAlgorithm.startsWith('HS') ? checkHmacKey(jwtConfig.signingAlgorithm) : undefined,
      );
    const optionPath = [...at, 'secret_config', option];
    secretConfig[option] = Array.isArray(names)
      ? names.flatMap((secretName, index) => (present(secretName) ? [reference(secretName, [...optionPath, index])] : []))
      : present(names)
        ? reference(names, optionPath)
        : [];
  }

  const common = {
    name,
    disabled,
    served,
    metadataFields: (parsed.metadata_fields ?? []).map(metadataField),
    redirectUris: parsed.redirect_uris ?? [],
    secretConfig,
    file,
  };
  switch (parsed.type) {
    case 'anon-user':
    case 'api-key':
      return { ...common, type: parsed.type };
    case 'local-userpass':
      return { ...common, type: parsed.type, config: emailPassword(context, parsed, file, configAt) };
    case 'custom-token': {
      const config = jwtConfig as CustomJwtConfig;
      const signingKeys = [secretConfig.signingKeys ?? [], secretConfig.signingKey ?? []].flat();
      checkSigningKeySetup(context, config, signingKeys.length, disabled, file, at);
      return { ...common, type: parsed.type, config, signingKeys };
    }
    case 'custom-function': {
      const config = context.parse(customFunctionConfigSchema, parsed.config ?? {}, file, configAt);
      return { ...common, type: parsed.type, config: { authFunctionName: present(config?.authFunctionName) } };
    }
    default:
      return { ...common, type: parsed.type, config: parsed.config ?? {} };
  }
}

function emailPassword(context: LoadContext, parsed: AuthProviderFile, file: string, at: PropertyKey[]): EmailPasswordConfig {
  const config = context.parse(emailPasswordConfigSchema, parsed.config ?? {}, file, at) ?? {};
  return {
    autoConfirm: config.autoConfirm ?? false,
    emailConfirmationUrl: present(config.emailConfirmationUrl),
    confirmEmailSubject: present(config.confirmEmailSubject),
    runConfirmationFunction: config.runConfirmationFunction ?? false,
    confirmationFunctionName: present(config.confirmationFunctionName),
    resetPasswordUrl: present(config.resetPasswordUrl),
    resetPasswordSubject: present(config.resetPasswordSubject),
    runResetFunction: config.runResetFunction ?? false,
    resetFunctionName: present(config.resetFunctionName),
  };
}

function customJwt(context: LoadContext, parsed: AuthProviderFile, file: string, at: PropertyKey[]): CustomJwtConfig {
  const config = context.parse(customJwtConfigSchema, parsed.config ?? {}, file, at) ?? {};
  context.parse(customJwtSecretConfigSchema, parsed.secret_config ?? {}, file, [...at.slice(0, -1), 'secret_config']);
  const audience = config.audience === undefined ? [] : Array.isArray(config.audience) ? config.audience : [config.audience];
  return {
    audience: audience.filter((entry) => entry !== ''),
    requireAnyAudience: config.requireAnyAudience ?? false,
    signingAlgorithm: config.signingAlgorithm ?? 'HS256',
    useJWKURI: config.useJWKURI ?? false,
    jwkURI: present(config.jwkURI),
  };
}

/** docs: authentication/custom-jwt — keys or a JWK URI; a JWK URI only with RS256. */
function checkSigningKeySetup(context: LoadContext, config: CustomJwtConfig, keyCount: number, disabled: boolean, file: string, at: PropertyKey[]): void {
  if (disabled) return;
  if (config.useJWKURI) {
    if (!config.jwkURI) context.problems.error('SchemaViolation', 'expected a JWK URI because useJWKURI is true, found nothing', { file, path: jsonPath([...at, 'config', 'jwkURI']) });
    if (config.signingAlgorithm !== 'RS256') {
      context.problems.error('SchemaViolation', `expected "RS256" because keys come from a JWK URI, found "${config.signingAlgorithm}"`, {
        file,
        path: jsonPath([...at, 'config', 'signingAlgorithm']),
      });
    }
  } else if (keyCount === 0) {
    context.problems.error('SchemaViolation', 'expected at least one secret name (the provider verifies JWTs with these keys), found none', {
      file,
      path: jsonPath([...at, 'secret_config', 'signingKeys']),
    });
  }
}

function checkHmacKey(algorithm: string) {
  return (value: string): string | undefined =>
    value.length < 32 || value.length > 512 ? `is ${value.length} characters long; App Services requires ${algorithm} signing keys of 32 to 512 characters` : undefined;
}

function describeOption(type: string, option: string): string {
  if (type === 'custom-token' && (option === 'signingKeys' || option === 'signingKey')) return 'JWT signing key';
  return `secret_config.${option}`;
}

/** field_name defaults to the last segment of the path, where `\.` is a literal dot. */
function metadataField(field: { name: string; field_name?: string; required?: boolean }): MetadataField {
  const segments = field.name.split(/(?<!\\)\./);
  const last = (segments[segments.length - 1] ?? field.name).replace(/\\\./g, '.');
  return { name: field.name, fieldName: present(field.field_name) ?? last, required: field.required ?? false };
}

export async function readCustomUserData(context: LoadContext): Promise<CustomUserDataConfig | undefined> {
  const file = 'auth/custom_user_data.json';
  if (!(await context.isFile(file))) return undefined;
  const parsed = await context.readAndParse(customUserDataSchema, file);
  if (!parsed) return undefined;
  return {
    enabled: parsed.enabled ?? false,
    dataSourceName: present(parsed.mongo_service_name),
    databaseName: present(parsed.database_name),
    collectionName: present(parsed.collection_name),
    userIdField: present(parsed.user_id_field),
    onUserCreationFunctionName: present(parsed.on_user_creation_function_name),
    file,
  };
}
