/** Comparison query operators on arrays, nulls, nested paths and mixed types, as MongoDB defines them. */
import { MaxKey, MinKey } from 'mongodb';
import { openTestDatabase, TestDatabase } from '../../helpers/database';

let t: TestDatabase;
const documents = [
  { _id: 'pair', a: [1, 2] },
  { _id: 'reversed', a: [2, 1] },
  { _id: 'nested', a: [[1, 2], 3] },
  { _id: 'one', a: 1 },
  { _id: 'three', a: 3 },
  { _id: 'string', a: 'z' },
  { _id: 'null', a: null },
  { _id: 'missing' },
  { _id: 'empty', a: [] },
  { _id: 'withNull', a: [null, 7] },
  { _id: 'objects', a: [{ b: [4, 5] }, { b: 6 }] },
];

beforeAll(async () => {
  t = await openTestDatabase('query_operators');
  await t.db.collection<{ _id: string }>('values').insertMany(documents);
});
afterAll(async () => t.close());

const ids = async (filter: object) =>
  (await t.db.collection<{ _id: string }>('values').find(filter).toArray()).map((d) => d._id).sort();

describe('comparison operators', () => {
  it('an array value equals an array field whole, or an array element', async () => {
    expect(await ids({ a: [1, 2] })).toEqual(['nested', 'pair']);
  });

  it('a scalar equals an array field through any element, not through nested arrays', async () => {
    expect(await ids({ a: 1 })).toEqual(['one', 'pair', 'reversed']);
  });

  it('null equals null, missing fields and null elements', async () => {
    expect(await ids({ a: null })).toEqual(['missing', 'null', 'withNull']);
  });

  it('$ne is the complement of equality', async () => {
    expect(await ids({ a: { $ne: 1 } })).toEqual(['empty', 'missing', 'nested', 'null', 'objects', 'string', 'three', 'withNull']);
  });

  it('ordered comparisons are type-bracketed and reach array elements', async () => {
    expect(await ids({ a: { $gt: 2 } })).toEqual(['nested', 'three', 'withNull']);
    expect(await ids({ a: { $lt: 'zz' } })).toEqual(['string']);
    expect(await ids({ a: { $gte: null } })).toEqual(['missing', 'null', 'withNull']);
    expect(await ids({ a: { $gt: null } })).toEqual([]);
  });

  it('MinKey and MaxKey bound values of every type', async () => {
    const some = { _id: { $in: ['one', 'string', 'null', 'pair', 'objects'] } };
    expect(await ids({ ...some, a: { $gt: new MinKey() } })).toEqual(['null', 'objects', 'one', 'pair', 'string']);
    expect(await ids({ ...some, a: { $lt: new MaxKey() } })).toEqual(['null', 'objects', 'one', 'pair', 'string']);
  });

  it('$in matches elements, whole arrays, null as missing, and regular expressions', async () => {
    expect(await ids({ a: { $in: [3, 'nothing'] } })).toEqual(['nested', 'three']);
    expect(await ids({ a: { $in: [[2, 1]] } })).toEqual(['reversed']);
    expect(await ids({ a: { $in: [null] } })).toEqual(['missing', 'null', 'withNull']);
    expect(await ids({ a: { $in: [/^z/] } })).toEqual(['string']);
    expect(await ids({ a: { $nin: [1, 2, 3, null] } })).toEqual(['empty', 'objects', 'string']);
  });

  it('dotted paths reach through arrays of documents and their arrays', async () => {
    expect(await ids({ 'a.b': 5 })).toEqual(['objects']);
    expect(await ids({ 'a.b': { $in: [6] } })).toEqual(['objects']);
    expect(await ids({ 'a.b': { $gt: 5 } })).toEqual(['objects']);
    // a.0 of [[1, 2], 3] is the array [1, 2], which equals 2 through an element.
    expect(await ids({ 'a.0': 2 })).toEqual(['nested', 'reversed']);
  });

  it('refuses an operator nested in $in', async () => {
    await expect(ids({ a: { $in: [{ $gt: 1 }] } })).rejects.toMatchObject({ code: 2 });
  });
});
