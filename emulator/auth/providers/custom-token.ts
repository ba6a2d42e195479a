/**
 * custom-token (Custom JWT, docs: authentication/custom-jwt): a JWT signed by the app's own
 * issuer, verified with jsonwebtoken.
 *
 * - The algorithm is the provider's `signingAlgorithm`, never the token's: a token whose header
 *   says `none` or another algorithm is refused before any key is tried.
 * - HS256/384/512 keys are the secrets named in `secret_config.signingKeys`; any of them may
 *   verify (keys rotate). RS256 keys are PEM public keys given as those secrets, or come from a JWK
 *   set at `jwkURI` (an http(s) URL, a file:// URL or a path relative to the app directory), picked
 *   by the token's `kid`.
 * - `exp`, `sub` and `aud` are required; `exp`, `nbf` and `iat` are checked against the clock.
 *   `aud` must hold every listed audience, or any one with `requireAnyAudience`; with no audience
 *   configured it must be the client app id.
 * - `metadata_fields` are copied into the user's data; a missing required field refuses the login.
 *
 * Messages follow the Go JWT library App Services is built on ("token is expired", "signature is
 * invalid"); the exact wording is the emulator's choice.
 */
import { createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import jwt, { JsonWebTokenError, NotBeforeError, TokenExpiredError } from 'jsonwebtoken';
import type { CustomJwtProvider } from '../../app';
import { AppServicesError } from '../../http/errors';
import { authErrors } from '../errors';
import type { ProviderLogin } from './provider';

/** docs: authentication/custom-jwt limits. */
const MAX_TOKEN_LENGTH = 1_000_000;
const MAX_METADATA_LENGTH = 4096;
/** How long a JWK set fetched over HTTP is reused; an unknown `kid` refetches sooner (key rotation). */
const JWKS_CACHE_MS = 10 * 60 * 1000;
const JWKS_REFETCH_MS = 30 * 1000;

export class CustomJwtVerifier {
  private readonly jwks: JwkSet | undefined;

  constructor(
    private readonly provider: CustomJwtProvider,
    private readonly appId: string,
    appDirectory: string,
  ) {
    this.jwks = provider.config.useJWKURI && provider.config.jwkURI ? new JwkSet(provider.config.jwkURI, appDirectory) : undefined;
  }

  /** Credentials `{token}` (the docs' own test helper sends `{key}`; that is accepted too). */
  async login(token: unknown): Promise<ProviderLogin> {
    const claims = await this.verify(token);
    const metadata = this.metadata(claims);
    return {
      identity: { id: claims.sub as string, provider_type: 'custom-token', provider_id: this.provider.name, provider_data: metadata },
      data: metadata,
      type: 'normal',
    };
  }

  private async verify(token: unknown): Promise<jwt.JwtPayload> {
    if (typeof token !== 'string' || token === '') throw authErrors.invalidJwt('token is malformed');
    if (token.length > MAX_TOKEN_LENGTH) throw authErrors.invalidJwt(`token is longer than ${MAX_TOKEN_LENGTH} characters`);
    const decoded = jwt.decode(token, { complete: true });
    if (!decoded || typeof decoded.payload === 'string') throw authErrors.invalidJwt('token is malformed');
    const algorithm = this.provider.config.signingAlgorithm;
    if (decoded.header.alg !== algorithm) {
      throw authErrors.invalidJwt(`signing method ${decoded.header.alg} is invalid: the provider verifies ${algorithm} tokens`);
    }
    const keys = this.jwks ? [await this.jwks.key(decoded.header.kid)] : this.staticKeys();
    let claims: jwt.JwtPayload | undefined;
    for (const key of keys) {
      try {
        claims = jwt.verify(token, key, { algorithms: [algorithm] }) as jwt.JwtPayload;
        break;
      } catch (error) {
        if (error instanceof TokenExpiredError) throw authErrors.invalidJwt('token is expired');
        if (error instanceof NotBeforeError) throw authErrors.invalidJwt('token is not valid yet');
        // Another key may verify it: signing keys rotate, up to three at a time.
        if (error instanceof JsonWebTokenError && error.message === 'invalid signature') continue;
        if (error instanceof JsonWebTokenError) throw authErrors.invalidJwt(`token is invalid: ${error.message}`);
        throw error;
      }
    }
    if (!claims) throw authErrors.invalidJwt('signature is invalid');
    if (typeof claims.exp !== 'number') throw authErrors.invalidJwt('token has no exp claim');
    if (typeof claims.iat === 'number' && claims.iat > Date.now() / 1000) throw authErrors.invalidJwt('token used before issued');
    if (typeof claims.sub !== 'string' || claims.sub === '') throw authErrors.invalidJwt('token has no sub claim');
    this.checkAudience(claims.aud);
    return claims;
  }

  private staticKeys(): Array<string | KeyObject> {
    const values = this.provider.signingKeys.flatMap((secret) => (secret.value === undefined ? [] : [{ name: secret.name, value: secret.value }]));
    if (this.provider.config.signingAlgorithm !== 'RS256') return values.map((secret) => secret.value);
    return values.map(({ name, value }) => {
      try {
        // Secrets given on a command line often carry the PEM's line breaks as "\n".
        return createPublicKey(value.replace(/\\n/g, '\n'));
      } catch (error) {
        throw new AppServicesError(500, 'AuthError', `the RS256 signing key in secret "${name}" is not a PEM public key: ${(error as Error).message}`);
      }
    });
  }

  private checkAudience(aud: unknown): void {
    const given = typeof aud === 'string' ? [aud] : Array.isArray(aud) ? aud.filter((entry): entry is string => typeof entry === 'string') : [];
    if (given.length === 0) throw authErrors.invalidJwt('token has no aud claim');
    const { audience, requireAnyAudience } = this.provider.config;
    const expected = audience.length > 0 ? audience : [this.appId];
    const matches = requireAnyAudience || audience.length === 0 ? expected.some((entry) => given.includes(entry)) : expected.every((entry) => given.includes(entry));
    if (!matches) {
      throw authErrors.invalidJwt(`token audience is invalid: expected ${requireAnyAudience ? 'one of' : 'all of'} ${expected.map((entry) => `"${entry}"`).join(', ')}`);
    }
  }

  private metadata(claims: jwt.JwtPayload): Record<string, unknown> {
    const data: Record<string, unknown> = {};
    for (const field of this.provider.metadataFields) {
      const value = valueAtPath(claims, field.name);
      if (value === undefined || value === null) {
        if (field.required) throw authErrors.missingMetadataField(field.name);
        continue;
      }
      if (JSON.stringify(value).length > MAX_METADATA_LENGTH) throw authErrors.invalidJwt(`metadata field '${field.name}' is longer than ${MAX_METADATA_LENGTH} characters`);
      data[field.fieldName] = value;
    }
    return data;
  }
}

/** A dotted path into the claims; `\.` is a literal dot (docs: custom-jwt metadata fields). */
function valueAtPath(claims: Record<string, unknown>, dotted: string): unknown {
  let value: unknown = claims;
  for (const segment of dotted.split(/(?<!\\)\./).map((part) => part.replace(/\\\./g, '.'))) {
    if (typeof value !== 'object' || value === null || !Object.hasOwn(value, segment)) return undefined;
    value = (value as Record<string, unknown>)[segment];
  }
  return value;
}

/** The keys at `jwkURI`: a JWK set `{keys: [...]}` or one JWK. */
class JwkSet {
  private cached: { keys: Map<string, KeyObject>; fetchedAt: number } | undefined;

  constructor(
    private readonly uri: string,
    private readonly appDirectory: string,
  ) {}

  async key(kid: string | undefined): Promise<KeyObject> {
    if (!kid) throw authErrors.invalidJwt('token header has no kid: keys from a JWK URI are chosen by kid');
    const remote = /^https?:\/\//i.test(this.uri);
    const age = this.cached ? Date.now() - this.cached.fetchedAt : Infinity;
    // Files are read at every login (cheap, and edits apply at once); URLs are cached.
    let cached = this.cached;
    if (!cached || !remote || age > JWKS_CACHE_MS || (!cached.keys.has(kid) && age > JWKS_REFETCH_MS)) {
      cached = this.cached = { keys: parseJwks(await this.load(remote)), fetchedAt: Date.now() };
    }
    const key = cached.keys.get(kid);
    if (!key) throw authErrors.invalidJwt(`no key with kid "${kid}" at the provider's JWK URI`);
    return key;
  }

  private async load(remote: boolean): Promise<unknown> {
    try {
      if (remote) {
        const response = await fetch(this.uri, { signal: AbortSignal.timeout(10_000) });
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        return await response.json();
      }
      const file = this.uri.startsWith('file:') ? fileURLToPath(this.uri) : path.resolve(this.appDirectory, this.uri);
      return JSON.parse(await readFile(file, 'utf8'));
    } catch (error) {
      throw new AppServicesError(502, 'AuthError', `cannot read the JWK set at ${this.uri}: ${(error as Error).message}`);
    }
  }
}

function parseJwks(document: unknown): Map<string, KeyObject> {
  const entries = typeof document === 'object' && document !== null && Array.isArray((document as { keys?: unknown }).keys) ? (document as { keys: unknown[] }).keys : [document];
  const keys = new Map<string, KeyObject>();
  for (const entry of entries) {
    if (typeof entry !== 'object' || entry === null) continue;
    const jwk = entry as JsonWebKey & { kid?: string; use?: string };
    if (jwk.kty !== 'RSA' || (jwk.use !== undefined && jwk.use !== 'sig') || typeof jwk.kid !== 'string') continue;
    try {
      keys.set(jwk.kid, createPublicKey({ key: jwk, format: 'jwk' }));
    } catch {
      // A malformed key is skipped: the others of the set still verify their tokens.
    }
  }
  return keys;
}
