import { generateKeyPairSync } from 'node:crypto';
import { Binary, Decimal128, Long, MaxKey, MinKey, ObjectId } from 'bson';
import type { FunctionRuntime } from '../../emulator/functions';
import type { RequestInfo } from '../../emulator/http/request-info';
import { SECRETS, startRuntime, user } from './helpers';

let runtime: FunctionRuntime;

beforeAll(async () => {
  ({ runtime } = await startRuntime());
});

afterAll(() => runtime.stop());

const call = (name: string, ...args: unknown[]) => runtime.call({ name, args, user: user() });

describe('EJSON across the call boundary', () => {
  it('keeps every BSON type of the arguments through a round trip, a Long above 2^53 exactly', async () => {
    const args = [
      Long.fromString('9007199254740993'),
      Decimal128.fromString('1.10'),
      new Date('2024-01-02T03:04:05.678Z'),
      new ObjectId('5e58667d902d38559c802b13'),
      7,
      2.5,
      'text',
      null,
      { nested: [Long.fromNumber(3), new Binary(Buffer.from('bytes'))] },
    ];
    const { result, resultEJSON } = await call('globals/echo', ...args);
    expect(resultEJSON).toContain('{"$numberLong":"9007199254740993"}');
    expect(resultEJSON).toContain('{"$numberDecimal":"1.10"}');
    expect(resultEJSON).toContain('{"$date":{"$numberLong":"1704164645678"}}');
    expect(resultEJSON).toContain('{"$oid":"5e58667d902d38559c802b13"}');
    const echoed = result as unknown[];
    expect((echoed[0] as Long).toString()).toBe('9007199254740993');
    expect(echoed[0]).toBeInstanceOf(Long);
    expect((echoed[1] as Decimal128).toString()).toBe('1.10');
    expect((echoed[2] as Date).toISOString()).toBe('2024-01-02T03:04:05.678Z');
    expect((echoed[3] as ObjectId).equals(new ObjectId('5e58667d902d38559c802b13'))).toBe(true);
    expect(echoed.slice(4, 8)).toEqual([7, 2.5, 'text', null]);
    const nested = (echoed[8] as { nested: unknown[] }).nested;
    expect(nested[0]).toBeInstanceOf(Long);
    expect((nested[1] as Binary).toString('utf8')).toBe('bytes');
  });

  it('hands numbers to the function as numbers and Longs as Longs', async () => {
    expect((await call('globals/types', 7)).result).toMatchObject({ typeOf: 'number', isLong: false });
    expect((await call('globals/types', Long.fromNumber(7))).result).toMatchObject({ typeOf: 'object', isLong: true, text: '7' });
    expect((await call('globals/types', Decimal128.fromString('9.99'))).result).toMatchObject({ isDecimal: true, text: '9.99' });
    expect((await call('globals/types', new ObjectId())).result).toMatchObject({ isObjectId: true });
    expect((await call('globals/types', new Date(0))).result).toMatchObject({ isDate: true });
    expect((await call('globals/types', [1, 2])).result).toMatchObject({ isArray: true });
  });

  it('serializes results as canonical EJSON', async () => {
    expect((await call('module/plain', 1.5, 1.64159)).resultEJSON).toBe('{"$numberDouble":"3.14159"}');
    expect((await call('module/plain', 2, 3)).resultEJSON).toBe('{"$numberInt":"5"}');
  });

  it('answers {"$undefined":true} for a function that returns nothing', async () => {
    const { result, resultEJSON } = await call('module/nothing');
    expect(resultEJSON).toBe('{"$undefined":true}');
    expect(result).toBeUndefined();
  });
});

describe('BSON and EJSON globals', () => {
  it('constructs BSON types with or without new, and offers the Binary helpers', async () => {
    const { result } = await call('globals/bson');
    const value = result as Record<string, unknown>;
    expect((value.objectId as ObjectId).toHexString()).toBe('5e58667d902d38559c802b13');
    expect(value.objectIdWithoutNew).toBe('5e58667d902d38559c802b13');
    expect(value.int32).toBe(42);
    expect((value.long as Long).toString()).toBe(Long.fromBits(600206158, 342).toString());
    expect(value.double).toBe(1234.5678);
    expect((value.decimal as Decimal128).toString()).toBe('9.99');
    expect(value.regExp).toEqual({ pattern: 'the great', options: 'i' });
    expect(value.text).toBe('Test message please ignore');
    expect(value.hex).toBe('54657374');
    expect(value.base64).toBe('VGVzdA==');
    expect(value.maxKey).toBeInstanceOf(MaxKey);
    expect(value.minKey).toBeInstanceOf(MinKey);
    expect(value.longInstance).toBe(true);
  });

  it('parses EJSON keeping Longs and Dates, and stringifies canonically', async () => {
    expect((await call('globals/ejson')).result).toEqual({
      answerIsLong: true,
      nIsNumber: true,
      whenIsDate: true,
      text: '{"answer":{"$numberLong":"42"},"at":{"$date":{"$numberLong":"1583167607977"}}}',
      json: '{"a":1}',
    });
  });
});

