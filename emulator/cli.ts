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

/** `--ip-access-list 10.0.0.0/8,127.0.0.1`: each entry checked here, so a typo is a usage error. */
function accessListEntries(value: string): string[] {
  const { parseAddress } = require('./http/ip-access') as typeof import('./http/ip-access');
  const entries = value.split(',').map((entry) => entry.trim()).filter((entry) => entry !== '');
  for (const entry of entries) {
    try {
      parseAddress(entry);
    } catch (error) {
      throw new InvalidArgumentError((error as Error).message);
    }
  }
  return entries;
}

/** `--trust-proxy loopback,10.0.0.0/8`: what express's `trust proxy` accepts, checked by express itself. */
function trustedProxies(value: string): string {
  const express = require('express') as typeof import('express');
  try {
    express().set('trust proxy', value);
  } catch (error) {
    throw new InvalidArgumentError(`${(error as Error).message} (expected addresses, CIDR blocks or loopback, linklocal, uniquelocal)`);
  }
  return value;
}

/** `--function-timeout 30` (seconds), `30s` or `500ms`: a positive duration, in milliseconds. */
function duration(value: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*(ms|s)?$/.exec(value.trim());
  const milliseconds = match ? Number(match[1]) * (match[2] === 'ms' ? 1 : 1000) : NaN;
  if (!Number.isFinite(milliseconds) || milliseconds < 1) throw new InvalidArgumentError('must be a duration: seconds (30, 0.5), or with a unit (30s, 500ms)');
  return Math.round(milliseconds);
}

/** `--log-format pretty|json`. */
function logFormat(value: string): string {
  const { LOG_FORMATS } = require('./cli/logger') as typeof import('./cli/logger');
  if (!(LOG_FORMATS as readonly string[]).includes(value)) throw new InvalidArgumentError(`must be one of ${LOG_FORMATS.join(', ')}`);
  return value;
}

function portNumber(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new InvalidArgumentError('must be a port number (0-65535)');
  return port;
}

const collect = (value: string, previous: string[]) => [...previous, value];

