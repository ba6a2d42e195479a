import type { CommandDefinition } from './command';

export const getCmdLineOpts: CommandDefinition = {
  name: 'getCmdLineOpts',
  adminOnly: true,
  run: (_command, context) => ({
    argv: process.argv.slice(1),
    parsed: { net: { bindIp: context.server.host, port: context.server.port } },
  }),
};