describe('utils', () => {
  it('encodes and decodes JWTs and runs the documented crypto examples', async () => {
    const keys = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      publicKeyEncoding: { type: 'pkcs1', format: 'pem' },
      privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
    });
    const { result } = await call('globals/utils', '603082712271C525E087BD999A4E0738', keys.privateKey, keys.publicKey);
    const value = result as Record<string, unknown>;
    // The docs' HS512 example token starts with this header.
    expect((value.token as string).split('.')[0]).toBe('eyJhbGciOiJIUzUxMiIsInR5cCI6IkpXVCJ9');
    expect(value.decoded).toEqual({ sub: '1234567890', name: 'Joe Example', iat: 1565721223187 });
    expect(value.withHeader).toEqual({ header: { alg: 'HS512', typ: 'JWT' }, payload: { sub: '1234567890', name: 'Joe Example', iat: 1565721223187 } });
    expect(value.badSignature).toBe('invalid signature');
    expect(value.roundTrip).toBe('MongoDB is great!');
    expect(value.docsExample).toBe('MongoDB is great!');
    expect(value.verified).toBe(true);
    expect(value.tampered).toBe(false);
    expect(value.pkcs1v15).toBe(true);
    expect(value.hmac).toBe('SUXd6PRMaTXXgBGaGsIHzaDWgTSa6C3D44lRGrvRak0=');
    expect(value.hash).toBe('zgYJL7lI2f+sfRo3bkBLJrdXW8wR7gWkYV/vT+w6MIs=');
  });
});

describe('context', () => {
  const request: RequestInfo = {
    remoteIPAddress: '203.0.113.7',
    requestHeaders: { 'User-Agent': ['jest'], 'X-Team': ['blue', 'green'] },
    httpMethod: 'POST',
    httpReferrer: '',
    httpUserAgent: 'jest',
    rawQueryString: 'a=1',
    webhookUrl: '',
    service: '',
    action: '',
  };

  it('gives values (secrets resolved), the environment, the app, the user and the request', async () => {
    const caller = user({ custom_data: { plan: 'pro' } });
    const { result } = await runtime.call({ name: 'globals/context', user: caller, request });
    const value = result as Record<string, unknown>;
    expect(value.greeting).toEqual({ text: 'beautiful world', languages: ['en', 'fr'] });
    expect(value.apiKey).toBe(SECRETS.apiKeySecret);
    // An unknown value is undefined, which EJSON writes as null inside a document.
    expect(value.missing).toBeNull();
    expect(value.environment).toEqual({ tag: 'development', values: { baseUrl: 'https://dev.example.com', retries: 3 } });
    expect(value.app).toMatchObject({
      clientAppId: 'functions-runtime-qwert',
      name: 'functions-runtime',
      deployment: { model: 'GLOBAL', providerRegion: 'aws-us-east-1' },
    });
    expect((value.app as { id: string }).id).toMatch(/^[0-9a-f]{24}$/);
    expect(value.user).toEqual(caller);
    expect(value.request).toEqual(request);
    expect(value.runningAsSystem).toBe(false);
  });

  it('hands out copies of values, so changing one changes nothing for anyone else', async () => {
    expect((await call('globals/mutateValue')).result).toEqual({ text: 'beautiful world', languages: ['en', 'fr'] });
  });
});

describe('console', () => {
  it('captures every console line of the call, in order', async () => {
    const { result, logs } = await call('console/logs');
    expect(result).toBe('logged');
    expect(logs).toEqual(['hello world 42', '{ nested: { value: 1 } }', 'info line', 'WARN: careful', 'ERROR: bad thing']);
  });

  it('drops the timers a function leaves behind when it returns', async () => {
    const { logs } = await call('limits/leftoverTimer');
    await new Promise((resolve) => setTimeout(resolve, 150));
    const next = await call('console/logs');
    expect(logs).toEqual([]);
    expect(next.logs).not.toContain('too late');
  });
});
