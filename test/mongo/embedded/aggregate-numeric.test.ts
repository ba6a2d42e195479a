/**
 * Aggregation keeps MongoDB's numeric types: values are read back with `promoteValues: false`, so an
 * Int32 that became a Double, or a Long that lost its exactness, fails the test.
 */
import { Decimal128, Document, Double, Int32, Long, MongoServerError, ObjectId } from 'mongodb';
import { openTestDatabase, TestDatabase } from '../../helpers/database';

let t: TestDatabase;

/** Documents with ids of any type (the driver's default schema expects ObjectIds). */
type Loose = { _id?: number | string; [field: string]: unknown };
const collectionNamed = (name: string) => t.db.collection<Loose>(name);

beforeAll(async () => {
  t = await openTestDatabase('aggregate_numeric');
});
afterAll(async () => t.close());

/** A number as `Type(value)`, the way the test reads it without promotion. */
function typed(value: unknown): string {
  const number = value as { _bsontype?: string; value?: number; toString(): string };
  switch (number?._bsontype) {
    case 'Int32':
    case 'Double':
      return `${number._bsontype}(${number.value})`;
    case 'Long':
    case 'Decimal128':
      return `${number._bsontype}(${number.toString()})`;
    default:
      return String(value);
  }
}

/** Evaluates expressions against one document and reads the results without promotion. */
async function evaluate(document: Document, expressions: Document): Promise<Document> {
  const collection = collectionNamed(`eval_${new ObjectId().toHexString()}`);
  await collection.insertOne({ _id: 1, ...document });
  const [result] = await collection
    .aggregate([{ $project: { _id: 0, ...expressions } }], { promoteValues: false })
    .toArray();
  await collection.drop();
  return result;
}

async function typedResults(document: Document, expressions: Document): Promise<Record<string, string>> {
  const result = await evaluate(document, expressions);
  return Object.fromEntries(Object.entries(result).map(([key, value]) => [key, typed(value)]));
}

