import * as path from 'node:path';
import { formatProblem, loadApp } from '../../emulator/app';
import { FIXTURES, lines, loadFiles, removeApps, writeApp } from './helpers/temp-app';

afterAll(removeApps);

describe('an app with several independent problems', () => {
  it('reports all of them in one run, each naming its file, where in it, and what is wrong', async () => {
    const result = await loadApp(path.join(FIXTURES, 'broken'));
    expect(lines(result)).toEqual([
      'error: auth/providers.json $.github.type: expected one of "anon-user", "local-userpass", "api-key", "custom-token", "custom-function", "oauth2-google", "oauth2-facebook", "oauth2-apple", found a string ("oauth2-github") [SchemaViolation]',
      'error: auth/providers.json $["custom-token"].secret_config.signingKeys[0]: auth provider "custom-token" needs the secret "brokenJwtKey" (JWT signing key), which was not given. Give it with --secrets <file.json>, --secret brokenJwtKey=<value> or the environment variable APP_SECRET_brokenJwtKey [MissingSecret]',
      'warning: functions/config.json $[1].name: function "ghost" has no source file functions/ghost.js; calling it fails with FunctionNotFound [MissingFunctionSource]',
      'error: data_sources/mongodb-atlas/shop/orders/rules.json $.roles[0].apply_when: expected a rule expression (true, false or an object), found a string ("yes") [SchemaViolation]',
      'error: http_endpoints/config.json:5:9: invalid JSON: expected \',\' or \'}\' after a property value, found \'"\' [InvalidJson]',
      'error: values/bad-name.json $.name: expected a name of 1 to 64 characters (letters, digits, "_" or "-") that starts with a letter or a digit, found a string ("bad name") [SchemaViolation]',
    ]);
  });

  it('still gives the app, so validate can describe it, with the broken parts left out and a missing function kept', async () => {
    const { app, problems } = await loadApp(path.join(FIXTURES, 'broken'));
    expect(problems.find((problem) => problem.code === 'InvalidJson')).toEqual({
      severity: 'error',
      code: 'InvalidJson',
      file: 'http_endpoints/config.json',
      line: 5,
      column: 9,
      message: "invalid JSON: expected ',' or '}' after a property value, found '\"'",
    });
    expect([...(app?.authProviders.keys() ?? [])]).toEqual(['api-key', 'custom-token']);
    expect(app?.functions.get('ghost')).toEqual({
      name: 'ghost',
      missing: true,
      private: false,
      canEvaluate: undefined,
      runAs: { kind: 'application' },
      disableArgLogs: false,
      origin: 'config',
    });
    expect(app?.values.size).toBe(0);
  });
});

