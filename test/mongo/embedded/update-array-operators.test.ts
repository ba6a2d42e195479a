/**
 * Array update operators and dynamic paths through the driver: $push (with $each, $position,
 * $slice, $sort), $addToSet, $pop, $pull, $pullAll, the positional `$`, `$[]` and `$[<id>]` with
 * arrayFilters.
 */
import { Double, Int32, Long } from 'mongodb';
import { openTestDatabase, TestDatabase } from '../../helpers/database';
import { bsonType, raw, seeded, serverError } from './update-helpers';

let t: TestDatabase;
beforeAll(async () => {
  t = await openTestDatabase('update_arrays');
});
afterAll(async () => t.close());

async function pushed(initial: unknown, push: unknown): Promise<unknown> {
  const c = await seeded(t, [{ _id: 1, a: initial }]);
  await c.updateOne({ _id: 1 }, { $push: { a: push } } as never);
  return (await c.findOne({ _id: 1 }))?.a;
}

describe('$push', () => {
  it('appends a value, or creates the array', async () => {
    expect(await pushed([1], 2)).toEqual([1, 2]);
    expect(await pushed([1], [2, 3])).toEqual([1, [2, 3]]);
    const c = await seeded(t, [{ _id: 1 }]);
    await c.updateOne({ _id: 1 }, { $push: { 'n.list': { x: 1 } } } as never);
    expect(await c.findOne({ _id: 1 })).toEqual({ _id: 1, n: { list: [{ x: 1 }] } });
  });

  it('inserts $each values at $position, counting negative positions from the end', async () => {
    expect(await pushed([1, 2, 3], { $each: [8, 9] })).toEqual([1, 2, 3, 8, 9]);
    expect(await pushed([1, 2, 3], { $each: [8, 9], $position: 1 })).toEqual([1, 8, 9, 2, 3]);
    expect(await pushed([1, 2, 3], { $each: [8], $position: -1 })).toEqual([1, 2, 8, 3]);
    expect(await pushed([1, 2, 3], { $each: [8], $position: -10 })).toEqual([8, 1, 2, 3]);
    expect(await pushed([1, 2, 3], { $each: [8], $position: 10 })).toEqual([1, 2, 3, 8]);
  });

  it('trims with $slice from the front or the back', async () => {
    expect(await pushed([1, 2, 3], { $each: [4], $slice: 2 })).toEqual([1, 2]);
    expect(await pushed([1, 2, 3], { $each: [4], $slice: -2 })).toEqual([3, 4]);
    expect(await pushed([1, 2, 3], { $each: [], $slice: 0 })).toEqual([]);
  });

  it('sorts whole elements in BSON order, or documents by fields', async () => {
    expect(await pushed([3, 'b', 1], { $each: [null, 2, 'a'], $sort: 1 })).toEqual([null, 1, 2, 3, 'a', 'b']);
    expect(await pushed([1, 3], { $each: [2], $sort: -1, $slice: 2 })).toEqual([3, 2]);
    const documents = [{ n: 2, s: 'b' }, { n: 1, s: 'c' }, { s: 'a' }];
    expect(await pushed(documents, { $each: [{ n: 1, s: 'a' }], $sort: { n: 1, s: -1 } })).toEqual([
      { s: 'a' },
      { n: 1, s: 'c' },
      { n: 1, s: 'a' },
      { n: 2, s: 'b' },
    ]);
  });

  it('compares numbers of every type when sorting', async () => {
    const c = await seeded(t, [{ _id: 1, a: [Long.fromNumber(3), new Double(1.5)] }]);
    await c.updateOne({ _id: 1 }, { $push: { a: { $each: [new Int32(2)], $sort: 1 } } } as never);
    const a = (await raw(c, 1))?.a as unknown[];
    expect(a.map(bsonType)).toEqual(['Double', 'Int32', 'Long']);
  });

  it('refuses to push to a non-array field', async () => {
    const c = await seeded(t, [{ _id: 1, a: 1 }]);
    const error = await serverError(c.updateOne({ _id: 1 }, { $push: { a: 2 } } as never));
    expect(error.code).toBe(2);
    expect(error.message).toBe("The field 'a' must be an array but is of type int in document {_id: 1}");
  });

  it('refuses bad modifiers', async () => {
    const c = await seeded(t, [{ _id: 1, a: [] }]);
    expect((await serverError(c.updateOne({ _id: 1 }, { $push: { a: { $each: 1 } } } as never))).code).toBe(2);
    expect((await serverError(c.updateOne({ _id: 1 }, { $push: { a: { $each: [1], $slice: 'x' } } } as never))).code).toBe(2);
    expect((await serverError(c.updateOne({ _id: 1 }, { $push: { a: { $each: [1], $sort: 2 } } } as never))).code).toBe(2);
    expect((await serverError(c.updateOne({ _id: 1 }, { $push: { a: { $each: [1], $foo: 1 } } } as never))).code).toBe(2);
  });
});

