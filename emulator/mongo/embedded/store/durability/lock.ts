/**
 * One process per data directory: a lock file holding the owner's pid. Two engines appending to one
 * journal would each overwrite the other's records, so a second one is refused with a message
 * naming the owner. A lock left by a process that is gone (killed, crashed) is taken over: a
 * SIGKILL must not leave the directory unusable. The pid in a stale lock may be this very process's
 * (a container whose server always runs as pid 1), so locks this process holds are tracked here.
 */
import fs from 'node:fs';
import path from 'node:path';
import { DataDirectoryError } from './frames';

export const LOCK_FILE = 'mongod.lock';

const heldByThisProcess = new Set<string>();

/** Takes the directory's lock; returns its release. */
export function lockDataDirectory(directory: string): () => void {
  const key = fs.realpathSync(directory);
  const file = path.join(directory, LOCK_FILE);
  if (heldByThisProcess.has(key)) {
    throw new DataDirectoryError(`the data directory ${directory} is already in use by another server in this process`);
  }
  for (let attempt = 0; attempt < 5; attempt++) {
    if (createWithPid(file)) {
      heldByThisProcess.add(key);
      return () => {
        heldByThisProcess.delete(key);
        if (readPid(file) === process.pid) fs.rmSync(file, { force: true });
      };
    }
    const holder = readPid(file);
    if (holder !== undefined && holder !== process.pid && isRunning(holder)) {
      throw new DataDirectoryError(
        `the data directory ${directory} is in use by process ${holder} (lock file ${file}). ` +
          'Stop that process first; if it is not an app-services-emulator, the lock is stale: delete the lock file.',
      );
    }
    // Stale. Removed only if it still names the same dead process: another starter may have won.
    if (readPid(file) === holder) fs.rmSync(file, { force: true });
  }
  throw new DataDirectoryError(`could not take the lock file ${file}: other processes keep taking it`);
}

/**
 * Creates the lock file with the pid already in it (written to a file of its own, then linked into
 * place, which fails if the lock exists): a lock file is never seen empty.
 */
function createWithPid(file: string): boolean {
  const temporary = `${file}.${process.pid}`;
  fs.writeFileSync(temporary, `${process.pid}\n`);
  try {
    fs.linkSync(temporary, file);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code === 'EPERM' || code === 'ENOTSUP' || code === 'EOPNOTSUPP' || code === 'ENOSYS') return createExclusive(file);
    throw new DataDirectoryError(`could not create the lock file ${file}: ${(error as Error).message}`);
  } finally {
    fs.rmSync(temporary, { force: true });
  }
}

/** For file systems without hard links: exclusive creation, then the pid. */
function createExclusive(file: string): boolean {
  let fd: number;
  try {
    fd = fs.openSync(file, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new DataDirectoryError(`could not create the lock file ${file}: ${(error as Error).message}`);
  }
  try {
    fs.writeSync(fd, `${process.pid}\n`);
  } finally {
    fs.closeSync(fd);
  }
  return true;
}

function readPid(file: string): number | undefined {
  try {
    const pid = Number.parseInt(fs.readFileSync(file, 'utf8').trim(), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, under another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
