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
    .option('--data-dir <dir>', 'keep the data in this directory across restarts (default: in memory only)')
    .option('--log-level <level>', 'pino log level (error, warn, info, debug)', 'warn')
    .action(async (options: import('./cli/mongod').MongodOptions) => {
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
    .option('--data-dir <dir>', "keep the embedded engine's data (and the internal database) here across restarts")
    .option('--seed <spec>', 'load data: sample_training[:small], a dump directory or a mongodump archive (repeatable)', collect, [])
    .option('--secrets <file>', 'a JSON file of secret name → value')
    .option('--secret <name=value>', 'a secret value (repeatable); also read from APP_SECRET_<name>', collect, [])
    .option('--admin-key <public:private>', 'the Admin API key pair (default: one generated and printed at start-up)', adminKeyPair)
    .option('--ip-access-list <cidr,...>', 'the IP access list, replacing the stored one (default: the stored list; a new app allows 0.0.0.0/0 and ::/0)', accessListEntries)
    .option('--trust-proxy <addresses>', 'proxies whose X-Forwarded-For names the client: addresses, CIDR blocks, loopback (default: none)', trustedProxies)
    .option('--function-timeout <duration>', 'time limit of one function call, in seconds or with a unit (500ms); App Services: 300', duration)
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
