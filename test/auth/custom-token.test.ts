/** The custom-token provider (Custom JWT), through AuthService.login. */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import jwt from 'jsonwebtoken';
import type { CustomJwtProvider } from '../../emulator/app';
import { type AuthTestContext, BLOG_APP, customJwt, JWT_KEY, PREVIOUS_JWT_KEY, refusal, startAuth, withProvider } from './helpers';

let context: AuthTestContext;
beforeAll(async () => {
  context = await startAuth();
});
afterAll(async () => context.close());

const login = (token: unknown, auth = context.auth) => auth.login('custom-token', { token });

describe('custom-token logins', () => {
  it('logs in with a valid HS256 token: sub is the identity, metadata fields become user data', async () => {
    const result = await login(customJwt());
    expect(result.user.identities).toEqual([
      { id: 'employee-7', provider_type: 'custom-token', provider_id: 'custom-token', provider_data: { department: 'support', name: 'Ada' } },
    ]);
    expect(result.user.data).toEqual({ department: 'support', name: 'Ada' });
    expect(result.user.type).toBe('normal');
  });

  it('finds the same user again, with its metadata refreshed at every login', async () => {
    const first = await login(customJwt({ sub: 'employee-8' }));
    const second = await login(customJwt({ sub: 'employee-8', user_data: { department: 'sales' } }));
    expect(second.user.id).toBe(first.user.id);
    expect(second.user.data.department).toBe('sales');
  });

  it('accepts any of the configured signing keys (rotation)', async () => {
    const result = await login(customJwt({ sub: 'employee-9' }, PREVIOUS_JWT_KEY));
    expect(result.user.identities[0].id).toBe('employee-9');
  });

  it('also takes the token as {key}, as the docs test helper sends it', async () => {
    const result = await context.auth.login('custom-token', { key: customJwt({ sub: 'employee-10' }) });
    expect(result.user.identities[0].id).toBe('employee-10');
  });

  it.each([
    ['a token signed with another key', () => customJwt({}, 'an-unknown-key-of-more-than-thirty-two-chars'), 'signature is invalid'],
    ['an expired token', () => customJwt({ exp: Math.floor(Date.now() / 1000) - 60 }), 'token is expired'],
    ['a token not valid yet (nbf)', () => customJwt({ nbf: Math.floor(Date.now() / 1000) + 600 }), 'token is not valid yet'],
    ['a token issued in the future (iat)', () => customJwt({ iat: Math.floor(Date.now() / 1000) + 600 }), 'token used before issued'],
    ['a token for another audience', () => customJwt({ aud: 'someone-else' }), 'token audience is invalid: expected all of "auth-providers-kqzvw"'],
    ['a token without aud', () => customJwt({ aud: undefined }), 'token has no aud claim'],
    ['a token without exp', () => jwt.sign({ sub: 'x', aud: 'auth-providers-kqzvw', user_data: { department: 'a' } }, JWT_KEY), 'token has no exp claim'],
    ['a token without sub', () => customJwt({ sub: undefined }), 'token has no sub claim'],
    ['a token whose alg is none', () => jwt.sign({ sub: 'x', aud: 'auth-providers-kqzvw', exp: Math.floor(Date.now() / 1000) + 60 }, null, { algorithm: 'none' }), 'signing method none is invalid: the provider verifies HS256 tokens'],
    ['a token of another algorithm', () => customJwt({}, undefined, { algorithm: 'HS512' }), 'signing method HS512 is invalid: the provider verifies HS256 tokens'],
    ['text that is no JWT', () => 'not-a-jwt', 'token is malformed'],
    ['a missing token', () => undefined, 'token is malformed'],
    ['a token without a required metadata field', () => customJwt({ user_data: {} }), "expected field 'user_data.department' to be in token metadata"],
  ])('refuses %s with 401 AuthError', async (_what, token, message) => {
    const error = await refusal(login(token()));
    expect(error).toMatchObject({ status: 401, errorCode: 'AuthError', message });
  });

  it('checks every listed audience, or any one with requireAnyAudience', async () => {
    const audiences = (requireAnyAudience: boolean) =>
      startAuth({ change: (definition) => withProvider<CustomJwtProvider>(definition, 'custom-token', (p) => ({ ...p, config: { ...p.config, audience: ['a', 'b'], requireAnyAudience } })) });
    const all = await audiences(false);
    const any = await audiences(true);
    try {
      expect(await refusal(login(customJwt({ aud: 'a' }), all.auth))).toMatchObject({ errorCode: 'AuthError', message: 'token audience is invalid: expected all of "a", "b"' });
      await expect(login(customJwt({ aud: ['b', 'a'] }), all.auth)).resolves.toBeDefined();
      await expect(login(customJwt({ aud: 'b' }), any.auth)).resolves.toBeDefined();
      expect(await refusal(login(customJwt({ aud: 'c' }), any.auth))).toMatchObject({ message: 'token audience is invalid: expected one of "a", "b"' });
    } finally {
      await all.close();
      await any.close();
    }
  });

  it('wants the client app id as aud when no audience is configured', async () => {
    const noAudience = await startAuth({
      change: (definition) => withProvider<CustomJwtProvider>(definition, 'custom-token', (p) => ({ ...p, config: { ...p.config, audience: [] } })),
    });
    try {
      await expect(login(customJwt({ aud: noAudience.definition.meta.appId }), noAudience.auth)).resolves.toBeDefined();
      expect(await refusal(login(customJwt(), noAudience.auth))).toMatchObject({ errorCode: 'AuthError' });
    } finally {
      await noAudience.close();
    }
  });

  it('reads metadata paths with escaped dots', async () => {
    const dotted = await startAuth({
      change: (definition) =>
        withProvider<CustomJwtProvider>(definition, 'custom-token', (p) => ({ ...p, metadataFields: [{ name: 'https://example\\.com/role', fieldName: 'role', required: true }] })),
    });
    try {
      const result = await login(customJwt({ 'https://example.com/role': 'admin' }), dotted.auth);
      expect(result.user.data).toEqual({ role: 'admin' });
    } finally {
      await dotted.close();
    }
  });

  it('verifies HS512 when the provider is configured for it, and only HS512', async () => {
    const hs512 = await startAuth({
      change: (definition) => withProvider<CustomJwtProvider>(definition, 'custom-token', (p) => ({ ...p, config: { ...p.config, signingAlgorithm: 'HS512' } })),
    });
    try {
      await expect(login(customJwt({}, undefined, { algorithm: 'HS512' }), hs512.auth)).resolves.toBeDefined();
      expect(await refusal(login(customJwt(), hs512.auth))).toMatchObject({ message: 'signing method HS256 is invalid: the provider verifies HS512 tokens' });
    } finally {
      await hs512.close();
    }
  });
});