describe('$addToSet', () => {
  it('adds only values not already present, comparing numbers across types', async () => {
    const c = await seeded(t, [{ _id: 1, a: [new Int32(1), 'x'] }]);
    const unchanged = await c.updateOne({ _id: 1 }, { $addToSet: { a: new Double(1) } });
    expect(unchanged.modifiedCount).toBe(0);
    await c.updateOne({ _id: 1 }, { $addToSet: { a: { $each: [2, 'x', 2, 3] } } });
    expect((await c.findOne({ _id: 1 }))?.a).toEqual([1, 'x', 2, 3]);
  });

  it('treats documents with other field orders as different values', async () => {
    const c = await seeded(t, [{ _id: 1, a: [{ x: 1, y: 2 }] }]);
    expect((await c.updateOne({ _id: 1 }, { $addToSet: { a: { x: 1, y: 2 } } })).modifiedCount).toBe(0);
    expect((await c.updateOne({ _id: 1 }, { $addToSet: { a: { y: 2, x: 1 } } })).modifiedCount).toBe(1);
  });

  it('creates the array, and refuses a non-array field', async () => {
    const c = await seeded(t, [{ _id: 1, s: 'text' }]);
    await c.updateOne({ _id: 1 }, { $addToSet: { a: { $each: [1, 1, 2] } } });
    expect((await c.findOne({ _id: 1 }))?.a).toEqual([1, 2]);
    expect((await serverError(c.updateOne({ _id: 1 }, { $addToSet: { s: 1 } } as never))).code).toBe(2);
  });
});

describe('$pop, $pull and $pullAll', () => {
  it('removes the last or the first element', async () => {
    const c = await seeded(t, [{ _id: 1, a: [1, 2, 3], b: [1, 2, 3], e: [] }]);
    await c.updateOne({ _id: 1 }, { $pop: { a: 1, b: -1, e: 1, missing: 1 } } as never);
    expect(await c.findOne({ _id: 1 })).toEqual({ _id: 1, a: [1, 2], b: [2, 3], e: [] });
  });

  it('accepts only 1 or -1, and only arrays', async () => {
    const c = await seeded(t, [{ _id: 1, a: [1], s: 1 }]);
    const error = await serverError(c.updateOne({ _id: 1 }, { $pop: { a: 2 } } as never));
    expect([error.code, error.message]).toEqual([9, '$pop expects 1 or -1, found: 2']);
    expect((await serverError(c.updateOne({ _id: 1 }, { $pop: { s: 1 } } as never))).code).toBe(14);
  });

  it('pulls equal values, values matching a condition, and documents matching a query', async () => {
    const c = await seeded(t, [
      { _id: 1, n: [1, 5, 6, 9, 5], s: ['apple', 'banana', 'avocado'], d: [{ x: 1, y: 1 }, { x: 2, y: 1 }, { x: 1, y: 2 }] },
    ]);
    await c.updateOne({ _id: 1 }, { $pull: { n: 5, s: /^a/, d: { x: 1 } } } as never);
    expect(await c.findOne({ _id: 1 })).toMatchObject({ n: [1, 6, 9], s: ['banana'], d: [{ x: 2, y: 1 }] });
    await c.updateOne({ _id: 1 }, { $pull: { n: { $gte: 6 } } } as never);
    expect((await c.findOne({ _id: 1 }))?.n).toEqual([1]);
  });

  it('pulls numbers equal across types, and arrays only when equal as a whole', async () => {
    const c = await seeded(t, [{ _id: 1, n: [new Int32(1), new Double(1), Long.fromNumber(1), 2], nested: [[1, 2], [1]] }]);
    await c.updateOne({ _id: 1 }, { $pull: { n: 1, nested: [1] } } as never);
    expect(await c.findOne({ _id: 1 })).toEqual({ _id: 1, n: [2], nested: [[1, 2]] });
  });

  it('pulls every value listed by $pullAll', async () => {
    const c = await seeded(t, [{ _id: 1, a: [0, 1, 2, 1, 3, 'x'] }]);
    await c.updateOne({ _id: 1 }, { $pullAll: { a: [1, 'x'] } } as never);
    expect((await c.findOne({ _id: 1 }))?.a).toEqual([0, 2, 3]);
  });

  it('refuses $pull on a non-array, and a path through a scalar', async () => {
    const c = await seeded(t, [{ _id: 1, a: 1 }]);
    expect((await serverError(c.updateOne({ _id: 1 }, { $pull: { a: 1 } } as never))).code).toBe(2);
    const error = await serverError(c.updateOne({ _id: 1 }, { $pull: { 'a.b': 1 } } as never));
    expect(error.code).toBe(28);
    expect(error.message).toBe('Cannot use the part (b) of (a.b) to traverse the element ({a: 1})');
  });
});