describe('the root file', () => {
  it('says what an app directory needs when there is none', async () => {
    const result = await loadApp(await writeApp({ 'README.md': 'not an app' }));
    expect(result.app).toBeUndefined();
    expect(lines(result)).toEqual([
      'error: no app here: an exported app has root_config.json, realm_config.json, config.json or stitch.json at its top [MissingRootFile]',
    ]);
  });

  it('does not take a config.json without config_version for a root file', async () => {
    const result = await loadApp(await writeApp({ 'config.json': { name: 'something else' } }));
    expect(lines(result)).toEqual([
      'error: no app here: an exported app has root_config.json, realm_config.json, config.json or stitch.json at its top (config.json is there but has no "config_version", so it is not a root file) [MissingRootFile]',
    ]);
  });

  it('says so when the directory does not exist', async () => {
    const result = await loadApp('/nonexistent/app/dir');
    expect(lines(result)).toEqual(['error: /nonexistent/app/dir is not a directory [MissingRootFile]']);
  });

  it('gives no app when the root file is not JSON', async () => {
    const result = await loadApp(await writeApp({ 'root_config.json': '{ "name": "x", }' }));
    expect(result.app).toBeUndefined();
    expect(lines(result)).toEqual(["error: root_config.json:1:14: invalid JSON: trailing comma: JSON allows no ',' before '}' [InvalidJson]"]);
  });

  it('gives the app when a root field is wrong, leaving that field out', async () => {
    const result = await loadApp(await writeApp({ 'root_config.json': { name: 'x', app_id: 'x-abcde', config_version: 20210101, deployment_model: 'WORLDWIDE', location: 'US-VA' } }));
    expect(lines(result)).toEqual(['error: root_config.json $.deployment_model: expected one of "GLOBAL", "LOCAL", found a string ("WORLDWIDE") [SchemaViolation]']);
    expect(result.app?.meta).toMatchObject({ appId: 'x-abcde', location: 'US-VA', deploymentModel: undefined });
  });

  it('reads the first of several root files and says which were ignored', async () => {
    const result = await loadApp(
      await writeApp({
        'root_config.json': { name: 'new', app_id: 'new-abcde', config_version: 20210101 },
        'stitch.json': { name: 'old', app_id: 'old-abcde', config_version: 20180301 },
      }),
    );
    expect(lines(result)).toEqual(['warning: root_config.json: root_config.json was read as the root file; stitch.json ignored [ConflictingRootFiles]']);
    expect(result.app?.meta.appId).toBe('new-abcde');
  });

  it('refuses an unknown config_version and reads the layout its file name implies', async () => {
    const result = await loadApp(await writeApp({ 'realm_config.json': { name: 'x', app_id: 'x-abcde', config_version: 20190101 } }));
    expect(lines(result)).toEqual([
      'error: realm_config.json $.config_version: expected 20180301, 20200603 or 20210101 (or later), found 20190101; read as 20210101 from the file name [SchemaViolation]',
    ]);
    expect(result.app?.meta.layout).toBe('current');
  });

  it('takes the client app id from the appservices CLI’s .mdb/meta.json when the root file has none', async () => {
    const result = await loadApp(
      await writeApp({
        'root_config.json': { name: 'ui-export', config_version: 20210101 },
        '.mdb/meta.json': { config_version: 20210101, app_id: '650000000000000000000001', group_id: '640000000000000000000001', client_app_id: 'ui-export-qwert' },
      }),
    );
    expect(lines(result)).toEqual([]);
    expect(result.app?.meta).toMatchObject({ appId: 'ui-export-qwert', appIdSource: 'mdb-meta', projectId: '640000000000000000000001' });
  });

  it('falls back to the app name when no client app id is anywhere', async () => {
    const result = await loadApp(await writeApp({ 'root_config.json': { name: 'nameless', config_version: 20210101 }, '.mdb/app_meta.json': { app_id: '650000000000000000000001' } }));
    expect(lines(result)).toEqual([
      'warning: root_config.json $.app_id: no client app id in root_config.json or .mdb/; the app is served as "nameless" (pass an app id to choose another) [MissingAppId]',
    ]);
    expect(result.app?.meta).toMatchObject({ appId: 'nameless', appIdSource: 'name' });
  });
});

