/**
 * The update command through the driver: replacement and operator updates, pipeline updates,
 * upserts, matched and modified counts, ordered and unordered bulk writes, duplicate keys, and the
 * errors mongod gives for malformed updates.
 */
import { Decimal128, Double, Long, MongoBulkWriteError, ObjectId } from 'mongodb';
import { openTestDatabase, TestDatabase } from '../../helpers/database';
import { bsonType, raw, seeded, serverError } from './update-helpers';

let t: TestDatabase;
beforeAll(async () => {
  t = await openTestDatabase('update');
});
afterAll(async () => t.close());

describe('replacement and operator updates', () => {
  it('replaces the whole document, keeping _id first', async () => {
    const c = await seeded(t, [{ _id: 1, a: 1, b: 2 }]);
    const result = await c.replaceOne({ _id: 1 }, { c: 3, _id: 1 });
    expect(result).toMatchObject({ matchedCount: 1, modifiedCount: 1 });
    const document = await c.findOne({ _id: 1 });
    expect(document).toEqual({ _id: 1, c: 3 });
    expect(Object.keys(document ?? {})).toEqual(['_id', 'c']);
  });

  it('does not count an identical replacement as a modification', async () => {
    const c = await seeded(t, [{ _id: 1, a: 1 }]);
    expect(await c.replaceOne({ _id: 1 }, { a: 1 })).toMatchObject({ matchedCount: 1, modifiedCount: 0 });
  });

  it('refuses a replacement that changes _id', async () => {
    const c = await seeded(t, [{ _id: 1, a: 1 }]);
    const error = await serverError(c.replaceOne({ _id: 1 }, { _id: 2, a: 1 }));
    expect(error.code).toBe(66);
    expect(error.message).toBe("After applying the update, the (immutable) field '_id' was found to have been altered to _id: 2");
  });

  it('refuses operators mixed with plain fields', async () => {
    const c = await seeded(t, [{ _id: 1 }]);
    const error = await serverError(c.updateOne({ _id: 1 }, { $set: { a: 1 }, b: 2 } as never));
    expect(error.code).toBe(9);
    expect(error.message).toBe('Unknown modifier: b. Expected a valid update modifier or pipeline-style update specified as an array');
    const reply = await t.db.command({ update: c.collectionName, updates: [{ q: { _id: 1 }, u: { b: 2, $set: { a: 1 } } }] });
    expect(reply.writeErrors[0].code).toBe(52);
  });

  it('refuses unknown modifiers and modifiers that are not documents', async () => {
    const c = await seeded(t, [{ _id: 1 }]);
    const unknown = await serverError(c.updateOne({ _id: 1 }, { $foo: { a: 1 } } as never));
    expect([unknown.code, unknown.message]).toEqual([
      9,
      'Unknown modifier: $foo. Expected a valid update modifier or pipeline-style update specified as an array',
    ]);
    expect((await serverError(c.updateOne({ _id: 1 }, { $set: 5 } as never))).code).toBe(9);
  });

  it('accepts an empty modifier as a no-op, as mongod ≥ 5.0 does', async () => {
    const c = await seeded(t, [{ _id: 1, a: 1 }]);
    expect(await c.updateOne({ _id: 1 }, { $set: {} })).toMatchObject({ matchedCount: 1, modifiedCount: 0 });
  });

  it('refuses multi with a replacement document, and constants with operators', async () => {
    const c = await seeded(t, [{ _id: 1 }]);
    const reply = await t.db.command({
      update: c.collectionName,
      updates: [
        { q: {}, u: { a: 1 }, multi: true },
        { q: {}, u: { $set: { a: 1 } }, c: { x: 1 } },
      ],
      ordered: false,
    });
    expect(reply.writeErrors.map((e: { index: number; code: number }) => [e.index, e.code])).toEqual([
      [0, 9],
      [1, 51198],
    ]);
    expect(reply.writeErrors[0].errmsg).toBe('multi update is not supported for replacement-style update');
  });

  it('fails the whole command for a statement field mongod 7.0 does not know', async () => {
    const c = await seeded(t, [{ _id: 1 }]);
    const error = await serverError(
      t.db.command({ update: c.collectionName, updates: [{ q: {}, u: { $set: { a: 1 } }, sort: { a: 1 } }] }),
    );
    expect(error.code).toBe(40415);
  });
});

describe('matched and modified counts', () => {
  it('updates one or many documents and counts only real changes', async () => {
    const c = await seeded(t, [{ _id: 1, a: 1 }, { _id: 2, a: 2 }, { _id: 3, a: 1 }]);
    expect(await c.updateOne({ a: 1 }, { $set: { b: 1 } })).toMatchObject({ matchedCount: 1, modifiedCount: 1 });
    expect(await c.updateMany({}, { $set: { b: 1 } })).toMatchObject({ matchedCount: 3, modifiedCount: 2 });
    expect(await c.updateMany({ a: 9 }, { $set: { b: 1 } })).toMatchObject({ matchedCount: 0, modifiedCount: 0 });
  });

  it('does not create a missing collection without upsert', async () => {
    const c = t.db.collection('never_created');
    expect(await c.updateOne({ _id: 1 as never }, { $set: { a: 1 } })).toMatchObject({ matchedCount: 0 });
    const names = (await t.db.listCollections().toArray()).map((info) => info.name);
    expect(names).not.toContain('never_created');
  });
});

