import * as path from 'node:path';
import { loadApp, type AppDefinition, type CustomJwtProvider, type LoadResult } from '../../emulator/app';
import { FIXTURES, lines, loadFiles, removeApps, writeApp } from './helpers/temp-app';

afterAll(removeApps);

describe('loading a config.json app (config_version 20200603)', () => {
  let result: LoadResult;
  let app: AppDefinition;

  beforeAll(async () => {
    result = await loadApp(path.join(FIXTURES, 'legacy-config'), { secrets: { legacyJwtKey: 'legacy-signing-key-0123456789abcdef' } });
    app = result.app as AppDefinition;
  });

  it('reports the function without config.json and the secrets.json file, nothing else', () => {
    expect(lines(result)).toEqual([
      'info: functions/noConfig/source.js: function "noConfig" has no functions/noConfig/config.json and gets the default configuration (not private, runs as the calling user) [DefaultFunctionConfig]',
      'info: secrets.json: secrets.json is a realm-cli v1 file (auth_providers: custom-token; services: sms); the emulator does not read secret values from the app directory: give them with --secrets <file.json>, --secret <name>=<value> or APP_SECRET_<name> [LegacySecretsFile]',
    ]);
  });

  it('reads the root file and its security.allowed_request_origins', () => {
    expect(app.meta).toMatchObject({ appId: 'legacy-config-xyzzy', name: 'legacy-config', configVersion: 20200603, layout: 'legacy-20200603', rootFile: 'config.json' });
    expect(app.allowedRequestOrigins).toEqual(['https://app.example.com']);
  });

  it('maps auth_providers/<name>.json, including the older single signingKey and string audience', () => {
    expect([...app.authProviders.keys()]).toEqual(['api-key', 'custom-token', 'local-userpass']);
    const jwt = app.authProviders.get('custom-token') as CustomJwtProvider;
    expect(jwt.file).toBe('auth_providers/custom-token.json');
    expect(jwt.config.audience).toEqual(['legacy-config-xyzzy']);
    expect(jwt.signingKeys).toEqual([{ name: 'legacyJwtKey', value: 'legacy-signing-key-0123456789abcdef' }]);
    expect(jwt.metadataFields).toEqual([{ name: 'email', fieldName: 'email', required: false }]);
  });

  it('maps functions/<name>/{config.json,source.js}', () => {
    expect(app.functions.get('greet')).toMatchObject({
      private: true,
      runAs: { kind: 'system' },
      disableArgLogs: true,
      sourceFile: 'functions/greet/source.js',
      origin: 'config',
    });
    expect(app.functions.get('sum')?.source).toContain('return a + b;');
    expect(app.functions.get('noConfig')).toMatchObject({ private: false, runAs: { kind: 'application' }, origin: 'default-config' });
  });

  it('turns the mongodb-atlas service into a data source whose rules/<db>.<coll>.json files are collections', () => {
    const atlas = app.dataSources.get('mongodb-atlas');
    expect(atlas).toMatchObject({ type: 'mongodb-atlas', file: 'services/mongodb-atlas/config.json', config: { clusterName: 'Cluster0' } });
    expect([...(atlas?.collections.keys() ?? [])]).toEqual(['todo.items', 'todo.profiles']);
    const items = atlas?.collections.get('todo.items');
    expect(items?.rules?.roles.map((role) => role.name)).toEqual(['owner']);
    expect(items?.rules?.filters).toEqual([{ name: 'mine', apply_when: {}, query: { owner: '%%user.id' } }]);
    expect(items?.schema).toMatchObject({ properties: { owner: { bsonType: 'string' } } });
  });

  it('maps custom_user_data_config, finding the data source by its service id', () => {
    expect(app.customUserData).toEqual({
      enabled: true,
      dataSourceName: 'mongodb-atlas',
      databaseName: 'todo',
      collectionName: 'profiles',
      userIdField: 'owner',
      onUserCreationFunctionName: undefined,
      file: 'config.json',
    });
  });

  it('converts the HTTP service’s incoming webhooks into endpoints /<service>/<webhook> and their sources into functions', () => {
    expect(app.endpoints).toEqual([
      {
        route: '/webhooks/addItem',
        httpMethod: 'POST',
        functionName: 'webhooks/addItem',
        validation: { method: 'VERIFY_PAYLOAD', secret: { source: 'inline', value: 'webhookSharedSecret' } },
        respondResult: true,
        fetchCustomUserData: false,
        createUserOnAuth: false,
        disabled: false,
        returnType: 'EJSON',
        origin: { kind: 'webhook', file: 'services/webhooks/incoming_webhooks/addItem/config.json', service: 'webhooks', webhook: 'addItem' },
      },
      expect.objectContaining({ route: '/webhooks/status', httpMethod: '*', functionName: 'webhooks/status', validation: { method: 'NO_VALIDATION' }, fetchCustomUserData: true }),
    ]);
    // A webhook with no user setting ran as System; "Application Authentication" runs as the caller.
    expect(app.functions.get('webhooks/addItem')).toMatchObject({ private: true, runAs: { kind: 'system' }, origin: 'webhook', sourceFile: 'services/webhooks/incoming_webhooks/addItem/source.js' });
    expect(app.functions.get('webhooks/status')).toMatchObject({ runAs: { kind: 'application' }, canEvaluate: { '%%request.requestHeaders.x-status-check': 'yes' } });
  });

  it('lists the third-party services, the twilio webhook and the trigger as not served', () => {
    expect(app.notServed.map((part) => [part.kind, part.name])).toEqual([
      ['third-party-service', 'sms'],
      ['service-webhook', 'sms/inbound'],
      ['third-party-service', 'webhooks'],
      ['trigger', 'nightlyCleanup'],
    ]);
    expect(app.secretsReferenced).toEqual([
      expect.objectContaining({ name: 'legacyJwtKey', given: true }),
      { name: 'twilioAuthToken', given: false, neededBy: [expect.objectContaining({ file: 'services/sms/config.json', path: '$.secret_config.auth_token', required: false })] },
    ]);
  });

  it('expands environment templates in legacy files too', () => {
    expect(app.environment).toEqual({ tag: '', values: { clusterName: 'Cluster0' }, file: 'environments/no-environment.json' });
  });
});

