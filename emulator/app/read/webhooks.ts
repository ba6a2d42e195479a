/**
 * Incoming webhooks of deprecated HTTP services, mapped as App Services' "Convert" did (docs:
 * services/convert-webhooks-to-endpoints): the webhook <svc>/<hook> becomes the custom endpoint
 * `/<svc>/<hook>`, and its source a function. GitHub and Twilio webhooks were never converted
 * (they relied on pre-parsed payloads), so they are listed as not served.
 *
 * Webhook config: http_endpoints/<svc>/incoming_webhooks/<hook>/config.json (v20210101) or
 * services/<svc>/incoming_webhooks/<hook>/config.json (legacy), with source.js beside it.
 */
import type { EndpointDefinition, FunctionDefinition, NotServedPart, RequestValidation, RunAs } from '../definition';
import { present } from '../schemas/common';
import { webhookConfigSchema, type WebhookConfigFile } from '../schemas/legacy';
import type { LoadContext } from './context';

export interface WebhookSink {
  functions: Map<string, FunctionDefinition>;
  endpoints: EndpointDefinition[];
  notServed: NotServedPart[];
}

/**
 * The converted function's name. App Services does not document what it named them; this one
 * reads like the route. Legacy function names cannot contain "/", so it cannot collide there; in
 * the current layout a function functions/<svc>/<hook>.js would, and is reported as a duplicate.
 */
export function webhookFunctionName(service: string, webhook: string): string {
  return `${service}/${webhook}`;
}

export async function readHttpServiceWebhooks(context: LoadContext, serviceDirectory: string, service: string, sink: WebhookSink): Promise<void> {
  for (const entry of await context.list(`${serviceDirectory}/incoming_webhooks`)) {
    if (entry.kind !== 'directory') continue;
    const directory = `${serviceDirectory}/incoming_webhooks/${entry.name}`;
    const file = `${directory}/config.json`;
    if (!(await context.isFile(file))) {
      context.problems.error('UnreadableFile', `${directory}/ has no config.json, so this webhook is not defined`, { file });
      continue;
    }
    const config = await context.readAndParse(webhookConfigSchema, file);
    if (!config) continue;
    const webhook = present(config.name) ?? entry.name;
    const functionName = webhookFunctionName(service, webhook);
    if (sink.functions.has(functionName)) {
      context.problems.error('DuplicateName', `the function "${functionName}" that this webhook becomes already exists`, { file });
      continue;
    }
    const sourceFile = `${directory}/source.js`;
    const source = (await context.isFile(sourceFile)) ? await context.readText(sourceFile) : undefined;
    if (source === undefined) {
      context.problems.warning('MissingFunctionSource', `webhook "${service}/${webhook}" has no source file ${sourceFile}; calling it fails with FunctionNotFound`, { file });
    }
    sink.functions.set(functionName, {
      name: functionName,
      ...(source === undefined ? {} : { source, sourceFile }),
      missing: source === undefined,
      // Webhook functions were never callable by clients.
      private: true,
      canEvaluate: config.can_evaluate,
      runAs: webhookRunAs(config),
      disableArgLogs: config.disable_arg_logs ?? false,
      origin: 'webhook',
    });
    sink.endpoints.push({
      route: `/${service}/${webhook}`,
      httpMethod: config.options.httpMethod === 'ANY' ? '*' : config.options.httpMethod,
      functionName,
      validation: webhookValidation(context, config, file),
      respondResult: config.respond_result ?? false,
      fetchCustomUserData: config.fetch_custom_user_data ?? false,
      createUserOnAuth: config.create_user_on_auth ?? false,
      disabled: false,
      // Webhooks answered in EJSON; that their converted endpoints kept it is an assumption.
      returnType: 'EJSON',
      origin: { kind: 'webhook', file, service, webhook },
    });
  }
}

/** Webhooks that are not HTTP-service webhooks stay unconverted. */
export async function noteUnconvertedWebhooks(context: LoadContext, serviceDirectory: string, service: string, type: string, notServed: NotServedPart[]): Promise<void> {
  for (const entry of await context.list(`${serviceDirectory}/incoming_webhooks`)) {
    if (entry.kind !== 'directory') continue;
    notServed.push({
      kind: 'service-webhook',
      name: `${service}/${entry.name}`,
      file: `${serviceDirectory}/incoming_webhooks/${entry.name}/config.json`,
      detail: `incoming webhook of the ${type} service "${service}"; App Services could not convert ${type} webhooks to endpoints`,
    });
  }
}

/**
 * Webhook authentication (docs: service-webhooks): "Application Authentication" is
 * run_as_authed_user; with no user id and no script a webhook runs as System.
 */
function webhookRunAs(config: WebhookConfigFile): RunAs {
  if (config.run_as_system) return { kind: 'system' };
  if (config.run_as_authed_user) return { kind: 'application' };
  const userId = present(config.run_as_user_id);
  if (userId) return { kind: 'user-id', userId };
  const script = present(config.run_as_user_id_script_source);
  if (script) return { kind: 'user-id-script', source: script };
  return { kind: 'system' };
}

/** A webhook's `options.secret` is the secret's text itself, not the name of an app secret. */
function webhookValidation(context: LoadContext, config: WebhookConfigFile, file: string): RequestValidation {
  const method = present(config.options.validationMethod) ?? 'NO_VALIDATION';
  if (method === 'NO_VALIDATION') return { method: 'NO_VALIDATION' };
  const secret = present(config.options.secret);
  if (secret === undefined) {
    context.problems.error('SchemaViolation', `expected the secret that ${method} checks requests against, found nothing`, { file, path: '$.options.secret' });
  }
  return { method: method as 'SECRET_AS_QUERY_PARAM' | 'VERIFY_PAYLOAD', secret: { source: 'inline', value: secret ?? '' } };
}
