/**
 * Field update operators through the driver: $set, $unset, $inc, $mul, $min, $max, $rename,
 * $currentDate, $bit, $setOnInsert; paths, field order, conflicts, `_id` immutability and the
 * numeric types MongoDB keeps.
 */
import { Decimal128, Double, Int32, Long } from 'mongodb';
import { openTestDatabase, TestDatabase } from '../../helpers/database';
import { bsonType, raw, seeded, serverError } from './update-helpers';

let t: TestDatabase;
beforeAll(async () => {
  t = await openTestDatabase('update_ops');
});
afterAll(async () => t.close());

describe('$set and $unset', () => {
  it('sets top-level and dotted fields, creating documents on the way, new fields in path order', async () => {
    const c = await seeded(t, [{ _id: 1, y: 1 }]);
    const result = await c.updateOne({ _id: 1 }, { $set: { z: 1, b: 1, 'a.c': 1, 'a.b': 2 } });
    expect(result.modifiedCount).toBe(1);
    const document = await c.findOne({ _id: 1 });
    expect(document).toEqual({ _id: 1, y: 1, a: { b: 2, c: 1 }, b: 1, z: 1 });
    expect(Object.keys(document ?? {})).toEqual(['_id', 'y', 'a', 'b', 'z']);
    expect(Object.keys(document?.a)).toEqual(['b', 'c']);
  });

  it('keeps existing fields in place when replacing their values', async () => {
    const c = await seeded(t, [{ _id: 1, a: 1, b: 2, c: 3 }]);
    await c.updateOne({ _id: 1 }, { $set: { a: 'x', d: 4, c: 'z' } });
    expect(Object.keys((await c.findOne({ _id: 1 })) ?? {})).toEqual(['_id', 'a', 'b', 'c', 'd']);
  });

  it('sets an array element by index, padding with nulls beyond the end', async () => {
    const c = await seeded(t, [{ _id: 1, a: [1, 2] }]);
    await c.updateOne({ _id: 1 }, { $set: { 'a.0': 10, 'a.4': 5 } });
    expect(await c.findOne({ _id: 1 })).toEqual({ _id: 1, a: [10, 2, null, null, 5] });
  });

  it('creates a field inside an array element', async () => {
    const c = await seeded(t, [{ _id: 1, a: [{ x: 1 }, { x: 2 }] }]);
    await c.updateOne({ _id: 1 }, { $set: { 'a.1.y': 3 } });
    expect(await c.findOne({ _id: 1 })).toEqual({ _id: 1, a: [{ x: 1 }, { x: 2, y: 3 }] });
  });

  it('refuses to create a field inside a scalar (PathNotViable)', async () => {
    const c = await seeded(t, [{ _id: 1, a: 1 }]);
    const error = await serverError(c.updateOne({ _id: 1 }, { $set: { 'a.b': 1 } }));
    expect(error.code).toBe(28);
    expect(error.message).toBe("Cannot create field 'b' in element {a: 1}");
  });

  it('refuses a named field inside an array', async () => {
    const c = await seeded(t, [{ _id: 1, a: [1] }]);
    const error = await serverError(c.updateOne({ _id: 1 }, { $set: { 'a.b': 1 } }));
    expect(error.code).toBe(28);
  });

  it('does not count setting the same value as a modification', async () => {
    const c = await seeded(t, [{ _id: 1, a: 1, b: { c: [1, 2] } }]);
    const result = await c.updateOne({ _id: 1 }, { $set: { a: 1, b: { c: [1, 2] } } });
    expect(result).toMatchObject({ matchedCount: 1, modifiedCount: 0 });
  });

  it('counts a change of numeric type as a modification', async () => {
    const c = await seeded(t, [{ _id: 1, a: new Int32(1) }]);
    const result = await c.updateOne({ _id: 1 }, { $set: { a: new Double(1) } });
    expect(result.modifiedCount).toBe(1);
    expect(bsonType((await raw(c, 1))?.a)).toBe('Double');
  });

  it('unsets fields; an array element becomes null; a missing field is a no-op', async () => {
    const c = await seeded(t, [{ _id: 1, a: 1, b: [1, 2, 3], c: { d: 1, e: 2 } }]);
    await c.updateOne({ _id: 1 }, { $unset: { a: '', 'b.1': 1, 'c.d': true } });
    expect(await c.findOne({ _id: 1 })).toEqual({ _id: 1, b: [1, null, 3], c: { e: 2 } });
    const result = await c.updateOne({ _id: 1 }, { $unset: { nothing: '', 'c.nothing.deeper': '' } });
    expect(result.modifiedCount).toBe(0);
  });

  it('ignores $setOnInsert when updating an existing document', async () => {
    const c = await seeded(t, [{ _id: 1, a: 1 }]);
    const result = await c.updateOne({ _id: 1 }, { $setOnInsert: { b: 1 } }, { upsert: true });
    expect(result).toMatchObject({ matchedCount: 1, modifiedCount: 0, upsertedCount: 0 });
    expect(await c.findOne({ _id: 1 })).toEqual({ _id: 1, a: 1 });
  });
});