describe('loading a stitch.json app (config_version 20180301)', () => {
  it('maps providers, functions, the MongoDB service’s rules and values', async () => {
    const result = await loadApp(path.join(FIXTURES, 'legacy-stitch'));
    expect(lines(result)).toEqual([]);
    const app = result.app as AppDefinition;
    expect(app.meta).toMatchObject({ appId: 'legacy-stitch-qwert', layout: 'legacy-20180301', rootFile: 'stitch.json', configVersion: 20180301 });
    expect([...app.authProviders.values()].map((p) => [p.name, p.disabled])).toEqual([
      ['anon-user', false],
      ['api-key', true],
    ]);
    expect(app.functions.get('getProducts')).toMatchObject({ canEvaluate: { '%%user.type': 'normal' }, runAs: { kind: 'application' } });
    const products = app.dataSources.get('mongodb-atlas')?.collections.get('shop.products');
    expect(products?.rules?.roles).toEqual([{ name: 'default', apply_when: {}, read: true, write: false, insert: false, delete: false }]);
    // An empty exported schema means "no schema".
    expect(products?.schema).toBeUndefined();
    expect(app.customUserData?.enabled).toBe(false);
    expect(app.values.get('currency')?.value).toBe('EUR');
    expect(app.allowedRequestOrigins).toEqual([]);
  });
});

