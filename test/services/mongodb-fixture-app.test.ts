/**
 * The service over an exported app read by the loader (fixtures/apps/rules-notes): collection
 * roles and a filter from rules.json, the data source's default rule for every other collection.
 */
import * as path from 'node:path';
import type { AppDefinition } from '../../emulator/app/definition';
import { loadApp } from '../../emulator/app';
import { openTestDatabase, type TestDatabase } from '../helpers/database';
import { userWith } from '../rules/helpers/definitions';
import { dropInternalDatabase, ME, OTHER, refusal, systemService, userService } from './helpers/service';

let t: TestDatabase;
let app: AppDefinition;
beforeAll(async () => {
  t = await openTestDatabase('service_fixture');
  const loaded = await loadApp(path.join(__dirname, '../../fixtures/apps/rules-notes'));
  expect(loaded.problems).toEqual([]);
  app = loaded.app!;
  const system = systemService(t, app);
  await system.db('notes').collection('notes').deleteMany({});
  await system.db('notes').collection('notes').insertMany([
    { _id: 1, owner_id: ME, title: 'mine', body: 'b1' },
    { _id: 2, owner_id: OTHER, shared_with: [ME], title: 'shared', body: 'b2', private: true },
    { _id: 3, owner_id: OTHER, title: 'theirs' },
    { _id: 4, owner_id: ME, title: 'old', archived: true },
  ]);
  await system.db('notes').collection('tags').deleteMany({});
  await system.db('notes').collection('tags').insertOne({ _id: 'work' });
});
afterAll(async () => {
  await t.client.db('notes').dropDatabase();
  await dropInternalDatabase(t, app);
  await t.close();
});

const notes = (user = userWith({ id: ME })) => userService(t, app, { user }).db('notes').collection('notes');

it('applies the collection roles and filter of rules.json', async () => {
  expect(await notes().find({}).toArray()).toEqual([
    { _id: 1, owner_id: ME, title: 'mine', body: 'b1' },
    { title: 'shared', body: 'b2' },
  ]);
});

it('lets a shared user write the field the role allows, and nothing else', async () => {
  expect(await notes().updateOne({ _id: 2 }, { $set: { body: 'edited' } })).toEqual({ matchedCount: 1, modifiedCount: 1 });
  expect((await refusal(notes().updateOne({ _id: 2 }, { $set: { title: 'x' } }))).message).toBe('update not permitted');
  expect(await t.client.db('notes').collection('notes').findOne({ _id: 2 as never })).toMatchObject({ title: 'shared', body: 'edited' });
});

it('does not apply the filter to a server user, whose filter apply_when does not hold', async () => {
  expect(await notes(userWith({ id: ME, type: 'server' })).count()).toBe(3);
});

it('uses the default rule for every other collection: read only', async () => {
  const tags = userService(t, app).db('notes').collection('tags');
  expect(await tags.find({}).toArray()).toEqual([{ _id: 'work' }]);
  expect((await refusal(tags.insertOne({ _id: 'home' }))).message).toBe('insert not permitted');
  expect((await refusal(tags.deleteOne({ _id: 'work' }))).message).toBe('delete not permitted');
  expect(await t.client.db('notes').collection('tags').countDocuments()).toBe(1);
});
