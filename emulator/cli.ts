/**
 * The `app-services-emulator` command. Each subcommand's module is required only when it runs, so
 * `mongod` does not load what `serve` needs and starts serving in a fraction of a second.
 */
/* eslint-disable @typescript-eslint/no-require-imports */
import { Command, InvalidArgumentError } from 'commander';
import { version } from '../package.json';

/** Checked here so a malformed `--admin-key` is a usage error, not a failure at start-up. */
function adminKeyPair(value: string): string {
  const { parseAdminKey } = require('./auth/admin-key') as typeof import('./auth/admin-key');
  try {
    parseAdminKey(value);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
  return value;
}

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

  const collect = (value: string, previous: string[]) => [...previous, value];

  program
    .command('serve')
    .description('serve an exported App Services app: Data API, HTTPS endpoints, auth, rules, functions')
    .argument('<appDir>', 'the app directory (exported with realm-cli pull, appservices pull or the UI)')
    .option('-p, --port <port>', 'HTTP port (0 picks a free port)', portNumber, 8080)
    .option('--host <host>', 'address to bind to', '127.0.0.1')
    .option('--app-id <id>', 'serve under this client app id instead of the exported one')
    .option('--mongodb <backend>', 'embedded, memory-server, or a mongodb:// / mongodb+srv:// URI', 'embedded')
    .option('--mongodb-port <port>', 'port of the embedded engine or memory-server mongod (default: a free port)', portNumber)
    .option('--seed <spec>', 'load data: sample_training[:small], a dump directory or a mongodump archive (repeatable)', collect, [])
    .option('--secrets <file>', 'a JSON file of secret name → value')
    .option('--secret <name=value>', 'a secret value (repeatable); also read from APP_SECRET_<name>', collect, [])
    .option('--admin-key <public:private>', 'the Admin API key pair (default: one generated and printed at start-up)', adminKeyPair)
    .option('--log-level <level>', 'pino log level (error, warn, info, debug)', 'info')
    .action(async (appDirectory: string, options: import('./cli/serve').ServeOptions) => {
      const { runServe } = require('./cli/serve') as typeof import('./cli/serve');
      await runServe(appDirectory, options);
    });

  program
    .command('validate')
    .description("check an exported app directory: its summary and every problem found (exit code 1 on errors)")
    .argument('<appDir>', 'the app directory')
    .option('--app-id <id>', 'validate as if served under this client app id')
    .option('--secrets <file>', 'a JSON file of secret name → value')
    .option('--secret <name=value>', 'a secret value (repeatable)', collect, [])
    .action(async (appDirectory: string, options: import('./cli/validate').ValidateOptions) => {
      const { runValidate } = require('./cli/validate') as typeof import('./cli/validate');
      process.exitCode = await runValidate(appDirectory, options);
    });

  return program;
}

export async function main(argv: string[]): Promise<void> {
  await buildProgram().parseAsync(argv);
}
