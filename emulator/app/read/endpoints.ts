/**
 * http_endpoints/ (or https_endpoints/, the current docs' spelling): config.json holds the custom
 * HTTPS endpoints, data_api_config.json the Data API; sub-folders are deprecated HTTP services
 * whose incoming webhooks become endpoints (see webhooks.ts).
 */
import type { DataApiConfig, EndpointDefinition, RequestValidation } from '../definition';
import { jsonPath } from '../problems';
import { present } from '../schemas/common';
import { dataApiConfigSchema, endpointSchema, endpointsFileSchema } from '../schemas/endpoints';
import type { SecretBook } from '../secrets';
import type { LoadContext } from './context';
import { runAsFrom } from './functions';

/** Which of the two spellings the export uses; realm-cli and real exports write http_endpoints. */
export async function endpointsFolder(context: LoadContext): Promise<string | undefined> {
  const [http, https] = await Promise.all([context.isDirectory('http_endpoints'), context.isDirectory('https_endpoints')]);
  if (http && https) {
    context.problems.warning('IgnoredFile', 'both http_endpoints/ and https_endpoints/ exist; http_endpoints/ is read and https_endpoints/ ignored', { file: 'https_endpoints' });
  }
  return http ? 'http_endpoints' : https ? 'https_endpoints' : undefined;
}

export async function readCustomEndpoints(context: LoadContext, secrets: SecretBook, folder: string): Promise<EndpointDefinition[]> {
  const file = `${folder}/config.json`;
  if (!(await context.isFile(file))) return [];
  const endpoints: EndpointDefinition[] = [];
  const entries = await context.readAndParse(endpointsFileSchema, file);
  for (const [index, entry] of (entries ?? []).entries()) {
    const config = context.parse(endpointSchema, entry, file, [index]);
    if (!config) continue;
    const disabled = config.disabled ?? false;
    endpoints.push({
      route: config.route,
      httpMethod: config.http_method,
      functionName: config.function_name,
      validation: validationFrom(context, secrets, config, { file, at: [index], part: `endpoint ${config.http_method} ${config.route}`, enabled: !disabled }),
      respondResult: config.respond_result ?? false,
      fetchCustomUserData: config.fetch_custom_user_data ?? false,
      createUserOnAuth: config.create_user_on_auth ?? false,
      disabled,
      // The docs name JSON as the default return type.
      returnType: config.return_type ?? 'JSON',
      canEvaluate: config.can_evaluate,
      origin: { kind: 'config', file, index },
    });
  }
  return endpoints;
}

export async function readDataApi(context: LoadContext, secrets: SecretBook, folder: string): Promise<DataApiConfig | undefined> {
  const file = `${folder}/data_api_config.json`;
  if (!(await context.isFile(file))) return undefined;
  const config = await context.readAndParse(dataApiConfigSchema, file);
  if (!config) return undefined;
  // `disabled: true` turns the Data API off (the docs' "If false, … not enabled" is a typo).
  const disabled = config.disabled ?? false;
  const versions = config.versions ?? [];
  if (!disabled && versions.length === 0) {
    context.problems.warning('SchemaViolation', 'the Data API is enabled but no version is listed, so it answers no request; add "versions": ["v1"]', { file, path: '$.versions' });
  }
  if (versions.length === 2 && versions[0] === 'v1') {
    context.problems.warning('SchemaViolation', 'expected the versions in ascending order (["beta", "v1"]), found ["v1", "beta"]', { file, path: '$.versions' });
  }
  return {
    disabled,
    versions,
    returnType: config.return_type ?? 'JSON',
    createUserOnAuth: config.create_user_on_auth ?? false,
    runAs: runAsFrom(context, config, file, []),
    validation: validationFrom(context, secrets, config, { file, at: [], part: 'the Data API', enabled: !disabled }),
    canEvaluate: config.can_evaluate,
    fetchCustomUserData: config.fetch_custom_user_data ?? false,
    logFunctionArguments: config.log_function_arguments ?? false,
    file,
  };
}

interface ValidationSource {
  file: string;
  at: PropertyKey[];
  part: string;
  enabled: boolean;
}

/**
 * SECRET_AS_QUERY_PARAM and VERIFY_PAYLOAD check requests against the secret named by
 * secret_name; NO_VALIDATION (or `""`) ignores it. A named secret is recorded either way.
 */
function validationFrom(
  context: LoadContext,
  secrets: SecretBook,
  config: { validation_method?: string; secret_name?: string },
  source: ValidationSource,
): RequestValidation {
  const method = present(config.validation_method) ?? 'NO_VALIDATION';
  const secretName = present(config.secret_name);
  const usesSecret = method === 'SECRET_AS_QUERY_PARAM' || method === 'VERIFY_PAYLOAD';
  const reference = secretName
    ? secrets.reference(secretName, {
        file: source.file,
        path: jsonPath([...source.at, 'secret_name']),
        part: source.part,
        purpose: usesSecret ? `${method} validation` : 'secret_name, unused with NO_VALIDATION',
        required: usesSecret && source.enabled,
      })
    : undefined;
  if (!usesSecret) return { method: 'NO_VALIDATION' };
  if (!reference && source.enabled) {
    context.problems.error('SchemaViolation', `expected the name of the secret that ${method} checks requests against, found nothing`, {
      file: source.file,
      path: jsonPath([...source.at, 'secret_name']),
    });
  }
  return {
    method: method as 'SECRET_AS_QUERY_PARAM' | 'VERIFY_PAYLOAD',
    secret: { source: 'secret', name: reference?.name ?? '', ...(reference?.value === undefined ? {} : { value: reference.value }) },
  };
}