async function errorCode(document: Document, expression: unknown): Promise<number | undefined> {
  const error = await evaluate(document, { x: expression }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(MongoServerError);
  // Read without promotion, the reply's code is an Int32 too.
  return Number((error as MongoServerError).code);
}

const BIG = Long.fromString('9007199254740993'); // 2^53 + 1, not representable as a double

describe('accumulators keep exact values and types', () => {
  it('$sum of longs above 2^53 is exact; of ints that overflow, a long; of decimals, a decimal', async () => {
    const sums = collectionNamed('sums');
    await sums.insertMany([
      { g: 'long', v: BIG },
      { g: 'long', v: BIG },
      { g: 'int', v: new Int32(2147483647) },
      { g: 'int', v: new Int32(1) },
      { g: 'decimal', v: Decimal128.fromString('0.1') },
      { g: 'decimal', v: Decimal128.fromString('0.2') },
      { g: 'mixed', v: new Int32(1) },
      { g: 'mixed', v: new Double(0.5) },
      { g: 'mixed', v: 'not a number' },
    ]);
    const result = await sums
      .aggregate([{ $group: { _id: '$g', sum: { $sum: '$v' }, avg: { $avg: '$v' } } }, { $sort: { _id: 1 } }], { promoteValues: false })
      .toArray();
    const byGroup = Object.fromEntries(result.map((d) => [d._id, [typed(d.sum), typed(d.avg)]]));
    expect(byGroup).toEqual({
      decimal: ['Decimal128(0.3)', 'Decimal128(0.15)'],
      int: ['Long(2147483648)', 'Double(1073741824)'],
      long: ['Long(18014398509481986)', 'Double(9007199254740992)'],
      mixed: ['Double(1.5)', 'Double(0.75)'],
    });
  });

  it('$sum of nothing numeric is 0, $avg of nothing numeric is null; $min/$max ignore null and missing', async () => {
    const sparse = collectionNamed('sparse');
    await sparse.insertMany([{ v: 'a' }, { v: null }, {}]);
    const [result] = await sparse
      .aggregate([{ $group: { _id: null, sum: { $sum: '$v' }, avg: { $avg: '$v' }, min: { $min: '$v' }, max: { $max: '$w' } } }], {
        promoteValues: false,
      })
      .toArray();
    expect(typed(result.sum)).toBe('Int32(0)');
    expect(result.avg).toBeNull();
    expect(result.min).toBe('a');
    expect(result.max).toBeNull();
  });

  it('$min and $max compare across numeric types and in BSON type order', async () => {
    const mixed = collectionNamed('minmax');
    await mixed.insertMany([{ v: Long.fromNumber(10) }, { v: Decimal128.fromString('9.5') }, { v: new Double(10.25) }, { v: 'text' }]);
    const [result] = await mixed
      .aggregate([{ $match: { v: { $type: 'number' } } }, { $group: { _id: null, min: { $min: '$v' }, max: { $max: '$v' } } }], { promoteValues: false })
      .toArray();
    expect(typed(result.min)).toBe('Decimal128(9.5)');
    expect(typed(result.max)).toBe('Double(10.25)');
    const [overall] = await mixed.aggregate([{ $group: { _id: null, max: { $max: '$v' } } }]).toArray();
    expect(overall.max).toBe('text'); // strings sort after numbers
  });

  it('$stdDevPop and $stdDevSamp, and the expression forms of $sum/$avg/$max', async () => {
    const values = [2, 4, 4, 4, 5, 5, 7, 9].map((v) => new Int32(v));
    expect(
      await typedResults(
        { values, a: new Int32(2), b: Long.fromNumber(3) },
        {
          pop: { $stdDevPop: '$values' },
          sumArray: { $sum: '$values' },
          sumList: { $sum: ['$a', '$b'] },
          avgList: { $avg: ['$a', '$b'] },
          maxArray: { $max: '$values' },
        },
      ),
    ).toEqual({ pop: 'Double(2)', sumArray: 'Int32(40)', sumList: 'Long(5)', avgList: 'Double(2.5)', maxArray: 'Int32(9)' });
  });
});

describe('window functions over stored numbers', () => {
  it('sums exactly and keeps the types of the values they pass on', async () => {
    const series = collectionNamed('series');
    await series.insertMany([
      { _id: 1, t: new Int32(1), v: BIG },
      { _id: 2, t: new Int32(2), v: BIG },
      { _id: 3, t: new Int32(4), v: Long.fromNumber(1) },
    ]);
    const result = await series
      .aggregate(
        [
          {
            $setWindowFields: {
              sortBy: { t: 1 },
              output: {
                running: { $sum: '$v', window: { documents: ['unbounded', 'current'] } },
                previous: { $shift: { output: '$v', by: -1, default: 'none' } },
                slope: { $derivative: { input: '$t' }, window: { documents: [-1, 0] } },
                near: { $sum: '$t', window: { range: [-1, 1] } },
              },
            },
          },
          { $sort: { _id: 1 } },
        ],
        { promoteValues: false },
      )
      .toArray();
    expect(result.map((d) => typed(d.running))).toEqual(['Long(9007199254740993)', 'Long(18014398509481986)', 'Long(18014398509481987)']);
    expect(result.map((d) => typed(d.previous))).toEqual(['none', 'Long(9007199254740993)', 'Long(9007199254740993)']);
    expect(typed(result[1].slope)).toBe('Double(1)');
    expect(result.map((d) => typed(d.near))).toEqual(['Int32(3)', 'Int32(3)', 'Int32(4)']);
  });
});

describe('arithmetic keeps MongoDB types', () => {
  it('decimal arithmetic stays decimal and exact', async () => {
    expect(
      await typedResults(
        { a: Decimal128.fromString('0.1'), b: Decimal128.fromString('0.2') },
        { sum: { $add: ['$a', '$b'] }, product: { $multiply: ['$a', 3] }, difference: { $subtract: ['$b', '$a'] }, quotient: { $divide: ['$a', 4] } },
      ),
    ).toEqual({
      sum: 'Decimal128(0.3)',
      product: 'Decimal128(0.3)',
      difference: 'Decimal128(0.1)',
      quotient: 'Decimal128(0.025)',
    });
  });

  it('int results that overflow become longs, long results that overflow become doubles', async () => {
    expect(
      await typedResults(
        { max: new Int32(2147483647), big: Long.MAX_VALUE },
        {
          add: { $add: ['$max', 1] },
          multiply: { $multiply: ['$max', 2] },
          intSum: { $add: [new Int32(1), new Int32(2)] },
          longOverflow: { $add: ['$big', 1] },
        },
      ),
    ).toEqual({ add: 'Long(2147483648)', multiply: 'Long(4294967294)', intSum: 'Int32(3)', longOverflow: 'Double(9223372036854776000)' });
  });

  it('$divide gives a double; $mod keeps integer types', async () => {
    expect(
      await typedResults(
        { a: new Int32(5), b: new Int32(2), l: Long.fromNumber(7), d: new Double(7.5) },
        { divide: { $divide: ['$a', '$b'] }, modInt: { $mod: ['$a', '$b'] }, modLong: { $mod: ['$l', '$b'] }, modDouble: { $mod: ['$d', '$b'] } },
      ),
    ).toEqual({ divide: 'Double(2.5)', modInt: 'Int32(1)', modLong: 'Long(1)', modDouble: 'Double(1.5)' });
  });

  it('dates: Date + number and Date - number are dates, Date - Date is a long of milliseconds', async () => {
    const start = new Date('2024-01-01T00:00:00Z');
    const end = new Date('2024-01-02T00:00:00Z');
    const result = await evaluate(
      { start, end },
      { later: { $add: ['$start', 1000] }, earlier: { $subtract: ['$start', 1000] }, span: { $subtract: ['$end', '$start'] } },
    );
    expect(result.later).toEqual(new Date(start.getTime() + 1000));
    expect(result.earlier).toEqual(new Date(start.getTime() - 1000));
    expect(typed(result.span)).toBe('Long(86400000)');
  });

  it('null and missing operands give null', async () => {
    const result = await evaluate({ a: new Int32(1), n: null }, { add: { $add: ['$a', '$missing'] }, multiply: { $multiply: ['$a', '$n'] }, abs: { $abs: '$missing' } });
    expect(result).toEqual({ add: null, multiply: null, abs: null });
  });

  it('$abs, $ceil, $floor, $sqrt, $pow and $exp types', async () => {
    expect(
      await typedResults(
        { min: new Int32(-2147483648), d: new Double(-2.5), dec: Decimal128.fromString('-2.5'), i: new Int32(16) },
        {
          absMin: { $abs: '$min' },
          ceil: { $ceil: '$d' },
          floorDecimal: { $floor: '$dec' },
          floorInt: { $floor: '$i' },
          sqrt: { $sqrt: '$i' },
          powInt: { $pow: ['$i', 2] },
          powLong: { $pow: [2, 40] },
          powNegative: { $pow: [2, -1] },
          exp: { $exp: 0 },
        },
      ),
    ).toEqual({
      absMin: 'Long(2147483648)',
      ceil: 'Double(-2)',
      floorDecimal: 'Decimal128(-3)',
      floorInt: 'Int32(16)',
      sqrt: 'Double(4)',
      powInt: 'Int32(256)',
      powLong: 'Long(1099511627776)',
      powNegative: 'Double(0.5)',
      exp: 'Double(1)',
    });
  });

  it('$round rounds half to even and $trunc truncates, keeping the type', async () => {
    expect(
      await typedResults(
        { half: new Double(2.5), other: new Double(3.5), dec: Decimal128.fromString('1.25'), int: new Int32(1250), neg: new Double(-2.7) },
        {
          half: { $round: ['$half', 0] },
          other: { $round: ['$other', 0] },
          decimal: { $round: ['$dec', 1] },
          int: { $round: ['$int', -2] },
          places: { $round: [new Double(1234.5678), 2] },
          trunc: { $trunc: ['$neg', 0] },
          truncDecimal: { $trunc: ['$dec', 1] },
        },
      ),
    ).toEqual({
      half: 'Double(2)',
      other: 'Double(4)',
      decimal: 'Decimal128(1.2)',
      int: 'Int32(1200)',
      places: 'Double(1234.57)',
      trunc: 'Double(-2)',
      truncDecimal: 'Decimal128(1.2)',
    });
  });

  it('reports mongod errors: division by zero (2), $mod by zero (16610), non-numeric operands (16554, 16555)', async () => {
    expect(await errorCode({ a: new Int32(1) }, { $divide: ['$a', 0] })).toBe(2);
    expect(await errorCode({ a: new Int32(1) }, { $mod: ['$a', Long.fromNumber(0)] })).toBe(16610);
    expect(await errorCode({ s: 'x' }, { $add: [1, '$s'] })).toBe(16554);
    expect(await errorCode({ s: 'x' }, { $multiply: [1, '$s'] })).toBe(16555);
    expect(await errorCode({ a: new Int32(-1) }, { $sqrt: '$a' })).toBe(28714);
  });
});

describe('comparison, truthiness and order across types', () => {
  it('compares numbers by value across types', async () => {
    const result = await evaluate(
      { l: Long.fromNumber(3), d: new Double(3), dec: Decimal128.fromString('9.99'), s: '5' },
      {
        eq: { $eq: ['$l', '$d'] },
        gt: { $gt: ['$dec', 5] },
        lt: { $lt: ['$l', Decimal128.fromString('3.5')] },
        stringAboveNumber: { $gt: ['$s', 100] },
        cmp: { $cmp: ['$dec', '$l'] },
        inArray: { $in: ['$l', [1, 2, 3]] },
        missingBelowNull: { $lt: ['$missing', null] },
      },
    );
    expect(result).toEqual({ eq: true, gt: true, lt: true, stringAboveNumber: true, cmp: new Int32(1), inArray: true, missingBelowNull: true });
  });

  it('treats a numeric zero of any type as false', async () => {
    const zeros = { i: new Int32(0), l: Long.fromNumber(0), d: new Double(0), dec: Decimal128.fromString('0.00'), one: new Int32(1) };
    const result = await evaluate(zeros, {
      int: { $cond: ['$i', 'true', 'false'] },
      long: { $cond: ['$l', 'true', 'false'] },
      double: { $cond: { if: '$d', then: 'true', else: 'false' } },
      decimal: { $cond: ['$dec', 'true', 'false'] },
      and: { $and: ['$one', '$l'] },
      or: { $or: ['$i', '$one'] },
      not: { $not: ['$dec'] },
      switch: { $switch: { branches: [{ case: '$i', then: 'zero' }], default: 'default' } },
      filter: { $filter: { input: [0, 1, Long.fromNumber(0), 2], cond: '$$this' } },
      all: { $allElementsTrue: [['$one', '$l']] },
      bool: { $toBool: '$dec' },
    });
    expect(result.filter.map(typed)).toEqual(['Int32(1)', 'Int32(2)']);
    expect({ ...result, filter: undefined }).toEqual({
      filter: undefined,
      int: 'false',
      long: 'false',
      double: 'false',
      decimal: 'false',
      and: false,
      or: true,
      not: true,
      switch: 'default',
      all: false,
      bool: false,
    });
  });

  it('$expr in $match treats zero as false and compares across types', async () => {
    const flags = collectionNamed('flags');
    await flags.insertMany([
      { _id: 1, on: Long.fromNumber(0), n: Decimal128.fromString('3.0') },
      { _id: 2, on: new Int32(2), n: new Int32(3) },
      { _id: 3, on: new Double(0.5), n: Long.fromNumber(4) },
    ]);
    expect((await flags.aggregate([{ $match: { $expr: '$on' } }]).toArray()).map((d) => d._id)).toEqual([2, 3]);
    expect((await flags.aggregate([{ $match: { $expr: { $eq: ['$n', 3] } } }]).toArray()).map((d) => d._id)).toEqual([1, 2]);
    expect((await flags.aggregate([{ $match: { n: 3 } }]).toArray()).map((d) => d._id)).toEqual([1, 2]);
  });

  it('sorts mixed types in BSON order, numbers by value', async () => {
    const mixed = collectionNamed('mixed_sort');
    const oid = new ObjectId();
    await mixed.insertMany([
      { _id: 'date', v: new Date(0) },
      { _id: 'string', v: 'abc' },
      { _id: 'long', v: Long.fromNumber(2) },
      { _id: 'bool', v: true },
      { _id: 'null', v: null },
      { _id: 'decimal', v: Decimal128.fromString('1.5') },
      { _id: 'object', v: { a: 1 } },
      { _id: 'objectId', v: oid },
      { _id: 'int', v: new Int32(1) },
      { _id: 'double', v: new Double(-3.5) },
    ]);
    const ascending = (await mixed.aggregate([{ $sort: { v: 1 } }]).toArray()).map((d) => d._id);
    expect(ascending).toEqual(['null', 'double', 'int', 'decimal', 'long', 'string', 'object', 'objectId', 'bool', 'date']);
    const descending = (await mixed.aggregate([{ $sort: { v: -1, _id: 1 } }]).toArray()).map((d) => d._id);
    expect(descending).toEqual([...ascending].reverse());
  });

  it('groups equal numbers of different types together', async () => {
    const keys = collectionNamed('group_keys');
    await keys.insertMany([{ k: new Int32(1) }, { k: Long.fromNumber(1) }, { k: new Double(1) }, { k: Decimal128.fromString('1.0') }, { k: new Int32(2) }]);
    const result = await keys.aggregate([{ $group: { _id: '$k', n: { $sum: 1 } } }, { $sort: { _id: 1 } }]).toArray();
    expect(result.map((d) => d.n)).toEqual([4, 1]);
  });
});

describe('conversions and types', () => {
  it('$type names and $isNumber', async () => {
    const result = await evaluate(
      { i: new Int32(1), l: Long.fromNumber(1), d: new Double(1), dec: Decimal128.fromString('1'), s: 's' },
      {
        i: { $type: '$i' },
        l: { $type: '$l' },
        d: { $type: '$d' },
        dec: { $type: '$dec' },
        missing: { $type: '$nope' },
        isNumber: { $isNumber: '$dec' },
        isNotNumber: { $isNumber: '$s' },
      },
    );
    expect(result).toEqual({ i: 'int', l: 'long', d: 'double', dec: 'decimal', missing: 'missing', isNumber: true, isNotNumber: false });
  });

  it('$toInt, $toLong, $toDouble, $toDecimal, $toString, $convert', async () => {
    expect(
      await typedResults(
        { s: '42', l: BIG, d: new Double(2.5), i: new Int32(7) },
        {
          toInt: { $toInt: '$s' },
          toLong: { $toLong: '$i' },
          toDouble: { $toDouble: '$s' },
          toDecimal: { $toDecimal: '$d' },
          longText: { $toString: '$l' },
          truncated: { $toInt: '$d' },
          converted: { $convert: { input: 'abc', to: 'int', onError: 'bad' } },
          onNull: { $convert: { input: '$missing', to: 'int', onNull: Long.fromNumber(-1) } },
        },
      ),
    ).toEqual({
      toInt: 'Int32(42)',
      toLong: 'Long(7)',
      toDouble: 'Double(42)',
      toDecimal: 'Decimal128(2.50000000000000)',
      longText: '9007199254740993',
      truncated: 'Int32(2)',
      converted: 'bad',
      onNull: 'Long(-1)',
    });
  });

  it('a failed conversion without onError is ConversionFailure (241)', async () => {
    expect(await errorCode({ s: 'abc' }, { $toInt: '$s' })).toBe(241);
    expect(await errorCode({ l: Long.MAX_VALUE }, { $toInt: '$l' })).toBe(241);
  });
});

describe('mingo operators read the engine numbers', () => {
  it('array operators take indexes and counts from number fields of any type', async () => {
    const result = await evaluate(
      { arr: [new Int32(10), Long.fromNumber(20), new Double(30), Decimal128.fromString('40')], i: Long.fromNumber(1), n: new Int32(2), start: new Int32(1), end: Long.fromNumber(4) },
      {
        elem: { $arrayElemAt: ['$arr', '$i'] },
        last: { $arrayElemAt: ['$arr', -1] },
        slice: { $slice: ['$arr', '$i', '$n'] },
        range: { $range: ['$start', '$end'] },
        firstN: { $firstN: { input: '$arr', n: '$n' } },
        index: { $indexOfArray: ['$arr', 30] },
        size: { $size: '$arr' },
      },
    );
    expect(typed(result.elem)).toBe('Long(20)');
    expect(typed(result.last)).toBe('Decimal128(40)');
    expect(result.slice.map(typed)).toEqual(['Long(20)', 'Double(30)']);
    expect(result.range.map(typed)).toEqual(['Int32(1)', 'Int32(2)', 'Int32(3)']);
    expect(result.firstN.map(typed)).toEqual(['Int32(10)', 'Long(20)']);
    expect(typed(result.index)).toBe('Int32(2)');
    expect(typed(result.size)).toBe('Int32(4)');
  });

  it('string and date operators take positions and amounts from number fields', async () => {
    const result = await evaluate(
      { s: 'hello world', from: Long.fromNumber(6), count: new Int32(5), days: Long.fromNumber(2), when: new Date('2024-01-01T00:00:00Z'), n: new Int32(42) },
      {
        sub: { $substrCP: ['$s', '$from', '$count'] },
        later: { $dateAdd: { startDate: '$when', unit: 'day', amount: '$days' } },
        year: { $year: '$when' },
        upper: { $toUpper: '$n' },
      },
    );
    expect(result.sub).toBe('world');
    expect(result.later).toEqual(new Date('2024-01-03T00:00:00Z'));
    expect(typed(result.year)).toBe('Int32(2024)');
    expect(result.upper).toBe('42');
  });

  it('numbers produced by mingo compare equal to stored numbers in later stages', async () => {
    const arrays = collectionNamed('sizes');
    await arrays.insertMany([
      { _id: 1, arr: [1, 2], want: Long.fromNumber(2) },
      { _id: 2, arr: [1, 2, 3], want: Long.fromNumber(2) },
    ]);
    const result = await arrays
      .aggregate([{ $addFields: { n: { $size: '$arr' } } }, { $match: { n: 2 } }, { $match: { $expr: { $eq: ['$n', '$want'] } } }])
      .toArray();
    expect(result.map((d) => d._id)).toEqual([1]);
  });

  it('trigonometry gives doubles, or decimals for decimal input; bitwise keeps int or long', async () => {
    const result = await evaluate(
      { zero: new Int32(0), decimalOne: Decimal128.fromString('1'), a: new Int32(12), b: Long.fromNumber(10) },
      { sin: { $sin: '$zero' }, decimalCos: { $cos: '$decimalOne' }, and: { $bitAnd: ['$a', '$b'] }, or: { $bitOr: ['$a', new Int32(1)] } },
    );
    expect(typed(result.sin)).toBe('Double(0)');
    expect(result.decimalCos._bsontype).toBe('Decimal128');
    expect(Number(result.decimalCos.toString())).toBeCloseTo(Math.cos(1), 12);
    expect(typed(result.and)).toBe('Long(8)');
    expect(typed(result.or)).toBe('Int32(13)');
  });
});
