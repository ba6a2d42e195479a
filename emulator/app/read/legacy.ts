/**
 * What only the legacy layouts (config_version 20180301 and 20200603) have beyond their folders:
 * the root file's custom_user_data_config and secrets.json. Also the warning for folders of the
 * other layout, which App Services would not read either.
 */
import type { ConfigLayout, CustomUserDataConfig, DataSourceDefinition, RootFileName } from '../definition';
import { isPlainObject, present } from '../schemas/common';
import type { RootFile } from '../schemas/root';
import type { LoadContext } from './context';

/**
 * custom_user_data_config names its data source by service id (mongo_service_id) or, in later
 * exports, by name; ids are those of services/<name>/config.json.
 */
export function customUserDataFromLegacyRoot(
  context: LoadContext,
  root: Partial<RootFile>,
  rootFile: RootFileName,
  serviceIds: ReadonlyMap<string, string>,
  dataSources: ReadonlyMap<string, DataSourceDefinition>,
): CustomUserDataConfig | undefined {
  const config = root.custom_user_data_config;
  if (!config) return undefined;
  let dataSourceName = present(config.mongo_service_name);
  const serviceId = present(config.mongo_service_id);
  if (dataSourceName === undefined && serviceId !== undefined) {
    dataSourceName = serviceIds.get(serviceId);
    if (dataSourceName === undefined && dataSources.size === 1) {
      dataSourceName = [...dataSources.keys()][0] as string;
      context.problems.info('UnknownDataSource', `mongo_service_id "${serviceId}" matches no service id in services/; the app's only data source "${dataSourceName}" is used`, {
        file: rootFile,
        path: '$.custom_user_data_config.mongo_service_id',
      });
    } else if (dataSourceName === undefined && config.enabled) {
      context.problems.error('UnknownDataSource', `mongo_service_id "${serviceId}" matches no service id in services/*/config.json, so the custom user data collection is unknown`, {
        file: rootFile,
        path: '$.custom_user_data_config.mongo_service_id',
      });
    }
  }
  return {
    enabled: config.enabled ?? false,
    dataSourceName,
    databaseName: present(config.database_name),
    collectionName: present(config.collection_name),
    userIdField: present(config.user_id_field),
    onUserCreationFunctionName: present(config.on_user_creation_function_name),
    file: rootFile,
  };
}

/**
 * secrets.json held secret values for realm-cli v1 to push. Secrets are not normally exported,
 * and the emulator takes them only from its caller, so the file is reported, not used.
 */
export async function noteLegacySecretsFile(context: LoadContext): Promise<void> {
  const file = 'secrets.json';
  if (!(await context.isFile(file))) return;
  const value = await context.readJson(file, { templates: false, invalidJsonSeverity: 'warning' });
  if (value === undefined) return;
  const parts = isPlainObject(value)
    ? Object.entries(value)
        .filter(([, group]) => isPlainObject(group) && Object.keys(group).length > 0)
        .map(([group, entries]) => `${group}: ${Object.keys(entries as object).join(', ')}`)
    : [];
  context.problems.info(
    'LegacySecretsFile',
    `secrets.json is a realm-cli v1 file${parts.length ? ` (${parts.join('; ')})` : ''}; the emulator does not read secret values from the app directory: give them with --secrets <file.json>, --secret <name>=<value> or APP_SECRET_<name>`,
    { file },
  );
}

const CURRENT_ONLY = ['auth', 'data_sources', 'http_endpoints', 'https_endpoints'];
const LEGACY_ONLY = ['auth_providers'];

/** Folders of the other layout are ignored, as App Services would ignore them; say so. */
export async function noteFoldersOfOtherLayout(context: LoadContext, layout: ConfigLayout, rootFile: RootFileName, configVersion: number): Promise<void> {
  const foreign = layout === 'current' ? LEGACY_ONLY : CURRENT_ONLY;
  for (const folder of foreign) {
    if (!(await context.isDirectory(folder))) continue;
    context.problems.warning(
      'IgnoredFile',
      `${folder}/ belongs to the ${layout === 'current' ? 'legacy layout (config_version 20200603 and older)' : 'current layout (config_version 20210101)'}, but ${rootFile} says ${configVersion}; it is not read`,
      { file: folder },
    );
  }
}
