/**
 * The real realm-web SDK, unchanged, calling the emulator's functions and its mongodb service:
 * `user.functions.<name>(…)` with EJSON arguments and results and their refusals, and
 * `user.mongoClient("mongodb-atlas").db(…).collection(…)` operations under the app's rules.
 */
import path from 'node:path';
import * as Realm from 'realm-web';
import { Emulator, startEmulator } from '../../emulator';

const APP = path.resolve(__dirname, '../../fixtures/apps/functions-client');

let emulator: Emulator;
beforeAll(async () => {
  emulator = await startEmulator({ app: APP });
});
afterAll(async () => {
  await emulator.mongo.client.db('client').dropDatabase();
  await emulator.stop();
});
// realm-web reuses a stored anonymous user at the next anonymous login: start each test empty.
beforeEach(() => Realm.getEnvironment().defaultStorage.clear());

const newApp = () => new Realm.App({ id: emulator.appId, baseUrl: emulator.url });
const anonymous = () => newApp().logIn(Realm.Credentials.anonymous());

async function realmError(promise: Promise<unknown>): Promise<{ statusCode: number; errorCode: string; error: string }> {
  try {
    await promise;
  } catch (error) {
    return error as { statusCode: number; errorCode: string; error: string };
  }
  throw new Error('expected realm-web to reject');
}

describe('user.functions', () => {
  it('calls a function with arguments and gets its result', async () => {
    const user = await anonymous();
    expect(await user.functions.sum(2, 3.5)).toBe(5.5);
    expect(await user.callFunction('callsPrivate')).toBe('from a private function');
  });

  it('sends and receives BSON types as EJSON', async () => {
    const user = await anonymous();
    const id = new Realm.BSON.ObjectId();
    const [echoed] = (await user.functions.echo({ id, at: new Date(1683248523456), big: Realm.BSON.Long.fromString('1099511627777') })) as Array<Record<string, unknown>>;
    expect(echoed.id).toBeInstanceOf(Realm.BSON.ObjectId);
    expect((echoed.id as Realm.BSON.ObjectId).toHexString()).toBe(id.toHexString());
    expect(echoed.at).toEqual(new Date(1683248523456));
    // realm-web reads answers as relaxed EJSON: a Long comes back as a number (test/http has the exact text).
    expect(echoed.big).toBe(1099511627777);
    const types = (await user.functions.types()) as Record<string, unknown>;
    expect(types).toMatchObject({ int: 7, double: 3.5, date: new Date(0), nested: [{ ok: true }] });
    expect(types.decimal).toBeInstanceOf(Realm.BSON.Decimal128);
    expect(String(types.decimal)).toBe('9.99');
  });

  it('runs as the user, with the custom data its creation function wrote', async () => {
    const user = await anonymous();
    const seen = (await user.functions.whoami()) as Record<string, unknown>;
    expect(seen).toMatchObject({ id: user.id, type: 'normal', custom_data: { user_id: user.id, plan: 'free' }, runningAsSystem: false });
    expect(user.customData).toMatchObject({ plan: 'free' });
  });

  it('rejects with the status and error code of each refusal', async () => {
    const user = await anonymous();
    expect(await realmError(user.functions.nope())).toMatchObject({ statusCode: 404, errorCode: 'FunctionNotFound', error: "function not found: 'nope'" });
    expect(await realmError(user.callFunction('private/helper'))).toMatchObject({ statusCode: 403, errorCode: 'NotCallable' });
    expect(await realmError(user.functions.serversOnly())).toMatchObject({ statusCode: 403, errorCode: 'NotCallable' });
    expect(await realmError(user.functions.fails())).toMatchObject({ statusCode: 400, errorCode: 'FunctionExecutionError', error: 'this function fails on purpose' });
  });
});

