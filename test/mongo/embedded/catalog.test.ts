import { describeEmbedded, failure, openTestDatabase, TestDatabase } from '../../helpers/database';

let t: TestDatabase;
beforeAll(async () => {
  t = await openTestDatabase('catalog');
});
afterAll(async () => t.close());

describe('databases and collections', () => {
  it('creates collections explicitly and implicitly, and lists them', async () => {
    await t.db.createCollection('explicit');
    await t.db.collection('implicit').insertOne({ a: 1 });
    const listed = await t.db.listCollections().toArray();
    const names = listed.map((c) => c.name).sort();
    expect(names).toEqual(expect.arrayContaining(['explicit', 'implicit']));
    const explicit = listed.find((c) => c.name === 'explicit') as unknown as { type: string; info: { readOnly: boolean }; idIndex: { name: string } };
    expect(explicit.type).toBe('collection');
    expect(explicit.info.readOnly).toBe(false);
    expect(explicit.idIndex.name).toBe('_id_');
    expect(await t.db.listCollections({ name: 'implicit' }, { nameOnly: true }).toArray()).toEqual([
      { name: 'implicit', type: 'collection' },
    ]);
  });

  it('refuses to create a collection that exists (48)', async () => {
    await t.db.createCollection('twice');
    expect((await failure(t.db.createCollection('twice')))?.code).toBe(48);
  });

  it('refuses invalid collection names (73)', async () => {
    expect((await failure(t.db.command({ create: 'bad$name' })))?.code).toBe(73);
    expect((await failure(t.db.command({ create: '' })))?.code).toBe(73);
  });

  it('drops collections, and dropping a missing one succeeds', async () => {
    await t.db.collection('to_drop').insertOne({ a: 1 });
    expect(await t.db.collection('to_drop').drop()).toBe(true);
    expect((await t.db.listCollections({ name: 'to_drop' }).toArray()).length).toBe(0);
    await expect(t.db.command({ drop: 'never_existed' })).resolves.toMatchObject({ ok: 1 });
  });

  it('lists databases that hold collections, and drops a database', async () => {
    const other = t.client.db(`${t.db.databaseName}_other`);
    await other.collection('c').insertOne({ a: 1 });
    const { databases } = await t.client.db('admin').admin().listDatabases();
    expect(databases.map((d) => d.name)).toEqual(expect.arrayContaining([t.db.databaseName, other.databaseName]));
    const entry = databases.find((d) => d.name === other.databaseName) as { sizeOnDisk: number; empty: boolean };
    expect(entry.sizeOnDisk).toBeGreaterThan(0);
    await other.dropDatabase();
    const after = await t.client.db('admin').admin().listDatabases({ nameOnly: true });
    expect(after.databases.map((d) => d.name)).not.toContain(other.databaseName);
  });

  it('renames a collection with its documents and indexes', async () => {
    const source = t.db.collection('rename_from');
    await source.insertMany([{ _id: 1, x: 'a' }, { _id: 2, x: 'b' }] as never[]);
    await source.createIndex({ x: 1 }, { unique: true });
    await source.rename('rename_to');
    const target = t.db.collection('rename_to');
    expect(await target.countDocuments()).toBe(2);
    expect((await target.listIndexes().toArray()).map((i) => i.name)).toEqual(['_id_', 'x_1']);
    expect((await t.db.listCollections({ name: 'rename_from' }).toArray()).length).toBe(0);
  });

  it('refuses a rename onto an existing collection unless dropTarget, and of a missing one', async () => {
    await t.db.collection('r_a').insertOne({ from: 'a' });
    await t.db.collection('r_b').insertOne({ from: 'b' });
    expect((await failure(t.db.collection('r_a').rename('r_b')))?.code).toBe(48);
    await t.db.collection('r_a').rename('r_b', { dropTarget: true });
    expect(await t.db.collection('r_b').findOne({}, { projection: { _id: 0 } })).toEqual({ from: 'a' });
    expect((await failure(t.db.collection('r_missing').rename('r_c')))?.code).toBe(26);
  });

  it('only runs admin commands against the admin database', async () => {
    expect((await failure(t.db.command({ listDatabases: 1 })))?.code).toBe(13);
  });

  it('reports collection and database statistics', async () => {
    await t.db.collection('stats').insertMany([{ a: 1 }, { a: 2 }, { a: 3 }]);
    const coll = await t.db.command({ collStats: 'stats' });
    expect(coll.count).toBe(3);
    expect(coll.size).toBeGreaterThan(0);
    expect(coll.nindexes).toBe(1);
    const db = await t.db.command({ dbStats: 1 });
    expect(db.db).toBe(t.db.databaseName);
    expect(db.objects).toBeGreaterThanOrEqual(3);
    expect(db.collections).toBeGreaterThanOrEqual(1);
  });
});

describeEmbedded('collection options the embedded engine refuses', () => {
  it('refuses capped collections, views and validators by name', async () => {
    for (const options of [{ capped: true, size: 1024 }, { viewOn: 'x', pipeline: [] }, { validator: { a: { $exists: true } } }]) {
      const error = await failure(t.db.command({ create: 'refused', ...options }));
      expect(error?.code).toBe(72);
      expect(error?.message).toMatch(/not supported by the embedded engine/);
    }
  });
});
