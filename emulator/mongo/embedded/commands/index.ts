/**
 * The command table: every command the engine answers. Anything else is CommandNotFound (59).
 *
 * aggregate, update and findAndModify load the pipeline machinery (most of mingo), so they are
 * loaded on first use: `mongod` then answers its first ping well within its start-up budget.
 */
/* eslint-disable @typescript-eslint/no-require-imports */
import { buildInfo } from './build-info';
import { collStats } from './coll-stats';
import type { CommandDefinition } from './command';
import { connectionStatus } from './connection-status';
import { count } from './count';
import { create } from './create';
import { createIndexes } from './create-indexes';
import { dbStats } from './db-stats';
import { deleteCommand } from './delete';
import { distinct } from './distinct';
import { drop } from './drop';
import { dropDatabase } from './drop-database';
import { dropIndexes } from './drop-indexes';
import { endSessions } from './end-sessions';
import { explain } from './explain';
import { find } from './find';
import { getCmdLineOpts } from './get-cmd-line-opts';
import { getLog } from './get-log';
import { getMore } from './get-more';
import { getParameter } from './get-parameter';
import { hello } from './hello';
import { hostInfo } from './host-info';
import { insert } from './insert';
import { killCursors } from './kill-cursors';
import { listCollections } from './list-collections';
import { listDatabases } from './list-databases';
import { listIndexes } from './list-indexes';
import { ping } from './ping';
import { renameCollection } from './rename-collection';
import { serverStatus } from './server-status';
import { whatsmyuri } from './whats-my-uri';

function loadedOnFirstUse(name: string, aliases: string[], load: () => CommandDefinition): CommandDefinition {
  let definition: CommandDefinition | undefined;
  return {
    name,
    aliases,
    run(command, context) {
      definition ??= load();
      return definition.run(command, context);
    },
  };
}

const aggregate = loadedOnFirstUse('aggregate', [], () => (require('./aggregate') as typeof import('./aggregate')).aggregate);
const update = loadedOnFirstUse('update', [], () => (require('./update') as typeof import('./update')).update);
const findAndModify = loadedOnFirstUse(
  'findAndModify',
  ['findandmodify'],
  () => (require('./find-and-modify') as typeof import('./find-and-modify')).findAndModify,
);

export const ALL_COMMANDS: CommandDefinition[] = [
  hello,
  ping,
  buildInfo,
  getParameter,
  serverStatus,
  endSessions,
  connectionStatus,
  whatsmyuri,
  getLog,
  hostInfo,
  getCmdLineOpts,
  explain,
  find,
  aggregate,
  getMore,
  killCursors,
  insert,
  update,
  findAndModify,
  deleteCommand,
  count,
  distinct,
  listDatabases,
  listCollections,
  create,
  drop,
  dropDatabase,
  renameCollection,
  createIndexes,
  listIndexes,
  dropIndexes,
  collStats,
  dbStats,
];
