/**
 * Users and sessions for tests, through the routes an app's own users go through: the client
 * API's provider logins (`…/auth/providers/<name>/login`), the Admin API for email/password users
 * (created confirmed, as the App Services UI does), and `/_emulator/jwt` for tokens the app's
 * custom-token provider accepts. Built-in providers are named after their type (App Services
 * makes them so); a custom-token provider may have any name, which `/_emulator/jwt` answers.
 */
import type { AdminAccess } from './admin-access';
import type { SessionTokens } from './app-client';
import { HarnessRequestError } from './errors';
import { send } from './transport';
import type { LoginSpec, TestUser, UserSpec } from './types';

export interface SignJwtOptions {
  expiresIn?: string | number;
  provider?: string;
}

/** A login the app has no provider for: the error says which provider the call needed. */
function withProviderHint(error: unknown, provider: string, what: string): unknown {
  if (!(error instanceof HarnessRequestError) || error.errorCode !== 'AuthProviderNotFound') return error;
  const message = `${error.message}: ${what} needs the app's "${provider}" provider (auth/providers.json)`;
  return new HarnessRequestError(error.status, error.errorCode, message, error.link, error.body, error.request);
}

export function logins(url: string, appId: string, admin: AdminAccess) {
  const clientApi = `${url}/api/client/v2.0`;

  const login = async (provider: string, payload: Record<string, unknown>, what: string): Promise<SessionTokens> => {
    try {
      const answer = await send(`${clientApi}/app/${encodeURIComponent(appId)}/auth/providers/${encodeURIComponent(provider)}/login`, { method: 'POST', body: payload });
      const body = answer.body as { access_token: string; refresh_token: string; user_id: string };
      return { accessToken: body.access_token, refreshToken: body.refresh_token, userId: body.user_id };
    } catch (error) {
      throw withProviderHint(error, provider, what);
    }
  };

  const signJwt = async (claims: Record<string, unknown>, options: SignJwtOptions = {}) => {
    // Plain JSON: claims are JSON, and canonical EJSON would wrap their numbers.
    const answer = await admin.emulatorRoute('/jwt', { method: 'POST', body: JSON.stringify({ claims, ...options }) });
    return answer.body as { token: string; provider: string };
  };

  const jwtLogin = async (claims: Record<string, unknown>, what: string) => {
    const { token, provider } = await signJwt(claims);
    return { tokens: await login(provider, { token }, what), provider };
  };

  /** An anonymous user's session, renewed: it has no credentials to log in with again. */
  const resume = async (user: TestUser): Promise<SessionTokens> => {
    const answer = await send(`${clientApi}/auth/session`, { method: 'POST', headers: { Authorization: `Bearer ${user.refreshToken}` } });
    return { accessToken: (answer.body as { access_token: string }).access_token, refreshToken: user.refreshToken as string, userId: user.id };
  };

  return {
    signJwt,

    async createUser(spec: UserSpec): Promise<TestUser> {
      if (spec === 'anon') {
        const tokens = await login('anon-user', {}, "createUser('anon')");
        return { id: tokens.userId, provider: 'anon-user', providerName: 'anon-user', refreshToken: tokens.refreshToken };
      }
      if ('jwtClaims' in spec) {
        const { tokens, provider } = await jwtLogin(spec.jwtClaims, 'createUser({ jwtClaims })');
        return { id: tokens.userId, provider: 'custom-token', providerName: provider, jwtClaims: spec.jwtClaims };
      }
      const created = await admin.adminApi('/users', { method: 'POST', body: JSON.stringify({ email: spec.email, password: spec.password }) });
      return { id: (created.body as { _id: string })._id, provider: 'local-userpass', providerName: 'local-userpass', email: spec.email, password: spec.password };
    },

    async session(who: LoginSpec): Promise<SessionTokens> {
      if (who === 'anon') return login('anon-user', {}, "loginAs('anon')");
      if ('provider' in who && 'id' in who) {
        const user = who as TestUser;
        if (user.email !== undefined && user.password !== undefined) return login(user.providerName, { username: user.email, password: user.password }, 'loginAs(user)');
        if (user.jwtClaims) return (await jwtLogin(user.jwtClaims, 'loginAs(user)')).tokens;
        if (user.refreshToken) return resume(user);
        throw new Error(`loginAs: the test user ${user.id} holds no credentials or session to log in with`);
      }
      if ('apiKey' in who) return login('api-key', { key: who.apiKey }, 'loginAs({ apiKey })');
      if ('jwt' in who) return login(who.provider ?? 'custom-token', { token: who.jwt }, 'loginAs({ jwt })');
      if ('jwtClaims' in who) return (await jwtLogin(who.jwtClaims, 'loginAs({ jwtClaims })')).tokens;
      if ('email' in who) return login('local-userpass', { username: who.email, password: who.password }, 'loginAs({ email, password })');
      throw new Error('loginAs: expected a test user, { email, password }, { apiKey }, { jwt }, { jwtClaims } or "anon"');
    },
  };
}