describe('$inc and $mul keep MongoDB numeric types', () => {
  it('widens an Int32 that overflows to a Long', async () => {
    const c = await seeded(t, [{ _id: 1, a: new Int32(2147483647) }]);
    await c.updateOne({ _id: 1 }, { $inc: { a: 1 } });
    const a = (await raw(c, 1))?.a;
    expect(bsonType(a)).toBe('Long');
    expect(a.toString()).toBe('2147483648');
  });

  it('keeps a Long above 2^53 exact', async () => {
    const c = await seeded(t, [{ _id: 1, a: Long.fromString('9007199254740993') }]);
    await c.updateOne({ _id: 1 }, { $inc: { a: 2 } });
    const a = (await raw(c, 1))?.a;
    expect(bsonType(a)).toBe('Long');
    expect(a.toString()).toBe('9007199254740995');
  });

  it('refuses a Long that overflows, with mongod’s message', async () => {
    const c = await seeded(t, [{ _id: 1, a: Long.MAX_VALUE }]);
    const error = await serverError(c.updateOne({ _id: 1 }, { $inc: { a: 1 } }));
    expect(error.code).toBe(2);
    expect(error.message).toBe(
      'Failed to apply $inc operations to current value ((NumberLong)9223372036854775807) for document {_id: 1}',
    );
    expect((await raw(c, 1))?.a.toString()).toBe('9223372036854775807');
  });

  it('keeps decimals decimal', async () => {
    const c = await seeded(t, [{ _id: 1, a: Decimal128.fromString('1.1') }]);
    await c.updateOne({ _id: 1 }, { $inc: { a: 1 } });
    const a = (await raw(c, 1))?.a;
    expect(bsonType(a)).toBe('Decimal128');
    expect(a.toString()).toBe('2.1');
  });

  it('gives a double when a double takes part', async () => {
    const c = await seeded(t, [{ _id: 1, a: new Int32(1) }]);
    await c.updateOne({ _id: 1 }, { $inc: { a: 0.5 } });
    const a = (await raw(c, 1))?.a;
    expect(bsonType(a)).toBe('Double');
    expect(a.valueOf()).toBe(1.5);
  });

  it('sets a missing field to the increment, with its type', async () => {
    const c = await seeded(t, [{ _id: 1 }]);
    await c.updateOne({ _id: 1 }, { $inc: { i: 5, l: Long.fromNumber(7), 'n.d': Decimal128.fromString('0.5') } });
    const document = await raw(c, 1);
    expect(bsonType(document?.i)).toBe('Int32');
    expect(document?.i.valueOf()).toBe(5);
    expect(bsonType(document?.l)).toBe('Long');
    expect(bsonType(document?.n.d)).toBe('Decimal128');
  });

  it('does not count an increment by zero as a modification', async () => {
    const c = await seeded(t, [{ _id: 1, a: 1 }]);
    expect((await c.updateOne({ _id: 1 }, { $inc: { a: 0 } })).modifiedCount).toBe(0);
  });

  it('refuses a non-numeric target (TypeMismatch) with mongod’s message', async () => {
    const c = await seeded(t, [{ _id: 1, a: 'text' }]);
    const error = await serverError(c.updateOne({ _id: 1 }, { $inc: { a: 1 } }));
    expect(error.code).toBe(14);
    expect(error.message).toBe(
      "Cannot apply $inc to a value of non-numeric type. {_id: 1} has the field 'a' of non-numeric type string",
    );
  });

  it('refuses a non-numeric argument even when nothing matches', async () => {
    const c = await seeded(t, []);
    const error = await serverError(c.updateOne({ _id: 1 }, { $inc: { a: 'x' } } as never));
    expect(error.code).toBe(14);
    expect(error.message).toBe('Cannot increment with non-numeric argument: {a: "x"}');
  });

  it('multiplies, widening an Int32 product to a Long', async () => {
    const c = await seeded(t, [{ _id: 1, a: new Int32(65536), b: new Double(1.5) }]);
    await c.updateOne({ _id: 1 }, { $mul: { a: 65536, b: 2 } });
    const document = await raw(c, 1);
    expect(bsonType(document?.a)).toBe('Long');
    expect(document?.a.toString()).toBe('4294967296');
    expect(bsonType(document?.b)).toBe('Double');
    expect(document?.b.valueOf()).toBe(3);
  });

  it('sets a missing field to zero of the multiplier’s type', async () => {
    const c = await seeded(t, [{ _id: 1 }]);
    await c.updateOne({ _id: 1 }, { $mul: { i: 3, l: Long.fromNumber(3), d: 2.5 } });
    const document = await raw(c, 1);
    expect([bsonType(document?.i), document?.i.valueOf()]).toEqual(['Int32', 0]);
    expect([bsonType(document?.l), document?.l.toString()]).toEqual(['Long', '0']);
    expect([bsonType(document?.d), document?.d.valueOf()]).toEqual(['Double', 0]);
  });

  it('refuses a Long product that overflows', async () => {
    const c = await seeded(t, [{ _id: 1, a: Long.fromString('4611686018427387904') }]);
    const error = await serverError(c.updateOne({ _id: 1 }, { $mul: { a: 2 } }));
    expect(error.code).toBe(2);
  });
});

