/**
 * What every command file exports, and the context a command runs in.
 *
 * Commands run synchronously from start to finish: Node runs one at a time, so each command is
 * atomic with respect to every other client's commands without any locking.
 */
import type { Logger } from 'pino';
import type { CursorManager } from '../store/cursors';
import type { Engine } from '../store/engine';
import type { Document } from '../values/forms';

export interface ConnectionInfo {
  id: number;
  remoteAddress: string;
  /** The client metadata of the handshake, when the driver sent one. */
  client?: Document;
}

export interface ServerInfo {
  startedAt: Date;
  host: string;
  port: number;
  connections: () => { current: number; totalCreated: number };
}

export interface CommandContext {
  engine: Engine;
  cursors: CursorManager;
  /** `$db` of the command. */
  database: string;
  connection: ConnectionInfo;
  server: ServerInfo;
  log: Logger;
}

export interface CommandDefinition {
  /** The command's name as its first field spells it; aliases answer the same way. */
  name: string;
  aliases?: string[];
  /** Commands such as renameCollection and listDatabases run only against the admin database. */
  adminOnly?: boolean;
  run(command: Document, context: CommandContext): Document;
}