describe('JSON syntax errors name the file, line and column and what was expected', () => {
  const cases: Array<[string, string, string]> = [
    ['an empty file', '', 'values/v.json:1:1: invalid JSON: the file is empty; it must hold a JSON value'],
    ['a trailing comma in an array', '{ "name": "v", "value": [1, 2,\n] }', "values/v.json:1:30: invalid JSON: trailing comma: JSON allows no ',' before ']'"],
    ['a comment', '{\n  // the greeting\n  "name": "v"\n}', 'values/v.json:2:3: invalid JSON: comments are not allowed in JSON'],
    ['single quotes', "{ 'name': 'v' }", 'values/v.json:1:3: invalid JSON: expected a property name, found a single quote: JSON property names use double quotes'],
    ['a missing closing quote', '{ "name": "v, "value": 1 }', "values/v.json:1:16: invalid JSON: expected ',' or '}' after a property value, found 'value'"],
    ['an unterminated string', '{ "name": "v', 'values/v.json:1:11: invalid JSON: unterminated string: the closing double quote is missing'],
    ['a line break in a string', '{ "name": "v\nw", "value": 1 }', 'values/v.json:1:13: invalid JSON: a line break or control character inside a string must be escaped (\\n, \\t, …)'],
    ['a bare word', '{ "name": "v", "value": undefined }', "values/v.json:1:25: invalid JSON: expected a value, found 'undefined'"],
    ['a missing end', '{ "name": "v", "value": [1, 2', "values/v.json:1:30: invalid JSON: expected ',' or ']' after an array element, found the end of the file"],
    ['text after the value', '{ "name": "v", "value": 1 } }', "values/v.json:1:29: invalid JSON: unexpected '}' after the end of the JSON value"],
  ];
  it.each(cases)('%s', async (_, text, expected) => {
    const result = await loadFiles({ 'values/v.json': text });
    expect(lines(result)).toEqual([`error: ${expected} [InvalidJson]`]);
  });

  it('accepts a UTF-8 byte order mark', async () => {
    const result = await loadFiles({ 'values/v.json': '\ufeff{ "name": "v", "value": 1 }' });
    expect(lines(result)).toEqual([]);
    expect(result.app?.values.get('v')?.value).toBe(1);
  });
});

