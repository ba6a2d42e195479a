import type { CustomJwtProvider } from '../../emulator/app';
import { lines, loadFiles, removeApps } from './helpers/temp-app';

afterAll(removeApps);

const KEY = 'a-signing-key-that-is-long-enough-1234';

const jwtProvider = (extra: object = {}) => ({
  'auth/providers.json': { 'custom-token': { name: 'custom-token', type: 'custom-token', config: { audience: [] }, secret_config: { signingKeys: ['jwtKey'] }, ...extra } },
});

describe('secrets', () => {
  it('resolves a signing key that was given', async () => {
    const result = await loadFiles(jwtProvider(), { secrets: { jwtKey: KEY } });
    expect(lines(result)).toEqual([]);
    expect((result.app?.authProviders.get('custom-token') as CustomJwtProvider).signingKeys).toEqual([{ name: 'jwtKey', value: KEY }]);
    expect(result.app?.secretsReferenced).toEqual([
      { name: 'jwtKey', given: true, neededBy: [{ file: 'auth/providers.json', path: '$["custom-token"].secret_config.signingKeys[0]', part: 'auth provider "custom-token"', purpose: 'JWT signing key', required: true }] },
    ]);
  });

  it('refuses a missing signing key, naming the secret, who needs it and the three ways to give it', async () => {
    const result = await loadFiles(jwtProvider());
    expect(result.problems).toEqual([
      {
        severity: 'error',
        code: 'MissingSecret',
        file: 'auth/providers.json',
        path: '$["custom-token"].secret_config.signingKeys[0]',
        message:
          'auth provider "custom-token" needs the secret "jwtKey" (JWT signing key), which was not given. Give it with --secrets <file.json>, --secret jwtKey=<value> or the environment variable APP_SECRET_jwtKey',
      },
    ]);
    expect(result.app?.secretsReferenced[0]).toMatchObject({ name: 'jwtKey', given: false });
  });

  it('does not need the secrets of a disabled provider, but still lists them', async () => {
    const result = await loadFiles(jwtProvider({ disabled: true }));
    expect(lines(result)).toEqual([]);
    expect(result.app?.secretsReferenced).toEqual([expect.objectContaining({ name: 'jwtKey', given: false, neededBy: [expect.objectContaining({ required: false })] })]);
  });

  it('does not need signing keys when the keys come from a JWK URI', async () => {
    const result = await loadFiles(jwtProvider({ config: { useJWKURI: true, jwkURI: 'https://example.com/.well-known/jwks.json', signingAlgorithm: 'RS256' } }));
    expect(lines(result)).toEqual([]);
  });

  it('needs an endpoint’s secret only when its validation method uses it and it is enabled', async () => {
    const endpoint = (validation: string, disabled = false) => ({ route: `/${validation}${disabled ? '-off' : ''}`, http_method: 'GET', function_name: 'f', validation_method: validation, secret_name: 'hookSecret', disabled });
    const result = await loadFiles({
      'functions/config.json': [{ name: 'f' }],
      'functions/f.js': 'exports = () => 1;',
      'http_endpoints/config.json': [endpoint('NO_VALIDATION'), endpoint('VERIFY_PAYLOAD', true), endpoint('SECRET_AS_QUERY_PARAM')],
    });
    expect(lines(result)).toEqual([
      'error: http_endpoints/config.json $[2].secret_name: endpoint GET /SECRET_AS_QUERY_PARAM needs the secret "hookSecret" (SECRET_AS_QUERY_PARAM validation), which was not given. Give it with --secrets <file.json>, --secret hookSecret=<value> or the environment variable APP_SECRET_hookSecret [MissingSecret]',
    ]);
    expect(result.app?.secretsReferenced[0]?.neededBy.map((use) => use.required)).toEqual([false, false, true]);
    expect(result.app?.endpoints[0]?.validation).toEqual({ method: 'NO_VALIDATION' });
  });

  it('refuses a validation method that needs a secret when no secret is named', async () => {
    const result = await loadFiles({ 'http_endpoints/data_api_config.json': { disabled: false, versions: ['v1'], validation_method: 'VERIFY_PAYLOAD', secret_name: '' } });
    expect(lines(result)).toEqual([
      'error: http_endpoints/data_api_config.json $.secret_name: expected the name of the secret that VERIFY_PAYLOAD checks requests against, found nothing [SchemaViolation]',
    ]);
  });

  it('resolves the Data API’s validation secret', async () => {
    const result = await loadFiles(
      { 'http_endpoints/data_api_config.json': { disabled: false, versions: ['v1'], validation_method: 'SECRET_AS_QUERY_PARAM', secret_name: 'dataApiSecret' } },
      { secrets: { dataApiSecret: 'pssst' } },
    );
    expect(lines(result)).toEqual([]);
    expect(result.app?.dataApi?.validation).toEqual({ method: 'SECRET_AS_QUERY_PARAM', secret: { source: 'secret', name: 'dataApiSecret', value: 'pssst' } });
  });

  it('leaves a secret-linked value without a value, with an error, when its secret is missing', async () => {
    const result = await loadFiles({ 'values/apiKey.json': { name: 'apiKey', value: 'apiKeySecret', from_secret: true } });
    expect(lines(result)).toEqual([
      'error: values/apiKey.json $.value: value "apiKey" needs the secret "apiKeySecret" (secret-linked value), which was not given. Give it with --secrets <file.json>, --secret apiKeySecret=<value> or the environment variable APP_SECRET_apiKeySecret [MissingSecret]',
    ]);
    expect(result.app?.values.get('apiKey')).toEqual({ name: 'apiKey', value: undefined, secretName: 'apiKeySecret', file: 'values/apiKey.json' });
  });

  it('warns about a given secret App Services would not accept', async () => {
    const result = await loadFiles({ ...jwtProvider(), 'values/big.json': { name: 'big', value: 'bigSecret', from_secret: true } }, { secrets: { jwtKey: 'short', bigSecret: 'x'.repeat(501) } });
    expect(lines(result)).toEqual([
      'warning: auth/providers.json $["custom-token"].secret_config.signingKeys[0]: the secret "jwtKey" (JWT signing key of auth provider "custom-token") is 5 characters long; App Services requires HS256 signing keys of 32 to 512 characters [InvalidSecret]',
      'warning: values/big.json $.value: the secret "bigSecret" (secret-linked value of value "big") is 501 characters long; App Services allows at most 500 [InvalidSecret]',
    ]);
  });

  it('lists each secret once, with every part that names it, sorted by name', async () => {
    const result = await loadFiles({
      ...jwtProvider(),
      'values/a.json': { name: 'a', value: 'shared', from_secret: true },
      'values/b.json': { name: 'b', value: 'shared', from_secret: true },
    }, { secrets: { jwtKey: KEY, shared: 'v' } });
    expect(result.app?.secretsReferenced.map((secret) => [secret.name, secret.neededBy.map((use) => use.part)])).toEqual([
      ['jwtKey', ['auth provider "custom-token"']],
      ['shared', ['value "a"', 'value "b"']],
    ]);
  });
});
