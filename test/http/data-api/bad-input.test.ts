/**
 * Malformed and hostile Data API requests: broken JSON and EJSON, wrong types, missing fields,
 * huge and deeply nested bodies, `__proto__` keys, unknown operators, `$where` and other things
 * App Services refuses users. Each must be answered with a 4xx in App Services' error shape; the
 * server must keep serving, and the data must be exactly as before.
 */
import { gzipSync } from 'node:zlib';
import { EJSON } from 'bson';
import request from 'supertest';
import { APP_ID, expectErrorShape, on, signJwt, startDataApiApp, type DataApiTestApp } from './helpers';

let t: DataApiTestApp;
const SEED = [
  { _id: 1, name: 'pen', price: 1.5, tags: ['office'] },
  { _id: 2, name: 'ink', price: 9, tags: [] },
];

beforeAll(async () => {
  t = await startDataApiApp();
  await t.collection('items').insertMany(SEED.map((document) => ({ ...document })));
  await t.collection('catalog').insertOne({ _id: 1, sku: 'x' });
});
afterAll(async () => t.stop());

interface Hostile {
  name: string;
  send(): request.Test;
}

const cases: Hostile[] = [];
const url = (action: string, version = 'v1') => `/app/${APP_ID}/endpoint/data/${version}/action/${action}`;

/** A raw body (string or bytes) to an action, with the test API key unless headers replace it. */
function raw(name: string, action: string, body: string | Buffer, headers: Record<string, string> = {}) {
  cases.push({
    name,
    send: () =>
      request(t.emulator.app)
        .post(url(action))
        .set({ 'Content-Type': 'application/json', apiKey: t.apiKey, ...headers })
        .send(body),
  });
}

/** A JSON body to an action. */
function json(name: string, action: string, body: unknown, headers: Record<string, string> = {}) {
  raw(name, action, JSON.stringify(body), headers);
}

// ── broken JSON: every proper prefix of a valid body, and classic mistakes ──
const valid = JSON.stringify(on('items', { filter: { name: 'pen', price: { $gt: 1 } }, projection: { name: 1 } }));
for (let end = 1; end < valid.length; end += 3) raw(`truncated at ${end}`, 'find', valid.slice(0, end));
for (const [label, body] of Object.entries({
  'trailing comma': '{"dataSource":"mongodb-atlas","database":"shop","collection":"items",}',
  'single quotes': "{'dataSource':'mongodb-atlas'}",
  'unquoted keys': '{dataSource:"mongodb-atlas",database:"shop",collection:"items"}',
  'a comment': '{"dataSource":"mongodb-atlas" /* x */}',
  NaN: '{"dataSource":"mongodb-atlas","database":"shop","collection":"items","limit":NaN}',
  'two objects': '{"a":1}{"b":2}',
  'only whitespace': '   \n\t ',
  'a bare string': '"find"',
  'a number': '42',
  null: 'null',
  'an array': JSON.stringify([on('items')]),
  true: 'true',
  'a lone bracket': '{',
  'a control character in a string': '{"dataSource":"mongo\u0001db-atlas"}',
  'a bad escape': '{"dataSource":"\\x41"}',
  'an unterminated string': '{"dataSource":"mongodb-atlas',
  'a body that is one EJSON value': '{"$oid":"64224f3cd79f54ad342dd9b1"}',
  'a body that is a date': '{"$date":"2024-01-01T00:00:00Z"}',
})) {
  raw(`JSON: ${label}`, 'find', body);
  raw(`EJSON: ${label}`, 'find', body, { 'Content-Type': 'application/ejson' });
}
raw('empty body', 'find', '');
raw('invalid UTF-8', 'find', Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]));
raw('a lone UTF-16 surrogate encoded as UTF-8', 'find', Buffer.concat([Buffer.from('{"a":"'), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('"}')]));
raw('gzip that is not gzip', 'find', Buffer.from('not gzip at all'), { 'Content-Encoding': 'gzip' });
raw('an unsupported content encoding', 'find', valid, { 'Content-Encoding': 'snappy' });
raw('form-encoded', 'find', 'dataSource=mongodb-atlas&database=shop&collection=items', { 'Content-Type': 'application/x-www-form-urlencoded' });

