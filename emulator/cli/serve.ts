/**
 * `app-services-emulator serve <appDir>`: loads the app, starts its database, seeds it, serves it
 * over HTTP, prints where everything is, and stops cleanly on Ctrl-C (SIGINT) or SIGTERM.
 * The summary goes to stdout; logs and seeding progress go to stderr.
 */
import { performance } from 'node:perf_hooks';
import { describeApp, formatProblem, formatSummary } from '../app';
import { parseAdminKey } from '../auth';
import { type EmulatorOptions, startEmulator } from '../index';
import { checkDataDirectoryBackend } from '../mongo/connect';
import { terminalProgress } from '../mongo/seed';
import { createLogger, type LogFormat } from './logger';
import { reloadOnChange } from './reload-on-change';
import { gatherSecrets } from './secrets';

export interface ServeOptions {
  port: number;
  host: string;
  appId?: string;
  mongodb: string;
  mongodbPort?: number;
  dataDir?: string;
  seed: string[];
  secrets?: string;
  secret: string[];
  /** `<public key>:<private key>` for the Admin API; generated and printed once when absent. */
  adminKey?: string;
  /** Addresses and CIDR blocks, already checked by the command line parser. */
  ipAccessList?: string[];
  trustProxy?: string;
  /** Milliseconds, already parsed by the command line parser. */
  functionTimeout?: number;
  logLevel: string;
  logFormat: LogFormat;
  /** Reload the app when its directory changes (serve only). */
  watch?: boolean;
}

/** The command line's options as `startEmulator`'s, for `serve` and `exec` alike. */
export function emulatorOptions(appDirectory: string, options: ServeOptions): EmulatorOptions {
  checkDataDirectoryBackend(options.mongodb, options.dataDir);
  return {
    app: appDirectory,
    port: options.port,
    host: options.host,
    appId: options.appId,
    mongodb: options.mongodb,
    mongodbPort: options.mongodbPort,
    dataDirectory: options.dataDir,
    seed: options.seed,
    secrets: gatherSecrets({ secretsFile: options.secrets, secret: options.secret }),
    adminKey: options.adminKey === undefined ? undefined : parseAdminKey(options.adminKey),
    ipAccessList: options.ipAccessList,
    trustProxy: options.trustProxy,
    functionTimeoutMs: options.functionTimeout,
  };
}

export async function runServe(appDirectory: string, options: ServeOptions): Promise<void> {
  const started = performance.now();
  const logger = createLogger(options.logLevel, options.logFormat);
  if (options.host === '0.0.0.0' || options.host === '::') {
    logger.warn(`binding to ${options.host} serves the app to your whole network; the emulator is meant for development`);
  }
  const emulator = await startEmulator({
    ...emulatorOptions(appDirectory, options),
    logger,
    warmFunctions: true,
    // With JSON logs, stderr holds nothing else: progress goes there as log records.
    onSeedProgress:
      options.logFormat === 'json'
        ? (progress) => {
            if (progress.total !== undefined && progress.inserted === progress.total) logger.info({ seeded: progress }, `seeded ${progress.database}.${progress.collection}`);
          }
        : terminalProgress(process.stderr),
  });

  const lines = [
    `Base URL:  ${emulator.url}`,
    `Data API:  ${emulator.dataApiUrl}`,
    `MongoDB:   ${emulator.mongoUri} (${emulator.mongo.kind})`,
    // Like App Services, a generated private key is shown once: here, at start-up.
    emulator.adminKeyGenerated
      ? `Admin API: ${emulator.url}/api/admin/v3.0, key ${emulator.adminKey.publicKey}:${emulator.adminKey.privateKey} (generated; shown once, pass --admin-key to keep one)`
      : `Admin API: ${emulator.url}/api/admin/v3.0, public key ${emulator.adminKey.publicKey}`,
    `IP access list: ${emulator.accessList.list().map((entry) => entry.address).join(', ') || 'empty: every request to the app is refused'}`,
    formatSummary(describeApp(emulator.definition)),
  ];
  for (const result of emulator.seeded) {
    const documents = result.collections.reduce((sum, collection) => sum + collection.documents, 0);
    lines.push(
      `Seeded ${result.source}: ${documents.toLocaleString('en-US')} documents in ${result.collections.length} collections (${(result.milliseconds / 1000).toFixed(1)} s)`,
    );
  }
  const notices = emulator.problems.filter((problem) => problem.severity !== 'info');
  if (notices.length > 0) lines.push('Warnings:', ...notices.map((problem) => `  ${formatProblem(problem)}`));
  if (options.watch) lines.push(`Watching ${appDirectory}: changes reload the app.`);
  const watcher = options.watch ? reloadOnChange(emulator, appDirectory, process.stdout) : undefined;

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info(`${signal}: stopping`);
    watcher?.close();
    emulator.stop().then(
      () => process.exit(0),
      (error: Error) => {
        process.stderr.write(`error while stopping: ${error.message}\n`);
        process.exit(1);
      },
    );
  };
  // Before "Ready": whoever reads it may signal at once, and an unhandled SIGTERM would kill the
  // process without stopping the emulator (and its data directory) cleanly.
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
  lines.push(`Ready in ${Math.round(performance.now() - started)} ms. Press Ctrl-C to stop.`);
  process.stdout.write(`${lines.join('\n')}\n`);
}
