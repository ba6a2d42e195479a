import {
  Binary,
  BSONRegExp,
  Decimal128,
  Double,
  Int32,
  Long,
  MaxKey,
  MinKey,
  ObjectId,
  Timestamp,
  UUID,
} from 'mongodb';
import { openTestDatabase, TestDatabase } from '../../helpers/database';

let t: TestDatabase;
beforeAll(async () => {
  t = await openTestDatabase('fidelity');
});
afterAll(async () => t.close());

const raw = { promoteValues: false, promoteLongs: false, promoteBuffers: false, bsonRegExp: true } as const;

describe('BSON types survive a round trip with their exact type', () => {
  const oid = new ObjectId();
  const uuid = new UUID();
  const sample = {
    _id: oid,
    int: new Int32(42),
    negativeInt: new Int32(-2147483648),
    long: Long.fromString('9223372036854775807'),
    longAbove2p53: Long.fromString('9007199254740993'),
    integralDouble: new Double(5),
    double: new Double(3.25),
    negativeZero: new Double(-0),
    nan: new Double(NaN),
    infinity: new Double(Infinity),
    decimal: Decimal128.fromString('9.990'),
    decimalHuge: Decimal128.fromString('1.234567890123456789012345678901234E+6000'),
    string: 'héllo ✓ 😀',
    bool: true,
    nothing: null,
    date: new Date('2024-02-29T12:34:56.789Z'),
    binary: new Binary(Buffer.from([0, 1, 2, 255]), 0),
    uuid,
    regex: new BSONRegExp('^a.*z$', 'imx'),
    timestamp: new Timestamp({ t: 1700000000, i: 7 }),
    minKey: new MinKey(),
    maxKey: new MaxKey(),
    nested: { z: 1, a: [new Int32(1), new Double(1), Long.fromInt(1), { deep: [[Decimal128.fromString('1')]] }] },
    emptyDocument: {},
    emptyArray: [],
  };

  beforeAll(async () => {
    await t.db.collection('types').insertOne(sample);
  });

  it('returns every value with its type and value', async () => {
    const stored = await t.db.collection('types').findOne({ _id: oid }, raw);
    expect(stored).not.toBeNull();
    const back = stored as Record<string, unknown>;
    expect(back.int).toEqual(new Int32(42));
    expect(back.negativeInt).toEqual(new Int32(-2147483648));
    expect((back.long as Long).toString()).toBe('9223372036854775807');
    expect(back.long).toBeInstanceOf(Long);
    expect((back.longAbove2p53 as Long).toString()).toBe('9007199254740993');
    expect(back.integralDouble).toEqual(new Double(5));
    expect(back.double).toEqual(new Double(3.25));
    expect(Object.is((back.negativeZero as Double).value, -0)).toBe(true);
    expect(Number.isNaN((back.nan as Double).value)).toBe(true);
    expect((back.infinity as Double).value).toBe(Infinity);
    expect((back.decimal as Decimal128).toString()).toBe('9.990');
    expect((back.decimalHuge as Decimal128).toString()).toBe('1.234567890123456789012345678901234E+6000');
    expect(back.string).toBe('héllo ✓ 😀');
    expect(back.bool).toBe(true);
    expect(back.nothing).toBeNull();
    expect(back.date).toEqual(sample.date);
    expect(Buffer.from((back.binary as Binary).buffer).equals(Buffer.from([0, 1, 2, 255]))).toBe(true);
    expect((back.uuid as Binary).sub_type).toBe(4);
    expect((back.uuid as Binary).toUUID().toHexString()).toBe(uuid.toHexString());
    expect(back.regex).toEqual(new BSONRegExp('^a.*z$', 'imx'));
    expect((back.timestamp as Timestamp).t).toBe(1700000000);
    expect((back.timestamp as Timestamp).i).toBe(7);
    expect(back.minKey).toBeInstanceOf(MinKey);
    expect(back.maxKey).toBeInstanceOf(MaxKey);
    const nested = back.nested as { z: Int32; a: unknown[] };
    expect(nested.a[0]).toEqual(new Int32(1));
    expect(nested.a[1]).toEqual(new Double(1));
    expect(nested.a[2]).toBeInstanceOf(Long);
    expect(((nested.a[3] as { deep: Decimal128[][] }).deep[0][0]).toString()).toBe('1');
    expect(back.emptyDocument).toEqual({});
    expect(back.emptyArray).toEqual([]);
  });

  it('preserves field order, nested too', async () => {
    const stored = (await t.db.collection('types').findOne({ _id: oid })) as Record<string, unknown>;
    expect(Object.keys(stored)).toEqual(Object.keys(sample));
    expect(Object.keys(stored.nested as object)).toEqual(['z', 'a']);
  });
});

