/**
 * The cursor App Services' `find()` and `aggregate()` return (spec 5.3): `sort`, `skip` and
 * `limit` may be set until the first read; `next()` and `toArray()` read; it is async-iterable.
 * The documents come from a source that receives the modifiers when reading starts, so rules can
 * apply them correctly (a limit counts readable documents, not stored ones). Sources hand over
 * whole batches, as the database sends them, so reading costs one asynchronous step per batch
 * rather than per document.
 */
import type { AbstractCursor, Document, Sort } from 'mongodb';
import { AppServicesError } from '../../http/errors';

export interface CursorModifiers {
  sort?: Sort;
  skip?: number;
  limit?: number;
}

export type DocumentBatches = AsyncGenerator<Document[], void, undefined>;
export type CursorSource = (modifiers: CursorModifiers) => DocumentBatches;

/** The batches of a driver cursor (find or aggregate), closing it when reading stops early. */
export async function* driverBatches(cursor: AbstractCursor<Document>): DocumentBatches {
  try {
    while (await cursor.hasNext()) {
      const first = (await cursor.next())!;
      yield [first, ...cursor.readBufferedDocuments()];
    }
  } finally {
    await cursor.close();
  }
}

export class ServiceCursor implements AsyncIterable<Document> {
  private readonly modifiers: CursorModifiers;
  private reading?: DocumentBatches;
  private buffered: Document[] = [];

  constructor(
    private readonly source: CursorSource,
    modifiers: CursorModifiers = {},
  ) {
    this.modifiers = { ...modifiers };
  }

  sort(sort: Sort): this {
    this.beforeReading('sort');
    this.modifiers.sort = sort;
    return this;
  }

  skip(count: number): this {
    this.beforeReading('skip');
    this.modifiers.skip = count;
    return this;
  }

  limit(count: number): this {
    this.beforeReading('limit');
    this.modifiers.limit = count;
    return this;
  }

  /** The next document, or undefined once the cursor is exhausted (as App Services resolves it). */
  async next(): Promise<Document | undefined> {
    while (this.buffered.length === 0) {
      const step = await this.open().next();
      if (step.done) return undefined;
      this.buffered = step.value;
    }
    return this.buffered.shift();
  }

  async toArray(): Promise<Document[]> {
    const documents = this.buffered.splice(0);
    for await (const batch of this.open()) documents.push(...batch);
    return documents;
  }

  /** Stops reading and releases the database cursor. */
  async close(): Promise<void> {
    await this.reading?.return(undefined);
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Document> {
    for (let document = await this.next(); document !== undefined; document = await this.next()) yield document;
  }

  private open(): DocumentBatches {
    this.reading ??= this.source({ ...this.modifiers });
    return this.reading;
  }

  private beforeReading(modifier: string): void {
    if (this.reading) {
      throw AppServicesError.badRequest('InvalidParameter', `cursor.${modifier}() must be called before the cursor is read`);
    }
  }
}