describe('schema violations say what was expected and what was found', () => {
  it('names a missing field, a wrong type and a wrong option in readable words', async () => {
    const result = await loadFiles({
      'http_endpoints/config.json': [{ route: 'hello', http_method: 'FETCH', respond_result: 'yes' }],
    });
    expect(lines(result)).toEqual([
      'error: http_endpoints/config.json $[0].route: expected a route that starts with "/", found a string ("hello") [SchemaViolation]',
      'error: http_endpoints/config.json $[0].http_method: expected one of "GET", "POST", "PUT", "PATCH", "DELETE", "*", found a string ("FETCH") [SchemaViolation]',
      'error: http_endpoints/config.json $[0].function_name: expected a string, found nothing (the field is missing) [SchemaViolation]',
      'error: http_endpoints/config.json $[0].respond_result: expected a boolean (true or false), found a string ("yes") [SchemaViolation]',
    ]);
  });

  it('tolerates fields it does not know', async () => {
    const result = await loadFiles({
      'data_sources/mongodb-atlas/config.json': { name: 'mongodb-atlas', type: 'mongodb-atlas', version: 1, id: 'abc', config: { clusterName: 'C', futureOption: true } },
    });
    expect(lines(result)).toEqual([]);
  });

  it('says when a file holds the wrong kind of JSON value', async () => {
    const result = await loadFiles({ 'functions/config.json': { name: 'not-an-array' } });
    expect(lines(result)).toEqual(['error: functions/config.json: expected an array, found an object [SchemaViolation]']);
  });

  it('enforces App Services’ limits: three signing keys, 64-character names, 100-character role names', async () => {
    const key = 'k'.repeat(32);
    const result = await loadFiles({
      'auth/providers.json': { 'custom-token': { name: 'custom-token', type: 'custom-token', secret_config: { signingKeys: ['a', 'b', 'c', 'd'] } } },
      'data_sources/x/config.json': { name: 'cluster.with.dots', type: 'mongodb-atlas' },
      'data_sources/mongodb-atlas/config.json': { name: 'mongodb-atlas', type: 'mongodb-atlas' },
      'data_sources/mongodb-atlas/db/coll/rules.json': { roles: [{ name: 'r'.repeat(101) }] },
      [`values/${'v'.repeat(65)}.json`]: { name: 'v'.repeat(65), value: 1 },
    }, { secrets: { a: key, b: key, c: key, d: key } });
    expect(lines(result)).toEqual([
      'error: auth/providers.json $["custom-token"].secret_config.signingKeys: expected at most 3 items, found 4 items [SchemaViolation]',
      'error: data_sources/mongodb-atlas/db/coll/rules.json $.roles[0].name: expected at most 100 characters, found 101 characters [SchemaViolation]',
      'error: data_sources/x/config.json $.name: expected a name of 1 to 64 characters, each a letter, digit, "_" or "-", found a string ("cluster.with.dots") [SchemaViolation]',
      `error: values/${'v'.repeat(65)}.json $.name: expected a name of 1 to 64 characters (letters, digits, "_" or "-") that starts with a letter or a digit, found a string ("${'v'.repeat(56)}…") [SchemaViolation]`,
    ]);
  });

  it('requires a signing key or a JWK URI of an enabled custom JWT provider, and RS256 with a JWK URI', async () => {
    const result = await loadFiles({
      'auth/providers.json': {
        'custom-token': { name: 'custom-token', type: 'custom-token', config: { signingAlgorithm: 'HS256' } },
        jwks: { name: 'jwks', type: 'custom-token', config: { useJWKURI: true, signingAlgorithm: 'HS256' } },
      },
    });
    expect(lines(result)).toEqual([
      'error: auth/providers.json $["custom-token"].secret_config.signingKeys: expected at least one secret name (the provider verifies JWTs with these keys), found none [SchemaViolation]',
      'error: auth/providers.json $.jwks.config.jwkURI: expected a JWK URI because useJWKURI is true, found nothing [SchemaViolation]',
      'error: auth/providers.json $.jwks.config.signingAlgorithm: expected "RS256" because keys come from a JWK URI, found "HS256" [SchemaViolation]',
    ]);
  });

  it('refuses duplicate role names and both run-as user settings at once', async () => {
    const result = await loadFiles({
      'data_sources/mongodb-atlas/config.json': { name: 'mongodb-atlas', type: 'mongodb-atlas' },
      'data_sources/mongodb-atlas/db/coll/rules.json': { roles: [{ name: 'owner' }, { name: 'owner' }] },
      'functions/config.json': [{ name: 'f', run_as_user_id: 'u1', run_as_user_id_script_source: 'exports = () => "u2";' }],
      'functions/f.js': 'exports = () => 1;',
    });
    expect(lines(result)).toEqual([
      'error: functions/config.json $[0].run_as_user_id_script_source: expected run_as_user_id or run_as_user_id_script_source, found both; they cannot be used together [SchemaViolation]',
      'error: data_sources/mongodb-atlas/db/coll/rules.json $.roles[1].name: another role of this collection is already named "owner"; role names must be unique [DuplicateName]',
    ]);
  });

  it('reports a secret-linked value whose value is not a secret name', async () => {
    const result = await loadFiles({ 'values/key.json': { name: 'key', value: 42, from_secret: true } });
    expect(lines(result)).toEqual(['error: values/key.json $.value: expected the name of a secret because from_secret is true, found a number (42) [SchemaViolation]']);
  });
});

