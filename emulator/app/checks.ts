/**
 * Checks across parts, once everything is read: names one part gives another (an endpoint's
 * function, the custom user data's data source, a provider's confirmation function) must exist,
 * and two enabled endpoints must not answer the same route and method. Missing references of
 * served, enabled parts are errors; those of parts that are disabled or not served are warnings.
 */
import type { AppDefinition, EndpointDefinition, JsonValue } from './definition';
import { jsonPath, type ProblemLog } from './problems';
import { isPlainObject } from './schemas/common';

type Parts = Pick<AppDefinition, 'authProviders' | 'customUserData' | 'dataSources' | 'functions' | 'endpoints' | 'allowedRequestOrigins'> & {
  rootFile: string;
  /** JSON path of allowed_request_origins in the root file (legacy files nest it under security). */
  originsPath: string;
};

export function checkReferences(app: Parts, problems: ProblemLog): void {
  checkEndpoints(app, problems);
  checkCustomUserData(app, problems);
  checkProviderFunctions(app, problems);
  checkRuleFunctions(app, problems);
  checkOrigins(app, problems);
}

function endpointWhere(endpoint: EndpointDefinition): { file: string; path?: string } {
  return endpoint.origin.kind === 'config' ? { file: endpoint.origin.file, path: jsonPath([endpoint.origin.index]) } : { file: endpoint.origin.file };
}

function checkEndpoints(app: Parts, problems: ProblemLog): void {
  const taken = new Map<string, EndpointDefinition>();
  for (const endpoint of app.endpoints) {
    const where = endpointWhere(endpoint);
    if (!app.functions.has(endpoint.functionName)) {
      const message = `endpoint ${endpoint.httpMethod} ${endpoint.route} calls function "${endpoint.functionName}", which does not exist`;
      if (endpoint.disabled) problems.warning('UnknownFunction', message, { ...where, path: childOf(where.path, 'function_name') });
      else problems.error('UnknownFunction', message, { ...where, path: childOf(where.path, 'function_name') });
    }
    if (endpoint.disabled) continue;
    // One endpoint may answer every method (`*`), or several may share a route with different methods.
    for (const method of endpoint.httpMethod === '*' ? ['*', 'GET', 'POST', 'PUT', 'PATCH', 'DELETE'] : [endpoint.httpMethod, '*']) {
      const other = taken.get(`${method} ${endpoint.route}`);
      if (other) {
        problems.error('ConflictingEndpoints', `endpoint ${endpoint.httpMethod} ${endpoint.route} overlaps endpoint ${other.httpMethod} ${other.route} (${endpointWhere(other).file}); a request could go to either`, where);
        break;
      }
    }
    taken.set(`${endpoint.httpMethod} ${endpoint.route}`, endpoint);
  }
}

function childOf(path: string | undefined, key: string): string | undefined {
  return path === undefined ? undefined : `${path}.${key}`;
}

function checkCustomUserData(app: Parts, problems: ProblemLog): void {
  const config = app.customUserData;
  if (!config?.enabled) return;
  const legacy = config.file === app.rootFile;
  const where = (field: string) => ({ file: config.file, path: legacy ? `$.custom_user_data_config.${field}` : `$.${field}` });
  // The legacy mapping reports an unresolvable mongo_service_id itself.
  if (config.dataSourceName === undefined && !legacy) {
    problems.error('SchemaViolation', 'expected a name because custom user data is enabled, found nothing', where('mongo_service_name'));
  }
  for (const [field, value] of [
    ['database_name', config.databaseName],
    ['collection_name', config.collectionName],
    ['user_id_field', config.userIdField],
  ] as const) {
    if (value === undefined) problems.error('SchemaViolation', 'expected a name because custom user data is enabled, found nothing', where(field));
  }
  if (config.dataSourceName !== undefined && !app.dataSources.has(config.dataSourceName)) {
    problems.error('UnknownDataSource', `custom user data is read from data source "${config.dataSourceName}", which does not exist${known(app.dataSources.keys())}`, where('mongo_service_name'));
  }
  if (config.onUserCreationFunctionName !== undefined && !app.functions.has(config.onUserCreationFunctionName)) {
    problems.error('UnknownFunction', `the user creation function "${config.onUserCreationFunctionName}" does not exist`, where('on_user_creation_function_name'));
  }
}

function known(names: Iterable<string>): string {
  const list = [...names];
  return list.length === 0 ? ' (the app has no data source)' : ` (the app has ${list.map((name) => `"${name}"`).join(', ')})`;
}

function checkProviderFunctions(app: Parts, problems: ProblemLog): void {
  for (const provider of app.authProviders.values()) {
    const references: Array<[string, string | undefined]> = [];
    if (provider.type === 'local-userpass') {
      if (provider.config.runConfirmationFunction) references.push(['confirmationFunctionName', provider.config.confirmationFunctionName]);
      if (provider.config.runResetFunction) references.push(['resetFunctionName', provider.config.resetFunctionName]);
    }
    if (provider.type === 'custom-function') references.push(['authFunctionName', provider.config.authFunctionName]);
    const blocking = !provider.disabled && provider.served;
    for (const [option, functionName] of references) {
      if (functionName !== undefined && app.functions.has(functionName)) continue;
      const message = functionName === undefined ? `expected a function name for ${option}, found nothing` : `auth provider "${provider.name}" calls function "${functionName}", which does not exist`;
      const where = { file: provider.file, path: jsonPath(provider.file === 'auth/providers.json' ? [provider.name, 'config', option] : ['config', option]) };
      if (blocking) problems.error('UnknownFunction', message, where);
      else problems.warning('UnknownFunction', message, where);
    }
  }
}

/**
 * `%function` in a rule calls a function by name; a missing one makes the expression false
 * (docs: rules/expressions), which is legal but almost always a mistake.
 */
function checkRuleFunctions(app: Parts, problems: ProblemLog): void {
  for (const dataSource of app.dataSources.values()) {
    const documents = [dataSource.defaultRule, ...[...dataSource.collections.values()].map((collection) => collection.rules)];
    for (const rules of documents) {
      if (!rules) continue;
      for (const name of functionNamesIn([...rules.roles, ...rules.filters] as unknown as JsonValue)) {
        if (!app.functions.has(name)) {
          problems.warning('UnknownFunction', `a rule calls function "${name}" (%function), which does not exist; the expression will be false`, { file: rules.file });
        }
      }
    }
  }
}

function functionNamesIn(value: JsonValue): Set<string> {
  const names = new Set<string>();
  const visit = (node: JsonValue): void => {
    if (Array.isArray(node)) node.forEach(visit);
    else if (isPlainObject(node)) {
      const call = node['%function'];
      if (isPlainObject(call) && typeof call.name === 'string') names.add(call.name);
      Object.values(node).forEach(visit);
    }
  };
  visit(value);
  return names;
}

/** `<scheme>://<host>[:port]` (docs: security/network); anything else never matches an Origin header. */
function checkOrigins(app: Parts, problems: ProblemLog): void {
  app.allowedRequestOrigins.forEach((origin, index) => {
    if (!/^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/\s?#]+$/.test(origin)) {
      problems.warning('SchemaViolation', `expected an origin such as "https://example.com:8080" (scheme://host[:port], no path), found "${origin}"; it will never match a request`, {
        file: app.rootFile,
        path: `${app.originsPath}[${index}]`,
      });
    }
  });
}
