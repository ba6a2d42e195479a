/**
 * Which databases a transfer covers. By default the app's data: every database but the server's
 * own (admin, local, config) and the emulator's internal ones (`__app_services_<app id>`, see
 * mongo/internal.ts), which hold users, identities, API keys, sessions, the IP access list and the
 * token signing key. Those come only when asked for with `includeUsers`, because they are secrets.
 */
import { internalDatabaseName, isInternalDatabase } from '../internal';
import { TransferError } from './errors';

const SERVER_DATABASES = new Set(['admin', 'local', 'config']);

export interface DatabaseSelection {
  /** Only these databases (`--db`, repeatable); every app database when absent or empty. */
  databases?: string[];
  /** Also the emulator's internal databases: users, keys, sessions, the access list. */
  includeUsers?: boolean;
  /** With `includeUsers`: only this app's internal database (on import: the one to write to). */
  appId?: string;
}

export interface ChosenDatabase {
  /** Its name where it is read. */
  source: string;
  /** Its name where it is written: the same, but for an internal database imported under another app id. */
  target: string;
}

export interface DatabaseChoice {
  chosen: ChosenDatabase[];
  /** Internal databases left out because `includeUsers` was not given (and no `databases` were named). */
  internalSkipped: string[];
}

export function checkSelection(selection: DatabaseSelection): void {
  if (selection.appId !== undefined && !selection.includeUsers) {
    throw new TransferError('--app-id chooses the app whose users are transferred: it goes with --include-users');
  }
  for (const name of selection.databases ?? []) {
    if (isInternalDatabase(name)) {
      throw new TransferError(`--db ${name}: that is the emulator's internal database (users, keys, sessions); use --include-users (with --app-id <id> for one app)`);
    }
    if (SERVER_DATABASES.has(name)) throw new TransferError(`--db ${name}: that database is the server's own, not the app's data`);
  }
}

/**
 * `available` are the databases found (in the database on export, in the directory on import).
 * `renameInternal`: on import, an export's single internal database may be written as another
 * app's (`--app-id`), so users exported from one app id can be served under another.
 */
export function chooseDatabases(available: string[], selection: DatabaseSelection, where: string, renameInternal: boolean): DatabaseChoice {
  checkSelection(selection);
  const internal = available.filter(isInternalDatabase);
  const appDatabases = available.filter((name) => !isInternalDatabase(name) && !SERVER_DATABASES.has(name));
  const requested = selection.databases ?? [];
  const missing = requested.filter((name) => !appDatabases.includes(name));
  if (missing.length > 0) {
    throw new TransferError(
      `no database ${missing.map((name) => `"${name}"`).join(', ')} in ${where}; it holds ${appDatabases.length > 0 ? appDatabases.join(', ') : 'no app database'}`,
    );
  }
  const chosen: ChosenDatabase[] = (requested.length > 0 ? appDatabases.filter((name) => requested.includes(name)) : appDatabases).map((name) => ({ source: name, target: name }));
  // Worth a note only when the user asked for everything: with --db they chose what they wanted.
  if (!selection.includeUsers) return { chosen, internalSkipped: requested.length > 0 ? [] : internal };
  chosen.push(...chooseInternal(internal, selection.appId, where, renameInternal));
  return { chosen, internalSkipped: [] };
}

function chooseInternal(internal: string[], appId: string | undefined, where: string, renameInternal: boolean): ChosenDatabase[] {
  if (appId === undefined) {
    if (internal.length === 0) throw new TransferError(`--include-users: ${where} holds no emulator users (no __app_services_* database)`);
    return internal.map((name) => ({ source: name, target: name }));
  }
  const own = internalDatabaseName(appId);
  if (internal.includes(own)) return [{ source: own, target: own }];
  if (renameInternal && internal.length === 1) return [{ source: internal[0], target: own }];
  const found = internal.length > 0 ? `it holds ${internal.join(', ')}` : 'it holds none';
  throw new TransferError(`--app-id ${appId}: ${where} has no users of that app (database ${own}); ${found}`);
}
