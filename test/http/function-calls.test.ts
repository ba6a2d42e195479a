/**
 * POST /api/client/v2.0/app/<app id>/functions/call over HTTP, as SDKs send it: app functions with
 * EJSON arguments and results and every refusal, and the service form realm-web's mongoClient
 * sends for collection operations, under the app's rules.
 */
import path from 'node:path';
import { EJSON, ObjectId } from 'bson';
import request from 'supertest';
import { Emulator, startEmulator, SYSTEM_USER } from '../../emulator';

const APP = path.resolve(__dirname, '../../fixtures/apps/functions-client');
const APP_ID = 'functions-client-vxmqa';
const CALL = `/api/client/v2.0/app/${APP_ID}/functions/call`;

let emulator: Emulator;
beforeAll(async () => {
  emulator = await startEmulator({ app: APP });
});
afterAll(async () => {
  await emulator.mongo.client.db('client').dropDatabase();
  await emulator.stop();
});

const errorBody = (error_code: string, error: string | RegExp) => ({
  error: typeof error === 'string' ? error : expect.stringMatching(error),
  error_code,
  link: expect.stringMatching(/\/_emulator\/requests\/[0-9a-f]+$/),
});

async function login(provider: string, body: Record<string, unknown>): Promise<{ token: string; userId: string }> {
  const response = await request(emulator.app).post(`/api/client/v2.0/app/${APP_ID}/auth/providers/${provider}/login`).send(body).expect(200);
  return { token: response.body.access_token, userId: response.body.user_id };
}

const anonymous = () => login('anon-user', {});
const named = (username: string) => login('custom-function', { username });

/** Sends a call body as SDKs do: canonical EJSON text. */
function call(token: string | undefined, body: Record<string, unknown>) {
  const sent = request(emulator.app).post(CALL).set('Content-Type', 'application/json');
  if (token) sent.set('Authorization', `Bearer ${token}`);
  return sent.send(EJSON.stringify(body, { relaxed: false }));
}

describe('app functions', () => {
  it('runs a function with EJSON arguments and answers canonical EJSON', async () => {
    const { token } = await anonymous();
    const response = await call(token, { name: 'sum', arguments: [2, 3.5] }).expect(200);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(response.text).toBe('{"$numberDouble":"5.5"}');
  });

  it('keeps BSON types both ways', async () => {
    const { token } = await anonymous();
    const args = [{ id: new ObjectId('64224f3cd79f54ad342dd9b1'), at: new Date(1683248523456), n: 7 }, 'text'];
    const response = await call(token, { name: 'echo', arguments: args }).expect(200);
    expect(JSON.parse(response.text)).toEqual([
      { id: { $oid: '64224f3cd79f54ad342dd9b1' }, at: { $date: { $numberLong: '1683248523456' } }, n: { $numberInt: '7' } },
      'text',
    ]);
    const types = await call(token, { name: 'types', arguments: [] }).expect(200);
    expect(JSON.parse(types.text)).toEqual({
      int: { $numberInt: '7' },
      double: { $numberDouble: '3.5' },
      long: { $numberLong: '9007199254740993' },
      decimal: { $numberDecimal: '9.99' },
      date: { $date: { $numberLong: '0' } },
      id: { $oid: '5d505646cf6d4fe581014ab2' },
      nested: [{ ok: true }],
    });
  });

  it('runs as the calling user, with the custom data its user creation function wrote', async () => {
    const { token, userId } = await anonymous();
    const response = await call(token, { name: 'whoami' }).expect(200);
    expect(EJSON.parse(response.text)).toEqual({
      id: userId,
      type: 'normal',
      data: {},
      custom_data: { _id: expect.any(ObjectId), user_id: userId, plan: 'free', providers: ['anon-user'] },
      providers: ['anon-user'],
      runningAsSystem: false,
    });
  });

  it('runs a function for the harness, as system, through emulator.functions', async () => {
    const { result } = await emulator.functions.call({ name: 'whoami', user: SYSTEM_USER });
    expect(result).toMatchObject({ id: '', type: 'system', runningAsSystem: true });
  });

  it('lets a function call a private one', async () => {
    const { token } = await anonymous();
    expect(JSON.parse((await call(token, { name: 'callsPrivate' }).expect(200)).text)).toBe('from a private function');
  });
});