describe('$min and $max', () => {
  it('replaces only with a smaller (or larger) value, comparing numbers across types', async () => {
    const c = await seeded(t, [{ _id: 1, low: 5, high: 5, same: new Int32(5) }]);
    await c.updateOne({ _id: 1 }, { $min: { low: 3 }, $max: { high: Long.fromNumber(9) } });
    const document = await raw(c, 1);
    expect(document?.low.valueOf()).toBe(3);
    expect([bsonType(document?.high), document?.high.toString()]).toEqual(['Long', '9']);
    const unchanged = await c.updateOne({ _id: 1 }, { $min: { low: 4 }, $max: { same: new Double(5) } });
    expect(unchanged.modifiedCount).toBe(0);
  });

  it('compares values of different types in BSON order and creates missing fields', async () => {
    const c = await seeded(t, [{ _id: 1, n: 5, s: 5, d: new Date('2020-01-01') }]);
    await c.updateOne(
      { _id: 1 },
      { $max: { s: 'text', d: new Date('2021-01-01'), created: 1 }, $min: { n: null } },
    );
    expect(await c.findOne({ _id: 1 })).toEqual({ _id: 1, n: null, s: 'text', d: new Date('2021-01-01'), created: 1 });
  });
});

describe('$rename', () => {
  it('moves values, into existing or new fields', async () => {
    const c = await seeded(t, [{ _id: 1, a: 1, b: { c: 2 }, e: 'old' }]);
    await c.updateOne({ _id: 1 }, { $rename: { a: 'x', 'b.c': 'b.d', e: 'b.c2' } });
    expect(await c.findOne({ _id: 1 })).toEqual({ _id: 1, b: { d: 2, c2: 'old' }, x: 1 });
  });

  it('is a no-op when the source is missing', async () => {
    const c = await seeded(t, [{ _id: 1, a: 1 }]);
    expect((await c.updateOne({ _id: 1 }, { $rename: { missing: 'b' } })).modifiedCount).toBe(0);
  });

  it('refuses source and target on the same path', async () => {
    const c = await seeded(t, [{ _id: 1, a: { b: 1 } }]);
    const error = await serverError(c.updateOne({ _id: 1 }, { $rename: { a: 'a.b' } }));
    expect(error.code).toBe(2);
    expect(error.message).toBe('The source and target field for $rename must not be on the same path: a: "a.b"');
  });

  it('refuses a source inside an array', async () => {
    const c = await seeded(t, [{ _id: 1, a: [{ b: 1 }] }]);
    const error = await serverError(c.updateOne({ _id: 1 }, { $rename: { 'a.0.b': 'c' } }));
    expect(error.code).toBe(2);
    expect(error.message).toBe("The source field cannot be an array element, 'a.0.b' in doc with _id: 1 has an array field called 'a'");
  });

  it('refuses a target that is not a string', async () => {
    const c = await seeded(t, [{ _id: 1, a: 1 }]);
    expect((await serverError(c.updateOne({ _id: 1 }, { $rename: { a: 1 } } as never))).code).toBe(2);
  });
});