describe('user.mongoClient', () => {
  it('inserts, finds, counts, updates, aggregates and deletes the user’s own documents', async () => {
    const user = await anonymous();
    const notes = user.mongoClient('mongodb-atlas').db('client').collection('notes');
    const { insertedId } = await notes.insertOne({ owner_id: user.id, text: 'one', n: 1 });
    expect(insertedId).toBeInstanceOf(Realm.BSON.ObjectId);
    const { insertedIds } = await notes.insertMany([{ owner_id: user.id, text: 'two', n: 2 }, { owner_id: user.id, text: 'three', n: 3 }]);
    expect(insertedIds).toHaveLength(2);

    expect(await notes.find({ owner_id: user.id }, { projection: { _id: 0, text: 1 }, sort: { n: -1 }, limit: 2 })).toEqual([{ text: 'three' }, { text: 'two' }]);
    expect(await notes.findOne({ _id: insertedId }, { projection: { _id: 0, text: 1, n: 1 } })).toEqual({ text: 'one', n: 1 });
    expect(await notes.findOne({ text: 'none' })).toBeNull();
    expect(await notes.count({ owner_id: user.id })).toBe(3);
    expect(await notes.count({ owner_id: user.id }, { limit: 2 })).toBe(2);

    expect(await notes.updateOne({ text: 'one' }, { $inc: { n: 10 } })).toEqual({ matchedCount: 1, modifiedCount: 1 });
    const upserted = await notes.updateOne({ owner_id: user.id, text: 'four' }, { $set: { n: 4 } }, { upsert: true });
    expect(upserted).toMatchObject({ matchedCount: 0, modifiedCount: 0, upsertedId: expect.any(Realm.BSON.ObjectId) });
    expect(await notes.updateMany({ owner_id: user.id }, { $set: { seen: true } })).toEqual({ matchedCount: 4, modifiedCount: 4 });

    expect(await notes.aggregate([{ $match: { owner_id: user.id } }, { $group: { _id: null, total: { $sum: '$n' } } }])).toEqual([{ _id: null, total: 20 }]);

    expect(await notes.findOneAndUpdate({ text: 'two' }, { $set: { n: 22 } }, { projection: { _id: 0, n: 1 }, returnNewDocument: true })).toEqual({ n: 22 });
    expect(await notes.findOneAndReplace({ text: 'three' }, { owner_id: user.id, text: 'three', n: 33 }, { projection: { _id: 0, n: 1 } })).toEqual({ n: 3 });
    expect(await notes.findOneAndDelete({ text: 'three' }, { projection: { _id: 0, n: 1 } })).toEqual({ n: 33 });

    expect(await notes.deleteOne({ text: 'one' })).toEqual({ deletedCount: 1 });
    expect(await notes.deleteMany({ owner_id: user.id })).toEqual({ deletedCount: 2 });
  });

  it("reads others' documents but may not write them", async () => {
    const owner = await anonymous();
    const ownerNotes = owner.mongoClient('mongodb-atlas').db('client').collection('notes');
    await ownerNotes.insertOne({ owner_id: owner.id, text: 'mine', n: 1 });
    Realm.getEnvironment().defaultStorage.clear();
    const other = await anonymous();
    const notes = other.mongoClient('mongodb-atlas').db('client').collection('notes');
    expect(await notes.find({ owner_id: owner.id }, { projection: { _id: 0, text: 1 } })).toEqual([{ text: 'mine' }]);
    expect(await realmError(notes.insertOne({ owner_id: owner.id, text: 'forged' }))).toMatchObject({ statusCode: 403, errorCode: 'MongoDBError', error: 'insert not permitted' });
    expect(await realmError(notes.updateOne({ owner_id: owner.id }, { $set: { text: 'defaced' } }))).toMatchObject({ statusCode: 403, error: 'update not permitted' });
    expect(await realmError(notes.deleteOne({ owner_id: owner.id }))).toMatchObject({ statusCode: 403, error: 'delete not permitted' });
    expect(await ownerNotes.count({ owner_id: owner.id, text: 'mine' })).toBe(1);
  });

  it('applies a rule that calls a function (%function), for a custom-function user', async () => {
    await emulator.mongo.client.db('client').collection('flags').insertOne({ flag: 'beta' });
    const staff = await newApp().logIn(Realm.Credentials.function({ username: 'grace', displayName: 'Grace (staff)' }));
    expect(staff.profile).toEqual({ name: 'Grace (staff)' });
    expect(await staff.mongoClient('mongodb-atlas').db('client').collection('flags').find({}, { projection: { _id: 0 } })).toEqual([{ flag: 'beta' }]);
    const guest = await newApp().logIn(Realm.Credentials.function({ username: 'guest' }));
    expect(await guest.mongoClient('mongodb-atlas').db('client').collection('flags').find({})).toEqual([]);
  });

  it('names an unknown service and a namespace without rules', async () => {
    const user = await anonymous();
    expect(await realmError(user.mongoClient('nope').db('client').collection('notes').find({}))).toMatchObject({ statusCode: 404, errorCode: 'ServiceNotFound', error: "service not found: 'nope'" });
    expect(await realmError(user.mongoClient('mongodb-atlas').db('client').collection('unruled').find({}))).toMatchObject({ statusCode: 403, errorCode: 'NoMatchingRuleFound' });
  });
});
