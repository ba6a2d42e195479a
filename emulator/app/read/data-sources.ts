/**
 * data_sources/<name>/ (current layout, docs: reference/config/data_sources): config.json,
 * default_rule.json, and <database>/<collection>/{rules,schema,relationships}.json for any number
 * of data sources with any names.
 */
import type { CollectionDefinition, DataSourceDefinition, NotServedPart } from '../definition';
import { isPlainObject } from '../schemas/common';
import { dataSourceConfigSchema } from '../schemas/data-sources';
import { collectionRulesSchema, collectionSchemaSchema, defaultRuleSchema, relationshipsSchema } from '../schemas/rules';
import type { LoadContext } from './context';
import { filtersFrom, relationshipsFrom, rolesFrom } from './rules';

export async function readDataSources(context: LoadContext, notServed: NotServedPart[]): Promise<Map<string, DataSourceDefinition>> {
  const dataSources = new Map<string, DataSourceDefinition>();
  for (const entry of await context.list('data_sources')) {
    if (entry.kind !== 'directory') continue;
    const directory = `data_sources/${entry.name}`;
    const file = `${directory}/config.json`;
    if (!(await context.isFile(file))) {
      context.problems.error('UnreadableFile', `${directory}/ has no config.json, so this data source is not defined`, { file });
      continue;
    }
    const config = await context.readAndParse(dataSourceConfigSchema, file);
    if (!config) continue;
    if (config.name !== entry.name) {
      context.problems.warning('NameMismatch', `the data source is named "${config.name}" but its folder is "${entry.name}"; "${config.name}" is used`, { file, path: '$.name' });
    }
    if (dataSources.has(config.name)) {
      context.problems.error('DuplicateName', `a second data source is named "${config.name}"`, { file, path: '$.name' });
      continue;
    }
    noteSync(config.config ?? {}, config.name, file, notServed);
    dataSources.set(config.name, {
      name: config.name,
      type: config.type,
      config: config.config ?? {},
      defaultRule: await readDefaultRule(context, `${directory}/default_rule.json`),
      collections: await readCollections(context, directory),
      file,
    });
  }
  return dataSources;
}

export async function readDefaultRule(context: LoadContext, file: string): Promise<DataSourceDefinition['defaultRule']> {
  if (!(await context.isFile(file))) return undefined;
  const parsed = await context.readAndParse(defaultRuleSchema, file);
  if (!parsed) return undefined;
  return { roles: rolesFrom(context, parsed.roles, file, ['roles']), filters: filtersFrom(context, parsed.filters, file, ['filters']), file };
}

async function readCollections(context: LoadContext, directory: string): Promise<Map<string, CollectionDefinition>> {
  const collections = new Map<string, CollectionDefinition>();
  for (const database of await context.list(directory)) {
    if (database.kind !== 'directory') continue;
    for (const collection of await context.list(`${directory}/${database.name}`)) {
      if (collection.kind !== 'directory') continue;
      const definition = await readCollection(context, `${directory}/${database.name}/${collection.name}`, database.name, collection.name);
      if (!definition) continue;
      const namespace = `${definition.database}.${definition.collection}`;
      if (collections.has(namespace)) {
        context.problems.error('DuplicateName', `the rules of ${namespace} are defined twice in this data source`, { file: definition.rules?.file });
        continue;
      }
      collections.set(namespace, definition);
    }
  }
  return collections;
}

/** realm-cli requires rules.json, or schema.json and relationships.json, in a collection folder. */
async function readCollection(context: LoadContext, directory: string, database: string, collection: string): Promise<CollectionDefinition | undefined> {
  const rulesFile = `${directory}/rules.json`;
  const schemaFile = `${directory}/schema.json`;
  const relationshipsFile = `${directory}/relationships.json`;
  const [hasRules, hasSchema, hasRelationships] = await Promise.all([context.isFile(rulesFile), context.isFile(schemaFile), context.isFile(relationshipsFile)]);
  if (!hasRules && !hasSchema && !hasRelationships) {
    context.problems.warning('IgnoredFile', `${directory}/ has no rules.json, schema.json or relationships.json; it defines nothing`, { file: directory });
    return undefined;
  }
  const definition: CollectionDefinition = { database, collection, relationships: {} };
  if (hasRules) {
    const rules = await context.readAndParse(collectionRulesSchema, rulesFile);
    if (rules) {
      for (const [field, fromFolder] of [['database', database], ['collection', collection]] as const) {
        const declared = rules[field];
        if (declared !== undefined && declared !== fromFolder) {
          context.problems.warning('NameMismatch', `rules.json names the ${field} "${declared}" but sits in the folder "${fromFolder}"; "${declared}" is used`, {
            file: rulesFile,
            path: `$.${field}`,
          });
          definition[field] = declared;
        }
      }
      definition.rules = { roles: rolesFrom(context, rules.roles, rulesFile, ['roles']), filters: filtersFrom(context, rules.filters, rulesFile, ['filters']), file: rulesFile };
      // ≈2021 exports kept the schema inside rules.json; schema.json wins when both exist.
      if (rules.schema !== undefined && Object.keys(rules.schema).length > 0) definition.schema = rules.schema;
    }
  }
  if (hasSchema) {
    const schema = await context.readAndParse(collectionSchemaSchema, schemaFile);
    // Exports write `{}` for "no schema".
    if (schema && Object.keys(schema).length > 0) definition.schema = schema;
  }
  if (hasRelationships) definition.relationships = relationshipsFrom(await context.readAndParse(relationshipsSchema, relationshipsFile));
  return definition;
}

/** Device Sync settings inside a data source's config (partition `sync` or `flexible_sync`). */
export function noteSync(config: Record<string, unknown>, dataSource: string, file: string, notServed: NotServedPart[]): void {
  for (const key of ['sync', 'flexible_sync']) {
    const sync = config[key];
    if (isPlainObject(sync) && sync.state !== undefined && sync.state !== '' && sync.state !== false && sync.state !== 'disabled') {
      notServed.push({ kind: 'sync', name: dataSource, file, detail: `Device Sync (${key}) on data source "${dataSource}"` });
    }
  }
}
