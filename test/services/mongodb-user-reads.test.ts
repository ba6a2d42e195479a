/**
 * Reads as an application user: filters, per-document roles, field withholding, skip/limit over
 * readable documents, projections that leave out what roles read, count, distinct, aggregate
 * (including $lookup into a collection with its own rules), and explanations.
 */
import type { Role } from '../../emulator/app/definition';
import type { RulesExplanation } from '../../emulator/services/mongodb';
import { openTestDatabase, type TestDatabase } from '../helpers/database';
import { definitionWith, userWith } from '../rules/helpers/definitions';
import { dropInternalDatabase, ME, OTHER, refusal, seed, userService } from './helpers/service';

let t: TestDatabase;
let db: string;
beforeAll(async () => {
  t = await openTestDatabase('service_reads');
  db = t.db.databaseName;
  await seed(t, 'notes', NOTES);
  await seed(t, 'public', [{ _id: 'p1', note: 1, text: 'hello' }, { _id: 'p2', note: 2, text: 'world' }]);
  await seed(t, 'private', [{ _id: 'q1', note: 1, owner: OTHER }]);
});
afterAll(async () => {
  await dropInternalDatabase(t, definition());
  await t.close();
});

const NOTES = [
  { _id: 1, owner_id: ME, title: 'a', body: 'x', secret: 's1', n: 1 },
  { _id: 2, owner_id: OTHER, shared_with: [ME], title: 'b', body: 'y', secret: 's2', n: 2 },
  { _id: 3, owner_id: OTHER, title: 'c', body: 'z', secret: 's3', n: 3 },
  { _id: 4, owner_id: ME, title: 'd', archived: true, n: 4 },
  { _id: 5, owner_id: ME, title: 'e', secret: 's5', n: 5 },
];

const owner: Role = { name: 'owner', apply_when: { owner_id: '%%user.id' }, read: true, write: true };
const sharedWith: Role = { name: 'sharedWith', apply_when: { shared_with: '%%user.id' }, fields: { title: { read: true }, body: { read: true } } };

function definition(extra: { roles?: Role[] } = {}) {
  return definitionWith({
    collections: {
      [`${db}.notes`]: {
        roles: extra.roles ?? [owner, sharedWith],
        filters: [{ name: 'hideArchived', apply_when: { '%%user.type': 'normal' }, query: { archived: { $ne: true } } }],
      },
      [`${db}.private`]: { roles: [{ name: 'owner', apply_when: { owner: '%%user.id' }, read: true }] },
      [`${db}.nobody`]: { roles: [{ name: 'servers', apply_when: { '%%user.type': 'server' }, read: true }] },
    },
    defaultRule: { roles: [{ name: 'readAll', apply_when: {}, read: true }] },
  });
}

const notes = (explanations?: RulesExplanation[]) => userService(t, definition(), { explanations }).db(db).collection('notes');

describe('find under rules', () => {
  it('returns readable documents whole, partly readable ones without withheld fields, and leaves out the rest', async () => {
    expect(await notes().find({}).sort({ _id: 1 }).toArray()).toEqual([NOTES[0], { title: 'b', body: 'y' }, NOTES[4]]);
  });

  it('ANDs the filter query into the request (archived notes are never read)', async () => {
    expect(await notes().find({ _id: 4 }).toArray()).toEqual([]);
    expect(await notes().count({ owner_id: ME })).toBe(2);
  });

  it('applies skip and limit to readable documents, reading on until the limit is reached', async () => {
    expect(await notes().find({}).sort({ n: 1 }).skip(1).limit(1).toArray()).toEqual([{ title: 'b', body: 'y' }]);
    expect(await notes().find({}, undefined, { sort: { n: -1 }, limit: 2 }).toArray()).toEqual([NOTES[4], { title: 'b', body: 'y' }]);
  });

  it('chooses roles on the whole document even when the projection leaves out what apply_when reads', async () => {
    expect(await notes().find({}, { title: 1, secret: 1 }).sort({ _id: 1 }).toArray()).toEqual([
      { _id: 1, title: 'a', secret: 's1' },
      { title: 'b' },
      { _id: 5, title: 'e', secret: 's5' },
    ]);
    expect(await notes().find({}, { _id: 0, secret: 0, body: 0, n: 0 }).sort({ _id: 1 }).toArray()).toEqual([
      { owner_id: ME, title: 'a' },
      { title: 'b' },
      { owner_id: ME, title: 'e' },
    ]);
  });

  it('findOne returns a readable document, and null for one the user may not read', async () => {
    expect(await notes().findOne({ _id: 1 })).toEqual(NOTES[0]);
    expect(await notes().findOne({ _id: 3 })).toBeNull();
  });

  it('reads everything through the default rule, in one database query', async () => {
    const explanations: RulesExplanation[] = [];
    const service = userService(t, definition(), { explanations });
    expect(await service.db(db).collection('public').find({}).sort({ _id: -1 }).limit(1).toArray()).toEqual([{ _id: 'p2', note: 2, text: 'world' }]);
    expect(explanations[0]).toMatchObject({ rules: { source: 'default' }, roleChoice: 'request', role: 'readAll', documents: [] });
    expect(explanations[0].notes.join(' ')).toMatch(/sent to the database/);
  });

  it('reads nothing, without a query, when no role can apply', async () => {
    const nobody = userService(t, definition()).db(db).collection('nobody');
    expect(await nobody.find({}).toArray()).toEqual([]);
    expect(await nobody.count()).toBe(0);
    expect(await nobody.distinct('x')).toEqual([]);
  });

  it('refuses a namespace without rules with NoMatchingRuleFound', async () => {
    const bare = definitionWith({ collections: { [`${db}.notes`]: { roles: [owner] } } });
    const error = await refusal(userService(t, bare).db(db).collection('other').find({}).toArray());
    expect(error).toMatchObject({ status: 403, errorCode: 'NoMatchingRuleFound', message: `no rule exists for namespace '${db}.other'` });
  });

  it('calls %function in apply_when through the hook, and treats a failing one as false', async () => {
    const roles: Role[] = [{ name: 'vip', apply_when: { '%%true': { '%function': { name: 'isVip', arguments: ['%%user.id'] } } }, read: true }];
    const withFunctions = definitionWith({ collections: { [`${db}.notes`]: { roles } }, functions: ['isVip'] });
    const allowed = userService(t, withFunctions, { functions: async ({ arguments: [id] }) => id === ME });
    expect(await allowed.db(db).collection('notes').count()).toBe(5);
    const explanations: RulesExplanation[] = [];
    const failing = userService(t, withFunctions, { explanations, functions: async () => Promise.reject(new Error('boom')) });
    expect(await failing.db(db).collection('notes').count()).toBe(0);
    expect(explanations[0].failures).toEqual([expect.stringContaining('boom')]);
  });
});

