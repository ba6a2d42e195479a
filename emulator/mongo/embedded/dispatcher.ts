/**
 * Routes a decoded command to its command file and turns whatever happens into the reply mongod
 * would send: the command's result with `ok: 1`, or `{ok: 0, errmsg, code, codeName}`.
 */
import { CommandError, asCommandError } from './errors';
import type { CommandContext, CommandDefinition } from './commands/command';
import type { Document } from './values/forms';

/** Fields that mean "part of a transaction", which a standalone server refuses. */
const TRANSACTION_FIELDS = ['txnNumber', 'startTransaction', 'autocommit'];

export class Dispatcher {
  private readonly table = new Map<string, CommandDefinition>();

  constructor(commands: CommandDefinition[]) {
    for (const command of commands) {
      for (const name of [command.name, ...(command.aliases ?? [])]) this.table.set(name, command);
    }
  }

  has(name: string): boolean {
    return this.table.has(name);
  }

  execute(command: Document, context: CommandContext): Document {
    const name = Object.keys(command)[0];
    try {
      if (name === undefined) throw CommandError.of('FailedToParse', 'Empty command object');
      const definition = this.table.get(name);
      if (!definition) throw CommandError.of('CommandNotFound', `no such command: '${name}'`);
      if (TRANSACTION_FIELDS.some((field) => command[field] !== undefined)) {
        throw CommandError.of('IllegalOperation', 'Transaction numbers are only allowed on a replica set member or mongos');
      }
      if (definition.adminOnly && context.database !== 'admin') {
        throw CommandError.of('Unauthorized', `${name} may only be run against the admin database.`);
      }
      const result = definition.run(command, context);
      return { ...result, ok: 1 };
    } catch (thrown) {
      const { error, unexpected } = asCommandError(thrown);
      if (unexpected) context.log.error({ err: thrown, command: name }, 'command failed with an internal error');
      return error.toReply();
    }
  }
}
