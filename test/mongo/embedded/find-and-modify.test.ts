/**
 * findAndModify through the driver's findOneAndUpdate, findOneAndReplace and findOneAndDelete, and
 * as a raw command for the replies and errors the helpers hide.
 */
import { Long, ObjectId } from 'mongodb';
import { openTestDatabase, TestDatabase } from '../../helpers/database';
import { bsonType, seeded, serverError } from './update-helpers';

let t: TestDatabase;
beforeAll(async () => {
  t = await openTestDatabase('find_and_modify');
});
afterAll(async () => t.close());

const THREE = [
  { _id: 1, x: 11 },
  { _id: 2, x: 22 },
  { _id: 3, x: 33 },
];

describe('findOneAndUpdate', () => {
  it('returns the document before the update by default, and after on request', async () => {
    const c = await seeded(t, THREE);
    expect(await c.findOneAndUpdate({ _id: 2 }, { $inc: { x: 1 } })).toEqual({ _id: 2, x: 22 });
    expect(await c.findOneAndUpdate({ _id: 2 }, { $inc: { x: 1 } }, { returnDocument: 'after' })).toEqual({ _id: 2, x: 24 });
  });

  it('updates the first document in sort order, and shapes the value with a projection', async () => {
    const c = await seeded(t, THREE);
    const value = await c.findOneAndUpdate(
      { _id: { $gt: 1 } },
      { $inc: { x: 1 } },
      { sort: { x: -1 }, projection: { x: 1, _id: 0 }, returnDocument: 'after' },
    );
    expect(value).toEqual({ x: 34 });
    expect(await c.find().sort({ _id: 1 }).toArray()).toEqual([
      { _id: 1, x: 11 },
      { _id: 2, x: 22 },
      { _id: 3, x: 34 },
    ]);
  });

  it('returns null when nothing matches, and upserts on request', async () => {
    const c = await seeded(t, THREE);
    expect(await c.findOneAndUpdate({ _id: 4 }, { $inc: { x: 1 } })).toBeNull();
    expect(await c.findOneAndUpdate({ _id: 4 }, { $inc: { x: 1 } }, { upsert: true })).toBeNull();
    expect(await c.findOne({ _id: 4 })).toEqual({ _id: 4, x: 1 });
    const after = await c.findOneAndUpdate({ k: 'v' }, { $set: { y: 1 } }, { upsert: true, returnDocument: 'after' });
    expect(after).toEqual({ _id: expect.any(ObjectId), k: 'v', y: 1 });
  });

  it('reports what happened in lastErrorObject', async () => {
    const c = await seeded(t, THREE);
    const updated = await c.findOneAndUpdate({ _id: 1 }, { $set: { y: 1 } }, { includeResultMetadata: true });
    expect(updated.lastErrorObject).toEqual({ n: 1, updatedExisting: true });
    const upserted = await c.findOneAndUpdate({ _id: 9 }, { $set: { y: 1 } }, { upsert: true, includeResultMetadata: true });
    expect(upserted.lastErrorObject).toEqual({ n: 1, updatedExisting: false, upserted: 9 });
    expect(upserted.value).toBeNull();
    const missed = await c.findOneAndUpdate({ _id: 99 }, { $set: { y: 1 } }, { includeResultMetadata: true });
    expect(missed.lastErrorObject).toEqual({ n: 0, updatedExisting: false });
  });

  it('applies arrayFilters and pipeline updates', async () => {
    const c = await seeded(t, [{ _id: 1, a: [1, 5, 9], n: 2 }]);
    const filtered = await c.findOneAndUpdate(
      { _id: 1 },
      { $set: { 'a.$[big]': 0 } },
      { arrayFilters: [{ big: { $gt: 4 } }], returnDocument: 'after' },
    );
    expect(filtered).toEqual({ _id: 1, a: [1, 0, 0], n: 2 });
    const piped = await c.findOneAndUpdate({ _id: 1 }, [{ $set: { m: { $multiply: ['$n', 10] } } }], { returnDocument: 'after' });
    expect(piped).toEqual({ _id: 1, a: [1, 0, 0], n: 2, m: 20 });
  });

  it('returns numbers with their BSON types', async () => {
    const c = await seeded(t, [{ _id: 1, big: Long.fromString('9007199254740993') }]);
    const value = await c.findOneAndUpdate({ _id: 1 }, { $inc: { big: 1 } }, { returnDocument: 'after', promoteLongs: false });
    expect(bsonType(value?.big)).toBe('Long');
    expect(value?.big.toString()).toBe('9007199254740994');
  });

  it('reports a duplicate key on upsert with keyPattern and keyValue', async () => {
    const c = await seeded(t, [{ _id: 1, x: 'taken' }]);
    await c.createIndex({ x: 1 }, { unique: true });
    const error = await serverError(c.findOneAndUpdate({ _id: 2 }, { $set: { x: 'taken' } }, { upsert: true }));
    expect(error.code).toBe(11000);
    expect(error.errorResponse).toMatchObject({ keyPattern: { x: 1 }, keyValue: { x: 'taken' } });
  });

  it('reports update errors as command errors', async () => {
    const c = await seeded(t, [{ _id: 1, a: 'text' }]);
    expect((await serverError(c.findOneAndUpdate({ _id: 1 }, { $inc: { a: 1 } }))).code).toBe(14);
    expect((await serverError(c.findOneAndUpdate({ _id: 1 }, { $set: { _id: 2 } }))).code).toBe(66);
  });
});

