/**
 * describeApp: what `serve` and `validate` show about an app — what is served and how, what is
 * not, and which secrets it needs. Secret values never appear in it.
 */
import type { AppDefinition, ConfigLayout, NotServedPart, RequestValidation, RunAs } from './definition';

export interface AppSummary {
  app: {
    id: string;
    idSource: AppDefinition['meta']['appIdSource'];
    name: string;
    configVersion: number;
    layout: ConfigLayout;
    rootFile: string;
    location?: string;
    deploymentModel?: string;
  };
  environment: { tag: string; file?: string; valueNames: string[] };
  authProviders: Array<{ name: string; type: string; enabled: boolean; served: boolean }>;
  customUserData?: { enabled: boolean; collection?: string; userIdField?: string };
  dataSources: Array<{ name: string; type: string; defaultRoles: string[] }>;
  /** One entry per collection with rules or a schema. */
  ruleNamespaces: Array<{ dataSource: string; namespace: string; roles: string[]; filters: string[]; hasSchema: boolean }>;
  functions: Array<{ name: string; private: boolean; missing: boolean; runAs: string }>;
  endpoints: Array<{ method: string; route: string; functionName: string; enabled: boolean; validation: string; returnType: string }>;
  dataApi?: { enabled: boolean; versions: string[]; returnType: string; validation: string; runAs: string };
  values: Array<{ name: string; secretName?: string; value?: string }>;
  allowedRequestOrigins: string[];
  notServed: NotServedPart[];
  secrets: Array<{ name: string; given: boolean; required: boolean; neededBy: string[] }>;
}

export function describeApp(app: AppDefinition): AppSummary {
  const { meta } = app;
  return {
    app: {
      id: meta.appId,
      idSource: meta.appIdSource,
      name: meta.name,
      configVersion: meta.configVersion,
      layout: meta.layout,
      rootFile: meta.rootFile,
      location: meta.location,
      deploymentModel: meta.deploymentModel,
    },
    environment: { tag: app.environment.tag, file: app.environment.file, valueNames: Object.keys(app.environment.values) },
    authProviders: [...app.authProviders.values()].map((provider) => ({ name: provider.name, type: provider.type, enabled: !provider.disabled, served: provider.served })),
    customUserData: app.customUserData && {
      enabled: app.customUserData.enabled,
      collection: app.customUserData.dataSourceName && `${app.customUserData.dataSourceName}/${app.customUserData.databaseName ?? '?'}.${app.customUserData.collectionName ?? '?'}`,
      userIdField: app.customUserData.userIdField,
    },
    dataSources: [...app.dataSources.values()].map((dataSource) => ({
      name: dataSource.name,
      type: dataSource.type,
      defaultRoles: dataSource.defaultRule?.roles.map((role) => role.name) ?? [],
    })),
    ruleNamespaces: [...app.dataSources.values()].flatMap((dataSource) =>
      [...dataSource.collections.entries()].map(([namespace, collection]) => ({
        dataSource: dataSource.name,
        namespace,
        roles: collection.rules?.roles.map((role) => role.name) ?? [],
        filters: collection.rules?.filters.map((filter) => filter.name) ?? [],
        hasSchema: collection.schema !== undefined,
      })),
    ),
    functions: [...app.functions.values()].map((fn) => ({ name: fn.name, private: fn.private, missing: fn.missing, runAs: describeRunAs(fn.runAs) })),
    endpoints: app.endpoints.map((endpoint) => ({
      method: endpoint.httpMethod,
      route: endpoint.route,
      functionName: endpoint.functionName,
      enabled: !endpoint.disabled,
      validation: describeValidation(endpoint.validation),
      returnType: endpoint.returnType,
    })),
    dataApi: app.dataApi && {
      enabled: !app.dataApi.disabled,
      versions: app.dataApi.versions,
      returnType: app.dataApi.returnType,
      validation: describeValidation(app.dataApi.validation),
      runAs: describeRunAs(app.dataApi.runAs),
    },
    values: [...app.values.values()].map((value) =>
      value.secretName !== undefined ? { name: value.name, secretName: value.secretName } : { name: value.name, value: preview(JSON.stringify(value.value)) },
    ),
    allowedRequestOrigins: app.allowedRequestOrigins,
    notServed: app.notServed,
    secrets: app.secretsReferenced.map((secret) => ({
      name: secret.name,
      given: secret.given,
      required: secret.neededBy.some((use) => use.required),
      neededBy: secret.neededBy.map((use) => `${use.part} (${use.purpose})`),
    })),
  };
}

function describeRunAs(runAs: RunAs): string {
  switch (runAs.kind) {
    case 'application':
      return 'the calling user';
    case 'system':
      return 'system';
    case 'user-id':
      return `user ${runAs.userId}`;
    case 'user-id-script':
      return 'the user a script chooses';
  }
}

