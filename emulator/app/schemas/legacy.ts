/**
 * Deprecated and legacy files: services/<name>/config.json (MongoDB, HTTP and third-party
 * services), incoming webhooks, and secrets.json (docs: reference/config/legacy,
 * v20210101/http_endpoints "[Deprecated] Incoming Webhooks", includes/appschema-services).
 */
import { z } from 'zod';
import { jsonObject, ruleExpression, serviceName } from './common';

export const serviceConfigSchema = z.looseObject({
  id: z.string().optional(),
  name: serviceName,
  type: z.string().min(1),
  config: jsonObject.optional(),
  secret_config: z.record(z.string(), z.union([z.string(), z.array(z.string())])).optional(),
});

export type ServiceConfigFile = z.output<typeof serviceConfigSchema>;

/** Webhooks wrote "ANY" where endpoints write "*". */
export const webhookConfigSchema = z.looseObject({
  name: z.string().min(1).optional(),
  can_evaluate: ruleExpression.optional(),
  disable_arg_logs: z.boolean().optional(),
  run_as_authed_user: z.boolean().optional(),
  run_as_system: z.boolean().optional(),
  run_as_user_id: z.string().optional(),
  run_as_user_id_script_source: z.string().optional(),
  fetch_custom_user_data: z.boolean().optional(),
  create_user_on_auth: z.boolean().optional(),
  respond_result: z.boolean().optional(),
  options: z.looseObject({
    httpMethod: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'ANY', '*']),
    validationMethod: z.enum(['NO_VALIDATION', 'SECRET_AS_QUERY_PARAM', 'VERIFY_PAYLOAD', '']).optional(),
    // The secret's own text, not the name of an app secret.
    secret: z.string().optional(),
  }),
});

export type WebhookConfigFile = z.output<typeof webhookConfigSchema>;

/** secrets.json: `{ auth_providers: {...}, services: {...} }`, values the CLI used to push. */
export const secretsFileSchema = z.looseObject({
  auth_providers: jsonObject.optional(),
  services: jsonObject.optional(),
});