// ── invalid Extended JSON ──
for (const [label, value] of Object.entries({
  'an ObjectId of 3 characters': '{"$oid":"abc"}',
  'a decimal that is not a number': '{"$numberDecimal":"twelve"}',
  'a long in exponent form': '{"$numberLong":"1e99"}',
  'a regex with an unknown option': '{"$regularExpression":{"pattern":"a","options":"q"}}',
  'a negative timestamp': '{"$timestamp":{"t":-1,"i":2}}',
  'a long out of range': '{"$numberLong":"99999999999999999999999"}',
})) {
  raw(`EJSON filter: ${label}`, 'find', `{"dataSource":"mongodb-atlas","database":"shop","collection":"items","filter":{"x":${value}}}`, { 'Content-Type': 'application/ejson' });
  raw(`JSON filter: ${label}`, 'find', `{"dataSource":"mongodb-atlas","database":"shop","collection":"items","filter":{"x":${value}}}`);
}

// ── missing and mistyped fields, for every action ──
const REQUIRED: Record<string, Record<string, unknown>> = {
  findOne: {},
  find: {},
  insertOne: { document: { _id: 1 } },
  insertMany: { documents: [{ _id: 1 }] },
  updateOne: { filter: { _id: 1 }, update: { $set: { hacked: true } } },
  updateMany: { filter: {}, update: { $set: { hacked: true } } },
  replaceOne: { filter: { _id: 1 }, replacement: { hacked: true } },
  deleteOne: { filter: { _id: 1 } },
  deleteMany: { filter: {} },
  aggregate: { pipeline: [{ $match: {} }] },
};
const WRONG: Record<string, unknown[]> = {
  dataSource: [42, null, ['mongodb-atlas'], { name: 'mongodb-atlas' }, '', true],
  database: [7, null, [], '', { $gt: '' }],
  collection: [7, null, ['items'], ''],
  filter: ['{}', 5, [], null, true],
  projection: ['name', [1]],
  sort: ['name', [['_id', 1]]],
  limit: ['10', -1, 0, 1.5, 50_001, 1e309, null, { $gt: 1 }],
  skip: ['1', -5, 2.5, 1e20],
  document: ['{}', [], 5, null],
  documents: [{}, [5], [{ a: 1 }, 'b'], [], null],
  update: ['$set', 5, [1, 2], null],
  replacement: ['x', [], null],
  upsert: ['yes', 1, null],
  pipeline: [{ $match: {} }, ['$match'], 'x', null],
};
const FIELDS_OF: Record<string, string[]> = {
  findOne: ['filter', 'projection'],
  find: ['filter', 'projection', 'sort', 'limit', 'skip'],
  insertOne: ['document'],
  insertMany: ['documents'],
  updateOne: ['filter', 'update', 'upsert'],
  updateMany: ['filter', 'update', 'upsert'],
  replaceOne: ['filter', 'replacement', 'upsert'],
  deleteOne: ['filter'],
  deleteMany: ['filter'],
  aggregate: ['pipeline'],
};
for (const [action, extra] of Object.entries(REQUIRED)) {
  const complete = on('items', extra);
  for (const field of Object.keys(complete)) {
    const { [field]: _omitted, ...missing } = complete;
    void _omitted;
    json(`${action} without ${field}`, action, missing);
  }
  for (const field of ['dataSource', 'database', 'collection', ...FIELDS_OF[action]]) {
    for (const value of WRONG[field]) json(`${action} with ${field} = ${JSON.stringify(value)}`, action, { ...complete, [field]: value });
  }
}

