/**
 * A data directory keeps an engine's state across restarts: snapshots plus a journal (see
 * journal.ts for when a write is on disk, snapshot.ts for how the state is captured, recovery.ts for
 * start-up). The server commits after each command and replies once the commit is durable.
 *
 * A snapshot is taken when the journal has grown past a threshold, and on a clean shutdown so that
 * the next start loads one file instead of replaying a journal. It is atomic: written to a
 * temporary file, fsynced, renamed into place, the directory fsynced; only then are the journals
 * it covers deleted.
 */
import fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import type { Engine } from '../engine';
import { createJournalFile, listDirectory, snapshotPath, syncDirectory } from './files';
import { DataDirectoryError } from './frames';
import { Journal } from './journal';
import { lockDataDirectory } from './lock';
import { recover } from './recovery';
import { captureEngine, writeSnapshot } from './snapshot';

export { DataDirectoryError } from './frames';

/** A journal this large takes about a second to replay; past it a snapshot is cheaper to load. */
export const DEFAULT_SNAPSHOT_THRESHOLD_BYTES = 64 * 1024 * 1024;

export interface DataDirectoryOptions {
  path: string;
  log: Logger;
  /** Journal bytes after which a snapshot is taken in the background. */
  snapshotThresholdBytes?: number;
}

export interface SnapshotResult {
  generation: number;
  collections: number;
  documents: number;
  bytes: number;
  milliseconds: number;
}

export interface LoadedData {
  collections: number;
  documents: number;
  milliseconds: number;
}

export class DataDirectory {
  private snapshotting: Promise<unknown> | undefined;
  private closed = false;

  private constructor(
    readonly path: string,
    private readonly engine: Engine,
    private readonly journal: Journal,
    private generation: number,
    private readonly release: () => void,
    private readonly log: Logger,
    private readonly snapshotThresholdBytes: number,
    /** What start-up found in the directory. */
    readonly loaded: LoadedData,
  ) {}

  /** Locks the directory (creating it if needed), loads it into `engine` (which must be empty) and journals from then on. */
  static open(options: DataDirectoryOptions, engine: Engine): DataDirectory {
    if (engine.databaseNames().length > 0) {
      throw new DataDirectoryError('a data directory can only be loaded into an empty engine');
    }
    try {
      fs.mkdirSync(options.path, { recursive: true });
    } catch (error) {
      throw new DataDirectoryError(`cannot create the data directory ${options.path}: ${(error as Error).message}`);
    }
    const release = lockDataDirectory(options.path);
    const started = performance.now();
    try {
      const recovery = recover(options.path, engine);
      const journal = new Journal(engine, recovery.file, recovery.journalBytes, options.log);
      engine.observer = journal;
      if (recovery.discarded) {
        options.log.warn(`discarded an unfinished append (never acknowledged): ${recovery.discarded}`);
      }
      const collections = engine.databaseNames().flatMap((database) => engine.collections(database));
      const loaded = {
        collections: collections.length,
        documents: collections.reduce((sum, collection) => sum + collection.count, 0),
        milliseconds: performance.now() - started,
      };
      options.log.info({ directory: options.path, ...loaded, snapshot: recovery.snapshot, journal: recovery.journal }, 'data directory loaded');
      const threshold = options.snapshotThresholdBytes ?? DEFAULT_SNAPSHOT_THRESHOLD_BYTES;
      return new DataDirectory(options.path, engine, journal, recovery.file.generation, release, options.log, threshold, loaded);
    } catch (error) {
      release();
      throw error;
    }
  }

  /**
   * Ends a command: see Journal.commit. Starts a background snapshot when the journal has grown
   * past the threshold.
   */
  commit(): Promise<void> | undefined {
    const committed = this.journal.commit();
    if (committed && !this.snapshotting && !this.closed && this.journal.bytesSinceSnapshot >= this.snapshotThresholdBytes) {
      this.snapshotting = this.snapshot()
        .catch((error: Error) => this.log.error({ err: error }, 'snapshot failed; the journal keeps every write'))
        .finally(() => (this.snapshotting = undefined));
    }
    return committed;
  }

  /**
   * Writes a snapshot of the engine as it is now. Commands go on meanwhile, journaled into the next
   * generation; the snapshot is renamed into place only once every command it contains is durable.
   */
  async snapshot(): Promise<SnapshotResult> {
    const started = performance.now();
    const generation = this.generation + 1;
    // Synchronously, between two commands: the captured state is exactly the frames committed so far.
    const images = captureEngine(this.engine);
    const covered = this.journal.lastCommitted;
    this.journal.rotate(createJournalFile(this.path, generation));
    this.generation = generation;

    const final = snapshotPath(this.path, generation);
    const temporary = `${final}.tmp`;
    let written: Awaited<ReturnType<typeof writeSnapshot>>;
    try {
      written = await writeSnapshot(temporary, images);
      await this.journal.whenDurable(covered);
      fs.renameSync(temporary, final);
      syncDirectory(this.path);
    } catch (error) {
      fs.rmSync(temporary, { force: true });
      throw error;
    }
    // Covered now: older journals and snapshots. A crash before they are gone only leaves them to recovery to remove.
    for (const file of this.journal.retire(generation)) fs.rmSync(file.path, { force: true });
    for (const older of listDirectory(this.path).snapshots) {
      if (older < generation) fs.rmSync(snapshotPath(this.path, older), { force: true });
    }
    const result = { generation, ...written, milliseconds: performance.now() - started };
    this.log.info({ directory: this.path, ...result }, 'snapshot written');
    return result;
  }

  /**
   * Waits for every commit, takes a final snapshot when the journal holds anything since the last
   * one, and releases the directory. The engine is no longer journaled afterwards.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.snapshotting;
    try {
      if (this.journal.bytesSinceSnapshot > 0 && !this.journal.broken) {
        await this.snapshot().catch((error: Error) => this.log.error({ err: error }, 'final snapshot failed; the journal keeps every write'));
      }
    } finally {
      this.engine.observer = undefined;
      await this.journal.close();
      this.release();
    }
  }
}