describe('custom-token with RS256', () => {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const rsToken = (key = privateKey, header: Partial<jwt.JwtHeader> = {}) => customJwt({}, key as unknown as string, { algorithm: 'RS256', header: { alg: 'RS256', ...header } });

  it('verifies with a PEM public key given as the signing key secret', async () => {
    const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const rs = await startAuth({
      change: (definition) =>
        withProvider<CustomJwtProvider>(definition, 'custom-token', (p) => ({ ...p, config: { ...p.config, signingAlgorithm: 'RS256' }, signingKeys: [{ name: 'rsaPublicKey', value: pem }] })),
    });
    try {
      await expect(login(rsToken(), rs.auth)).resolves.toBeDefined();
      expect(await refusal(login(rsToken(other.privateKey), rs.auth))).toMatchObject({ status: 401, message: 'signature is invalid' });
      // An HS256 token "signed" with the public key text must not pass as RS256.
      expect(await refusal(login(customJwt({}, pem), rs.auth))).toMatchObject({ message: 'signing method HS256 is invalid: the provider verifies RS256 tokens' });
    } finally {
      await rs.close();
    }
  });

  describe('with a JWK set', () => {
    const jwks = JSON.stringify({ keys: [{ ...publicKey.export({ format: 'jwk' }), kid: 'key-1', use: 'sig', alg: 'RS256' }] });
    let directory: string;
    let server: http.Server;
    let url: string;
    beforeAll(async () => {
      directory = await mkdtemp(path.join(os.tmpdir(), 'jwks-'));
      await writeFile(path.join(directory, 'jwks.json'), jwks);
      server = http.createServer((_request, response) => response.setHeader('content-type', 'application/json').end(jwks));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`;
    });
    afterAll(async () => {
      await rm(directory, { recursive: true, force: true });
      await new Promise((resolve) => server.close(resolve));
    });

    const withJwkUri = (jwkURI: () => string) =>
      startAuth({
        change: (definition) =>
          withProvider<CustomJwtProvider>(definition, 'custom-token', (p) => ({ ...p, config: { ...p.config, signingAlgorithm: 'RS256', useJWKURI: true, jwkURI: jwkURI() }, signingKeys: [] })),
      });

    it.each([
      ['a URL', () => url],
      ['a file path', () => path.join(directory, 'jwks.json')],
      ['a file:// URL', () => `file://${path.join(directory, 'jwks.json')}`],
    ])('picks the key by kid from %s', async (_what, uri) => {
      const rs = await withJwkUri(uri);
      try {
        await expect(login(rsToken(privateKey, { kid: 'key-1' }), rs.auth)).resolves.toBeDefined();
        expect(await refusal(login(rsToken(privateKey, { kid: 'key-2' }), rs.auth))).toMatchObject({ status: 401, message: 'no key with kid "key-2" at the provider\'s JWK URI' });
        expect(await refusal(login(rsToken(privateKey), rs.auth))).toMatchObject({ status: 401, message: expect.stringContaining('token header has no kid') });
        expect(await refusal(login(rsToken(other.privateKey, { kid: 'key-1' }), rs.auth))).toMatchObject({ message: 'signature is invalid' });
      } finally {
        await rs.close();
      }
    });
  });
});

describe("the tutorial's JWT (data-api-blog)", () => {
  const SECRET = 'the-tutorials-jwt-secret-of-32-chars-or-more';
  const tutorialToken = (claims: Record<string, unknown> = {}) =>
    jwt.sign({ sub: 'tutorial-user', aud: 'data-api-blog-rzuzf', exp: Math.floor(Date.now() / 1000) + 3600, name: 'Tutorial', ...claims }, SECRET, { algorithm: 'HS256' });

  it('logs in with HS256, aud the app id, sub and a future exp, and refuses a past exp or another aud', async () => {
    const blog = await startAuth({ app: BLOG_APP, secrets: { jwtSecret: SECRET } });
    try {
      const result = await blog.auth.login('custom-token', { token: tutorialToken() });
      expect(result.user.identities[0]).toMatchObject({ id: 'tutorial-user', provider_type: 'custom-token' });
      expect(result.user.data).toEqual({ name: 'Tutorial' });
      expect(await refusal(blog.auth.login('custom-token', { token: tutorialToken({ exp: Math.floor(Date.now() / 1000) - 1 }) }))).toMatchObject({ status: 401, errorCode: 'AuthError', message: 'token is expired' });
      expect(await refusal(blog.auth.login('custom-token', { token: tutorialToken({ aud: 'another-app' }) }))).toMatchObject({ status: 401, errorCode: 'AuthError' });
    } finally {
      await blog.close();
    }
  });
});
