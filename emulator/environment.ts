/**
 * The environment variables through which a process finds a running emulator: set by `exec` for
 * its command and by the jest integration for each worker, read by `connectEmulator()`.
 */
import type { Emulator } from './index';

export interface EmulatorEnvironment {
  /** The base URL, e.g. http://127.0.0.1:8080 */
  APP_SERVICES_URL: string;
  /** The Data API v1 base: `<url>/app/<app id>/endpoint/data/v1`. */
  DATA_API_URL: string;
  /** The database behind the app, for the driver (no rules apply there). */
  MONGODB_URI: string;
  APP_SERVICES_APP_ID: string;
  /** The Admin API key pair, `<public key>:<private key>`. */
  APP_SERVICES_ADMIN_KEY: string;
}

export const EMULATOR_VARIABLES = ['APP_SERVICES_URL', 'DATA_API_URL', 'MONGODB_URI', 'APP_SERVICES_APP_ID', 'APP_SERVICES_ADMIN_KEY'] as const;

export function emulatorEnvironment(emulator: Emulator): EmulatorEnvironment {
  return {
    APP_SERVICES_URL: emulator.url,
    DATA_API_URL: emulator.dataApiUrl,
    MONGODB_URI: emulator.mongoUri,
    APP_SERVICES_APP_ID: emulator.appId,
    APP_SERVICES_ADMIN_KEY: `${emulator.adminKey.publicKey}:${emulator.adminKey.privateKey}`,
  };
}
