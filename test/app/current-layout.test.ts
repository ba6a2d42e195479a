import * as path from 'node:path';
import { loadApp, type AppDefinition, type CustomJwtProvider, type EmailPasswordProvider, type LoadResult } from '../../emulator/app';
import { FIXTURES, lines } from './helpers/temp-app';

const SECRETS = {
  jwtKeyCurrent: 'current-signing-key-0123456789abcdef',
  jwtKeyPrevious: 'previous-signing-key-0123456789abcdef',
  endpointSecret: 'endpoint-s3cret',
  thirdPartyApiKeySecret: 'sk_live_123',
};

describe('loading a realm_config.json app (current layout)', () => {
  let result: LoadResult;
  let app: AppDefinition;

  beforeAll(async () => {
    result = await loadApp(path.join(FIXTURES, 'realm-config'), { secrets: SECRETS });
    app = result.app as AppDefinition;
  });

  it('reports only the default configuration of an unlisted function when every secret is given', () => {
    expect(lines(result)).toEqual([
      'info: functions/config.json: function "utils/format" has no entry in functions/config.json and gets the default configuration (not private, runs as the calling user) [DefaultFunctionConfig]',
    ]);
  });

  it('reads the app id, name and deployment from the root file, not the internal id in .mdb', () => {
    expect(app.meta).toMatchObject({
      appId: 'realm-config-abcde',
      appIdSource: 'root-file',
      name: 'realm-config',
      location: 'US-OR',
      deploymentModel: 'LOCAL',
      configVersion: 20210101,
      layout: 'current',
      rootFile: 'realm_config.json',
      projectId: '5f1b7a2c9d3e4f0012345678',
      directory: path.join(FIXTURES, 'realm-config'),
    });
  });

  it('uses the environment the root file names and expands its templates in string fields', () => {
    expect(app.environment).toEqual({
      tag: 'development',
      file: 'environments/development.json',
      values: { clusterName: 'dev-cluster', baseUrl: 'https://dev.example.com', autoConfirm: true, audiences: ['realm-config-abcde', 'dev-clients'] },
    });
    expect(app.dataSources.get('main-cluster')?.config.clusterName).toBe('dev-cluster');
    expect(app.allowedRequestOrigins).toEqual(['http://localhost:3000', 'https://dev.example.com']);
    const userpass = app.authProviders.get('local-userpass') as EmailPasswordProvider;
    // A whole-string template gives the value itself (a boolean here); an embedded one its text.
    expect(userpass.config.autoConfirm).toBe(true);
    expect(userpass.config.resetPasswordUrl).toBe('https://dev.example.com/reset');
  });

  it('reads every auth provider with its type, state and typed options', () => {
    expect([...app.authProviders.values()].map((p) => [p.name, p.type, p.disabled, p.served])).toEqual([
      ['anon-user', 'anon-user', true, true],
      ['api-key', 'api-key', false, true],
      ['local-userpass', 'local-userpass', false, true],
      ['custom-token', 'custom-token', false, true],
      ['custom-function', 'custom-function', false, true],
      ['oauth2-google', 'oauth2-google', true, false],
    ]);
    expect((app.authProviders.get('local-userpass') as EmailPasswordProvider).config).toEqual({
      autoConfirm: true,
      emailConfirmationUrl: undefined,
      confirmEmailSubject: undefined,
      runConfirmationFunction: true,
      confirmationFunctionName: 'auth/confirmUser',
      resetPasswordUrl: 'https://dev.example.com/reset',
      resetPasswordSubject: 'Reset your password',
      runResetFunction: false,
      resetFunctionName: undefined,
    });
    const google = app.authProviders.get('oauth2-google');
    expect(google?.redirectUris).toEqual(['https://dev.example.com/auth/callback']);
    expect(google?.secretConfig).toEqual({ clientSecret: { name: 'googleClientSecret' } });
  });

  it('resolves the custom JWT provider: audiences from a template, signing keys from the given secrets, metadata field names', () => {
    const jwt = app.authProviders.get('custom-token') as CustomJwtProvider;
    expect(jwt.config).toEqual({ audience: ['realm-config-abcde', 'dev-clients'], requireAnyAudience: true, signingAlgorithm: 'HS256', useJWKURI: false, jwkURI: undefined });
    expect(jwt.signingKeys).toEqual([
      { name: 'jwtKeyCurrent', value: SECRETS.jwtKeyCurrent },
      { name: 'jwtKeyPrevious', value: SECRETS.jwtKeyPrevious },
    ]);
    expect(jwt.metadataFields).toEqual([
      { name: 'user_data.name', fieldName: 'name', required: true },
      // field_name defaults to the last path segment; "\." is a literal dot.
      { name: 'org\\.example\\.team', fieldName: 'org.example.team', required: false },
    ]);
  });

  it('reads the custom user data settings', () => {
    expect(app.customUserData).toEqual({
      enabled: true,
      dataSourceName: 'main-cluster',
      databaseName: 'app',
      collectionName: 'users',
      userIdField: 'user_id',
      onUserCreationFunctionName: 'auth/onUserCreated',
      file: 'auth/custom_user_data.json',
    });
  });

  it('reads several data sources with their own names and types', () => {
    expect([...app.dataSources.values()].map((ds) => [ds.name, ds.type, ds.file])).toEqual([
      ['analytics', 'mongodb-datafederation', 'data_sources/analytics/config.json'],
      ['main-cluster', 'mongodb-atlas', 'data_sources/main-cluster/config.json'],
    ]);
    expect(app.dataSources.get('analytics')?.config).toEqual({ dataLakeName: 'AnalyticsLake' });
    expect([...(app.dataSources.get('main-cluster')?.collections.keys() ?? [])]).toEqual(['app.comments', 'app.posts', 'app.users']);
  });

  it('keeps roles and filters in App Services’ own shape, in order, without unknown fields', () => {
    const users = app.dataSources.get('main-cluster')?.collections.get('app.users');
    expect(users?.rules?.file).toBe('data_sources/main-cluster/app/users/rules.json');
    expect(users?.rules?.roles).toEqual([
      {
        name: 'self',
        apply_when: { user_id: '%%user.id' },
        document_filters: { read: true, write: { user_id: '%%user.id' } },
        fields: { email: { read: true, write: false }, profile: { read: true, write: true, fields: { avatar: { read: true, write: true } } } },
        additional_fields: { read: true, write: false },
        insert: false,
        delete: false,
        search: false,
      },
      { name: 'admin', apply_when: { '%%user.custom_data.isAdmin': true }, read: true, write: true },
    ]);
    expect(users?.rules?.filters).toEqual([{ name: 'activeOnly', apply_when: { '%%user.type': 'normal' }, query: { active: true }, projection: { passwordHash: 0 } }]);
  });

  it('reads the default rule, schemas (schema.json or embedded in rules.json) and relationships', () => {
    const mainCluster = app.dataSources.get('main-cluster');
    expect(mainCluster?.defaultRule?.roles.map((role) => role.name)).toEqual(['readOnly']);
    expect(mainCluster?.collections.get('app.users')?.schema).toMatchObject({ title: 'User', required: ['_id', 'user_id'] });
    const posts = mainCluster?.collections.get('app.posts');
    expect(posts?.schema).toEqual({ bsonType: 'object', properties: { title: { bsonType: 'string' }, author_id: { bsonType: 'string' } } });
    expect(posts?.relationships).toEqual({
      author_id: { ref: '#/relationship/main-cluster/app/users', source_key: 'author_id', foreign_key: 'user_id', is_list: false },
    });
    // A collection with only a schema has no rules of its own: the default rule applies.
    const comments = mainCluster?.collections.get('app.comments');
    expect(comments?.rules).toBeUndefined();
    expect(comments?.schema).toEqual({ bsonType: 'object', properties: { text: { bsonType: 'string' } } });
  });

  it('names functions by their path under functions/, where a file and a same-named folder coexist', () => {
    expect([...app.functions.keys()].sort()).toEqual([
      'auth/confirmUser',
      'auth/login',
      'auth/onUserCreated',
      'endpoint/hello',
      'endpoint/hello/latest',
      'hello',
      'reportAsScriptUser',
      'utils/add',
      'utils/canRead',
      'utils/format',
    ]);
    expect(app.functions.get('endpoint/hello')?.sourceFile).toBe('functions/endpoint/hello.js');
    expect(app.functions.get('endpoint/hello/latest')?.sourceFile).toBe('functions/endpoint/hello/latest.js');
    expect(app.functions.get('utils/add')?.source).toContain('return a + b;');
  });

  it('normalizes who each function runs as, and its other settings', () => {
    const summary = (name: string) => {
      const fn = app.functions.get(name);
      return fn && { private: fn.private, runAs: fn.runAs, canEvaluate: fn.canEvaluate, disableArgLogs: fn.disableArgLogs, origin: fn.origin, missing: fn.missing };
    };
    expect(summary('hello')).toEqual({ private: false, runAs: { kind: 'application' }, canEvaluate: {}, disableArgLogs: false, origin: 'config', missing: false });
    expect(summary('utils/canRead')).toMatchObject({ private: true, runAs: { kind: 'system' } });
    expect(summary('endpoint/hello/latest')).toMatchObject({ runAs: { kind: 'user-id', userId: '6130a1b2c3d4e5f607182930' }, canEvaluate: { '%%request.requestHeaders.x-team': 'blue' } });
    expect(summary('reportAsScriptUser')).toMatchObject({
      runAs: { kind: 'user-id-script', source: 'exports = function(payload) { return payload.userId; };' },
      disableArgLogs: true,
    });
    expect(summary('utils/format')).toEqual({ private: false, runAs: { kind: 'application' }, canEvaluate: undefined, disableArgLogs: false, origin: 'default-config', missing: false });
  });

  it('records the functions’ package.json dependencies', () => {
    expect(app.functionDependencies).toEqual({ packageJsonFile: 'functions/package.json', dependencies: { lodash: '^4.17.21' } });
  });

  it('reads custom endpoints from https_endpoints/, with their validation secrets resolved', () => {
    expect(app.endpoints.map((e) => [e.httpMethod, e.route, e.functionName, e.returnType, e.respondResult, e.disabled])).toEqual([
      ['GET', '/hello', 'endpoint/hello', 'JSON', true, false],
      ['POST', '/hello/latest', 'endpoint/hello/latest', 'EJSON', true, false],
      ['GET', '/hello/latest', 'endpoint/hello/latest', 'JSON', false, false],
      ['*', '/add', 'utils/add', 'JSON', true, true],
    ]);
    expect(app.endpoints[0]?.validation).toEqual({ method: 'NO_VALIDATION' });
    expect(app.endpoints[1]?.validation).toEqual({ method: 'SECRET_AS_QUERY_PARAM', secret: { source: 'secret', name: 'endpointSecret', value: 'endpoint-s3cret' } });
    expect(app.endpoints[2]?.validation).toEqual({ method: 'VERIFY_PAYLOAD', secret: { source: 'secret', name: 'endpointSecret', value: 'endpoint-s3cret' } });
    expect(app.endpoints[1]).toMatchObject({ fetchCustomUserData: true, createUserOnAuth: true, origin: { kind: 'config', file: 'https_endpoints/config.json', index: 1 } });
    expect(app.endpoints[3]?.canEvaluate).toEqual({ '%%request.httpMethod': 'POST' });
  });

  it('reads the Data API settings, an empty validation_method meaning none', () => {
    expect(app.dataApi).toEqual({
      disabled: false,
      versions: ['v1'],
      returnType: 'EJSON',
      createUserOnAuth: true,
      runAs: { kind: 'application' },
      validation: { method: 'NO_VALIDATION' },
      canEvaluate: {},
      fetchCustomUserData: true,
      logFunctionArguments: true,
      file: 'https_endpoints/data_api_config.json',
    });
  });

  it('reads plain values and resolves secret-linked ones to the secret’s text', () => {
    expect([...app.values.values()]).toEqual([
      { name: 'greeting', value: 'beautiful world', file: 'values/greeting.json' },
      { name: 'limits', value: { maxItems: 50, tiers: ['free', 'pro'] }, file: 'values/limits.json' },
      { name: 'thirdPartyApiKey', value: 'sk_live_123', secretName: 'thirdPartyApiKeySecret', file: 'values/thirdPartyApiKey.json' },
    ]);
  });

  it('lists what it does not serve: GraphQL, triggers — not Sync when only its dev-mode flag is exported', () => {
    expect(app.notServed).toEqual([
      { kind: 'graphql', name: 'GraphQL API', file: 'graphql/config.json', detail: undefined },
      { kind: 'trigger', name: 'onNewPost', file: 'triggers/onNewPost.json', detail: 'database trigger' },
    ]);
  });

  it('lists every secret the app names, with who needs it and whether it blocks serving', () => {
    expect(app.secretsReferenced.map((secret) => [secret.name, secret.given, secret.neededBy.map((use) => [use.part, use.required])])).toEqual([
      [
        'endpointSecret',
        true,
        [
          ['endpoint POST /hello/latest', true],
          ['endpoint GET /hello/latest', true],
        ],
      ],
      ['googleClientSecret', false, [['auth provider "oauth2-google"', false]]],
      ['jwtKeyCurrent', true, [['auth provider "custom-token"', true]]],
      ['jwtKeyPrevious', true, [['auth provider "custom-token"', true]]],
      ['thirdPartyApiKeySecret', true, [['value "thirdPartyApiKey"', true]]],
    ]);
  });

  it('serves the app under the id the caller chooses', async () => {
    const overridden = await loadApp(path.join(FIXTURES, 'realm-config'), { secrets: SECRETS, appId: 'local-app' });
    expect(overridden.app?.meta).toMatchObject({ appId: 'local-app', appIdSource: 'option' });
  });
});

describe('the lead engineer’s data-api-blog fixture', () => {
  it('loads without any problem once its JWT secret is given', async () => {
    const result = await loadApp(path.join(FIXTURES, 'data-api-blog'), { secrets: { jwtSecret: 'a-signing-key-of-at-least-32-characters' } });
    expect(lines(result)).toEqual([]);
    expect(result.app?.meta.appId).toBe('data-api-blog-rzuzf');
    expect(result.app?.endpoints.map((e) => `${e.httpMethod} ${e.route}`)).toEqual(['GET /sumTopAirports']);
  });
});
