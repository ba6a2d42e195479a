/**
 * The on-disk format the journal and snapshots share: an 8-byte file header naming the kind of
 * file, then frames. A frame is a marker, the payload's length and a CRC-32 (of the length and the
 * payload), then the payload: BSON records, one after another. A frame is the unit of atomicity: a
 * journal frame holds every record of one command, so recovery applies a command whole or not at all.
 *
 * Reading tells a torn tail (the process died in the middle of an append: the last frame is cut
 * short or fails its checksum, with nothing but zeros after it, which is what a file system shows
 * of an append whose data had not all reached the disk) from corruption (a bad frame with records
 * after it), which is an error naming the file and the offset.
 */
import fs from 'node:fs';
import zlib from 'node:zlib';
import { deserialize } from 'bson';
import type { Document } from '../../values/forms';
import { DECODE_OPTIONS } from '../../wire/protocol';

export const FILE_HEADER_SIZE = 8;
export const JOURNAL_HEADER = Buffer.from('AEJRNL01', 'latin1');
export const SNAPSHOT_HEADER = Buffer.from('AESNAP01', 'latin1');

const FRAME_HEADER_SIZE = 12;
/** "FRM1" read as a little-endian integer. */
const FRAME_MARKER = 0x314d5246;

/** A data directory that cannot be loaded or written as it is; the message names the file and what is wrong. */
export class DataDirectoryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DataDirectoryError';
  }
}

/** One frame holding the given records (serialized BSON documents). */
export function encodeFrame(records: Uint8Array[], payloadBytes: number): Buffer {
  const frame = Buffer.allocUnsafe(FRAME_HEADER_SIZE + payloadBytes);
  frame.writeUInt32LE(FRAME_MARKER, 0);
  frame.writeUInt32LE(payloadBytes, 4);
  let offset = FRAME_HEADER_SIZE;
  for (const record of records) {
    frame.set(record, offset);
    offset += record.length;
  }
  frame.writeUInt32LE(checksum(frame.subarray(4, 8), frame.subarray(FRAME_HEADER_SIZE)), 8);
  return frame;
}

function checksum(length: Buffer, payload: Buffer): number {
  return zlib.crc32(payload, zlib.crc32(length));
}

export interface Frame {
  /** Where the frame starts in its file. */
  offset: number;
  payload: Buffer;
}

export interface FrameScanEnd {
  /** Where the valid frames end: the length the file should have. */
  end: number;
  /** Why the bytes after `end` are a torn append, when there are any. */
  torn?: string;
}

/**
 * Reads the frames of a file, in order, handing each to `visit`; says where they end. `tornTail`
 * "allow" accepts a torn last frame (the journal's last append), "refuse" makes it an error
 * (snapshots are complete by construction: they are renamed into place only once written).
 * A file shorter than its header never received a frame: it is empty when a torn tail is allowed.
 */
export function scanFrames(
  file: string,
  expectedHeader: Buffer,
  tornTail: 'allow' | 'refuse',
  visit: (frame: Frame) => void,
): FrameScanEnd {
  const fd = fs.openSync(file, 'r');
  try {
    const size = fs.fstatSync(fd).size;
    const torn = (offset: number, reason: string): FrameScanEnd => {
      if (tornTail === 'refuse') throw corrupt(file, offset, reason);
      return { end: offset, torn: reason };
    };
    if (size < FILE_HEADER_SIZE) return size === 0 ? { end: 0 } : torn(0, 'the file header is incomplete');
    const header = read(fd, 0, FILE_HEADER_SIZE);
    if (!header.equals(expectedHeader)) {
      throw new DataDirectoryError(`${file} is not a ${expectedHeader.toString('latin1')} file (it starts with ${JSON.stringify(header.toString('latin1'))})`);
    }
    let offset = FILE_HEADER_SIZE;
    while (offset < size) {
      if (size - offset < FRAME_HEADER_SIZE) return torn(offset, 'a record header is cut short');
      const frameHeader = read(fd, offset, FRAME_HEADER_SIZE);
      if (frameHeader.readUInt32LE(0) !== FRAME_MARKER) {
        // Some file systems extend the file before the data of an interrupted append reaches it.
        if (onlyZeros(fd, offset, size)) return torn(offset, 'the file ends with zeros where a record was being written');
        throw corrupt(file, offset, 'no record starts here');
      }
      const length = frameHeader.readUInt32LE(4);
      const end = offset + FRAME_HEADER_SIZE + length;
      if (end > size) return torn(offset, `a record of ${length} bytes is cut short at ${size - offset - FRAME_HEADER_SIZE} bytes`);
      const payload = read(fd, offset + FRAME_HEADER_SIZE, length);
      if (checksum(frameHeader.subarray(4, 8), payload) !== frameHeader.readUInt32LE(8)) {
        if (end === size || onlyZeros(fd, end, size)) return torn(offset, 'the record fails its checksum');
        throw corrupt(file, offset, 'the record fails its checksum');
      }
      visit({ offset, payload });
      offset = end;
    }
    return { end: offset };
  } finally {
    fs.closeSync(fd);
  }
}

/** The records of a frame's payload, as the wire path decodes documents (exact BSON types kept). */
export function* frameRecords(payload: Buffer): Generator<Document> {
  let position = 0;
  while (position < payload.length) {
    const size = position + 4 <= payload.length ? payload.readInt32LE(position) : 0;
    if (size < 5 || position + size > payload.length) throw new Error(`a record at byte ${position} of the frame has an invalid size`);
    yield deserialize(payload.subarray(position, position + size), DECODE_OPTIONS) as Document;
    position += size;
  }
}

export function corrupt(file: string, offset: number, reason: string): DataDirectoryError {
  return new DataDirectoryError(
    `${file} is corrupt at offset ${offset}: ${reason}. ` +
      'Start-up stopped without changing any file, so that no acknowledged write is silently dropped: ' +
      'restore the data directory from a backup, or move it aside to start with an empty one.',
  );
}

function read(fd: number, position: number, length: number): Buffer {
  const buffer = Buffer.allocUnsafe(length);
  let done = 0;
  while (done < length) {
    const count = fs.readSync(fd, buffer, done, length - done, position + done);
    if (count === 0) throw new Error(`unexpected end of file at ${position + done}`);
    done += count;
  }
  return buffer;
}

function onlyZeros(fd: number, from: number, size: number): boolean {
  const chunk = Buffer.allocUnsafe(Math.min(1 << 20, size - from));
  for (let position = from; position < size; position += chunk.length) {
    const count = fs.readSync(fd, chunk, 0, Math.min(chunk.length, size - position), position);
    for (let i = 0; i < count; i++) if (chunk[i] !== 0) return false;
  }
  return true;
}
