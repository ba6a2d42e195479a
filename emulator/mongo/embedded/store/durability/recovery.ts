/**
 * Start-up: the newest snapshot, then every journal from its generation up, replayed in order.
 *
 * Only the end of the journal may be damaged, and only by an append the process did not finish:
 * that command was never acknowledged (its reply waits for the fsync), so its frame is discarded and
 * cut off. Damage anywhere else (a bad frame with records after it, a torn frame followed by a
 * later journal with records, a bad snapshot) stops start-up with the file and offset, and no file
 * is changed, so nothing is lost by trying again after a repair.
 */
import fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { Engine } from '../engine';
import {
  createJournalFile,
  JournalFile,
  journalPath,
  listDirectory,
  reopenJournalFile,
  snapshotPath,
} from './files';
import { corrupt, FILE_HEADER_SIZE, JOURNAL_HEADER, scanFrames } from './frames';
import { applyAt, loadSnapshot, replayable, SnapshotCounts } from './snapshot';

export interface Recovery {
  /** The journal to append to. */
  file: JournalFile;
  /** Bytes of journal records the newest snapshot does not cover. */
  journalBytes: number;
  snapshot?: SnapshotCounts & { generation: number; milliseconds: number };
  journal: { files: number; commands: number; milliseconds: number };
  /** What was discarded from the end of the journal, when an append was cut short. */
  discarded?: string;
}

interface Scanned {
  generation: number;
  end: number;
  torn?: { offset: number; reason: string };
}

export function recover(directory: string, engine: Engine): Recovery {
  const listing = listDirectory(directory);
  const base = listing.snapshots.at(-1);
  let snapshot: Recovery['snapshot'];
  if (base !== undefined) {
    const started = performance.now();
    const counts = loadSnapshot(snapshotPath(directory, base), engine);
    snapshot = { ...counts, generation: base, milliseconds: performance.now() - started };
  }

  const started = performance.now();
  const live = listing.journals.filter((generation) => base === undefined || generation >= base);
  const scanned: Scanned[] = [];
  let commands = 0;
  let journalBytes = 0;
  for (const generation of live) {
    const file = journalPath(directory, generation);
    const earlierTorn = scanned.find((scan) => scan.torn);
    const end = scanFrames(file, JOURNAL_HEADER, 'allow', ({ offset, payload }) => {
      if (earlierTorn?.torn) {
        throw corrupt(journalPath(directory, earlierTorn.generation), earlierTorn.torn.offset, `${earlierTorn.torn.reason}, yet the later journal ${file} holds records`);
      }
      for (const record of replayable(file, offset, payload)) applyAt(file, offset, engine, record);
      commands++;
    });
    scanned.push({ generation, end: end.end, torn: end.torn === undefined ? undefined : { offset: end.end, reason: end.torn } });
    journalBytes += Math.max(0, end.end - FILE_HEADER_SIZE);
  }

  // Everything loaded: only now are files changed.
  for (const temporary of listing.temporary) fs.rmSync(temporary, { force: true });
  for (const generation of listing.snapshots) if (generation !== base) fs.rmSync(snapshotPath(directory, generation), { force: true });
  for (const generation of listing.journals) if (!live.includes(generation)) fs.rmSync(journalPath(directory, generation), { force: true });
  const last = scanned.at(-1);
  for (const scan of scanned.slice(0, -1)) if (scan.torn) truncate(journalPath(directory, scan.generation), scan.end);
  const file = last ? reopenJournalFile(directory, last.generation, last.end) : createJournalFile(directory, base ?? 1);
  const torn = scanned.find((scan) => scan.torn);
  return {
    file,
    journalBytes,
    snapshot,
    journal: { files: live.length, commands, milliseconds: performance.now() - started },
    discarded: torn?.torn ? `${journalPath(directory, torn.generation)} at offset ${torn.torn.offset}: ${torn.torn.reason}` : undefined,
  };
}

function truncate(file: string, length: number): void {
  const fd = fs.openSync(file, 'r+');
  try {
    fs.ftruncateSync(fd, length);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}