describe('refusals', () => {
  it('unknown function: 404 FunctionNotFound', async () => {
    const { token } = await anonymous();
    expect((await call(token, { name: 'nope' }).expect(404)).body).toEqual(errorBody('FunctionNotFound', "function not found: 'nope'"));
  });

  it('private function: 403 NotCallable', async () => {
    const { token } = await anonymous();
    expect((await call(token, { name: 'private/helper' }).expect(403)).body).toEqual(errorBody('NotCallable', /^function 'private\/helper' is private/));
  });

  it('can_evaluate false: 403 NotCallable; true for a server API key user', async () => {
    const { token } = await anonymous();
    expect((await call(token, { name: 'serversOnly' }).expect(403)).body.error_code).toBe('NotCallable');
    const key = await emulator.auth.createServerApiKey('functions-server');
    const server = await login('api-key', { key: key.key });
    expect(JSON.parse((await call(server.token, { name: 'serversOnly' }).expect(200)).text)).toBe('for servers');
  });

  it('a function that throws: 400 FunctionExecutionError, its console output in the linked log entry', async () => {
    const { token } = await anonymous();
    const response = await call(token, { name: 'fails' }).expect(400);
    expect(response.body).toEqual(errorBody('FunctionExecutionError', 'this function fails on purpose'));
    const entry = await request(emulator.app).get(new URL(response.body.link).pathname).expect(200);
    expect(entry.body.function).toEqual({ name: 'fails', logs: ['about to fail'] });
  });

  it('no access token: 401 MissingAuthReq; a bad one: 401 InvalidSession (SDKs refresh and retry)', async () => {
    expect((await call(undefined, { name: 'sum' }).expect(401)).body.error_code).toBe('MissingAuthReq');
    expect((await call('not-a-token', { name: 'sum' }).expect(401)).body.error_code).toBe('InvalidSession');
  });

  it('a body without a name, with arguments that are not an array, or not EJSON: 400 InvalidParameter', async () => {
    const { token } = await anonymous();
    expect((await call(token, { arguments: [] }).expect(400)).body.error_code).toBe('InvalidParameter');
    expect((await call(token, { name: 'sum', arguments: { a: 1 } }).expect(400)).body.error).toBe('"arguments" must be an array');
    const malformed = await request(emulator.app).post(CALL).set('Authorization', `Bearer ${token}`).send('{"name": ').expect(400);
    expect(malformed.body.error).toMatch(/^invalid request body/);
  });

  it('a streaming call (watch): 501, change streams are not served', async () => {
    const { token } = await anonymous();
    const response = await request(emulator.app).get(`${CALL}?baas_request=e30=`).set('Authorization', `Bearer ${token}`).expect(501);
    expect(response.body.error).toMatch(/not served/);
  });

  it('a function over its time limit: 400 FunctionExecutionError (startEmulator functionTimeoutMs)', async () => {
    const limited = await startEmulator({ app: APP, functionTimeoutMs: 1000, functionWorkers: 1 });
    try {
      const response = await request(limited.app).post(`/api/client/v2.0/app/${APP_ID}/auth/providers/anon-user/login`).send({}).expect(200);
      const slow = await request(limited.app).post(CALL).set('Authorization', `Bearer ${response.body.access_token}`).send({ name: 'slow', arguments: [10_000] }).expect(400);
      expect(slow.body).toEqual(errorBody('FunctionExecutionError', 'execution time limit exceeded: the function ran longer than 1 s'));
    } finally {
      await limited.mongo.client.db('client').dropDatabase();
      await limited.stop();
    }
  });
});

