/**
 * Service folders: services/<name>/ (every layout) and http_endpoints/<name>/ (deprecated HTTP
 * services of the current layout). Each has a config.json naming its type:
 * - MongoDB services (legacy layouts) become data sources, their rules/<db>.<coll>.json files
 *   the collections' rules (docs: includes/appschema-mongodb);
 * - HTTP services' incoming webhooks become custom endpoints (webhooks.ts);
 * - other services (twilio, aws, github, gcm, and HTTP services' own actions) are third-party
 *   services the emulator lists as not served.
 */
import type { CollectionDefinition, DataSourceDefinition } from '../definition';
import { jsonPath } from '../problems';
import { DATA_SOURCE_TYPES } from '../schemas/data-sources';
import { serviceConfigSchema, type ServiceConfigFile } from '../schemas/legacy';
import { collectionRulesSchema } from '../schemas/rules';
import type { SecretBook } from '../secrets';
import type { LoadContext } from './context';
import { noteSync, readDefaultRule } from './data-sources';
import { filtersFrom, rolesFrom } from './rules';
import { noteUnconvertedWebhooks, readHttpServiceWebhooks, type WebhookSink } from './webhooks';

export interface ServiceSink extends WebhookSink {
  dataSources: Map<string, DataSourceDefinition>;
  /** Legacy service ids → names: the legacy custom_user_data_config names its service by id. */
  serviceIds: Map<string, string>;
}

export async function readServiceFolders(context: LoadContext, secrets: SecretBook, parent: string, sink: ServiceSink): Promise<void> {
  for (const entry of await context.list(parent)) {
    if (entry.kind !== 'directory') continue;
    const directory = `${parent}/${entry.name}`;
    const file = `${directory}/config.json`;
    if (!(await context.isFile(file))) {
      context.problems.error('UnreadableFile', `${directory}/ has no config.json, so this service is not defined`, { file });
      continue;
    }
    const config = await context.readAndParse(serviceConfigSchema, file);
    if (!config) continue;
    if (config.name !== entry.name) {
      context.problems.warning('NameMismatch', `the service is named "${config.name}" but its folder is "${entry.name}"; "${config.name}" is used`, { file, path: '$.name' });
    }
    if (config.id) sink.serviceIds.set(config.id, config.name);
    recordServiceSecrets(secrets, config, file);
    if ((DATA_SOURCE_TYPES as readonly string[]).includes(config.type)) {
      await readServiceDataSource(context, directory, config, file, sink);
    } else if (config.type === 'http') {
      await readHttpServiceWebhooks(context, directory, config.name, sink);
      sink.notServed.push({
        kind: 'third-party-service',
        name: config.name,
        file,
        detail: `HTTP service: its actions (context.services.get("${config.name}")) are not served; its incoming webhooks are served as endpoints`,
      });
    } else {
      sink.notServed.push({ kind: 'third-party-service', name: config.name, file, detail: `${config.type} service` });
      await noteUnconvertedWebhooks(context, directory, config.name, config.type, sink.notServed);
    }
  }
}

/** Secrets of services are recorded; none is required, the emulator serves none of them. */
function recordServiceSecrets(secrets: SecretBook, config: ServiceConfigFile, file: string): void {
  for (const [option, names] of Object.entries(config.secret_config ?? {})) {
    const list = Array.isArray(names) ? names : [names];
    list.forEach((name, index) => {
      if (name === '') return;
      const path = jsonPath(Array.isArray(names) ? ['secret_config', option, index] : ['secret_config', option]);
      secrets.reference(name, { file, path, part: `${config.type} service "${config.name}"`, purpose: `secret_config.${option}; the service is not served`, required: false });
    });
  }
}

async function readServiceDataSource(context: LoadContext, directory: string, config: ServiceConfigFile, file: string, sink: ServiceSink): Promise<void> {
  if (sink.dataSources.has(config.name)) {
    context.problems.error('DuplicateName', `a second data source is named "${config.name}"`, { file, path: '$.name' });
    return;
  }
  noteSync(config.config ?? {}, config.name, file, sink.notServed);
  const collections = new Map<string, CollectionDefinition>();
  for (const entry of await context.list(`${directory}/rules`)) {
    if (entry.kind !== 'file' || !entry.name.endsWith('.json')) continue;
    const rulesFile = `${directory}/rules/${entry.name}`;
    const rules = await context.readAndParse(collectionRulesSchema, rulesFile);
    if (!rules) continue;
    // The file is named <database>.<collection>.json; database names cannot contain a dot.
    const stem = entry.name.slice(0, -'.json'.length);
    const dot = stem.indexOf('.');
    const database = rules.database ?? (dot > 0 ? stem.slice(0, dot) : stem);
    const collection = rules.collection ?? (dot > 0 ? stem.slice(dot + 1) : '');
    if (collection === '') {
      context.problems.error('SchemaViolation', 'expected the collection name, found nothing (neither the file nor its name <database>.<collection>.json gives it)', {
        file: rulesFile,
        path: '$.collection',
      });
      continue;
    }
    const namespace = `${database}.${collection}`;
    if (collections.has(namespace)) {
      context.problems.error('DuplicateName', `the rules of ${namespace} are defined twice in this service`, { file: rulesFile });
      continue;
    }
    const definition: CollectionDefinition = {
      database,
      collection,
      rules: { roles: rolesFrom(context, rules.roles, rulesFile, ['roles']), filters: filtersFrom(context, rules.filters, rulesFile, ['filters']), file: rulesFile },
      relationships: {},
    };
    if (rules.schema !== undefined && Object.keys(rules.schema).length > 0) definition.schema = rules.schema;
    collections.set(namespace, definition);
  }
  sink.dataSources.set(config.name, {
    name: config.name,
    type: config.type as DataSourceDefinition['type'],
    config: config.config ?? {},
    defaultRule: await readDefaultRule(context, `${directory}/default_rule.json`),
    collections,
    file,
  });
}
