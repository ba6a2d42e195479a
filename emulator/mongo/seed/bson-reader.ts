/**
 * Reads concatenated BSON documents (a mongodump .bson file, the blocks of an archive) from a
 * stream, one document at a time, holding only the current chunk and document in memory.
 */
import { BSON, Document } from 'bson';
import { messageOf, SeedError } from './errors';

/** What an archive writes where a document length would be, to end a block. */
export const TERMINATOR = Symbol('terminator');

/** mongod's limit plus the headroom it allows internally. */
const MAX_DOCUMENT_SIZE = 16 * 1024 * 1024 + 16 * 1024;

export class BsonReader {
  private readonly chunks: AsyncIterator<Buffer>;
  private buffer: Buffer = Buffer.alloc(0);
  private position = 0;
  /** Bytes consumed since the start of the stream, for messages. */
  offset = 0;

  constructor(
    source: AsyncIterable<Buffer>,
    private readonly describe: string,
  ) {
    this.chunks = source[Symbol.asyncIterator]();
  }

  private get available(): number {
    return this.buffer.length - this.position;
  }

  /** Makes `count` bytes available; false when the stream ends first. */
  private async fill(count: number): Promise<boolean> {
    if (this.available >= count) return true;
    // Chunks are gathered and joined once, so a large document costs one copy, not one per chunk.
    const parts: Buffer[] = [this.buffer.subarray(this.position)];
    let have = parts[0].length;
    while (have < count) {
      const { value, done } = await this.chunks.next();
      if (done) break;
      parts.push(value);
      have += value.length;
    }
    this.buffer = parts.length === 1 ? parts[0] : Buffer.concat(parts, have);
    this.position = 0;
    return have >= count;
  }

  /** Exactly `count` bytes, or undefined when the stream ends before them. */
  async bytes(count: number): Promise<Buffer | undefined> {
    if (!(await this.fill(count))) return undefined;
    const bytes = this.buffer.subarray(this.position, this.position + count);
    this.position += count;
    this.offset += count;
    return bytes;
  }

  /**
   * The next document's bytes; TERMINATOR where an archive ends a block (only when allowed);
   * undefined at a clean end of the stream. A partial document is an error.
   */
  async next(allowTerminator = false): Promise<Buffer | typeof TERMINATOR | undefined> {
    if (!(await this.fill(4))) {
      if (this.available === 0) return undefined;
      throw new SeedError(`${this.describe}: truncated BSON: ${this.available} stray byte(s) at byte ${this.offset}, too few for a document`);
    }
    const size = this.buffer.readInt32LE(this.position);
    if (size === -1 && allowTerminator) {
      this.position += 4;
      this.offset += 4;
      return TERMINATOR;
    }
    if (size < 5 || size > MAX_DOCUMENT_SIZE) {
      throw new SeedError(`${this.describe}: ${size} at byte ${this.offset} is not a BSON document length (the data is corrupt or not BSON)`);
    }
    if (!(await this.fill(size))) {
      throw new SeedError(`${this.describe}: truncated BSON: the document at byte ${this.offset} is ${size} bytes long but the data ends after ${this.available}`);
    }
    if (this.buffer[this.position + size - 1] !== 0) {
      throw new SeedError(`${this.describe}: the document at byte ${this.offset} does not end with a null byte (the data is corrupt)`);
    }
    const document = this.buffer.subarray(this.position, this.position + size);
    this.position += size;
    this.offset += size;
    return document;
  }

  /**
   * Decodes keeping every value's BSON type: without promoteValues:false an Int32 1, a Double
   * 1.0 and a Long 1 would all become the number 1 and be written back as Int32.
   */
  decode(bytes: Buffer, at: number): Document {
    try {
      return BSON.deserialize(bytes, { promoteValues: false, bsonRegExp: true });
    } catch (error) {
      throw new SeedError(`${this.describe}: the document at byte ${at} is not valid BSON: ${messageOf(error)}`);
    }
  }
}
