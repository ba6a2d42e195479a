/**
 * AppClient: one logged-in user's calls, over the same HTTP routes SDKs and Data API clients use,
 * with the user's access token as Bearer. An access token that expired mid-test (short lifetimes
 * are a start option) is refreshed once with the session's refresh token and the call retried, as
 * SDKs do; any other 401 is the answer.
 */
import { EJSON } from 'bson';
import { HarnessRequestError } from './errors';
import { send, type SendOptions } from './transport';
import type { AppClient, DataApiActionName, EndpointAnswer, EndpointInit } from './types';

export interface SessionTokens {
  accessToken: string;
  refreshToken: string;
  userId: string;
}

interface Location {
  url: string;
  appId: string;
  dataApiUrl: string;
}

function expiredToken(error: unknown): boolean {
  return error instanceof HarnessRequestError && error.status === 401 && error.errorCode === 'InvalidSession' && /expired/.test(error.message);
}

export async function openAppClient(location: Location, tokens: SessionTokens): Promise<AppClient> {
  const clientApi = `${location.url}/api/client/v2.0`;
  const authorized = async (url: string, options: SendOptions = {}) => {
    const attempt = () => send(url, { ...options, headers: { Authorization: `Bearer ${client.accessToken}`, ...options.headers } });
    try {
      return await attempt();
    } catch (error) {
      if (!expiredToken(error)) throw error;
      const refreshed = await send(`${clientApi}/auth/session`, { method: 'POST', headers: { Authorization: `Bearer ${client.refreshToken}` } }).catch(() => undefined);
      if (!refreshed) throw error;
      client.accessToken = (refreshed.body as { access_token: string }).access_token;
      return attempt();
    }
  };

  const profile = (await send(`${clientApi}/auth/profile`, { headers: { Authorization: `Bearer ${tokens.accessToken}` } })).body as Record<string, unknown>;
  const client: AppClient = {
    user: {
      id: tokens.userId,
      type: String(profile.type ?? 'normal'),
      data: (profile.data as Record<string, unknown>) ?? {},
      identities: (profile.identities as Array<Record<string, unknown>>) ?? [],
    },
    accessToken: tokens.accessToken,
    refreshToken: tokens.refreshToken,

    async dataApi(action: DataApiActionName, body: Record<string, unknown>) {
      const answer = await authorized(`${location.dataApiUrl}/action/${action}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/ejson', Accept: 'application/ejson' },
        body,
      });
      return answer.body;
    },

    async callFunction(name: string, ...args: unknown[]) {
      const answer = await authorized(`${clientApi}/app/${location.appId}/functions/call`, { method: 'POST', body: { name, arguments: args } });
      return answer.body;
    },

    async endpoint(route: string, init: EndpointInit = {}): Promise<EndpointAnswer> {
      const url = new URL(`${location.url}/app/${location.appId}/endpoint${route.startsWith('/') ? route : `/${route}`}`);
      for (const [name, value] of Object.entries(init.query ?? {})) url.searchParams.set(name, value);
      const method = init.method ?? (init.body === undefined ? 'GET' : 'POST');
      const options: SendOptions = { method, headers: init.headers, keepErrors: init.throwOnError === false };
      if (init.body !== undefined) options.body = typeof init.body === 'string' ? init.body : EJSON.stringify(init.body, { relaxed: true });
      // The caller's own Authorization (another user's token, none at all) wins over this user's.
      const own = Object.keys(init.headers ?? {}).some((name) => name.toLowerCase() === 'authorization');
      const answer = own ? await send(url.toString(), options) : await authorized(url.toString(), options);
      return { status: answer.status, headers: answer.headers, body: answer.body };
    },

    async logout() {
      await send(`${clientApi}/auth/session`, { method: 'DELETE', headers: { Authorization: `Bearer ${client.refreshToken}` } });
    },
  };
  return client;
}
