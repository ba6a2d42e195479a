/**
 * The rule expression language: every expansion and operator of spec 2.4, MongoDB equality
 * semantics, %function through the hook, and the errors a malformed rule gives.
 */
import { Binary, Decimal128, Double, Int32, Long, ObjectId, UUID } from 'bson';
import type { JsonObject, RuleExpression } from '../../emulator/app/definition';
import { requestContext, type ExpressionContext, type RuleFunctionHook } from '../../emulator/rules/context';
import { compileRule, compileTemplate, RuleExpressionError } from '../../emulator/rules/expressions';
import { definitionWith, requestWith, userWith } from './helpers/definitions';

const definition = definitionWith({
  values: { admins: ['64b000000000000000000001', 'someone-else'], region: 'eu', limits: { max: 5 } },
  environment: { tag: 'production', values: { baseUrl: 'https://example.com' } },
  functions: ['isEven', 'explodes'],
});

function contextWith(extra: Partial<ExpressionContext> = {}, functions?: RuleFunctionHook): ExpressionContext & { failures: string[] } {
  const failures: string[] = [];
  const base = requestContext({
    definition,
    user: userWith({ custom_data: { teams: ['red', 'blue'], manages: ['bob@example.com'], level: 3 } }),
    request: requestWith({ remoteIPAddress: '10.0.0.7', requestHeaders: { 'X-Secret': ['s3cret'] }, httpMethod: 'POST' }),
    functions,
    onFailure: (reason) => failures.push(reason),
  });
  return Object.assign(base, extra, { failures });
}

async function holds(expression: RuleExpression, extra: Partial<ExpressionContext> = {}, functions?: RuleFunctionHook): Promise<boolean> {
  return compileRule(expression, false, 'test')(contextWith(extra, functions));
}

describe('literals and structure', () => {
  it('takes true, false and {} as they are', async () => {
    expect(await holds(true)).toBe(true);
    expect(await holds(false)).toBe(false);
    expect(await holds({})).toBe(true);
    expect(compileRule({}, false, 'x').constant).toBe(true);
    expect(compileRule(undefined, true, 'x').constant).toBe(true);
  });

  it('ANDs the keys of an expression', async () => {
    expect(await holds({ '%%user.type': 'normal', '%%values.region': 'eu' })).toBe(true);
    expect(await holds({ '%%user.type': 'normal', '%%values.region': 'us' })).toBe(false);
  });

  it('reads a plain field name as %%root.<field>', async () => {
    expect(await holds({ owner: '%%user.id' }, { root: { owner: '64b000000000000000000001' } })).toBe(true);
    expect(await holds({ owner: '%%user.id' }, { root: { owner: 'another' } })).toBe(false);
    expect(compileRule({ owner: 'x' }, false, 't').readsDocument).toBe(true);
    expect(compileRule({ '%%user.id': 'x' }, false, 't').readsDocument).toBe(false);
  });
});

