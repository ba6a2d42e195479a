/**
 * App definitions and users built in code, for tests that are about rules rather than app files:
 * each test states only the roles, filters and values it is about.
 */
import type {
  AppDefinition,
  CollectionDefinition,
  DataSourceDefinition,
  Filter,
  FunctionDefinition,
  JsonObject,
  JsonValue,
  Role,
} from '../../../emulator/app/definition';
import type { AppUser } from '../../../emulator/auth/user';
import { NO_REQUEST, type RequestInfo } from '../../../emulator/http/request-info';

export interface RulesSpec {
  /** "<db>.<coll>" → that collection's roles (and filters). */
  collections?: Record<string, { roles: Role[]; filters?: Filter[] }>;
  defaultRule?: { roles: Role[]; filters?: Filter[] };
  values?: Record<string, JsonValue>;
  environment?: { tag: '' | 'development' | 'testing' | 'qa' | 'production'; values: JsonObject };
  functions?: string[];
  dataSourceName?: string;
}

export function definitionWith(spec: RulesSpec): AppDefinition {
  const collections = new Map<string, CollectionDefinition>();
  for (const [namespace, rules] of Object.entries(spec.collections ?? {})) {
    const [database, collection] = namespace.split('.');
    collections.set(namespace, {
      database,
      collection,
      rules: { roles: rules.roles, filters: rules.filters ?? [], file: `data_sources/mongodb-atlas/${database}/${collection}/rules.json` },
      relationships: {},
    });
  }
  const name = spec.dataSourceName ?? 'mongodb-atlas';
  const dataSource: DataSourceDefinition = {
    name,
    type: 'mongodb-atlas',
    config: {},
    defaultRule: spec.defaultRule
      ? { roles: spec.defaultRule.roles, filters: spec.defaultRule.filters ?? [], file: `data_sources/${name}/default_rule.json` }
      : undefined,
    collections,
    file: `data_sources/${name}/config.json`,
  };
  const functions = new Map<string, FunctionDefinition>(
    (spec.functions ?? []).map((fn) => [
      fn,
      { name: fn, source: 'exports = () => true', missing: false, private: false, runAs: { kind: 'application' }, disableArgLogs: false, origin: 'config' },
    ]),
  );
  const definition: Partial<AppDefinition> = {
    meta: {
      appId: 'rules-test-abcde',
      appIdSource: 'option',
      name: 'rules-test',
      configVersion: 20210101,
      layout: 'current',
      rootFile: 'root_config.json',
      directory: '/nonexistent',
    },
    environment: spec.environment ?? { tag: '', values: {} },
    authProviders: new Map(),
    dataSources: new Map([[name, dataSource]]),
    functions,
    functionDependencies: { dependencies: {} },
    endpoints: [],
    values: new Map(Object.entries(spec.values ?? {}).map(([key, value]) => [key, { name: key, value, file: `values/${key}.json` }])),
    allowedRequestOrigins: [],
    notServed: [],
    secretsReferenced: [],
  };
  return definition as AppDefinition;
}

export function userWith(overrides: Partial<AppUser> = {}): AppUser {
  return {
    id: '64b000000000000000000001',
    type: 'normal',
    data: { email: 'ada@example.com' },
    custom_data: {},
    identities: [{ id: 'ada-identity', provider_type: 'local-userpass', provider_id: 'local-userpass' }],
    ...overrides,
  };
}

export function requestWith(overrides: Partial<RequestInfo> = {}): RequestInfo {
  return { ...NO_REQUEST, ...overrides };
}