describe('numbers compare by value across numeric types', () => {
  beforeAll(async () => {
    await t.db.collection<{ _id: string; v: unknown }>('numbers').insertMany([
      { _id: 'int', v: new Int32(3) },
      { _id: 'long', v: Long.fromInt(3) },
      { _id: 'double', v: new Double(3) },
      { _id: 'decimal', v: Decimal128.fromString('3.00') },
      { _id: 'price', v: Decimal128.fromString('9.99') },
      { _id: 'big', v: Long.fromString('9007199254740993') },
      { _id: 'bigNeighbour', v: Long.fromString('9007199254740992') },
      { _id: 'half', v: new Double(2.5) },
    ]);
  });
  const ids = async (filter: object) =>
    (await t.db.collection<{ _id: string; v: unknown }>('numbers').find(filter).toArray()).map((d) => d._id).sort();

  it('matches equal values of every numeric type', async () => {
    expect(await ids({ v: 3 })).toEqual(['decimal', 'double', 'int', 'long']);
    expect(await ids({ v: Long.fromInt(3) })).toEqual(['decimal', 'double', 'int', 'long']);
    expect(await ids({ v: Decimal128.fromString('3') })).toEqual(['decimal', 'double', 'int', 'long']);
    expect(await ids({ v: { $in: [new Double(2.5), 7] } })).toEqual(['half']);
  });

  it('orders a Decimal128 against plain numbers', async () => {
    expect(await ids({ v: { $gt: 5, $lt: 10 } })).toEqual(['price']);
    expect(await ids({ v: { $lt: Decimal128.fromString('2.6') } })).toEqual(['half']);
  });

  it('tells apart Longs above 2^53 that a double cannot', async () => {
    expect(await ids({ v: Long.fromString('9007199254740993') })).toEqual(['big']);
    expect(await ids({ v: { $gt: Long.fromString('9007199254740992') } })).toEqual(['big']);
  });

  it('sorts numbers of mixed types by value', async () => {
    const sorted = await t.db.collection<{ _id: string; v: unknown }>('numbers').find({}).sort({ v: 1, _id: 1 }).toArray();
    expect(sorted.map((d) => d._id)).toEqual(['half', 'decimal', 'double', 'int', 'long', 'price', 'bigNeighbour', 'big']);
  });

  it('answers $type with the stored type', async () => {
    expect(await ids({ v: { $type: 'long' } })).toEqual(['big', 'bigNeighbour', 'long']);
    expect(await ids({ v: { $type: 'decimal' } })).toEqual(['decimal', 'price']);
    expect(await ids({ v: { $type: 'double' } })).toEqual(['double', 'half']);
    expect(await ids({ v: { $type: 'number' } })).toHaveLength(8);
  });
});

describe('values of different types sort in BSON order', () => {
  it('MinKey < null < numbers < strings < objects < arrays < binary < ObjectId < booleans < dates < timestamps < regex < MaxKey', async () => {
    const collection = t.db.collection<{ _id: string; v: unknown }>('mixed');
    const values: [string, unknown][] = [
      ['maxKey', new MaxKey()],
      ['regex', new BSONRegExp('a', '')],
      ['timestamp', new Timestamp({ t: 1, i: 1 })],
      ['date', new Date(0)],
      ['bool', false],
      ['objectId', new ObjectId('000000000000000000000000')],
      ['binary', new Binary(Buffer.from([1]))],
      ['array', [[]]],
      ['object', { a: 1 }],
      ['string', 'a'],
      ['number', 1],
      ['null', null],
      ['minKey', new MinKey()],
    ];
    await collection.insertMany(values.map(([name, v]) => ({ _id: name, v })));
    const sorted = (await collection.find().sort({ v: 1 }).toArray()).map((d) => d._id);
    expect(sorted).toEqual(values.map(([name]) => name).reverse());
  });

  it('compares strings by code point, as UTF-8 bytes order them', async () => {
    const collection = t.db.collection<{ _id: number; s: string }>('strings');
    // U+FF21 (fullwidth A) is above U+1F600 in UTF-16 code units but below it in code points.
    await collection.insertMany([{ _id: 1, s: '😀' }, { _id: 2, s: 'Ａ' }, { _id: 3, s: 'b' }, { _id: 4, s: 'B' }]);
    expect((await collection.find().sort({ s: 1 }).toArray()).map((d) => d._id)).toEqual([4, 3, 2, 1]);
  });
});