describe('legacy details', () => {
  const LEGACY_ROOT = { 'config.json': { config_version: 20200603, app_id: 'old-abcde', name: 'old' } };

  it('names the collection from the rules file name when the file does not', async () => {
    const result = await loadApp(
      await writeApp({
        ...LEGACY_ROOT,
        'services/mongodb-atlas/config.json': { name: 'mongodb-atlas', type: 'mongodb' },
        'services/mongodb-atlas/rules/shop.orders.archive.json': { roles: [{ name: 'all', read: true }] },
      }),
    );
    expect(lines(result)).toEqual([]);
    expect(result.app?.dataSources.get('mongodb-atlas')?.collections.get('shop.orders.archive')).toMatchObject({ database: 'shop', collection: 'orders.archive' });
  });

  it('uses the only data source when custom_user_data_config’s service id matches no service, and says so', async () => {
    const result = await loadApp(
      await writeApp({
        'config.json': { ...LEGACY_ROOT['config.json'], custom_user_data_config: { enabled: true, mongo_service_id: 'gone', database_name: 'db', collection_name: 'users', user_id_field: 'uid' } },
        'services/cluster/config.json': { name: 'cluster', type: 'mongodb-atlas' },
      }),
    );
    expect(lines(result)).toEqual([
      'info: config.json $.custom_user_data_config.mongo_service_id: mongo_service_id "gone" matches no service id in services/; the app\'s only data source "cluster" is used [UnknownDataSource]',
    ]);
    expect(result.app?.customUserData?.dataSourceName).toBe('cluster');
  });

  it('refuses a custom_user_data_config whose service id matches none of several data sources', async () => {
    const result = await loadApp(
      await writeApp({
        'config.json': { ...LEGACY_ROOT['config.json'], custom_user_data_config: { enabled: true, mongo_service_id: 'gone', database_name: 'db', collection_name: 'users', user_id_field: 'uid' } },
        'services/one/config.json': { name: 'one', type: 'mongodb-atlas' },
        'services/two/config.json': { name: 'two', type: 'mongodb-atlas' },
      }),
    );
    expect(lines(result)).toEqual([
      'error: config.json $.custom_user_data_config.mongo_service_id: mongo_service_id "gone" matches no service id in services/*/config.json, so the custom user data collection is unknown [UnknownDataSource]',
    ]);
  });

  it('ignores folders of the current layout in a legacy app, and says so', async () => {
    const result = await loadApp(await writeApp({ ...LEGACY_ROOT, 'auth/providers.json': { 'api-key': { name: 'api-key', type: 'api-key' } } }));
    expect(lines(result)).toEqual([
      'warning: auth: auth/ belongs to the current layout (config_version 20210101), but config.json says 20200603; it is not read [IgnoredFile]',
    ]);
    expect(result.app?.authProviders.size).toBe(0);
  });

  it('ignores auth_providers/ in a current-layout app, and says so', async () => {
    const result = await loadFiles({ 'auth_providers/api-key.json': { name: 'api-key', type: 'api-key' } });
    expect(lines(result)).toEqual([
      'warning: auth_providers: auth_providers/ belongs to the legacy layout (config_version 20200603 and older), but realm_config.json says 20210101; it is not read [IgnoredFile]',
    ]);
  });

  it('converts webhooks of deprecated HTTP services under http_endpoints/ in the current layout', async () => {
    const result = await loadFiles({
      'http_endpoints/config.json': [],
      'http_endpoints/hooks/config.json': { name: 'hooks', type: 'http', config: {} },
      'http_endpoints/hooks/incoming_webhooks/ping/config.json': { name: 'ping', run_as_authed_user: true, options: { httpMethod: 'GET', validationMethod: 'SECRET_AS_QUERY_PARAM' } },
      'http_endpoints/hooks/incoming_webhooks/ping/source.js': 'exports = () => "pong";',
    });
    expect(lines(result)).toEqual([
      'error: http_endpoints/hooks/incoming_webhooks/ping/config.json $.options.secret: expected the secret that SECRET_AS_QUERY_PARAM checks requests against, found nothing [SchemaViolation]',
    ]);
    expect(result.app?.endpoints.map((e) => `${e.httpMethod} ${e.route} → ${e.functionName}`)).toEqual(['GET /hooks/ping → hooks/ping']);
  });

  it('keeps a webhook without source.js, marked missing', async () => {
    const result = await loadApp(
      await writeApp({
        ...LEGACY_ROOT,
        'services/hooks/config.json': { name: 'hooks', type: 'http' },
        'services/hooks/incoming_webhooks/ping/config.json': { options: { httpMethod: 'POST' } },
      }),
    );
    expect(lines(result)).toEqual([
      'warning: services/hooks/incoming_webhooks/ping/config.json: webhook "hooks/ping" has no source file services/hooks/incoming_webhooks/ping/source.js; calling it fails with FunctionNotFound [MissingFunctionSource]',
    ]);
    expect(result.app?.functions.get('hooks/ping')?.missing).toBe(true);
  });
});