// ── huge and deeply nested ──
const nested = (depth: number, leaf: unknown): unknown => {
  let value = leaf;
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
};
json('a filter nested 200 levels', 'find', on('items', { filter: nested(200, 1) }));
json('a document nested 200 levels', 'insertOne', on('items', { document: { _id: 99, deep: nested(200, 1) } }));
raw('arrays nested 100,000 levels', 'find', `{"dataSource":"mongodb-atlas","database":"shop","collection":"items","filter":{"a":${'['.repeat(100_000)}${']'.repeat(100_000)}}}`);
raw('objects nested 50,000 levels (EJSON)', 'find', `{"filter":${'{"a":'.repeat(50_000)}1${'}'.repeat(50_000)}}`, { 'Content-Type': 'application/ejson' });
raw('a body over 18 MB', 'insertOne', `{"dataSource":"mongodb-atlas","database":"shop","collection":"items","document":{"s":"${'x'.repeat(19 * 1024 * 1024)}"}}`);
raw('a gzip body that inflates past 18 MB', 'insertOne', gzipSync(Buffer.from(`{"document":{"s":"${'x'.repeat(20 * 1024 * 1024)}"}}`)), { 'Content-Encoding': 'gzip' });
raw('a 17 MB document (over BSON\'s 16 MB)', 'insertOne', `{"dataSource":"mongodb-atlas","database":"shop","collection":"items","document":{"_id":98,"s":"${'x'.repeat(17 * 1024 * 1024)}"}}`);
json('100,000 documents of which one is not a document', 'insertMany', on('items', { documents: [...Array.from({ length: 100_000 }, (_, i) => ({ _id: 1000 + i })), 'x'] }));

// ── prototype keys ──
for (const [label, body] of Object.entries({
  'at the top': '{"__proto__":{"dataSource":"mongodb-atlas"},"database":"shop","collection":"items"}',
  'in a filter': '{"dataSource":"mongodb-atlas","database":"shop","collection":"items","filter":{"__proto__":{"$where":"true"}}}',
  'in a document': '{"dataSource":"mongodb-atlas","database":"shop","collection":"items","document":{"_id":97,"__proto__":{"admin":true}}}',
  'escaped as \\u005f': '{"dataSource":"mongodb-atlas","database":"shop","collection":"items","filter":{"\\u005f_proto__":{"polluted":1}}}',
  'in an update': '{"dataSource":"mongodb-atlas","database":"shop","collection":"items","filter":{"_id":1},"update":{"$set":{"__proto__":{"x":1}}}}',
  'deep in an array': '{"dataSource":"mongodb-atlas","database":"shop","collection":"items","documents":[{"a":[{"__proto__":null}]}]}',
})) {
  raw(`__proto__ ${label}`, label.includes('update') ? 'updateOne' : label.includes('document') || label.includes('array') ? 'insertMany' : 'find', body);
  raw(`__proto__ ${label} (EJSON)`, 'find', body, { 'Content-Type': 'application/ejson' });
}