describe('$currentDate and $bit', () => {
  it('sets the current date or a timestamp', async () => {
    const c = await seeded(t, [{ _id: 1 }]);
    const before = Date.now();
    await c.updateOne({ _id: 1 }, { $currentDate: { d: true, t: { $type: 'timestamp' }, 'n.d': { $type: 'date' } } } as never);
    const document = await raw(c, 1);
    expect(document?.d).toBeInstanceOf(Date);
    expect(document?.d.getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect(bsonType(document?.t)).toBe('Timestamp');
    expect(document?.n.d).toBeInstanceOf(Date);
  });

  it('refuses an unknown $type', async () => {
    const c = await seeded(t, [{ _id: 1 }]);
    expect((await serverError(c.updateOne({ _id: 1 }, { $currentDate: { d: { $type: 'string' } } } as never))).code).toBe(2);
  });

  it('applies and, or and xor; a Long operand gives a Long', async () => {
    const c = await seeded(t, [{ _id: 1, a: new Int32(13), b: new Int32(3), l: new Int32(1) }]);
    await c.updateOne({ _id: 1 }, { $bit: { a: { and: 10 }, b: { or: 4, xor: 1 }, l: { or: Long.fromNumber(2) }, m: { xor: 6 } } } as never);
    const document = await raw(c, 1);
    expect([bsonType(document?.a), document?.a.valueOf()]).toEqual(['Int32', 8]);
    expect(document?.b.valueOf()).toBe(6);
    expect([bsonType(document?.l), document?.l.toString()]).toEqual(['Long', '3']);
    expect(document?.m.valueOf()).toBe(6);
  });

  it('refuses a non-integral target', async () => {
    const c = await seeded(t, [{ _id: 1, a: 1.5 }]);
    expect((await serverError(c.updateOne({ _id: 1 }, { $bit: { a: { and: 1 } } }))).code).toBe(2);
  });
});

describe('paths, conflicts and _id', () => {
  it('refuses two operators on the same path or on a path and its prefix', async () => {
    const c = await seeded(t, [{ _id: 1, a: { b: 1 } }]);
    const same = await serverError(c.updateOne({ _id: 1 }, { $set: { a: 1 }, $inc: { a: 1 } }));
    expect(same.code).toBe(40);
    expect(same.message).toBe("Updating the path 'a' would create a conflict at 'a'");
    const prefix = await serverError(c.updateOne({ _id: 1 }, { $set: { a: 1 }, $unset: { 'a.b': 1 } }));
    expect(prefix.message).toBe("Updating the path 'a.b' would create a conflict at 'a'");
  });

  it('refuses to change _id, and allows setting it to its own value', async () => {
    const c = await seeded(t, [{ _id: 1, a: 1 }]);
    const error = await serverError(c.updateOne({ _id: 1 }, { $set: { _id: 2 } }));
    expect(error.code).toBe(66);
    expect(error.message).toBe("Performing an update on the path '_id' would modify the immutable field '_id'");
    expect((await serverError(c.updateOne({ _id: 1 }, { $unset: { _id: 1 } }))).code).toBe(66);
    const same = await c.updateOne({ _id: 1 }, { $set: { _id: 1, a: 2 } });
    expect(same).toMatchObject({ matchedCount: 1, modifiedCount: 1 });
  });

  it('refuses empty paths', async () => {
    const c = await seeded(t, [{ _id: 1 }]);
    const empty = await serverError(c.updateOne({ _id: 1 }, { $set: { '': 1 } }));
    expect([empty.code, empty.message]).toEqual([56, 'An empty update path is not valid.']);
    const part = await serverError(c.updateOne({ _id: 1 }, { $set: { 'a..b': 1 } }));
    expect([part.code, part.message]).toEqual([56, "The update path 'a..b' contains an empty field name, which is not allowed."]);
  });

  it('refuses to add a top-level $-prefixed field with an operator', async () => {
    const c = await seeded(t, [{ _id: 1 }]);
    expect((await serverError(c.updateOne({ _id: 1 }, { $set: { $a: 1 } } as never))).code).toBe(52);
  });
});
