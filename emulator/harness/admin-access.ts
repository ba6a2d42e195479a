/**
 * The harness's admin credentials at work: the emulator's own routes (`/_emulator/...`) take the
 * admin key pair as HTTP Basic credentials, so they need no login; the Admin API wants an admin
 * access token, got once and again when it expires.
 */
import { HarnessRequestError } from './errors';
import { type HttpAnswer, send, type SendOptions } from './transport';
import type { HarnessConnection } from './types';

export interface AdminAccess {
  /** `/_emulator<path>` with Basic credentials. */
  emulatorRoute(path: string, options?: SendOptions): Promise<HttpAnswer>;
  /** `/api/admin/v3.0/groups/<g>/apps/<app id><path>` with an admin access token. */
  adminApi(path: string, options?: SendOptions): Promise<HttpAnswer>;
}

export function adminAccess(url: string, connection: HarnessConnection): AdminAccess {
  const { publicKey, privateKey } = connection.adminKey;
  const basic = `Basic ${Buffer.from(`${publicKey}:${privateKey}`).toString('base64')}`;
  // The emulator accepts the client app id where the Admin API has the app's `_id`; any group id.
  const appPath = `${url}/api/admin/v3.0/groups/emulator/apps/${encodeURIComponent(connection.appId)}`;

  let token: Promise<string> | undefined;
  const accessToken = () =>
    (token ??= send(`${url}/api/admin/v3.0/auth/providers/mongodb-cloud/login`, { method: 'POST', body: { username: publicKey, apiKey: privateKey } }).then(
      (answer) => (answer.body as { access_token: string }).access_token,
      (error: unknown) => {
        token = undefined;
        throw error;
      },
    ));

  return {
    emulatorRoute: (path, options = {}) => send(`${url}/_emulator${path}`, { ...options, headers: { Authorization: basic, ...options.headers } }),
    async adminApi(path, options = {}) {
      const call = async () => send(`${appPath}${path}`, { ...options, headers: { Authorization: `Bearer ${await accessToken()}`, ...options.headers } });
      try {
        return await call();
      } catch (error) {
        if (!(error instanceof HarnessRequestError) || error.status !== 401) throw error;
        token = undefined;
        return call();
      }
    },
  };
}
