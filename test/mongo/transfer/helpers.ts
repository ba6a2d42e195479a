/**
 * Shared by the transfer tests: a scratch directory per test file and exact reads (BSON classes
 * kept, so an Int32 and a Double are told apart) rendered as canonical Extended JSON for comparison.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Binary, BSONRegExp, Decimal128, Document, Double, EJSON, Int32, Long, MaxKey, MinKey, ObjectId, Timestamp, UUID } from 'bson';
import type { Collection } from 'mongodb';

export class Scratch {
  readonly root = mkdtempSync(join(tmpdir(), 'transfer-test-'));
  private next = 0;

  /** A fresh path under the scratch directory (not created). */
  path(name = 'dir'): string {
    return join(this.root, `${name}-${++this.next}`);
  }

  remove(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}

/** The collection's documents by `_id`, each as canonical Extended JSON: equal strings, equal types and values. */
export async function exactDocuments<T extends Document>(collection: Collection<T>): Promise<string[]> {
  const documents = await collection.find({}, { promoteValues: false, promoteBuffers: false, bsonRegExp: true, sort: { _id: 1 } }).toArray();
  return documents.map((document) => EJSON.stringify(document, { relaxed: false }));
}

/** One document per BSON type whose identity a careless export would lose. */
export function everyType(n: number): Document {
  return {
    _id: new ObjectId(n.toString(16).padStart(24, '0')),
    int32: new Int32(n),
    doubleWhole: new Double(5),
    doubleFraction: new Double(n + 0.25),
    negativeZero: new Double(-0),
    notANumber: new Double(NaN),
    infinity: new Double(-Infinity),
    longAbove2to53: Long.fromString('9007199254740993'),
    longSmall: Long.fromNumber(5),
    decimal: Decimal128.fromString('1234567890.123456789012345678901234'),
    dateBefore1970: new Date(Date.UTC(1901, 11, 13, 20, 45, 52, 123)),
    dateFarFuture: new Date(Date.UTC(9999, 11, 31)),
    binaryGeneric: new Binary(Buffer.from([0, 1, 2, 255]), 0),
    binaryUserDefined: new Binary(Buffer.from('custom'), 0x80),
    uuid: new UUID('3b241101-e2bb-4255-8caf-4136c566a962'),
    regex: new BSONRegExp('^a.c$', 'imsx'),
    timestamp: new Timestamp({ t: 1_700_000_000, i: 7 }),
    min: new MinKey(),
    max: new MaxKey(),
    nothing: null,
    text: 'line one\nline two \u2028 "quoted" \\ é 😀',
    nested: { list: [new Int32(1), 'two', { three: new Double(3) }, [Long.fromNumber(4)]], empty: {} },
    emptyList: [],
    flag: true,
  };
}

/** A collection schema whose `_id` may be any value (the driver's default types it as an ObjectId). */
export type AnyId = { _id: unknown; [field: string]: unknown };
