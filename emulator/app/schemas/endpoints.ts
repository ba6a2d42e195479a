/**
 * http_endpoints/config.json (custom HTTPS endpoints, an array) and
 * http_endpoints/data_api_config.json (docs: reference/config/https_endpoints, OpenAPI admin v3).
 * `https_endpoints/` is the current docs' spelling of the same folder.
 */
import { z } from 'zod';
import { jsonObject, ruleExpression, secretNameOrEmpty } from './common';

export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', '*'] as const;

/** Exports may write `""` for "no validation" (seen in real data_api_config.json files). */
export const validationMethodSchema = z.enum(['NO_VALIDATION', 'SECRET_AS_QUERY_PARAM', 'VERIFY_PAYLOAD', '']);

export const returnTypeSchema = z.enum(['JSON', 'EJSON']);

export const endpointSchema = z.looseObject({
  route: z.string().startsWith('/', { error: 'a route that starts with "/"' }),
  http_method: z.enum(HTTP_METHODS),
  function_name: z.string().min(1),
  validation_method: validationMethodSchema.optional(),
  secret_name: secretNameOrEmpty.optional(),
  respond_result: z.boolean().optional(),
  fetch_custom_user_data: z.boolean().optional(),
  create_user_on_auth: z.boolean().optional(),
  disabled: z.boolean().optional(),
  return_type: returnTypeSchema.optional(),
  // The docs show can_evaluate here as well as on the endpoint's function: both are accepted.
  can_evaluate: ruleExpression.optional(),
});

export const endpointsFileSchema = z.array(jsonObject);

export const dataApiConfigSchema = z.looseObject({
  disabled: z.boolean().optional(),
  versions: z.array(z.enum(['beta', 'v1'])).optional(),
  return_type: returnTypeSchema.optional(),
  create_user_on_auth: z.boolean().optional(),
  run_as_system: z.boolean().optional(),
  run_as_user_id: z.string().optional(),
  run_as_user_id_script_source: z.string().optional(),
  validation_method: validationMethodSchema.optional(),
  secret_name: secretNameOrEmpty.optional(),
  can_evaluate: ruleExpression.optional(),
  fetch_custom_user_data: z.boolean().optional(),
  log_function_arguments: z.boolean().optional(),
});