describe('the service form (user.mongoClient)', () => {
  const op = (name: string, args: Record<string, unknown>, service = 'mongodb-atlas') => ({
    service,
    name,
    arguments: [{ database: 'client', collection: 'notes', ...args }],
  });

  it('insertOne, find with project/sort/limit, findOne, count, updateOne, aggregate, deleteOne under the rules', async () => {
    const ada = await anonymous();
    const bob = await anonymous();
    const inserted = await call(ada.token, op('insertOne', { document: { owner_id: ada.userId, text: 'ada 1', n: 1 } })).expect(200);
    expect(JSON.parse(inserted.text)).toEqual({ insertedId: { $oid: expect.stringMatching(/^[0-9a-f]{24}$/) } });
    await call(ada.token, op('insertMany', { documents: [{ owner_id: ada.userId, text: 'ada 2', n: 2 }, { owner_id: ada.userId, text: 'ada 3', n: 3 }] })).expect(200);

    // Bob may read Ada's notes (reader role) but not write them.
    const found = await call(bob.token, op('find', { query: { owner_id: ada.userId }, project: { _id: 0, text: 1 }, sort: { n: -1 }, limit: 2 })).expect(200);
    expect(JSON.parse(found.text)).toEqual([{ text: 'ada 3' }, { text: 'ada 2' }]);
    const one = await call(bob.token, op('findOne', { query: { text: 'ada 1' }, project: { _id: 0, n: 1 } })).expect(200);
    expect(JSON.parse(one.text)).toEqual({ n: { $numberInt: '1' } });
    expect(JSON.parse((await call(bob.token, op('findOne', { query: { text: 'nobody' } })).expect(200)).text)).toBeNull();
    expect(JSON.parse((await call(bob.token, op('count', { query: { owner_id: ada.userId } })).expect(200)).text)).toEqual({ $numberInt: '3' });
    expect(JSON.parse((await call(bob.token, op('count', { query: { owner_id: ada.userId }, limit: 2 })).expect(200)).text)).toEqual({ $numberInt: '2' });

    const denied = await call(bob.token, op('insertOne', { document: { owner_id: ada.userId, text: 'forged' } })).expect(403);
    expect(denied.body).toEqual(errorBody('MongoDBError', 'insert not permitted'));
    const bobsUpdate = await call(bob.token, op('updateOne', { query: { text: 'ada 1' }, update: { $set: { text: 'defaced' } } })).expect(403);
    expect(bobsUpdate.body).toEqual(errorBody('MongoDBError', 'update not permitted'));
    const bobsUpdateMany = await call(bob.token, op('updateMany', { query: { owner_id: ada.userId }, update: { $set: { text: 'defaced' } } })).expect(200);
    expect(JSON.parse(bobsUpdateMany.text)).toEqual({ matchedCount: { $numberInt: '0' }, modifiedCount: { $numberInt: '0' } });
    const adasUpdate = await call(ada.token, op('updateOne', { query: { text: 'ada 1' }, update: { $inc: { n: 10 } } })).expect(200);
    expect(JSON.parse(adasUpdate.text)).toEqual({ matchedCount: { $numberInt: '1' }, modifiedCount: { $numberInt: '1' } });

    const summed = await call(ada.token, op('aggregate', { pipeline: [{ $match: { owner_id: ada.userId } }, { $group: { _id: null, total: { $sum: '$n' } } }] })).expect(200);
    expect(JSON.parse(summed.text)).toEqual([{ _id: null, total: { $numberInt: '16' } }]);

    expect((await call(bob.token, op('deleteOne', { query: { text: 'ada 2' } })).expect(403)).body.error).toBe('delete not permitted');
    expect(JSON.parse((await call(ada.token, op('deleteMany', { query: { owner_id: ada.userId, n: { $gt: 2 } } })).expect(200)).text)).toEqual({ deletedCount: { $numberInt: '2' } });
  });

  it('findOneAndUpdate, findOneAndReplace, and the findOneAndReplace without update that realm-web sends for findOneAndDelete', async () => {
    const ada = await anonymous();
    await call(ada.token, op('insertOne', { document: { owner_id: ada.userId, text: 'fam', n: 1 } })).expect(200);
    const updated = await call(ada.token, op('findOneAndUpdate', { filter: { text: 'fam' }, update: { $inc: { n: 1 } }, projection: { _id: 0, n: 1 }, returnNewDocument: true })).expect(200);
    expect(JSON.parse(updated.text)).toEqual({ n: { $numberInt: '2' } });
    const replaced = await call(ada.token, op('findOneAndReplace', { filter: { text: 'fam' }, update: { owner_id: ada.userId, text: 'fam', n: 9 }, projection: { _id: 0, n: 1 } })).expect(200);
    expect(JSON.parse(replaced.text)).toEqual({ n: { $numberInt: '2' } });
    const deleted = await call(ada.token, op('findOneAndReplace', { filter: { text: 'fam' }, projection: { _id: 0, n: 1 } })).expect(200);
    expect(JSON.parse(deleted.text)).toEqual({ n: { $numberInt: '9' } });
    expect(await emulator.mongo.client.db('client').collection('notes').countDocuments({ text: 'fam' })).toBe(0);
  });

  it('applies %function in rules: a role only staff get', async () => {
    await emulator.mongo.client.db('client').collection('flags').insertOne({ flag: 'beta' });
    const staff = await login('custom-function', { username: 'grace', displayName: 'Grace (staff)' });
    const guest = await named('guest');
    const flags = (token: string) => call(token, { service: 'mongodb-atlas', name: 'find', arguments: [{ database: 'client', collection: 'flags', query: {}, project: { _id: 0 } }] }).expect(200);
    expect(JSON.parse((await flags(staff.token)).text)).toEqual([{ flag: 'beta' }]);
    expect(JSON.parse((await flags(guest.token)).text)).toEqual([]);
  });

  it('refuses an unknown service, an unknown operation, a namespace without rules and a missing collection', async () => {
    const { token } = await anonymous();
    expect((await call(token, op('find', {}, 'nope')).expect(404)).body).toEqual(errorBody('ServiceNotFound', "service not found: 'nope'"));
    expect((await call(token, op('explode', {})).expect(404)).body.error_code).toBe('ServiceCommandNotFound');
    const unruled = await call(token, { service: 'mongodb-atlas', name: 'find', arguments: [{ database: 'client', collection: 'unruled', query: {} }] }).expect(403);
    expect(unruled.body).toEqual(errorBody('NoMatchingRuleFound', "no rule exists for namespace 'client.unruled'"));
    const missing = await call(token, { service: 'mongodb-atlas', name: 'find', arguments: [{ database: 'client' }] }).expect(400);
    expect(missing.body.error).toBe('"collection" must be a non-empty string, got undefined');
  });
});