describe('expansions', () => {
  it('%%user and its paths: id, type, data, custom_data, identities', async () => {
    expect(await holds({ '%%user.id': '64b000000000000000000001' })).toBe(true);
    expect(await holds({ '%%user.type': 'server' })).toBe(false);
    expect(await holds({ '%%user.data.email': 'ada@example.com' })).toBe(true);
    expect(await holds({ '%%user.custom_data.level': { '%gte': 3 } })).toBe(true);
    expect(await holds({ '%%user.custom_data.teams': 'blue' })).toBe(true);
    expect(await holds({ '%%user.identities.provider_type': 'local-userpass' })).toBe(true);
    expect(await holds({ '%%user.identities.providerType': 'local-userpass' })).toBe(true);
    expect(await holds({ '%%user.identities.0.id': 'ada-identity' })).toBe(true);
    expect(await holds({ '%%user': { '%exists': true } })).toBe(true);
  });

  it('%%root and %%prevRoot are the document after and before', async () => {
    const images = { root: { status: 'done' }, prevRoot: { status: 'open' } };
    expect(await holds({ '%%root.status': 'done', '%%prevRoot.status': 'open' }, images)).toBe(true);
    expect(await holds({ '%%prevRoot': { '%exists': false } }, { root: { a: 1 } })).toBe(true);
    expect(await holds({ '%%prevRoot': { '%exists': false } }, images)).toBe(false);
  });

  it('%%this and %%prev are the field value after and before', async () => {
    expect(await holds({ '%%this': { '%gt': '%%prev' } }, { this: 5, prev: 4 })).toBe(true);
    expect(await holds({ '%%this': { '%gt': '%%prev' } }, { this: 3, prev: 4 })).toBe(false);
  });

  it('%%values and %%environment', async () => {
    expect(await holds({ '%%values.limits.max': 5 })).toBe(true);
    expect(await holds({ '%%environment.tag': 'production', '%%environment.values.baseUrl': { '%exists': true } })).toBe(true);
    expect(await holds({ '%%environment.values.missing': { '%exists': true } })).toBe(false);
  });

  it('%%request, with remoteIPAddress and requestHeaders', async () => {
    expect(await holds({ '%%request.remoteIPAddress': { $in: ['10.0.0.7', '10.0.0.8'] } })).toBe(true);
    expect(await holds({ '%%request.requestHeaders.X-Secret': 's3cret' })).toBe(true);
    expect(await holds({ '%%request.requestHeaders.x-secret': 's3cret' })).toBe(true);
    expect(await holds({ '%%request.requestHeaders.x-secret.0': 's3cret' })).toBe(true);
    expect(await holds({ '%%request.requestHeaders.x-other': { '%exists': true } })).toBe(false);
    expect(await holds({ '%%request.httpMethod': 'GET' })).toBe(false);
  });

  it('%%true and %%false', async () => {
    expect(await holds({ '%%true': true, '%%false': false })).toBe(true);
    expect(await holds({ '%%true': '%%false' })).toBe(false);
  });

  it('refuses an unknown expansion when the rule is compiled', () => {
    expect(() => compileRule({ '%%args.x': 1 }, false, 'roles[0].read')).toThrow(RuleExpressionError);
    expect(() => compileRule({ a: '%%usr.id' }, false, 'roles[0].read')).toThrow(/roles\[0\]\.read: unknown expansion "%%usr"/);
  });
});