describe('references between parts', () => {
  it('refuses an enabled endpoint whose function does not exist, and warns for a disabled one', async () => {
    const result = await loadFiles({
      'http_endpoints/config.json': [
        { route: '/a', http_method: 'GET', function_name: 'nowhere' },
        { route: '/b', http_method: 'GET', function_name: 'nowhere', disabled: true },
      ],
    });
    expect(lines(result)).toEqual([
      'error: http_endpoints/config.json $[0].function_name: endpoint GET /a calls function "nowhere", which does not exist [UnknownFunction]',
      'warning: http_endpoints/config.json $[1].function_name: endpoint GET /b calls function "nowhere", which does not exist [UnknownFunction]',
    ]);
  });

  it('refuses two enabled endpoints for the same route and method, or a route shared with "*"', async () => {
    const result = await loadFiles({
      'functions/f.js': 'exports = () => 1;',
      'http_endpoints/config.json': [
        { route: '/a', http_method: 'GET', function_name: 'f' },
        { route: '/a', http_method: 'POST', function_name: 'f' },
        { route: '/a', http_method: 'GET', function_name: 'f' },
        { route: '/b', http_method: '*', function_name: 'f' },
        { route: '/b', http_method: 'PUT', function_name: 'f' },
        { route: '/b', http_method: 'DELETE', function_name: 'f', disabled: true },
      ],
    });
    expect(lines(result).filter((line) => line.includes('ConflictingEndpoints'))).toEqual([
      'error: http_endpoints/config.json $[2]: endpoint GET /a overlaps endpoint GET /a (http_endpoints/config.json); a request could go to either [ConflictingEndpoints]',
      'error: http_endpoints/config.json $[4]: endpoint PUT /b overlaps endpoint * /b (http_endpoints/config.json); a request could go to either [ConflictingEndpoints]',
    ]);
  });

  it('checks the custom user data’s data source and creation function, and a provider’s confirmation function', async () => {
    const result = await loadFiles({
      'auth/custom_user_data.json': { enabled: true, mongo_service_name: 'mongodb-atlas', database_name: 'db', user_id_field: 'uid', on_user_creation_function_name: 'onCreate' },
      'auth/providers.json': { 'local-userpass': { name: 'local-userpass', type: 'local-userpass', config: { runConfirmationFunction: true, confirmationFunctionName: 'confirm' } } },
    });
    expect(lines(result)).toEqual([
      'error: auth/custom_user_data.json $.collection_name: expected a name because custom user data is enabled, found nothing [SchemaViolation]',
      'error: auth/custom_user_data.json $.mongo_service_name: custom user data is read from data source "mongodb-atlas", which does not exist (the app has no data source) [UnknownDataSource]',
      'error: auth/custom_user_data.json $.on_user_creation_function_name: the user creation function "onCreate" does not exist [UnknownFunction]',
      'error: auth/providers.json $["local-userpass"].config.confirmationFunctionName: auth provider "local-userpass" calls function "confirm", which does not exist [UnknownFunction]',
    ]);
  });

  it('warns about a %function in a rule that names no function', async () => {
    const result = await loadFiles({
      'data_sources/mongodb-atlas/config.json': { name: 'mongodb-atlas', type: 'mongodb-atlas' },
      'data_sources/mongodb-atlas/default_rule.json': { roles: [{ name: 'r', apply_when: { '%%true': { '%function': { name: 'isAllowed', arguments: [] } } } }] },
    });
    expect(lines(result)).toEqual([
      'warning: data_sources/mongodb-atlas/default_rule.json: a rule calls function "isAllowed" (%function), which does not exist; the expression will be false [UnknownFunction]',
    ]);
  });

  it('warns about an allowed origin that can never match', async () => {
    const result = await loadApp(await writeApp({ 'realm_config.json': { name: 'x', app_id: 'x-abcde', config_version: 20210101, allowed_request_origins: ['https://ok.example.com', 'https://example.com/path'] } }));
    expect(lines(result)).toEqual([
      'warning: realm_config.json $.allowed_request_origins[1]: expected an origin such as "https://example.com:8080" (scheme://host[:port], no path), found "https://example.com/path"; it will never match a request [SchemaViolation]',
    ]);
  });
});