describe('count, distinct and aggregate under rules', () => {
  it('count counts readable documents', async () => {
    expect(await notes().count()).toBe(3);
  });

  it('distinct leaves out values of withheld fields', async () => {
    expect(await notes().distinct('title')).toEqual(['a', 'b', 'e']);
    expect(await notes().distinct('secret')).toEqual(['s1', 's5']);
  });

  it('aggregate runs the pipeline on readable documents only, as the user sees them', async () => {
    expect(await notes().aggregate([{ $group: { _id: null, total: { $sum: '$n' }, titles: { $push: '$title' } } }]).toArray()).toEqual([
      { _id: null, total: 6, titles: ['a', 'b', 'e'] },
    ]);
  });

  it('aggregate pushes request-level rules into the pipeline', async () => {
    const explanations: RulesExplanation[] = [];
    const result = await userService(t, definition(), { explanations }).db(db).collection('public').aggregate([{ $count: 'n' }]).toArray();
    expect(result).toEqual([{ n: 2 }]);
    expect(explanations[0].notes.join(' ')).toMatch(/the pipeline runs on the collection/);
    const nobody = userService(t, definition()).db(db).collection('nobody');
    expect(await nobody.aggregate([{ $count: 'n' }]).toArray()).toEqual([]);
  });

  it('$lookup and $unionWith read the other collection under its own rules', async () => {
    const joined = await notes()
      .aggregate([{ $match: { _id: 1 } }, { $lookup: { from: 'public', localField: 'n', foreignField: 'note', as: 'public' } }, { $project: { public: 1 } }])
      .toArray();
    expect(joined).toEqual([{ _id: 1, public: [{ _id: 'p1', note: 1, text: 'hello' }] }]);
    const unioned = await userService(t, definition()).db(db).collection('public').aggregate([{ $unionWith: 'nobody' }, { $count: 'n' }]).toArray();
    expect(unioned).toEqual([{ n: 2 }]);
  });

  it('refuses a $lookup into a collection whose roles are chosen per document', async () => {
    const error = await refusal(notes().aggregate([{ $lookup: { from: 'private', localField: 'n', foreignField: 'note', as: 'p' } }]).toArray());
    expect(error.message).toMatch(/^the emulator cannot apply rules to \$lookup from .*\.private: the roles of .*\.private are chosen per document/);
  });
});

describe('explanations', () => {
  it('say which filter applied, which role each document got and which fields were withheld', async () => {
    const explanations: RulesExplanation[] = [];
    await notes(explanations).find({}).toArray();
    const [explanation] = explanations;
    expect(explanation).toMatchObject({
      operation: 'find',
      namespace: `${db}.notes`,
      runAsSystem: false,
      userId: ME,
      rules: { source: 'collection' },
      filters: [{ name: 'hideArchived', applied: true }],
      roleChoice: 'document',
    });
    expect(explanation.documents).toEqual([
      { id: 1, role: 'owner', outcome: 'read' },
      { id: 2, role: 'sharedWith', outcome: 'read-partially', withheld: ['_id', 'owner_id', 'shared_with', 'secret', 'n'] },
      { id: 3, role: null, outcome: 'omitted', reason: 'no role applies' },
      { id: 5, role: 'owner', outcome: 'read' },
    ]);
  });

  it('record a refusal as the error', async () => {
    const explanations: RulesExplanation[] = [];
    await refusal(notes(explanations).find({ title: { $regex: 'a' } }).toArray());
    expect(explanations[0].error).toEqual({ message: expect.stringContaining('$regex'), code: 'InvalidParameter' });
  });

  it('are given for a server user too, whose filter does not apply', async () => {
    const explanations: RulesExplanation[] = [];
    const service = userService(t, definition(), { explanations, user: userWith({ id: ME, type: 'server' }) });
    expect(await service.db(db).collection('notes').count({ _id: 4 })).toBe(1);
    expect(explanations[0].filters).toEqual([{ name: 'hideArchived', applied: false }]);
  });
});
