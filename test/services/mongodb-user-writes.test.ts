/**
 * Writes as an application user. Every denial is checked against the stored collection, read back
 * through the driver around the service: a denied write changes nothing, and a multi-document
 * write changes only the documents the user may write.
 */
import type { Document } from 'mongodb';
import type { Role } from '../../emulator/app/definition';
import type { RulesExplanation } from '../../emulator/services/mongodb';
import { openTestDatabase, type TestDatabase } from '../helpers/database';
import { definitionWith } from '../rules/helpers/definitions';
import { dropInternalDatabase, ME, OTHER, refusal, seed, stored, systemService, userService } from './helpers/service';

let t: TestDatabase;
let db: string;
beforeAll(async () => {
  t = await openTestDatabase('service_writes');
  db = t.db.databaseName;
});
afterAll(async () => {
  await dropInternalDatabase(t, definition());
  await t.close();
});

const NOTES: Document[] = [
  { _id: 1, owner_id: ME, title: 'a', body: 'x', n: 1 },
  { _id: 2, owner_id: OTHER, shared_with: [ME], title: 'b', body: 'y', n: 2 },
  { _id: 3, owner_id: OTHER, title: 'c', body: 'z', n: 3 },
  { _id: 4, owner_id: ME, title: 'd', archived: true, n: 4 },
  { _id: 5, owner_id: ME, title: 'e', n: 5 },
];
beforeEach(async () => seed(t, 'notes', NOTES));

const owner: Role = { name: 'owner', apply_when: { owner_id: '%%user.id' }, read: true, write: true, insert: true, delete: true };
const sharedWith: Role = {
  name: 'sharedWith',
  apply_when: { shared_with: '%%user.id' },
  insert: false,
  delete: false,
  fields: { title: { read: true }, body: { read: true, write: true } },
};

function definition(roles: Role[] = [owner, sharedWith]) {
  return definitionWith({
    collections: {
      [`${db}.notes`]: { roles, filters: [{ name: 'hideArchived', apply_when: {}, query: { archived: { $ne: true } } }] },
    },
    defaultRule: { roles: [{ name: 'readOnly', apply_when: {}, read: true, write: false, insert: false, delete: false }] },
    functions: ['sneaky'],
  });
}

const notes = (explanations?: RulesExplanation[]) => userService(t, definition(), { explanations }).db(db).collection('notes');
const unchanged = async () => expect(await stored(t, 'notes')).toEqual(NOTES);

describe('inserts', () => {
  it('inserts a document a role allows, generating its _id', async () => {
    const { insertedId } = await notes().insertOne({ owner_id: ME, title: 'new' });
    expect(await t.db.collection('notes').findOne({ _id: insertedId as never })).toEqual({ _id: insertedId, owner_id: ME, title: 'new' });
  });

  it('refuses a document no role allows with "insert not permitted", inserting nothing', async () => {
    const error = await refusal(notes().insertOne({ owner_id: OTHER, title: 'forged' }));
    expect(error).toMatchObject({ status: 403, errorCode: 'MongoDBError', message: 'insert not permitted' });
    await unchanged();
  });

  it('refuses a document whose role has insert false', async () => {
    await refusal(notes().insertOne({ _id: 9, owner_id: OTHER, shared_with: [ME], title: 'x' }));
    await unchanged();
  });

  it('inserts none of insertMany when one document is denied', async () => {
    await refusal(notes().insertMany([{ _id: 10, owner_id: ME }, { _id: 11, owner_id: OTHER }]));
    await unchanged();
    expect(await notes().insertMany([{ _id: 10, owner_id: ME }, { owner_id: ME }])).toEqual({ insertedIds: [10, expect.anything()] });
  });

  it('refuses inserts where the default rule has insert false', async () => {
    await seed(t, 'other', []);
    await refusal(userService(t, definition()).db(db).collection('other').insertOne({ a: 1 }));
    expect(await stored(t, 'other')).toEqual([]);
  });
});

