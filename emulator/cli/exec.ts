/**
 * `app-services-emulator exec <appDir> [serve options] -- <command> [args...]`: starts the emulator
 * as `serve` would, runs the command with the emulator's addresses in its environment, stops the
 * emulator and answers with the command's exit code. Meant for CI: `exec app -- npm test`.
 *
 * The command owns the terminal (stdin, stdout and stderr are inherited); the emulator only writes
 * to stderr, at warn level unless `--log-level` says otherwise.
 */
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { emulatorEnvironment } from '../environment';
import { startEmulator } from '../index';
import { terminalProgress } from '../mongo/seed';
import { createLogger } from './logger';
import { emulatorOptions, type ServeOptions } from './serve';

/** What a shell answers for a command it cannot find or start. */
const COMMAND_NOT_STARTED = 127;
const FORWARDED_SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/** A shell's convention: a command killed by signal n exits with 128 + n. */
function exitCodeOf(code: number | null, signal: NodeJS.Signals | null): number {
  if (code !== null) return code;
  return 128 + (signal ? (constants.signals[signal] ?? 0) : 0);
}

function runCommand(command: string[], environment: NodeJS.ProcessEnv): Promise<number> {
  const [file, ...args] = command;
  return new Promise((resolve) => {
    const child = spawn(file, args, { stdio: 'inherit', env: environment });
    const forward = (signal: NodeJS.Signals) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    };
    for (const signal of FORWARDED_SIGNALS) process.on(signal, forward);
    const finish = (code: number) => {
      for (const signal of FORWARDED_SIGNALS) process.off(signal, forward);
      resolve(code);
    };
    // 'error' alone means the command never started (not found, not executable); after a start,
    // 'exit' always follows.
    child.on('error', (error: NodeJS.ErrnoException) => {
      if (child.pid !== undefined) return;
      const reason = error.code === 'ENOENT' ? 'command not found' : (error.code ?? error.message);
      process.stderr.write(`app-services-emulator exec: cannot run ${JSON.stringify(file)}: ${reason}\n`);
      finish(COMMAND_NOT_STARTED);
    });
    child.once('exit', (code, signal) => finish(exitCodeOf(code, signal)));
  });
}

/** Returns the exit code for the process: the command's, or 1 when the emulator cannot start or stop. */
export async function runExec(appDirectory: string, command: string[], options: ServeOptions): Promise<number> {
  const logger = createLogger(options.logLevel, options.logFormat);
  const emulator = await startEmulator({
    ...emulatorOptions(appDirectory, options),
    logger,
    onSeedProgress: logger.isLevelEnabled('info') ? terminalProgress(process.stderr) : undefined,
  });
  const environment = emulatorEnvironment(emulator);
  logger.info({ url: emulator.url, dataApiUrl: emulator.dataApiUrl, mongoUri: emulator.mongoUri }, `serving ${emulator.appId}; running ${command.join(' ')}`);

  // Until the command ends, a signal is the command's business: it is forwarded, and the emulator
  // stops once the command has exited.
  const code = await runCommand(command, { ...process.env, ...environment });
  try {
    await emulator.stop();
  } catch (error) {
    process.stderr.write(`app-services-emulator exec: error while stopping the emulator: ${(error as Error).message}\n`);
    return code === 0 ? 1 : code;
  }
  return code;
}