describe('the positional operator $', () => {
  it('updates the first array element the query matched', async () => {
    const c = await seeded(t, [{ _id: 1, grades: [80, 85, 90, 85] }]);
    await c.updateOne({ _id: 1, grades: 85 }, { $set: { 'grades.$': 82 } });
    expect((await c.findOne({ _id: 1 }))?.grades).toEqual([80, 82, 90, 85]);
  });

  it('follows conditions on fields of array documents, and $elemMatch', async () => {
    const c = await seeded(t, [
      { _id: 1, items: [{ sku: 'a', qty: 1 }, { sku: 'b', qty: 5 }, { sku: 'b', qty: 9 }] },
    ]);
    await c.updateOne({ 'items.sku': 'b' }, { $inc: { 'items.$.qty': 1 } });
    await c.updateOne({ items: { $elemMatch: { sku: 'b', qty: { $gt: 6 } } } }, { $set: { 'items.$.hit': true } });
    expect((await c.findOne({ _id: 1 }))?.items).toEqual([
      { sku: 'a', qty: 1 },
      { sku: 'b', qty: 6 },
      { sku: 'b', qty: 9, hit: true },
    ]);
  });

  it('fails when the query did not match an array element', async () => {
    const c = await seeded(t, [{ _id: 1, a: [1, 2] }]);
    const error = await serverError(c.updateOne({ _id: 1 }, { $set: { 'a.$': 5 } }));
    expect(error.code).toBe(2);
    expect(error.message).toBe('The positional operator did not find the match needed from the query.');
  });
});

describe('$[] and $[<identifier>] with arrayFilters', () => {
  it('updates every element with $[]', async () => {
    const c = await seeded(t, [{ _id: 1, a: [{ n: 1 }, { n: 2 }], b: [1, 2] }]);
    await c.updateOne({ _id: 1 }, { $inc: { 'a.$[].n': 10, 'b.$[]': 1 } });
    expect(await c.findOne({ _id: 1 })).toEqual({ _id: 1, a: [{ n: 11 }, { n: 12 }], b: [2, 3] });
  });

  it('updates the elements an array filter matches, also nested', async () => {
    const c = await seeded(t, [
      { _id: 1, grades: [95, 80, 100], students: [{ name: 'a', scores: [1, 9] }, { name: 'b', scores: [9, 2] }] },
    ]);
    await c.updateOne(
      { _id: 1 },
      { $set: { 'grades.$[high]': 100, 'students.$[s].scores.$[low]': 0 } },
      { arrayFilters: [{ high: { $gte: 95 } }, { 's.name': 'b' }, { low: { $lt: 5 } }] },
    );
    expect(await c.findOne({ _id: 1 })).toEqual({
      _id: 1,
      grades: [100, 80, 100],
      students: [{ name: 'a', scores: [1, 9] }, { name: 'b', scores: [9, 0] }],
    });
  });

  it('updates many documents, each with its own matching elements', async () => {
    const c = await seeded(t, [{ _id: 1, a: [1, 5] }, { _id: 2, a: [7, 2] }]);
    const result = await c.updateMany({}, { $set: { 'a.$[big]': 0 } }, { arrayFilters: [{ big: { $gt: 4 } }] });
    expect(result).toMatchObject({ matchedCount: 2, modifiedCount: 2 });
    expect(await c.find().sort({ _id: 1 }).toArray()).toEqual([{ _id: 1, a: [1, 0] }, { _id: 2, a: [0, 2] }]);
  });

  it('refuses an identifier without a filter, and a filter without a use', async () => {
    const c = await seeded(t, [{ _id: 1, a: [1] }]);
    const missing = await serverError(c.updateOne({ _id: 1 }, { $set: { 'a.$[x]': 1 } }));
    expect([missing.code, missing.message]).toEqual([2, "No array filter found for identifier 'x' in path 'a.$[x]'"]);
    const unused = await serverError(c.updateOne({ _id: 1 }, { $set: { 'a.$[x]': 1 } }, { arrayFilters: [{ x: 1 }, { y: 1 }] }));
    expect(unused.code).toBe(9);
  });

  it('refuses $[] on a missing or non-array field', async () => {
    const c = await seeded(t, [{ _id: 1, a: 1 }]);
    expect((await serverError(c.updateOne({ _id: 1 }, { $set: { 'b.$[]': 1 } }))).code).toBe(2);
    expect((await serverError(c.updateOne({ _id: 1 }, { $set: { 'a.$[]': 1 } }))).code).toBe(2);
  });
});
