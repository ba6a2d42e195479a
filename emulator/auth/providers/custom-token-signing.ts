/**
 * Tokens a custom-token provider accepts, signed by the emulator for tests (`POST /_emulator/jwt`,
 * the harness's `signJwt`): the app's own issuer is not around in a test run, but the provider's
 * HS256/384/512 keys are secrets the emulator was given. RS256 providers verify with a public key
 * (a PEM secret or a JWK set), so the emulator holds no key to sign with and says so.
 */
import jwt from 'jsonwebtoken';
import type { AppDefinition, CustomJwtProvider } from '../../app';
import { AppServicesError } from '../../http/errors';

/** `exp` is required (custom-token.ts); an hour outlasts a test run. */
const DEFAULT_LIFETIME_SECONDS = 60 * 60;

export interface SignOptions {
  /** A custom-token provider's name; the app's only (or first enabled) one when absent. */
  provider?: string;
  /** Seconds, or a jsonwebtoken span ("10m", "2h"); 1 hour by default. A claims `exp` wins. */
  expiresIn?: string | number;
}

function customTokenProvider(definition: AppDefinition, name: string | undefined): CustomJwtProvider {
  const providers = [...definition.authProviders.values()].filter((provider): provider is CustomJwtProvider => provider.type === 'custom-token');
  if (name !== undefined) {
    const named = providers.find((provider) => provider.name === name);
    if (!named) {
      const known = providers.length === 0 ? 'the app has none' : `the app's are ${providers.map((provider) => `"${provider.name}"`).join(', ')}`;
      throw AppServicesError.badRequest('InvalidParameter', `no custom-token (Custom JWT) provider named "${name}": ${known}`);
    }
    return named;
  }
  const chosen = providers.find((provider) => !provider.disabled) ?? providers[0];
  if (!chosen) {
    throw AppServicesError.badRequest('InvalidParameter', 'the app has no custom-token (Custom JWT) provider, so there is no key to sign a JWT with: add one to auth/providers.json');
  }
  return chosen;
}

export function signCustomJwt(definition: AppDefinition, claims: Record<string, unknown>, options: SignOptions = {}): { token: string; provider: string } {
  const provider = customTokenProvider(definition, options.provider);
  const algorithm = provider.config.signingAlgorithm;
  if (algorithm === 'RS256' || provider.config.useJWKURI) {
    throw AppServicesError.badRequest(
      'InvalidParameter',
      `the custom-token provider "${provider.name}" verifies ${algorithm} tokens with a public key${provider.config.useJWKURI ? ' from its JWK URI' : ''}: ` +
        'the emulator has no private key to sign with. Sign tokens in the test with your own key pair and log in with loginAs({ jwt })',
    );
  }
  const key = provider.signingKeys.find((secret) => secret.value !== undefined);
  if (!key) {
    const names = provider.signingKeys.map((secret) => `"${secret.name}"`).join(', ');
    throw AppServicesError.badRequest('InvalidParameter', `the custom-token provider "${provider.name}" has no signing key value: give the secret ${names || '(none named)'} to the emulator`);
  }
  const payload: Record<string, unknown> = { ...claims };
  // Without a configured audience, App Services wants the client app id (custom-token.ts).
  payload.aud ??= provider.config.audience.length === 0 ? definition.meta.appId : provider.config.audience.length === 1 ? provider.config.audience[0] : provider.config.audience;
  const signOptions: jwt.SignOptions = { algorithm };
  if (payload.exp === undefined) signOptions.expiresIn = (options.expiresIn ?? DEFAULT_LIFETIME_SECONDS) as jwt.SignOptions['expiresIn'];
  try {
    return { token: jwt.sign(payload, key.value as string, signOptions), provider: provider.name };
  } catch (error) {
    throw AppServicesError.badRequest('InvalidParameter', `cannot sign these claims: ${(error as Error).message}`);
  }
}
