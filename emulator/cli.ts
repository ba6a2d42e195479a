/**
 * The `app-services-emulator` command. Each subcommand's module is required only when it runs, so
 * `mongod` does not load what `serve` needs and starts serving in a fraction of a second.
 */
/* eslint-disable @typescript-eslint/no-require-imports */
import { Command, InvalidArgumentError } from 'commander';
import { version } from '../package.json';

function portNumber(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new InvalidArgumentError('must be a port number (0-65535)');
  return port;
}

export function buildProgram(): Command {
  const program = new Command('app-services-emulator')
    .description('Run, test and self-host MongoDB Atlas App Services apps locally')
    .version(version)
    .showHelpAfterError();

  program
    .command('mongod')
    .description('run only the embedded MongoDB-compatible engine and print its URI when ready')
    .option('-p, --port <port>', 'port to listen on (0 picks a free port)', portNumber, 27017)
    .option('--host <host>', 'address to bind to', '127.0.0.1')
    .option('--log-level <level>', 'pino log level (error, warn, info, debug)', 'warn')
    .action(async (options: { port: number; host: string; logLevel: string }) => {
      const { runMongod } = require('./cli/mongod') as typeof import('./cli/mongod');
      await runMongod(options);
    });

  return program;
}

export async function main(argv: string[]): Promise<void> {
  await buildProgram().parseAsync(argv);
}
