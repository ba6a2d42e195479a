import { CommandError } from '../errors';
import { Arguments } from './arguments';
import type { CommandDefinition } from './command';

function splitNamespace(namespace: string): { database: string; name: string } {
  const dot = namespace.indexOf('.');
  if (dot <= 0 || dot === namespace.length - 1) throw CommandError.of('InvalidNamespace', `Invalid namespace specified '${namespace}'`);
  return { database: namespace.slice(0, dot), name: namespace.slice(dot + 1) };
}

export const renameCollection: CommandDefinition = {
  name: 'renameCollection',
  adminOnly: true,
  run(command, context) {
    const args = new Arguments(command, 'renameCollection');
    const from = splitNamespace(args.requiredString('renameCollection'));
    const to = splitNamespace(args.requiredString('to'));
    context.engine.renameCollection(from, to, args.boolean('dropTarget'));
    return {};
  },
};
