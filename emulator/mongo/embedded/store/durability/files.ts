/**
 * The files of a data directory and the few file-system calls durability needs. Generations order
 * them: `snapshot-<n>.bson` holds the state after every journal below n, and `journal-<n>.log`
 * the mutations made after it, so recovery loads the newest snapshot and replays the journals from
 * its generation up.
 */
import fs from 'node:fs';
import path from 'node:path';
import { FILE_HEADER_SIZE, JOURNAL_HEADER } from './frames';

export const journalPath = (directory: string, generation: number) => path.join(directory, `journal-${generation}.log`);
export const snapshotPath = (directory: string, generation: number) => path.join(directory, `snapshot-${generation}.bson`);

export interface DirectoryListing {
  snapshots: number[];
  journals: number[];
  /** Snapshots that were being written when the process stopped. */
  temporary: string[];
}

export function listDirectory(directory: string): DirectoryListing {
  const listing: DirectoryListing = { snapshots: [], journals: [], temporary: [] };
  for (const name of fs.readdirSync(directory)) {
    const snapshot = /^snapshot-(\d+)\.bson$/.exec(name);
    const journal = /^journal-(\d+)\.log$/.exec(name);
    if (snapshot) listing.snapshots.push(Number(snapshot[1]));
    else if (journal) listing.journals.push(Number(journal[1]));
    else if (/^snapshot-\d+\.bson\.tmp$/.test(name)) listing.temporary.push(path.join(directory, name));
  }
  listing.snapshots.sort((a, b) => a - b);
  listing.journals.sort((a, b) => a - b);
  return listing;
}

/** A journal file open for appending; `length` is how much of it is known to be on disk. */
export interface JournalFile {
  generation: number;
  path: string;
  fd: number;
  length: number;
}

/** A new, empty journal, made durable (header, file and directory entry) before anything is appended. */
export function createJournalFile(directory: string, generation: number): JournalFile {
  const file = journalPath(directory, generation);
  const fd = fs.openSync(file, 'wx');
  try {
    fs.writeSync(fd, JOURNAL_HEADER, 0, FILE_HEADER_SIZE, 0);
    fs.fsyncSync(fd);
    syncDirectory(directory);
  } catch (error) {
    fs.closeSync(fd);
    fs.rmSync(file, { force: true });
    throw error;
  }
  return { generation, path: file, fd, length: FILE_HEADER_SIZE };
}

/**
 * An existing journal reopened for appending after its valid records, which end at `length`: a
 * torn tail after them is cut off first, so the next append starts on a record boundary.
 */
export function reopenJournalFile(directory: string, generation: number, length: number): JournalFile {
  const file = journalPath(directory, generation);
  const fd = fs.openSync(file, 'r+');
  try {
    if (length < FILE_HEADER_SIZE) {
      fs.ftruncateSync(fd, 0);
      fs.writeSync(fd, JOURNAL_HEADER, 0, FILE_HEADER_SIZE, 0);
      fs.fsyncSync(fd);
      return { generation, path: file, fd, length: FILE_HEADER_SIZE };
    }
    if (fs.fstatSync(fd).size > length) {
      fs.ftruncateSync(fd, length);
      fs.fsyncSync(fd);
    }
  } catch (error) {
    fs.closeSync(fd);
    throw error;
  }
  return { generation, path: file, fd, length };
}

/** Makes renames and new files in the directory durable (their directory entries). */
export function syncDirectory(directory: string): void {
  // Windows cannot open a directory as a file; NTFS journals its directory entries itself.
  if (process.platform === 'win32') return;
  const fd = fs.openSync(directory, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** Writes the whole buffer at `position` (a regular file may take it in several writes). */
export function writeAt(fd: number, buffer: Buffer, position: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const step = (done: number) =>
      fs.write(fd, buffer, done, buffer.length - done, position + done, (error, written) => {
        if (error) reject(error);
        else if (done + written < buffer.length) step(done + written);
        else resolve();
      });
    step(0);
  });
}

export function writeAllSync(fd: number, buffer: Buffer, position: number): void {
  for (let done = 0; done < buffer.length; ) done += fs.writeSync(fd, buffer, done, buffer.length - done, position + done);
}

/** fdatasync: the data and the file size on disk (what reading the file back needs), without other metadata. */
export function dataSync(fd: number): Promise<void> {
  return new Promise((resolve, reject) => fs.fdatasync(fd, (error) => (error ? reject(error) : resolve())));
}
