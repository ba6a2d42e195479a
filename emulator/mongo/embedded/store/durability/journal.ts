/**
 * The journal: every mutation of the store, appended to a file and fsynced before the command
 * that made it is acknowledged.
 *
 * Commands run synchronously one at a time, so a command's mutations are recorded (encoded, with
 * an undo) while it runs, and `commit()` closes them into one frame when it ends. Frames are written
 * by group commit: the frames of every command that finished while the previous write and fsync
 * were in progress go out in one write and one fdatasync, off the event loop. The server sends a
 * command's reply only once its frame is on disk, so "acknowledged" means "durable" while the
 * engine keeps serving (and many concurrent writers share each fsync).
 *
 * Frames are written strictly in commit order, so what is on disk is always a prefix of what the
 * engine did. When a write or fsync fails, every command not yet on disk is undone, newest first,
 * the file is cut back to its last durable frame, and those commands fail: the engine never holds
 * what the disk does not. If even that fails, the journal refuses every later mutation.
 */
import fs from 'node:fs';
import type { Logger } from 'pino';
import { CommandError } from '../../errors';
import type { Engine } from '../engine';
import type { Mutation, MutationObserver } from '../mutations';
import { dataSync, JournalFile, writeAllSync } from './files';
import { encodeFrame } from './frames';
import { encodeMutation } from './records';
import { Undo, undoOf } from './undo';

interface Commit {
  sequence: number;
  file: JournalFile;
  frame: Buffer;
  undo: Undo[];
  settle(error?: Error): void;
}

interface Waiter {
  sequence: number;
  resolve(): void;
  reject(error: Error): void;
}

export class Journal implements MutationObserver {
  private current: JournalFile;
  private files: JournalFile[];
  /** The running command's records and undos, until `commit()`. */
  private records: Uint8Array[] = [];
  private recordBytes = 0;
  private undos: Undo[] = [];
  /** Committed frames waiting for the next write. */
  private queue: Commit[] = [];
  private writing = false;
  private flushScheduled = false;
  private lastSequence = 0;
  private durableSequence = 0;
  private waiters: Waiter[] = [];
  private muted = false;
  private failure: CommandError | undefined;
  /** Bytes committed since the last snapshot began: when the data directory takes the next one. */
  bytesSinceSnapshot: number;

  constructor(
    private readonly engine: Engine,
    file: JournalFile,
    bytesSinceSnapshot: number,
    private readonly log: Logger,
  ) {
    this.current = file;
    this.files = [file];
    this.bytesSinceSnapshot = bytesSinceSnapshot;
  }

  /** Set once the journal can no longer be written: every mutation is refused with this error. */
  get broken(): CommandError | undefined {
    return this.failure;
  }

  /** The sequence number of the last committed frame. */
  get lastCommitted(): number {
    return this.lastSequence;
  }

  record(mutation: Mutation): void {
    if (this.muted) return;
    if (this.failure) throw this.failure;
    for (const record of encodeMutation(mutation)) {
      this.records.push(record);
      this.recordBytes += record.length;
    }
    this.undos.push(undoOf(this.engine, mutation));
  }