describe('updates', () => {
  it('updates a document the user may write', async () => {
    expect(await notes().updateOne({ _id: 1 }, { $set: { title: 'A' } })).toEqual({ matchedCount: 1, modifiedCount: 1 });
    expect((await stored(t, 'notes'))[0]).toEqual({ ...NOTES[0], title: 'A' });
  });

  it('refuses a single-document update of a document without a role: "update not permitted", nothing changed', async () => {
    const error = await refusal(notes().updateOne({ _id: 3 }, { $set: { title: 'stolen' } }));
    expect(error).toMatchObject({ status: 403, errorCode: 'MongoDBError', message: 'update not permitted' });
    await unchanged();
  });

  it('allows a field-level write on a field the role may write, and refuses one it may only read', async () => {
    expect(await notes().updateOne({ _id: 2 }, { $set: { body: 'edited' } })).toEqual({ matchedCount: 1, modifiedCount: 1 });
    await seed(t, 'notes', NOTES);
    await refusal(notes().updateOne({ _id: 2 }, { $set: { title: 'renamed' } }));
    await refusal(notes().updateOne({ _id: 2 }, { $set: { body: 'edited', n: 20 } }));
    await unchanged();
  });

  it('updateMany changes only the documents the user may write, and counts only those', async () => {
    expect(await notes().updateMany({}, { $inc: { n: 10 } })).toEqual({ matchedCount: 2, modifiedCount: 2 });
    expect((await stored(t, 'notes')).map((note) => note.n)).toEqual([11, 2, 3, 4, 15]);
  });

  it('explains which documents were denied, by which role, and why', async () => {
    const explanations: RulesExplanation[] = [];
    await notes(explanations).updateMany({}, { $set: { title: 'T' } });
    expect(explanations[0].documents).toEqual([
      { id: 1, role: 'owner', outcome: 'updated' },
      { id: 2, role: 'sharedWith', outcome: 'denied', reason: 'role "sharedWith": field "title" is not writable' },
      { id: 3, role: null, outcome: 'denied', reason: 'no role applies' },
      { id: 5, role: 'owner', outcome: 'updated' },
    ]);
    await refusal(notes(explanations).deleteOne({ _id: 2 }));
    expect(explanations[1]).toMatchObject({
      operation: 'deleteOne',
      documents: [{ id: 2, role: 'sharedWith', outcome: 'denied', reason: 'role "sharedWith": field "_id" is not writable' }],
      error: { message: 'delete not permitted', code: 'MongoDBError' },
    });
  });

  it('updateMany on a field-level writable field reaches shared documents too', async () => {
    expect(await notes().updateMany({}, { $set: { body: 'same' } })).toEqual({ matchedCount: 3, modifiedCount: 3 });
    expect((await stored(t, 'notes')).map((note) => note.body)).toEqual(['same', 'same', 'z', undefined, 'same']);
  });

  it('counts an allowed update that changes nothing as matched, not modified', async () => {
    expect(await notes().updateOne({ _id: 1 }, { $set: { title: 'a' } })).toEqual({ matchedCount: 1, modifiedCount: 0 });
  });

  it('never touches what the filter hides, even a document the user owns', async () => {
    expect(await notes().updateOne({ _id: 4 }, { $set: { title: 'D' } })).toEqual({ matchedCount: 0, modifiedCount: 0 });
    await unchanged();
  });

  it('replaceOne is judged on the replacement against the stored document', async () => {
    expect(await notes().replaceOne({ _id: 5 }, { owner_id: ME, title: 'E' })).toEqual({ matchedCount: 1, modifiedCount: 1 });
    await seed(t, 'notes', NOTES);
    await refusal(notes().replaceOne({ _id: 2 }, { body: 'only body' }));
    await unchanged();
  });

  it('applies positional and arrayFilters updates exactly as the database does', async () => {
    await seed(t, 'notes', [{ _id: 1, owner_id: ME, items: [{ k: 'a', v: 1 }, { k: 'b', v: 2 }] }]);
    await notes().updateOne({ _id: 1, 'items.k': 'b' }, { $set: { 'items.$.v': 20 } });
    await notes().updateOne({ _id: 1 }, { $inc: { 'items.$[i].v': 100 } }, { arrayFilters: [{ 'i.k': 'a' }] });
    expect(await stored(t, 'notes')).toEqual([{ _id: 1, owner_id: ME, items: [{ k: 'a', v: 101 }, { k: 'b', v: 20 }] }]);
  });

  it('accepts pipeline-style updates', async () => {
    await notes().updateOne({ _id: 1 }, [{ $set: { n: { $add: ['$n', 1] } } }]);
    expect((await stored(t, 'notes'))[0].n).toBe(2);
  });

  it('upserts when the new document may be inserted, and refuses with "insert not permitted" otherwise', async () => {
    expect(await notes().updateOne({ _id: 7, owner_id: ME }, { $set: { title: 'g' } }, { upsert: true })).toEqual({
      matchedCount: 0,
      modifiedCount: 0,
      upsertedId: 7,
    });
    expect((await stored(t, 'notes')).at(-1)).toEqual({ _id: 7, owner_id: ME, title: 'g' });
    await seed(t, 'notes', NOTES);
    const error = await refusal(notes().updateOne({ _id: 8, owner_id: OTHER }, { $set: { title: 'h' } }, { upsert: true }));
    expect(error.message).toBe('insert not permitted');
    await unchanged();
  });

  it('writes on a concurrently changed document only after judging it again, never overwriting the change', async () => {
    let calls = 0;
    const write = { '%%true': { '%function': { name: 'sneaky', arguments: ['%%root._id'] } } };
    const roles: Role[] = [{ name: 'guarded', apply_when: {}, read: true, write }];
    const service = userService(t, definition(roles), {
      functions: async () => {
        if (calls++ === 0) await t.db.collection('notes').updateOne({ _id: 1 as never }, { $set: { concurrent: true } });
        return true;
      },
    });
    expect(await service.db(db).collection('notes').updateOne({ _id: 1 }, { $set: { title: 'A' } })).toEqual({ matchedCount: 1, modifiedCount: 1 });
    expect((await stored(t, 'notes'))[0]).toEqual({ ...NOTES[0], title: 'A', concurrent: true });
    expect(calls).toBe(2);
  });

  it('keeps concurrent rule-checked writes apart', async () => {
    const results = await Promise.all([1, 5, 1, 5, 1, 2].map((id, i) => notes().updateOne({ _id: id }, { $push: { log: i } }).catch(() => 'denied')));
    expect(results).toEqual([...Array(5).fill({ matchedCount: 1, modifiedCount: 1 }), 'denied']);
    const logs = (await stored(t, 'notes')).map((note) => (note.log ?? []).sort());
    expect(logs).toEqual([[0, 2, 4], [], [], [], [1, 3]]);
  });

  it('keeps the BSON types of fields the update does not touch', async () => {
    const { Double, Int32, Long } = jest.requireActual('bson') as typeof import('bson');
    await t.db.collection('notes').deleteMany({});
    await t.db.collection('notes').insertOne({ _id: 1 as never, owner_id: ME, d: new Double(5), l: Long.fromNumber(7), i: new Int32(3), other: 1 });
    const roles: Role[] = [{ ...owner, write: undefined, fields: { other: { write: true } }, additional_fields: { read: true } }];
    await userService(t, definition(roles)).db(db).collection('notes').updateOne({ _id: 1 }, { $inc: { other: 1 } });
    const raw = await t.db.collection('notes').findOne({ _id: 1 as never }, { promoteValues: false });
    expect(raw).toEqual({ _id: new Int32(1), owner_id: ME, d: new Double(5), l: Long.fromNumber(7), i: new Int32(3), other: new Int32(2) });
  });
});