// ── operators: unknown ones, and what App Services refuses users ──
const operatorCases: Array<[string, string, Record<string, unknown>]> = [
  ['an unknown top-level query operator', 'find', { filter: { $bogus: 1 } }],
  ['an unknown field operator', 'find', { filter: { price: { $near: 1 } } }],
  ['an unknown field operator (2)', 'find', { filter: { price: { $frobnicate: 1 } } }],
  ['$where', 'find', { filter: { $where: 'sleep(10000) || true' } }],
  ['$where in findOne', 'findOne', { filter: { $where: 'this.price > 1' } }],
  ['$where in deleteMany', 'deleteMany', { filter: { $where: 'true' } }],
  ['$where in updateMany', 'updateMany', { filter: { $where: 'true' }, update: { $set: { hacked: true } } }],
  ['$expr', 'find', { filter: { $expr: { $gt: ['$price', 0] } } }],
  ['$regex', 'find', { filter: { name: { $regex: '(a+)+$' } } }],
  ['$text', 'find', { filter: { $text: { $search: 'pen' } } }],
  ['$jsonSchema', 'deleteMany', { filter: { $jsonSchema: {} } }],
  ['an $and that is not an array', 'find', { filter: { $and: { a: 1 } } }],
  ['$in without an array', 'find', { filter: { _id: { $in: 5 } } }],
  ['an unknown update operator', 'updateOne', { filter: { _id: 1 }, update: { $frobnicate: { price: 1 } } }],
  ['an update without operators', 'updateOne', { filter: { _id: 1 }, update: { price: 0 } }],
  ['updateMany without operators', 'updateMany', { filter: {}, update: { price: 0 } }],
  ['$set of _id', 'updateOne', { filter: { _id: 1 }, update: { $set: { _id: 5 } } }],
  ['$inc of a string', 'updateOne', { filter: { _id: 1 }, update: { $inc: { name: 1 } } }],
  ['conflicting operators', 'updateOne', { filter: { _id: 1 }, update: { $set: { price: 1 }, $inc: { price: 1 } } }],
  ['a replacement with operators', 'replaceOne', { filter: { _id: 1 }, replacement: { $set: { price: 0 } } }],
  ['a replacement changing _id', 'replaceOne', { filter: { _id: 1 }, replacement: { _id: 7, price: 0 } }],
  ['an unknown stage', 'aggregate', { pipeline: [{ $bogus: {} }] }],
  ['a stage with two keys', 'aggregate', { pipeline: [{ $match: {}, $limit: 1 }] }],
  ['$out', 'aggregate', { pipeline: [{ $out: 'stolen' }] }],
  ['$merge', 'aggregate', { pipeline: [{ $merge: { into: 'stolen' } }] }],
  ['$function', 'aggregate', { pipeline: [{ $addFields: { x: { $function: { body: 'function() { return 1 }', args: [], lang: 'js' } } } }] }],
  ['$accumulator', 'aggregate', { pipeline: [{ $group: { _id: null, x: { $accumulator: { init: 'function() {}', accumulate: 'function() {}', merge: 'function() {}', lang: 'js', accumulateArgs: [] } } } }] }],
  ['$lookup into the internal database', 'aggregate', { pipeline: [{ $lookup: { from: { db: `__app_services_${APP_ID}`, coll: 'users' }, pipeline: [], as: 'u' } }] }],
  ['$unionWith a collection without rules', 'aggregate', { pipeline: [{ $unionWith: 'secret' }] }],
  ['$currentOp', 'aggregate', { pipeline: [{ $currentOp: {} }] }],
  ['$collStats', 'aggregate', { pipeline: [{ $collStats: {} }] }],
  ['an unknown expression operator', 'aggregate', { pipeline: [{ $project: { x: { $frobnicate: 1 } } }] }],
  ['a sort on two directions', 'find', { sort: { price: 2 } }],
  ['a projection mixing inclusion and exclusion', 'find', { projection: { name: 1, price: 0 } }],
  ['a duplicate _id', 'insertOne', { document: { _id: 1, name: 'dup' } }],
  ['a duplicate _id first in an ordered insertMany', 'insertMany', { documents: [{ _id: 2 }, { _id: 500 }] }],
  ['an array _id', 'insertOne', { document: { _id: [1, 2] } }],
  ['a document with an update operator as its _id', 'insertOne', { document: { _id: { $set: 1 } } }],
  ['a write to a read-only collection', 'insertOne', { document: { _id: 50 } }],
  ['the emulator\'s internal database', 'find', { database: `__app_services_${APP_ID}`, collection: 'users' }],
  ['a collection without rules', 'find', { collection: 'secret' }],
  ['a data source the app does not have', 'find', { dataSource: 'other-cluster' }],
  ['a database name with a slash', 'find', { database: 'a/b' }],
  ['a database name with a NUL', 'find', { database: 'a\u0000b' }],
  ['a collection name with a NUL', 'insertOne', { collection: 'a\u0000b', document: {} }],
  ['a key with a NUL', 'insertOne', { document: { 'a\u0000b': 1 } }],
];
for (const [label, action, fields] of operatorCases) {
  const collection = label === 'a write to a read-only collection' ? 'catalog' : 'items';
  json(label, action, { ...on(collection), ...fields });
}
raw('a NaN limit in EJSON', 'find', '{"dataSource":"mongodb-atlas","database":"shop","collection":"items","limit":{"$numberDouble":"NaN"}}', { 'Content-Type': 'application/ejson' });
raw('an Infinity skip in EJSON', 'find', '{"dataSource":"mongodb-atlas","database":"shop","collection":"items","skip":{"$numberDouble":"Infinity"}}', { 'Content-Type': 'application/ejson' });
raw('a Decimal128 limit over the maximum', 'find', '{"dataSource":"mongodb-atlas","database":"shop","collection":"items","limit":{"$numberDecimal":"1E+10"}}', { 'Content-Type': 'application/ejson' });