describe('pipeline-style updates', () => {
  it('computes fields from the document and removes fields', async () => {
    const c = await seeded(t, [{ _id: 1, a: 2, b: 3 }]);
    await c.updateOne({ _id: 1 }, [{ $set: { total: { $add: ['$a', '$b'] } } }, { $unset: 'b' }]);
    expect(await c.findOne({ _id: 1 })).toEqual({ _id: 1, a: 2, total: 5 });
  });

  it('keeps the types of the fields it does not change', async () => {
    const c = await seeded(t, [{ _id: 1, d: new Double(2), n: 1 }]);
    const result = await c.updateOne({ _id: 1 }, [{ $set: { n: 1 } }]);
    expect(result.modifiedCount).toBe(0);
    expect(bsonType((await raw(c, 1))?.d)).toBe('Double');
  });

  it('computes with BSON types: exact Longs, decimals, doubles that stay doubles', async () => {
    const c = await seeded(t, [
      { _id: 1, l: Long.fromString('9007199254740993'), p: Decimal128.fromString('0.1'), d: new Double(2) },
    ]);
    await c.updateOne({ _id: 1 }, [
      { $set: { l2: { $add: ['$l', 1] }, p2: { $add: ['$p', Decimal128.fromString('0.2')] }, d2: { $add: ['$d', 1] }, copy: '$d' } },
    ]);
    const stored = await raw(c, 1);
    expect(String(stored?.l2)).toBe('9007199254740994');
    expect(bsonType(stored?.l2)).toBe('Long');
    expect(String(stored?.p2)).toBe('0.3');
    expect(bsonType(stored?.d2)).toBe('Double');
    expect(bsonType(stored?.copy)).toBe('Double');
  });

  it('keeps _id when the new root has none, and refuses to change it', async () => {
    const c = await seeded(t, [{ _id: 1, a: { x: 1 } }]);
    await c.updateOne({ _id: 1 }, [{ $replaceWith: '$a' }]);
    expect(await c.findOne({ _id: 1 })).toEqual({ _id: 1, x: 1 });
    expect((await serverError(c.updateOne({ _id: 1 }, [{ $set: { _id: 2 } }]))).code).toBe(66);
  });

  it('reads constants (c) and let variables as $$ variables', async () => {
    const c = await seeded(t, [{ _id: 1 }]);
    await t.db.command({ update: c.collectionName, updates: [{ q: { _id: 1 }, u: [{ $set: { fromC: '$$k' } }], c: { k: 42 } }] });
    await c.updateOne({ _id: 1 }, [{ $set: { fromLet: '$$v' } }], { let: { v: 'x' } });
    expect(await c.findOne({ _id: 1 })).toEqual({ _id: 1, fromC: 42, fromLet: 'x' });
  });

  it('refuses stages that cannot update, and arrayFilters', async () => {
    const c = await seeded(t, [{ _id: 1, a: [1] }]);
    expect((await serverError(c.updateOne({ _id: 1 }, [{ $match: { a: 1 } }]))).code).toBe(72);
    const filters = await serverError(c.updateOne({ _id: 1 }, [{ $set: { b: 1 } }], { arrayFilters: [{ x: 1 }] }));
    expect(filters.code).toBe(9);
  });
});