describe('deletes', () => {
  it('deletes a document the user may delete', async () => {
    expect(await notes().deleteOne({ _id: 1 })).toEqual({ deletedCount: 1 });
    expect((await stored(t, 'notes')).map((note) => note._id)).toEqual([2, 3, 4, 5]);
  });

  it('refuses a single-document delete it may not do: "delete not permitted", nothing deleted', async () => {
    expect(await refusal(notes().deleteOne({ _id: 2 }))).toMatchObject({ message: 'delete not permitted', status: 403 });
    await refusal(notes().deleteOne({ _id: 3 }));
    await unchanged();
  });

  it('deleteMany deletes only the documents the user may delete', async () => {
    expect(await notes().deleteMany({})).toEqual({ deletedCount: 2 });
    expect((await stored(t, 'notes')).map((note) => note._id)).toEqual([2, 3, 4]);
  });
});

describe('findOneAnd…', () => {
  it('findOneAndUpdate returns the document before, or after with returnNewDocument, as the user may read it', async () => {
    expect(await notes().findOneAndUpdate({ _id: 1 }, { $set: { title: 'A' } })).toEqual(NOTES[0]);
    expect(await notes().findOneAndUpdate({ _id: 2 }, { $set: { body: 'B' } }, { returnNewDocument: true })).toEqual({ title: 'b', body: 'B' });
    expect(await notes().findOneAndUpdate({ _id: 5 }, { $inc: { n: 1 } }, { returnNewDocument: true, projection: { n: 1 } })).toEqual({ _id: 5, n: 6 });
  });

  it('findOneAndUpdate refuses a denied update and changes nothing', async () => {
    await refusal(notes().findOneAndUpdate({ _id: 3 }, { $set: { title: 'x' } }));
    await unchanged();
  });

  it('findOneAndReplace and findOneAndDelete follow the same rules', async () => {
    expect(await notes().findOneAndReplace({ _id: 5 }, { owner_id: ME, title: 'E' }, { returnNewDocument: true })).toEqual({ _id: 5, owner_id: ME, title: 'E' });
    expect(await notes().findOneAndDelete({ _id: 1 }, { projection: { title: 1, _id: 0 } })).toEqual({ title: 'a' });
    await refusal(notes().findOneAndDelete({ _id: 2 }));
    expect((await stored(t, 'notes')).map((note) => note._id)).toEqual([2, 3, 4, 5]);
  });

  it('findOneAndUpdate with upsert refuses a document the user may not insert', async () => {
    await refusal(notes().findOneAndUpdate({ _id: 9, owner_id: OTHER }, { $set: { t: 1 } }, { upsert: true }));
    await unchanged();
  });
});