// ── credentials and URLs ──
const credentialCases: Array<[string, Record<string, string>]> = [
  ['no credentials', { apiKey: '' }],
  ['a wrong API key', { apiKey: 'x'.repeat(64) }],
  ['a long API key', { apiKey: 'k'.repeat(8000) }],
  ['a garbage bearer token', { apiKey: '', Authorization: 'Bearer ' + 'a'.repeat(500) }],
  ['a JWT signed with another secret', { apiKey: '', jwtTokenString: signJwt('x').replace(/\.[^.]+$/, '.c2lnbmF0dXJl') }],
  ['an unsigned JWT (alg none)', { apiKey: '', jwtTokenString: `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${Buffer.from(JSON.stringify({ sub: 'x', aud: APP_ID, exp: 9e9 })).toString('base64url')}.` }],
  ['an email without a password', { apiKey: '', email: 'a@example.com' }],
  ['a wrong password', { apiKey: '', email: 'nobody@example.com', password: 'wrong-password' }],
];
for (const [label, headers] of credentialCases) raw(`credentials: ${label}`, 'insertOne', JSON.stringify(on('items', { document: { _id: 77 } })), headers);
for (const action of ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'FIND', 'find%00', '..%2F..%2Fadmin', 'x'.repeat(2000)]) {
  raw(`action ${action.slice(0, 20)}`, action, valid);
}
for (const version of ['v2', 'V1', '__proto__', '..']) {
  cases.push({ name: `version ${version}`, send: () => request(t.emulator.app).post(url('find', version)).set({ apiKey: t.apiKey, 'Content-Type': 'application/json' }).send(valid) });
}

async function snapshot(): Promise<string> {
  const items = await t.collection('items').find({}, { promoteValues: false }).sort({ _id: 1 }).toArray();
  const catalog = await t.collection('catalog').find({}, { promoteValues: false }).toArray();
  const collections = (await t.emulator.mongo.client.db('shop').listCollections().toArray()).map((collection) => collection.name).sort();
  const users = await t.emulator.mongo.client.db(`__app_services_${APP_ID}`).collection('users').countDocuments();
  return EJSON.stringify({ items, catalog, collections, users }, { relaxed: false });
}

describe(`${cases.length} malformed or hostile requests`, () => {
  let before: string;
  beforeAll(async () => {
    before = await snapshot();
  });

  it('are at least 200', () => {
    expect(cases.length).toBeGreaterThanOrEqual(200);
  });

  it.each(cases.map((hostile) => [hostile.name, hostile]))('%s → a 4xx in the error shape', async (_name, hostile) => {
    const response = await hostile.send();
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expectErrorShape(response.body);
  });

  it('leave the data as it was, and the server serving', async () => {
    expect(await snapshot()).toBe(before);
    const response = await t.post('find', on('items', { sort: { _id: 1 } }), { Accept: 'application/json' }).expect(200);
    expect(response.body.documents).toEqual(SEED);
    await request(t.emulator.app).get('/_emulator/health').expect(200);
  });
});