describe('folders and files', () => {
  it('reads http_endpoints/ when https_endpoints/ exists too, and says so', async () => {
    const result = await loadFiles({ 'http_endpoints/config.json': [], 'https_endpoints/config.json': [] });
    expect(lines(result)).toEqual(['warning: https_endpoints: both http_endpoints/ and https_endpoints/ exist; http_endpoints/ is read and https_endpoints/ ignored [IgnoredFile]']);
  });

  it('warns about an enabled Data API that lists no version', async () => {
    const result = await loadFiles({ 'http_endpoints/data_api_config.json': { disabled: false } });
    expect(lines(result)).toEqual([
      'warning: http_endpoints/data_api_config.json $.versions: the Data API is enabled but no version is listed, so it answers no request; add "versions": ["v1"] [SchemaViolation]',
    ]);
    expect(result.app?.dataApi).toMatchObject({ disabled: false, versions: [], returnType: 'JSON', runAs: { kind: 'application' } });
  });

  it('reports a data source folder without config.json and a collection folder that defines nothing', async () => {
    const result = await loadFiles({
      'data_sources/orphan/db/coll/rules.json': { roles: [] },
      'data_sources/mongodb-atlas/config.json': { name: 'mongodb-atlas', type: 'mongodb-atlas' },
      'data_sources/mongodb-atlas/db/empty/notes.txt': 'nothing here',
    });
    expect(lines(result)).toEqual([
      'warning: data_sources/mongodb-atlas/db/empty: data_sources/mongodb-atlas/db/empty/ has no rules.json, schema.json or relationships.json; it defines nothing [IgnoredFile]',
      'error: data_sources/orphan/config.json: data_sources/orphan/ has no config.json, so this data source is not defined [UnreadableFile]',
    ]);
  });

  it('warns when a name inside a file differs from its folder or file name, and uses the inside one', async () => {
    const result = await loadFiles({
      'data_sources/atlas/config.json': { name: 'mongodb-atlas', type: 'mongodb-atlas' },
      'data_sources/atlas/db/coll/rules.json': { database: 'db', collection: 'other', roles: [] },
      'values/a.json': { name: 'b', value: 1 },
    });
    expect(lines(result)).toEqual([
      'warning: data_sources/atlas/config.json $.name: the data source is named "mongodb-atlas" but its folder is "atlas"; "mongodb-atlas" is used [NameMismatch]',
      'warning: data_sources/atlas/db/coll/rules.json $.collection: rules.json names the collection "other" but sits in the folder "coll"; "other" is used [NameMismatch]',
      'warning: values/a.json $.name: the value is named "b" but its file is a.json; "b" is used [NameMismatch]',
    ]);
    expect([...(result.app?.dataSources.get('mongodb-atlas')?.collections.keys() ?? [])]).toEqual(['db.other']);
    expect(result.app?.values.get('b')?.value).toBe(1);
  });

  it('refuses a function listed twice', async () => {
    const result = await loadFiles({ 'functions/config.json': [{ name: 'f' }, { name: 'f', private: true }], 'functions/f.js': 'exports = () => 1;' });
    expect(lines(result)).toEqual(['error: functions/config.json $[1].name: function "f" is listed twice [DuplicateName]']);
    expect(result.app?.functions.get('f')?.private).toBe(false);
  });

  it('skips node_modules and hidden files when looking for function sources', async () => {
    const result = await loadFiles({
      'functions/f.js': 'exports = () => 1;',
      'functions/node_modules/lodash/index.js': 'module.exports = {};',
      'functions/.hidden.js': 'exports = () => 2;',
    });
    expect([...(result.app?.functions.keys() ?? [])]).toEqual(['f']);
    expect(result.app?.functionDependencies.nodeModules).toEqual({ kind: 'directory', file: 'functions/node_modules' });
  });

  it('only warns about a broken file of a part it does not serve', async () => {
    const result = await loadFiles({ 'triggers/t.json': '{ "name": ' });
    expect(lines(result)).toEqual(["warning: triggers/t.json:1:11: invalid JSON: expected a value, found the end of the file [InvalidJson]"]);
  });
});

describe('formatProblem', () => {
  it('prints a problem without file or path as severity and message', () => {
    expect(formatProblem({ severity: 'info', message: 'just so you know' })).toBe('info: just so you know');
  });

  it('prints the file and JSON path before the message and the code after it', () => {
    expect(formatProblem({ severity: 'warning', file: 'a.json', path: '$.x[0]', message: 'odd', code: 'NameMismatch' })).toBe('warning: a.json $.x[0]: odd [NameMismatch]');
  });
});