describe('bulkWrite', () => {
  it('stops an ordered bulk write at the first denied operation, leaving earlier ones applied', async () => {
    await refusal(
      notes().bulkWrite([
        { insertOne: { document: { _id: 6, owner_id: ME } } },
        { updateOne: { filter: { _id: 3 }, update: { $set: { title: 'x' } } } },
        { insertOne: { document: { _id: 7, owner_id: ME } } },
      ]),
    );
    expect((await stored(t, 'notes')).map((note) => note._id)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('runs every operation of an unordered bulk write and then reports the first failure', async () => {
    await refusal(
      notes().bulkWrite(
        [{ deleteOne: { filter: { _id: 3 } } }, { deleteOne: { filter: { _id: 5 } } }, { replaceOne: { filter: { _id: 1 }, replacement: { owner_id: ME } } }],
        { ordered: false },
      ),
    );
    expect(await stored(t, 'notes')).toEqual([{ _id: 1, owner_id: ME }, NOTES[1], NOTES[2], NOTES[3]]);
  });
});

describe('request-level write rules', () => {
  it('send the write to the database as one operation, with the filter query', async () => {
    const explanations: RulesExplanation[] = [];
    const writer: Role = { name: 'writer', apply_when: { '%%user.type': 'normal' }, read: true, write: true };
    const service = userService(t, definition([writer]), { explanations });
    expect(await service.db(db).collection('notes').updateMany({}, { $set: { seen: true } })).toEqual({ matchedCount: 4, modifiedCount: 4 });
    expect(explanations[0].notes[0]).toMatch(/sent to the database as one operation/);
    expect((await stored(t, 'notes')).filter((note) => note.seen).map((note) => note._id)).toEqual([1, 2, 3, 5]);
  });

  it('leave the system user unrestricted', async () => {
    expect(await systemService(t, definition()).db(db).collection('notes').deleteMany({})).toEqual({ deletedCount: 5 });
  });
});
