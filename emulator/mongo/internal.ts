/**
 * The emulator's own database in the app's MongoDB: users, identities, API keys, sessions, token
 * signing keys, the IP access list. Keeping it in the same MongoDB makes it survive restarts where
 * the data does and lets several emulator processes serve one app. The app's rules, the Data API
 * and functions never reach it (services/mongodb.ts refuses these names, even as system).
 */
const PREFIX = '__app_services_';

export function internalDatabaseName(appId: string): string {
  // Database names may not contain "." and are limited to 63 characters.
  return `${PREFIX}${appId.replace(/[^A-Za-z0-9_-]/g, '_')}`.slice(0, 63);
}

export function isInternalDatabase(name: string): boolean {
  return name.startsWith(PREFIX);
}
