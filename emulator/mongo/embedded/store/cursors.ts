/**
 * Server-side cursors: the results of a find, aggregate or list command served in batches through
 * getMore. A cursor holds the documents it read (stored documents are immutable, so this is a
 * consistent snapshot) and is closed when exhausted, killed, or idle for ten minutes, as mongod's
 * cursorTimeoutMillis default does.
 */
import { randomInt } from 'node:crypto';
import { Long } from 'bson';
import { CommandError } from '../errors';
import { Document } from '../values/forms';
import { bsonSize, MAX_BSON_OBJECT_SIZE } from '../wire/protocol';

export const CURSOR_IDLE_TIMEOUT_MS = 10 * 60 * 1000;
export const DEFAULT_FIRST_BATCH_SIZE = 101;
/** Room left in a 16 MiB reply for the reply's own fields around the batch. */
const BATCH_BYTES = MAX_BSON_OBJECT_SIZE - 16 * 1024;

interface Cursor {
  id: bigint;
  namespace: string;
  documents: Document[];
  position: number;
  lastUsed: number;
  noTimeout: boolean;
}

export interface CursorReply {
  id: Long;
  ns: string;
  firstBatch?: Document[];
  nextBatch?: Document[];
}

export interface OpenOptions {
  batchSize?: number;
  singleBatch?: boolean;
  noCursorTimeout?: boolean;
}

export class CursorManager {
  private readonly cursors = new Map<bigint, Cursor>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly now: () => number = Date.now) {
    this.sweeper = setInterval(() => this.closeIdle(), 60_000);
    this.sweeper.unref();
  }

  get openCount(): number {
    return this.cursors.size;
  }

  /** Serves the first batch; registers a cursor only when documents remain. */
  open(namespace: string, documents: Document[], options: OpenOptions = {}): CursorReply {
    const batchSize = options.batchSize ?? DEFAULT_FIRST_BATCH_SIZE;
    const firstBatch = takeBatch(documents, 0, batchSize);
    const remaining = firstBatch.length < documents.length && !options.singleBatch;
    if (!remaining) return { id: Long.ZERO, ns: namespace, firstBatch };
    const id = this.newId();
    this.cursors.set(id, {
      id,
      namespace,
      documents,
      position: firstBatch.length,
      lastUsed: this.now(),
      noTimeout: options.noCursorTimeout === true,
    });
    return { id: Long.fromBigInt(id), ns: namespace, firstBatch };
  }

  getMore(id: bigint, namespace: string, batchSize: number | undefined): CursorReply {
    const cursor = this.cursors.get(id);
    if (!cursor) throw CommandError.of('CursorNotFound', `cursor id ${id} not found`);
    if (cursor.namespace !== namespace) {
      throw CommandError.of('Unauthorized', `Requested getMore on namespace '${namespace}', but cursor belongs to a different namespace ${cursor.namespace}`);
    }
    const nextBatch = takeBatch(cursor.documents, cursor.position, batchSize ?? Number.MAX_SAFE_INTEGER);
    cursor.position += nextBatch.length;
    cursor.lastUsed = this.now();
    const exhausted = cursor.position >= cursor.documents.length;
    if (exhausted) this.cursors.delete(id);
    return { id: exhausted ? Long.ZERO : Long.fromBigInt(id), ns: namespace, nextBatch };
  }

  /** Kills cursors; answers which were killed and which were not found. */
  kill(ids: bigint[]): { killed: bigint[]; notFound: bigint[] } {
    const killed: bigint[] = [];
    const notFound: bigint[] = [];
    for (const id of ids) (this.cursors.delete(id) ? killed : notFound).push(id);
    return { killed, notFound };
  }

  closeIdle(): number {
    const cutoff = this.now() - CURSOR_IDLE_TIMEOUT_MS;
    let closed = 0;
    for (const cursor of this.cursors.values()) {
      if (!cursor.noTimeout && cursor.lastUsed < cutoff) {
        this.cursors.delete(cursor.id);
        closed++;
      }
    }
    return closed;
  }

  close(): void {
    clearInterval(this.sweeper);
    this.cursors.clear();
  }

  private newId(): bigint {
    let id: bigint;
    do id = BigInt(randomInt(1, 2 ** 47)) * 65536n + BigInt(randomInt(0, 65536));
    while (this.cursors.has(id));
    return id;
  }
}

/** Up to `count` documents from `start`, and never more than fits in one reply (at least one). */
function takeBatch(documents: Document[], start: number, count: number): Document[] {
  const end = Math.min(documents.length, start + count);
  let bytes = 0;
  let position = start;
  while (position < end) {
    bytes += bsonSize(documents[position]);
    if (bytes > BATCH_BYTES && position > start) break;
    position++;
  }
  return documents.slice(start, position);
}