describe('findOneAndReplace', () => {
  it('replaces the document, keeping _id, and returns it before or after', async () => {
    const c = await seeded(t, THREE);
    expect(await c.findOneAndReplace({ _id: 1 }, { y: 1 })).toEqual({ _id: 1, x: 11 });
    expect(await c.findOneAndReplace({ _id: 1 }, { z: 2 }, { returnDocument: 'after' })).toEqual({ _id: 1, z: 2 });
  });

  it('upserts with the filter’s _id', async () => {
    const c = await seeded(t, THREE);
    const value = await c.findOneAndReplace(
      { _id: 4 },
      { x: 44 },
      { upsert: true, returnDocument: 'after', projection: { x: 1, _id: 0 } },
    );
    expect(value).toEqual({ x: 44 });
    expect(await c.findOne({ _id: 4 })).toEqual({ _id: 4, x: 44 });
  });
});

describe('findOneAndDelete', () => {
  it('removes the first document in sort order and returns it', async () => {
    const c = await seeded(t, THREE);
    expect(await c.findOneAndDelete({ x: { $gt: 11 } }, { sort: { x: -1 }, projection: { _id: 1 } })).toEqual({ _id: 3 });
    expect(await c.find().sort({ _id: 1 }).toArray()).toEqual(THREE.slice(0, 2));
    expect(await c.findOneAndDelete({ _id: 99 })).toBeNull();
  });

  it('reports n in lastErrorObject', async () => {
    const c = await seeded(t, THREE);
    expect((await c.findOneAndDelete({ _id: 1 }, { includeResultMetadata: true })).lastErrorObject).toEqual({ n: 1 });
    expect((await c.findOneAndDelete({ _id: 1 }, { includeResultMetadata: true })).lastErrorObject).toEqual({ n: 0 });
  });
});

describe('the findAndModify command', () => {
  it('answers the lower-case alias too', async () => {
    const c = await seeded(t, THREE);
    const reply = await t.db.command({ findandmodify: c.collectionName, query: { _id: 3 }, update: { $set: { y: 1 } }, new: true });
    expect(reply.value).toEqual({ _id: 3, x: 33, y: 1 });
  });

  it('refuses contradictory options with FailedToParse', async () => {
    const c = await seeded(t, THREE);
    const name = c.collectionName;
    const neither = await serverError(t.db.command({ findAndModify: name, query: {} }));
    expect([neither.code, neither.message]).toEqual([9, 'Either an update or remove=true must be specified']);
    const both = await serverError(t.db.command({ findAndModify: name, remove: true, update: { $set: { a: 1 } } }));
    expect(both.code).toBe(9);
    const removeNew = await serverError(t.db.command({ findAndModify: name, remove: true, new: true }));
    expect(removeNew.code).toBe(9);
    expect(await c.find().toArray()).toHaveLength(3);
  });
});