  /**
   * Ends a command: its records become one frame, queued for the next group write. Resolves once
   * the frame is on disk; rejects (after undoing the command) when it cannot be written. Undefined
   * when the command changed nothing. The caller must handle the rejection.
   */
  commit(): Promise<void> | undefined {
    if (this.records.length === 0) return undefined;
    const undo = this.undos;
    const payloadBytes = this.recordBytes;
    let frame: Buffer;
    try {
      frame = encodeFrame(this.records, payloadBytes);
    } catch (error) {
      // Past what one frame (or one Buffer) can hold: the command is taken back rather than kept unjournaled.
      this.undoAll([undo]);
      return Promise.reject(
        CommandError.of('OperationFailed', `this command's changes (${payloadBytes} bytes) are too large to journal: ${(error as Error).message}`),
      );
    } finally {
      this.records = [];
      this.recordBytes = 0;
      this.undos = [];
    }
    this.bytesSinceSnapshot += frame.length;
    const sequence = ++this.lastSequence;
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ sequence, file: this.current, frame, undo, settle: (error) => (error ? reject(error) : resolve()) });
      this.scheduleFlush();
    });
  }

  /** Resolves once every frame up to `sequence` is on disk; rejects if one of them was rolled back. */
  whenDurable(sequence: number): Promise<void> {
    if (sequence <= this.durableSequence) return Promise.resolve();
    return new Promise((resolve, reject) => this.waiters.push({ sequence, resolve, reject }));
  }

  /** Later commits go to `file` (a snapshot has just captured the state: see DataDirectory.snapshot). */
  rotate(file: JournalFile): void {
    this.files.push(file);
    this.current = file;
    this.bytesSinceSnapshot = 0;
  }

  /**
   * Closes and returns the files of generations below `generation`, which a committed snapshot now
   * covers. The caller has waited for their frames to be durable.
   */
  retire(generation: number): JournalFile[] {
    const retired = this.files.filter((file) => file.generation < generation);
    this.files = this.files.filter((file) => file.generation >= generation);
    for (const file of retired) fs.closeSync(file.fd);
    return retired;
  }

  /** Waits for every committed frame to be written (or rolled back), then closes the files. */
  async close(): Promise<void> {
    await this.whenDurable(this.lastSequence).catch(() => undefined);
    for (const file of this.files) fs.closeSync(file.fd);
    this.files = [];
  }

  private scheduleFlush(): void {
    if (this.writing || this.flushScheduled) return;
    this.flushScheduled = true;
    // After the current I/O phase: commands whose requests arrived together share the write.
    setImmediate(() => {
      this.flushScheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    if (this.writing || this.queue.length === 0) return;
    const batch = this.queue;
    this.queue = [];
    this.writing = true;
    this.write(batch).then(
      () => {
        this.writing = false;
        this.flush();
      },
      (error: Error) => {
        this.writing = false;
        this.fail(error, batch);
      },
    );
  }

  /** Writes a batch file by file (a rotation may split it), settling each part once it is durable. */
  private async write(batch: Commit[]): Promise<void> {
    for (let start = 0; start < batch.length; ) {
      const file = batch[start].file;
      let end = start + 1;
      while (end < batch.length && batch[end].file === file) end++;
      const group = batch.slice(start, end);
      const data = group.length === 1 ? group[0].frame : Buffer.concat(group.map((commit) => commit.frame));
      // The write only copies into the page cache (microseconds): done here, it saves a thread-pool
      // round trip. The fdatasync, which waits for the disk, runs off the event loop.
      writeAllSync(file.fd, data, file.length);
      await dataSync(file.fd);
      file.length += data.length;
      this.durableSequence = group[group.length - 1].sequence;
      for (const commit of group) commit.settle();
      this.waiters = this.waiters.filter((waiter) => {
        if (waiter.sequence > this.durableSequence) return true;
        waiter.resolve();
        return false;
      });
      start = end;
    }
  }

  private fail(cause: Error, batch: Commit[]): void {
    const lost = [...batch.filter((commit) => commit.sequence > this.durableSequence), ...this.queue];
    this.queue = [];
    // Mutations made outside any command (none in normal operation) are newer still: undone too.
    const outside = this.undos;
    this.records = [];
    this.recordBytes = 0;
    this.undos = [];
    const file = lost[0]?.file ?? this.current;
    const error = CommandError.of(
      'OperationFailed',
      `could not write the journal ${file.path}: ${cause.message}. The write was not acknowledged and has been rolled back`,
    );
    this.undoAll([...lost.map((commit) => commit.undo), outside]);
    for (const touched of new Set(lost.map((commit) => commit.file))) {
      try {
        fs.ftruncateSync(touched.fd, touched.length);
        fs.fsyncSync(touched.fd);
      } catch (truncateError) {
        this.failure ??= CommandError.of(
          'OperationFailed',
          `the journal ${touched.path} could not be cut back to its last durable record after a failed write ` +
            `(${(truncateError as Error).message}); no more writes are accepted: restart the server`,
        );
      }
    }
    this.log.error({ err: cause, rolledBack: lost.length, broken: this.failure?.message }, 'journal write failed; unacknowledged writes rolled back');
    for (const commit of lost) commit.settle(error);
    this.waiters = this.waiters.filter((waiter) => {
      if (waiter.sequence <= this.durableSequence) return true;
      waiter.reject(error);
      return false;
    });
  }

  /** Runs undo lists (oldest first, as given) newest mutation first, without journaling what they do. */
  private undoAll(lists: Undo[][]): void {
    this.muted = true;
    try {
      for (const undo of lists.flat().reverse()) undo();
    } catch (undoError) {
      this.failure = CommandError.of(
        'OperationFailed',
        `the engine could not be rolled back after a journal failure (${(undoError as Error).message}); ` +
          'no more writes are accepted: restart the server, which reloads what is on disk',
      );
      this.log.error({ err: undoError }, 'rollback failed');
    } finally {
      this.muted = false;
    }
  }
}
