/**
 * Snapshots: the whole engine as journal records (each collection's creation with its options and
 * UUID, its indexes, then its documents), framed like the journal, ending with a record that counts
 * what precedes it. Loading one is replaying it.
 *
 * Taking one does not stop the engine. Stored documents are never changed in place (an update
 * stores a new object), so capturing the engine is copying references, which takes milliseconds;
 * the records are then encoded and written a frame at a time, yielding to the event loop between
 * frames, while commands go on and journal into the next generation.
 */
import fs from 'node:fs';
import { serialize } from 'bson';
import type { Collection } from '../collection';
import type { Engine } from '../engine';
import type { IndexSpec } from '../indexes';
import type { Document } from '../../values/forms';
import { dataSync, writeAt } from './files';
import { corrupt, encodeFrame, FILE_HEADER_SIZE, frameRecords, scanFrames, SNAPSHOT_HEADER } from './frames';
import { applyRecord, collectionHeaderRecords, insertRecord } from './records';

/** Frames of about this size keep each synchronous encoding step to a few milliseconds. */
const FRAME_BYTES = 1 << 20;

interface CollectionImage {
  collection: Collection;
  indexes: IndexSpec[];
  documents: Document[];
}

export interface SnapshotCounts {
  collections: number;
  documents: number;
}

/** The engine's state at this instant: references only, consistent because stored documents are immutable. */
export function captureEngine(engine: Engine): CollectionImage[] {
  const images: CollectionImage[] = [];
  for (const database of engine.databaseNames()) {
    for (const collection of engine.collections(database)) {
      images.push({ collection, indexes: collection.indexSpecs().slice(1), documents: [...collection.all()] });
    }
  }
  return images;
}

/** Writes a captured state to `file` and fsyncs it; the caller renames it into place. */
export async function writeSnapshot(file: string, images: CollectionImage[]): Promise<SnapshotCounts & { bytes: number }> {
  const fd = fs.openSync(file, 'w');
  try {
    let position = 0;
    let records: Uint8Array[] = [];
    let pending = 0;
    const flush = async () => {
      if (records.length === 0) return;
      const frame = encodeFrame(records, pending);
      records = [];
      pending = 0;
      await writeAt(fd, frame, position);
      position += frame.length;
    };
    /** Whether the frame is full. */
    const add = (record: Uint8Array): boolean => {
      records.push(record);
      pending += record.length;
      return pending >= FRAME_BYTES;
    };
    await writeAt(fd, SNAPSHOT_HEADER, 0);
    position = FILE_HEADER_SIZE;
    let documents = 0;
    for (const { collection, indexes, documents: stored } of images) {
      for (const record of collectionHeaderRecords(collection, indexes)) add(record);
      for (const document of stored) if (add(insertRecord(collection, document))) await flush();
      documents += stored.length;
    }
    add(serialize({ op: 'snapshotEnd', collections: images.length, documents }));
    await flush();
    await dataSync(fd);
    return { collections: images.length, documents, bytes: position };
  } finally {
    fs.closeSync(fd);
  }
}

/** Loads a snapshot into an empty engine; any damage is an error naming the file and offset. */
export function loadSnapshot(file: string, engine: Engine): SnapshotCounts {
  let end: Document | undefined;
  let documents = 0;
  let collections = 0;
  scanFrames(file, SNAPSHOT_HEADER, 'refuse', ({ offset, payload }) => {
    for (const record of replayable(file, offset, payload)) {
      if (end) throw corrupt(file, offset, 'records follow the end of the snapshot');
      if (record.op === 'snapshotEnd') {
        end = record;
        continue;
      }
      applyAt(file, offset, engine, record);
      if (record.op === 'insert') documents++;
      else if (record.op === 'createCollection') collections++;
    }
  });
  if (!end) throw corrupt(file, fs.statSync(file).size, 'the snapshot has no end record');
  if (Number(end.documents) !== documents || Number(end.collections) !== collections) {
    throw corrupt(file, 0, `the snapshot counts ${String(end.documents)} documents in ${String(end.collections)} collections but holds ${documents} in ${collections}`);
  }
  return { collections, documents };
}

/** The records of a frame; a frame that passed its checksum but does not decode is corruption too. */
export function replayable(file: string, offset: number, payload: Buffer): Document[] {
  try {
    return [...frameRecords(payload)];
  } catch (error) {
    throw corrupt(file, offset, `the record does not decode (${(error as Error).message})`);
  }
}

/** Applies a record, naming the file and offset when it does not apply. */
export function applyAt(file: string, offset: number, engine: Engine, record: Document): void {
  try {
    applyRecord(engine, record);
  } catch (error) {
    throw corrupt(file, offset, `its ${String(record.op)} record cannot be applied (${(error as Error).message})`);
  }
}