describe('upserts', () => {
  it('inserts the filter’s equality fields with the update, $setOnInsert included', async () => {
    const c = await seeded(t, []);
    const result = await c.updateOne(
      { a: 1, b: { $gt: 5 }, 'c.d': 2, e: { $eq: 3 }, $and: [{ f: 4 }] },
      { $set: { g: 5 }, $setOnInsert: { h: 6 } },
      { upsert: true },
    );
    expect(result).toMatchObject({ matchedCount: 0, modifiedCount: 0, upsertedCount: 1 });
    expect(result.upsertedId).toBeInstanceOf(ObjectId);
    const document = await c.findOne({ _id: result.upsertedId as ObjectId });
    expect(document).toEqual({ _id: result.upsertedId, a: 1, c: { d: 2 }, e: 3, f: 4, g: 5, h: 6 });
    expect(Object.keys(document ?? {})[0]).toBe('_id');
  });

  it('takes _id from the filter and builds nested documents from dotted paths', async () => {
    const c = await seeded(t, []);
    const result = await c.updateOne({ _id: 'k', 'n.a': 1 }, { $set: { 'n.b': 2 } }, { upsert: true });
    expect(result.upsertedId).toBe('k');
    expect(await c.findOne({ _id: 'k' })).toEqual({ _id: 'k', n: { a: 1, b: 2 } });
  });

  it('upserts a replacement with only the filter’s _id', async () => {
    const c = await seeded(t, []);
    const withId = await c.replaceOne({ _id: 5, x: 1 }, { y: 2 }, { upsert: true });
    expect(withId.upsertedId).toBe(5);
    expect(await c.findOne({ _id: 5 })).toEqual({ _id: 5, y: 2 });
    const generated = await c.replaceOne({ x: 2 }, { y: 3 }, { upsert: true });
    expect(generated.upsertedId).toBeInstanceOf(ObjectId);
    expect(await c.findOne({ y: 3 })).toEqual({ _id: generated.upsertedId, y: 3 });
  });

  it('refuses a filter whose equalities cannot make one document, unless it upserts a replacement', async () => {
    const c = await seeded(t, []);
    const error = await serverError(c.updateOne({ a: { b: 1 }, 'a.c': 2 }, { $set: { x: 1 } }, { upsert: true }));
    expect(error.code).toBe(54);
    const replaced = await c.replaceOne({ a: { b: 1 }, 'a.c': 2 }, { y: 1 }, { upsert: true });
    expect(await c.findOne({ _id: replaced.upsertedId as never })).toEqual({ _id: replaced.upsertedId, y: 1 });
  });

  it('upserts once for a multi update, and runs pipelines on the filter’s fields', async () => {
    const c = await seeded(t, []);
    const many = await c.updateMany({ k: 1 }, { $inc: { n: 1 } }, { upsert: true });
    expect(many).toMatchObject({ matchedCount: 0, upsertedCount: 1 });
    await c.updateOne({ _id: 7, k: 2 }, [{ $set: { double: { $multiply: ['$k', 2] } } }], { upsert: true });
    expect(await c.findOne({ _id: 7 })).toEqual({ _id: 7, k: 2, double: 4 });
  });

  it('cannot use the positional operator, nor $expr in the filter', async () => {
    const c = await seeded(t, [{ _id: 1, a: 1 }]);
    const positional = await serverError(c.updateOne({ a: 9 }, { $set: { 'a.$': 1 } }, { upsert: true }));
    expect(positional.code).toBe(2);
    const expression = await serverError(c.updateOne({ $expr: { $eq: ['$a', 1] } }, { $set: { b: 1 } }, { upsert: true }));
    expect([expression.code, expression.message]).toEqual([224, '$expr is not allowed in the query predicate for an upsert']);
  });
});

describe('write errors and duplicate keys', () => {
  it('reports a duplicate key on update and on upsert', async () => {
    const c = await seeded(t, [{ _id: 1, email: 'a' }, { _id: 2, email: 'b' }]);
    await c.createIndex({ email: 1 }, { unique: true });
    const update = await serverError(c.updateOne({ _id: 2 }, { $set: { email: 'a' } }));
    expect(update.code).toBe(11000);
    expect(update.errorResponse).toMatchObject({ keyPattern: { email: 1 }, keyValue: { email: 'a' } });
    const upsert = await serverError(c.updateOne({ _id: 3 }, { $set: { email: 'b' } }, { upsert: true }));
    expect(upsert.code).toBe(11000);
    expect(await c.find().toArray()).toHaveLength(2);
  });

  it('stops an ordered bulk write at the first error, with its index', async () => {
    const c = await seeded(t, [{ _id: 1, a: 1 }, { _id: 2, a: 'text' }]);
    const error = await c
      .bulkWrite([
        { updateOne: { filter: { _id: 1 }, update: { $inc: { a: 1 } } } },
        { updateOne: { filter: { _id: 2 }, update: { $inc: { a: 1 } } } },
        { updateOne: { filter: { _id: 1 }, update: { $inc: { a: 1 } } } },
      ])
      .catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(MongoBulkWriteError);
    const writeErrors = [(error as MongoBulkWriteError).writeErrors].flat();
    expect(writeErrors.map((e) => [e.index, e.code])).toEqual([[1, 14]]);
    expect((await c.findOne({ _id: 1 }))?.a).toBe(2);
  });

  it('carries on after errors in an unordered bulk write', async () => {
    const c = await seeded(t, [{ _id: 1, a: 1 }]);
    const error = await c
      .bulkWrite(
        [
          { updateOne: { filter: { _id: 1 }, update: { $set: { _id: 5 } } } },
          { updateOne: { filter: { _id: 1 }, update: { $inc: { a: 1 } } } },
          { updateOne: { filter: { _id: 1 }, update: { $set: { a: 1 }, $inc: { a: 1 } } } },
          { updateOne: { filter: { _id: 2 }, update: { $set: { a: 9 } }, upsert: true } },
        ],
        { ordered: false },
      )
      .catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(MongoBulkWriteError);
    const bulkError = error as MongoBulkWriteError;
    const writeErrors = [bulkError.writeErrors].flat();
    expect(writeErrors.map((e) => [e.index, e.code])).toEqual([
      [0, 66],
      [2, 40],
    ]);
    expect(bulkError.result).toMatchObject({ matchedCount: 1, modifiedCount: 1, upsertedCount: 1 });
    expect(await c.find().sort({ _id: 1 }).toArray()).toEqual([{ _id: 1, a: 2 }, { _id: 2, a: 9 }]);
  });
});