/** The options of `serve`, shared with `exec`, which starts the same emulator around a command. */
function addServeOptions(command: Command, defaults: { port: number; logLevel: string }): Command {
  return command
    .option('-p, --port <port>', 'HTTP port (0 picks a free port)', portNumber, defaults.port)
    .option('--host <host>', 'address to bind to', '127.0.0.1')
    .option('--app-id <id>', 'serve under this client app id instead of the exported one')
    .option('--mongodb <backend>', 'embedded, memory-server, or a mongodb:// / mongodb+srv:// URI', 'embedded')
    .option('--mongodb-port <port>', 'port of the embedded engine or memory-server mongod (default: a free port)', portNumber)
    .option('--data-dir <dir>', "keep the embedded engine's data (and the internal database) here across restarts")
    .option('--seed <spec>', 'load data: sample_training[:small], a dump directory or a mongodump archive (repeatable)', collect, [])
    .option('--secrets <file>', 'a JSON file of secret name → value')
    .option('--secret <name=value>', 'a secret value (repeatable); also read from APP_SECRET_<name>', collect, [])
    .option('--admin-key <public:private>', 'the Admin API key pair (default: one generated and printed at start-up)', adminKeyPair)
    .option('--ip-access-list <cidr,...>', 'the IP access list, replacing the stored one (default: the stored list; a new app allows 0.0.0.0/0 and ::/0)', accessListEntries)
    .option('--trust-proxy <addresses>', 'proxies whose X-Forwarded-For names the client: addresses, CIDR blocks, loopback (default: none)', trustedProxies)
    .option('--function-timeout <duration>', 'time limit of one function call, in seconds or with a unit (500ms); App Services: 300', duration)
    .option('--log-level <level>', 'pino log level (error, warn, info, debug)', defaults.logLevel)
    .option('--log-format <format>', 'log lines on stderr: pretty (readable) or json (pino JSON lines)', logFormat, 'pretty');
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
    .option('--data-dir <dir>', 'keep the data in this directory across restarts (default: in memory only)')
    .option('--log-level <level>', 'pino log level (error, warn, info, debug)', 'warn')
    .option('--log-format <format>', 'log lines on stderr: pretty (readable) or json (pino JSON lines)', logFormat, 'pretty')
    .action(async (options: import('./cli/mongod').MongodOptions) => {
      const { runMongod } = require('./cli/mongod') as typeof import('./cli/mongod');
      await runMongod(options);
    });

  addServeOptions(
    program
      .command('serve')
      .description('serve an exported App Services app: Data API, HTTPS endpoints, auth, rules, functions')
      .argument('<appDir>', 'the app directory (exported with realm-cli pull, appservices pull or the UI)'),
    { port: 8080, logLevel: 'info' },
  )
    .option('--watch', 'reload functions, rules, auth providers, endpoints and values when the app directory changes')
    .action(async (appDirectory: string, options: import('./cli/serve').ServeOptions) => {
      const { runServe } = require('./cli/serve') as typeof import('./cli/serve');
      await runServe(appDirectory, options);
    });

  // A free port by default: the command reads the URLs from its environment, and CI jobs run side by side.
  addServeOptions(
    program
      .command('exec')
      .description('serve an app, run a command with APP_SERVICES_URL, DATA_API_URL and MONGODB_URI set, stop, and exit with its code')
      .usage('<appDir> [serve options] -- <command> [args...]')
      .argument('<appDir>', 'the app directory')
      .argument('<command...>', 'the command and its arguments, after --'),
    { port: 0, logLevel: 'warn' },
  ).action(async (appDirectory: string, command: string[], options: import('./cli/serve').ServeOptions) => {
    const { runExec } = require('./cli/exec') as typeof import('./cli/exec');
    // Exit now: the command's code is the answer, whatever the emulator left behind while stopping.
    process.exit(await runExec(appDirectory, command, options));
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

  program
    .command('export')
    .description('write the app\'s data as canonical Extended JSON, one file per collection with its indexes (readable by import and serve --seed)')
    .argument('<dir>', 'a new or empty directory')
    .option('--mongodb <uri>', 'read from this MongoDB: a running server\'s (serve prints it), Atlas, any mongodb:// URI')
    .option('--data-dir <dir>', 'read a stopped server\'s data directory')
    .option('--db <name>', 'export only this database (repeatable; default: every app database)', collect, [])
    .option('--include-users', 'also export the emulator\'s users, API keys, sessions and access list (secrets: password hashes, the token signing key)')
    .option('--app-id <id>', 'with --include-users: only this app\'s users (default: every app\'s found)')
    .action(async (directory: string, options: import('./cli/export').ExportCommandOptions) => {
      const { runExport } = require('./cli/export') as typeof import('./cli/export');
      process.exitCode = await runExport(directory, options);
    });

  program
    .command('import')
    .description('load an export (or mongoexport / mongodump output) into a MongoDB or a data directory')
    .argument('<dir>', 'the directory export wrote')
    .option('--mongodb <uri>', 'write to this MongoDB: a running server\'s (serve prints it), Atlas, any mongodb:// URI')
    .option('--data-dir <dir>', 'write to a stopped server\'s data directory (created if new)')
    .option('--db <name>', 'import only this database of the export (repeatable)', collect, [])
    .option('--include-users', 'also import the emulator\'s users, API keys, sessions and access list found in the export')
    .option('--app-id <id>', 'with --include-users: import the users as this app\'s')
    .option('--drop', 'drop each collection of the export before loading it')
    .option('--mode <mode>', 'insert: a document whose _id is already there is an error; upsert: it is replaced', (value: string) => {
      if (value !== 'insert' && value !== 'upsert') throw new InvalidArgumentError('must be insert or upsert');
      return value;
    }, 'insert')
    .action(async (directory: string, options: import('./cli/import').ImportCommandOptions) => {
      const { runImport } = require('./cli/import') as typeof import('./cli/import');
      process.exitCode = await runImport(directory, options);
    });

  return program;
}

export async function main(argv: string[]): Promise<void> {
  await buildProgram().parseAsync(argv);
}
