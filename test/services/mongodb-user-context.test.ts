/**
 * What App Services refuses in user context (docs-app-services crud-and-aggregation-apis.txt) and
 * allows the system user, and what it allows users that a stricter reading would refuse.
 */
import { openTestDatabase, type TestDatabase } from '../helpers/database';
import { definitionWith } from '../rules/helpers/definitions';
import { refusal, seed, systemService, userService } from './helpers/service';

let t: TestDatabase;
let db: string;
beforeAll(async () => {
  t = await openTestDatabase('service_user_context');
  db = t.db.databaseName;
  await seed(t, 'items', [{ _id: 1, name: 'apple', n: 5 }, { _id: 2, name: 'pear', n: 6 }]);
});
afterAll(async () => t.close());

const definition = () => definitionWith({ defaultRule: { roles: [{ name: 'all', apply_when: {}, read: true, write: true }] } });
const asUser = () => userService(t, definition()).db(db).collection('items');
const asSystem = () => systemService(t, definition()).db(db).collection('items');

describe('query operators', () => {
  const forbidden: Array<[string, object]> = [
    ['$expr', { $expr: { $gt: ['$n', 1] } }],
    ['$jsonSchema', { $jsonSchema: { required: ['name'] } }],
    ['$regex', { name: { $regex: '^a' } }],
    ['$regex', { name: /^a/ }],
    ['$text', { $text: { $search: 'apple' } }],
    ['$where', { $where: 'this.n > 1' }],
    ['$geoWithin', { loc: { $geoWithin: { $centerSphere: [[0, 0], 1] } } }],
    ['$geoIntersects', { loc: { $geoIntersects: { $geometry: { type: 'Point', coordinates: [0, 0] } } } }],
    ['$near', { loc: { $near: [0, 0] } }],
    ['$nearSphere', { loc: { $nearSphere: [0, 0] } }],
    ['$bitsAllSet', { n: { $bitsAllSet: 1 } }],
    ['$bitsAnySet', { n: { $bitsAnySet: 1 } }],
    ['$bitsAllClear', { n: { $bitsAllClear: 1 } }],
    ['$bitsAnyClear', { n: { $bitsAnyClear: 1 } }],
    ['$where', { $or: [{ n: 1 }, { $where: 'true' }] }],
  ];

  it.each(forbidden)('refuses %s in a user query, wherever it is nested', async (operator, query) => {
    const error = await refusal(asUser().find(query).toArray());
    expect(error).toMatchObject({ status: 400, errorCode: 'InvalidParameter' });
    expect(error.message).toBe(`the query operator ${operator} is not allowed in user context; App Services allows it only in system functions`);
  });

  it('refuses them in every operation that takes a query', async () => {
    const where = { $where: 'true' };
    for (const attempt of [
      asUser().findOne(where),
      asUser().count(where),
      asUser().distinct('name', where),
      asUser().updateOne(where, { $set: { x: 1 } }),
      asUser().updateMany(where, { $set: { x: 1 } }),
      asUser().replaceOne(where, { x: 1 }),
      asUser().deleteOne(where),
      asUser().deleteMany(where),
      asUser().findOneAndUpdate(where, { $set: { x: 1 } }),
      asUser().findOneAndReplace(where, { x: 1 }),
      asUser().findOneAndDelete(where),
      asUser().aggregate([{ $match: where }]).toArray(),
      asUser().aggregate([{ $lookup: { from: 'items', pipeline: [{ $match: where }], as: 'j' } }]).toArray(),
    ]) {
      expect((await refusal(attempt)).message).toMatch(/\$where is not allowed in user context/);
    }
    expect(await t.db.collection('items').countDocuments({ x: 1 })).toBe(0);
  });

  it('allows the other query operators users may use', async () => {
    const allowed = { n: { $gte: 5, $in: [5, 6], $nin: [7], $ne: 0, $mod: [5, 0], $type: 'int', $exists: true }, name: { $not: { $eq: 'x' } }, $nor: [{ n: 9 }] };
    expect(await asUser().find(allowed).toArray()).toEqual([{ _id: 1, name: 'apple', n: 5 }]);
  });

  it('leaves them all to the system user', async () => {
    expect(await asSystem().find({ name: /^a/, $expr: { $gt: ['$n', 1] } }).toArray()).toEqual([{ _id: 1, name: 'apple', n: 5 }]);
  });
});

describe('options', () => {
  it.each(['collation', 'readConcern', 'writeConcern'])('refuses the %s option for users', async (option) => {
    const options = { [option]: option === 'collation' ? { locale: 'en' } : { level: 'local' } };
    const error = await refusal(asUser().find({}, undefined, options).toArray());
    expect(error.message).toBe(`the ${option} option is not allowed in user context; App Services allows it only in system functions`);
    await refusal(asUser().updateOne({ _id: 1 }, { $set: { x: 1 } }, options));
    await refusal(asUser().insertOne({ _id: 3 }, options));
  });
});

describe('pipeline stages and operators', () => {
  it.each(['$collStats', '$currentOp', '$facet', '$geoNear', '$graphLookup', '$indexStats', '$merge', '$out'])(
    'refuses %s for users',
    async (stage) => {
      const error = await refusal(asUser().aggregate([{ [stage]: {} }]).toArray());
      expect(error.message).toMatch(new RegExp(`^the pipeline stage \\${stage} is not allowed`));
    },
  );

  it('refuses the $function operator anywhere in a user pipeline, and in a pipeline update', async () => {
    const fn = { $function: { body: 'function() { return 1 }', args: [], lang: 'js' } };
    expect((await refusal(asUser().aggregate([{ $addFields: { x: fn } }]).toArray())).message).toMatch(/\$function is not allowed in user context/);
    await refusal(asUser().updateOne({ _id: 1 }, [{ $set: { x: fn } }]));
  });

  it('refuses Atlas Search stages for users, saying the emulator cannot apply rules to them', async () => {
    for (const stage of ['$search', '$searchMeta', '$vectorSearch']) {
      const error = await refusal(asUser().aggregate([{ [stage]: {} }]).toArray());
      expect(error.message).toBe(`the emulator cannot apply rules to the Atlas Search stage ${stage}; run it as system`);
    }
  });

  it('allows $lookup and $unionWith for users, as the docs table does', async () => {
    const result = await asUser()
      .aggregate([{ $match: { _id: 1 } }, { $unionWith: { coll: 'items', pipeline: [{ $match: { _id: 2 } }] } }, { $project: { _id: 1 } }])
      .toArray();
    expect(result).toEqual([{ _id: 1 }, { _id: 2 }]);
  });

  it('lets the system user use $facet and $out', async () => {
    await asSystem().aggregate([{ $match: { n: 5 } }, { $out: 'copied' }]).toArray();
    expect(await t.db.collection('copied').find().toArray()).toEqual([{ _id: 1, name: 'apple', n: 5 }]);
  });
});