function describeValidation(validation: RequestValidation): string {
  if (validation.method === 'NO_VALIDATION') return 'no validation';
  const secret = validation.secret.source === 'secret' ? `secret "${validation.secret.name}"` : 'the webhook secret';
  return `${validation.method === 'VERIFY_PAYLOAD' ? 'payload signature' : 'secret query parameter'} (${secret})`;
}

function preview(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

const NOT_SERVED_LABELS: Record<NotServedPart['kind'], string> = {
  sync: '',
  graphql: '',
  hosting: '',
  trigger: 'trigger ',
  'log-forwarder': 'log forwarder ',
  'third-party-service': 'service ',
  'service-webhook': 'webhook ',
  'auth-provider': 'auth provider ',
};

const LAYOUT_NAMES: Record<ConfigLayout, string> = {
  current: 'current layout',
  'legacy-20200603': 'legacy layout (realm-cli v1)',
  'legacy-20180301': 'legacy layout (Stitch)',
};

/** The summary as lines of text, the way the command line prints it. */
export function formatSummary(summary: AppSummary): string {
  const { app } = summary;
  const none = '(none)';
  const lines: string[] = [];
  const where = [app.deploymentModel, app.location].filter(Boolean).join(' ');
  lines.push(`App ${app.id} ("${app.name}"), config_version ${app.configVersion}, ${LAYOUT_NAMES[app.layout]}, ${app.rootFile}${where ? `, ${where}` : ''}`);
  const environment = summary.environment.tag === '' ? 'none' : summary.environment.tag;
  lines.push(`Environment: ${environment}${summary.environment.valueNames.length ? ` (values: ${summary.environment.valueNames.join(', ')})` : ''}`);
  lines.push(
    `Auth providers: ${list(
      summary.authProviders.map((p) => {
        const notes = [p.name === p.type ? '' : p.type, p.enabled ? '' : 'disabled', p.served ? '' : 'not served'].filter(Boolean);
        return `${p.name}${notes.length ? ` (${notes.join(', ')})` : ''}`;
      }),
    )}`,
  );
  if (summary.customUserData?.enabled) lines.push(`Custom user data: ${summary.customUserData.collection ?? '?'} by ${summary.customUserData.userIdField ?? '?'}`);
  lines.push('Rules:');
  for (const dataSource of summary.dataSources) {
    lines.push(`  ${dataSource.name} (${dataSource.type})${dataSource.defaultRoles.length ? `, default roles: ${dataSource.defaultRoles.join(', ')}` : ''}`);
    for (const namespace of summary.ruleNamespaces.filter((entry) => entry.dataSource === dataSource.name)) {
      const roles = namespace.roles.length ? `roles ${namespace.roles.join(', ')}` : 'default roles';
      lines.push(`    ${namespace.namespace}: ${roles}${namespace.filters.length ? `; filters ${namespace.filters.join(', ')}` : ''}${namespace.hasSchema ? '; schema' : ''}`);
    }
  }
  if (summary.dataSources.length === 0) lines.push(`  ${none}`);
  lines.push(`Functions: ${list(summary.functions.map((fn) => `${fn.name}${fn.private ? ' (private)' : ''}${fn.missing ? ' (missing source)' : ''}`))}`);
  section(
    'Endpoints',
    summary.endpoints.map((endpoint) => `${endpoint.method} ${endpoint.route} → ${endpoint.functionName} (${endpoint.returnType}, ${endpoint.validation})${endpoint.enabled ? '' : ' disabled'}`),
  );
  const dataApi = summary.dataApi;
  lines.push(
    `Data API: ${dataApi ? `${dataApi.enabled ? 'enabled' : 'disabled'}, versions ${dataApi.versions.join(', ') || none}, returns ${dataApi.returnType}, runs as ${dataApi.runAs}, ${dataApi.validation}` : 'not configured'}`,
  );
  lines.push(`Values: ${list(summary.values.map((value) => (value.secretName !== undefined ? `${value.name} (secret ${value.secretName})` : `${value.name} = ${value.value}`)))}`);
  lines.push(`Allowed request origins: ${summary.allowedRequestOrigins.length ? summary.allowedRequestOrigins.join(', ') : 'any'}`);
  section('Not served', summary.notServed.map((part) => `${NOT_SERVED_LABELS[part.kind]}${part.name}${part.detail ? ` (${part.detail})` : ''} — ${part.file}`));
  section(
    'Secrets',
    summary.secrets.map((secret) => `${secret.name}: ${secret.given ? 'given' : secret.required ? 'MISSING' : 'not given'}; ${secret.neededBy.join('; ')}`),
  );
  return lines.join('\n');

  function list(items: string[]): string {
    return items.length ? items.join(', ') : none;
  }

  function section(title: string, items: string[]): void {
    lines.push(`${title}:${items.length ? '' : ` ${none}`}`);
    for (const item of items) lines.push(`  ${item}`);
  }
}