describe('operators, with % or $', () => {
  it('%and, %or, %nor and %not combine expressions', async () => {
    expect(await holds({ '%or': [{ '%%user.type': 'server' }, { '%%values.region': 'eu' }] })).toBe(true);
    expect(await holds({ $or: [{ '%%user.type': 'server' }, { '%%values.region': 'us' }] })).toBe(false);
    expect(await holds({ '%and': [{ '%%user.type': 'normal' }, { '%%values.region': 'eu' }] })).toBe(true);
    expect(await holds({ '%nor': [{ '%%user.type': 'server' }, { '%%values.region': 'us' }] })).toBe(true);
    expect(await holds({ '%not': { '%%user.type': 'normal' } })).toBe(false);
  });

  it('%and, %or, %nor and %not combine conditions on one value', async () => {
    const level = (condition: JsonObject) => holds({ '%%user.custom_data.level': condition });
    expect(await level({ '%and': [{ $gt: 0 }, { $lte: 3 }] })).toBe(true);
    expect(await level({ '%or': [{ $gt: 5 }, { $lt: 1 }] })).toBe(false);
    expect(await level({ '%nor': [{ $gt: 5 }, { $lt: 1 }] })).toBe(true);
    expect(await level({ '%not': { $eq: 3 } })).toBe(false);
  });

  it('%in and %nin take a literal array or an expansion', async () => {
    expect(await holds({ '%%user.id': { '%in': '%%values.admins' } })).toBe(true);
    expect(await holds({ '%%user.id': { $nin: '%%values.admins' } })).toBe(false);
    expect(await holds({ '%%values.region': { '%in': ['us', 'eu'] } })).toBe(true);
    expect(await holds({ '%%values.region': { '%nin': ['us', 'ap'] } })).toBe(true);
    expect(await holds({ '%%user.custom_data.teams': { '%in': ['green', 'red'] } })).toBe(true);
  });

  it('%in on something that is not an array fails the rule, with the reason', async () => {
    const context = contextWith();
    expect(await compileRule({ '%%user.id': { '%in': '%%values.region' } }, false, 'r')(context)).toBe(false);
    expect(context.failures[0]).toMatch(/r evaluated to false because it failed: %in needs an array/);
  });

  it('%exists takes true, false, or an expansion', async () => {
    expect(await holds({ '%%user.custom_data.level': { '%exists': true } })).toBe(true);
    expect(await holds({ '%%user.custom_data.nothing': { $exists: false } })).toBe(true);
    expect(await holds({ '%%user.custom_data.nothing': { '%exists': '%%true' } })).toBe(false);
    expect(await holds({ '%%root.x': { '%exists': true } }, { root: { x: null } })).toBe(true);
  });

  it('%eq, %ne, %gt, %gte, %lt, %lte', async () => {
    const level = (condition: JsonObject) => holds({ '%%user.custom_data.level': condition });
    expect(await level({ '%eq': 3 })).toBe(true);
    expect(await level({ $ne: 3 })).toBe(false);
    expect(await level({ '%gt': 2, '%lt': 4 })).toBe(true);
    expect(await level({ $gte: 3, $lte: 3 })).toBe(true);
    expect(await level({ '%gt': 3 })).toBe(false);
    expect(await level({ '%gt': '2' })).toBe(false);
  });

  it('%stringToOid and %oidToString convert between strings and ObjectIds', async () => {
    const id = new ObjectId('64b000000000000000000001');
    expect(await holds({ _id: { '%stringToOid': '%%user.id' } }, { root: { _id: id } })).toBe(true);
    expect(await holds({ _id: '%%user.id' }, { root: { _id: id } })).toBe(false);
    expect(await holds({ '%%user.id': { '%oidToString': '%%root._id' } }, { root: { _id: id } })).toBe(true);
    expect(await holds({ _id: { $stringToOid: 'not an id' } }, { root: { _id: id } })).toBe(false);
    expect(() => compileRule({ _id: { '%stringToOid': { '%oidToString': 'x' } } }, false, 'r')).toThrow(/literal or an expansion/);
  });

  it('%stringToUuid and %uuidToString convert between strings and UUIDs', async () => {
    const text = '0e7a4f0c-2c2b-4a8e-9a2f-7c9d3a1b5e60';
    const uuid = new UUID(text);
    expect(await holds({ key: { '%stringToUuid': text } }, { root: { key: uuid } })).toBe(true);
    expect(await holds({ key: { '%stringToUuid': '%%values.region' } }, { root: { key: uuid } })).toBe(false);
    expect(await holds({ '%%root.text': { '%uuidToString': '%%root.key' } }, { root: { key: uuid, text } })).toBe(true);
    expect(await holds({ '%%root.text': { '%uuidToString': '%%root.bin' } }, { root: { bin: new Binary(Buffer.from('x')), text } })).toBe(false);
  });

  it('refuses unknown operators and operators mixed with field names', () => {
    expect(() => compileRule({ a: { '%regex': 'x' } }, false, 'r')).toThrow(/unknown operator "%regex"/);
    expect(() => compileRule({ '%xor': [] }, false, 'r')).toThrow(/unknown operator "%xor"/);
    expect(() => compileRule({ a: { $gt: 1, b: 2 } }, false, 'r')).toThrow(/mixes operators and field names/);
    expect(() => compileRule({ '%or': {} }, false, 'r')).toThrow(/%or takes an array/);
  });
});

describe('%function', () => {
  const hook: RuleFunctionHook = async ({ name, arguments: args, user }) => {
    if (name === 'explodes') throw new Error('boom');
    return name === 'isEven' ? (args[0] as number) % 2 === 0 && user.id !== '' : undefined;
  };

  it('calls the hook with the name, the evaluated arguments, the user and the request', async () => {
    const calls: unknown[] = [];
    const spy: RuleFunctionHook = async (call) => {
      calls.push(call);
      return true;
    };
    expect(await holds({ '%%true': { '%function': { name: 'isEven', arguments: ['%%root.n', 'literal'] } } }, { root: { n: 4 } }, spy)).toBe(true);
    expect(calls).toEqual([expect.objectContaining({ name: 'isEven', arguments: [4, 'literal'], user: expect.objectContaining({ id: '64b000000000000000000001' }) })]);
    expect((calls[0] as { request: { remoteIPAddress: string } }).request.remoteIPAddress).toBe('10.0.0.7');
  });

  it('compares the return value like any value', async () => {
    expect(await holds({ '%%true': { '%function': { name: 'isEven', arguments: [42] } } }, {}, hook)).toBe(true);
    expect(await holds({ '%%true': { '%function': { name: 'isEven', arguments: [41] } } }, {}, hook)).toBe(false);
    expect(await holds({ '%%false': { '%function': { name: 'isEven', arguments: [41] } } }, {}, hook)).toBe(true);
  });

  it('is false, with the reason, when the function throws, is not defined, or no runtime is attached', async () => {
    const run = async (name: string, functions?: RuleFunctionHook) => {
      const context = contextWith({}, functions);
      const result = await compileRule({ '%%true': { '%function': { name } } }, false, 'apply_when')(context);
      return { result, failures: context.failures };
    };
    expect(await run('explodes', hook)).toEqual({ result: false, failures: [expect.stringContaining('boom')] });
    expect(await run('undefinedFunction', hook)).toEqual({ result: false, failures: [expect.stringContaining("function not found: 'undefinedFunction'")] });
    expect(await run('isEven')).toEqual({ result: false, failures: [expect.stringContaining("function not found: 'isEven'")] });
  });

  it('makes only rules that use it asynchronous', async () => {
    expect(compileRule({ '%%true': { '%function': { name: 'isEven' } } }, false, 'r').isAsync).toBe(true);
    const sync = compileRule({ '%%user.type': 'normal' }, false, 'r');
    expect(sync.isAsync).toBe(false);
    expect(sync(contextWith())).toBe(true);
  });
});

