import { Binary, BSONRegExp, Decimal128, Double, Int32, Long, MaxKey, MinKey, ObjectId, Timestamp } from 'bson';
import { formatBody, toEjsonText, toJsonText } from '../../emulator/http/response-format';

const document = {
  _id: new ObjectId('5d505646cf6d4fe581014ab2'),
  date: new Date('2022-01-12T02:33:23.067Z'),
  price: Decimal128.fromString('9823.1297'),
  long: Long.fromString('9007199254740993'),
  int: new Int32(10),
  double: new Double(10.5),
  binary: new Binary(Buffer.from('hello'), 5),
  regex: new BSONRegExp('^H', 'i'),
  timestamp: new Timestamp({ t: 1565545664, i: 1 }),
  min: new MinKey(),
  max: new MaxKey(),
  nested: { list: [1, 'two', null, { three: true }] },
};

describe('JSON mode, as the Data API documents it', () => {
  it('maps every BSON type', () => {
    expect(toJsonText(document)).toBe(
      '{"_id":"5d505646cf6d4fe581014ab2","date":"2022-01-12T02:33:23.067Z","price":"9823.1297","long":9007199254740993,' +
        '"int":10,"double":10.5,"binary":{"Subtype":5,"Data":"aGVsbG8="},"regex":{"Pattern":"^H","Options":"i"},' +
        '"timestamp":{"T":1565545664,"I":1},"min":{},"max":{},"nested":{"list":[1,"two",null,{"three":true}]}}',
    );
  });

  it('keeps field order and leaves undefined fields out', () => {
    expect(toJsonText({ b: 1, a: undefined, c: 2 })).toBe('{"b":1,"c":2}');
  });

  it('names values JSON cannot hold', () => {
    expect(toJsonText({ n: NaN, i: -Infinity })).toBe('{"n":"NaN","i":"-Infinity"}');
  });
});

describe('EJSON mode', () => {
  it('is canonical', () => {
    const text = toEjsonText({ int: new Int32(10), double: new Double(10.5), date: document.date, long: document.long });
    expect(JSON.parse(text)).toEqual({
      int: { $numberInt: '10' },
      double: { $numberDouble: '10.5' },
      date: { $date: { $numberLong: '1641954803067' } },
      long: { $numberLong: '9007199254740993' },
    });
  });

  it('names its content type', () => {
    expect(formatBody({}, 'EJSON').contentType).toMatch(/^application\/ejson/);
    expect(formatBody({}, 'JSON').contentType).toMatch(/^application\/json/);
  });
});