describe('MongoDB equality semantics', () => {
  it('matches an array field that contains the value, and a value listed in an array', async () => {
    expect(await holds({ owners: '%%user.id' }, { root: { owners: ['x', '64b000000000000000000001'] } })).toBe(true);
    expect(await holds({ email: '%%user.custom_data.manages' }, { root: { email: 'bob@example.com' } })).toBe(true);
    expect(await holds({ email: '%%user.custom_data.manages' }, { root: { email: 'eve@example.com' } })).toBe(false);
    expect(await holds({ tags: ['a', 'b'] }, { root: { tags: ['a', 'b'] } })).toBe(true);
    expect(await holds({ tags: ['b', 'a'] }, { root: { tags: ['a', 'b'] } })).toBe(false);
  });

  it('compares numbers across BSON numeric types', async () => {
    const root = { i: new Int32(3), d: new Double(3), l: Long.fromString('9007199254740993'), m: Decimal128.fromString('2.50') };
    expect(await holds({ i: 3, d: 3 }, { root })).toBe(true);
    expect(await holds({ i: { '%eq': '%%root.d' } }, { root })).toBe(true);
    expect(await holds({ l: { $numberLong: '9007199254740993' } }, { root })).toBe(true);
    expect(await holds({ l: { $numberLong: '9007199254740992' } }, { root })).toBe(false);
    expect(await holds({ m: 2.5, i: { '%gt': '%%root.m' } }, { root })).toBe(true);
  });

  it('compares ObjectIds, dates and embedded documents by value', async () => {
    const root = { _id: new ObjectId('64b000000000000000000009'), at: new Date('2024-01-01T00:00:00Z'), address: { city: 'Oslo', zip: '0150' } };
    expect(await holds({ _id: { $oid: '64b000000000000000000009' } }, { root })).toBe(true);
    expect(await holds({ at: { $date: '2024-01-01T00:00:00Z' } }, { root })).toBe(true);
    expect(await holds({ address: { city: 'Oslo', zip: '0150' } }, { root })).toBe(true);
    expect(await holds({ address: { zip: '0150', city: 'Oslo' } }, { root })).toBe(false);
    expect(await holds({ 'address.city': 'Oslo' }, { root })).toBe(true);
  });

  it('lets null match a missing field, but a missing expansion match nothing', async () => {
    expect(await holds({ deletedAt: null }, { root: {} })).toBe(true);
    expect(await holds({ owner: '%%user.custom_data.missing' }, { root: {} })).toBe(false);
  });

  it('reads only own properties along a path', async () => {
    expect(await holds({ 'constructor.name': 'Object' }, { root: {} })).toBe(false);
  });
});

describe('filter templates', () => {
  it('replaces expansions and %-operators and keeps $-operators', async () => {
    const template = compileTemplate(
      { owner: '%%user.id', _id: { '%stringToOid': '%%user.id' }, n: { $gt: 1 }, $or: [{ a: '%%values.region' }] },
      'filters[0].query',
    );
    expect(await template(contextWith())).toEqual({
      owner: '64b000000000000000000001',
      _id: new ObjectId('64b000000000000000000001'),
      n: { $gt: 1 },
      $or: [{ a: 'eu' }],
    });
  });
});
