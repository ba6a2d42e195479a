/**
 * Every branch of the write flowchart (spec 2.3) for inserts, updates and deletes: document
 * filters, delete, write true/false/undefined, field-level write, insert, %%root and %%prevRoot.
 */
import { Double } from 'bson';
import type { Role } from '../../emulator/app/definition';
import { deleteDecision, insertDecision, updateDecision } from '../../emulator/rules/write-access';
import { compiledRole, contextFor } from './helpers/compiled';

const ME = '64b000000000000000000001';
const MINE = { _id: 1, owner: ME, title: 'Notes', status: 'draft', meta: { views: 3, pinned: false } };

const insert = (role: Omit<Role, 'name'>, document: Record<string, unknown> = MINE, generatedId = false) =>
  insertDecision(compiledRole(role), document, contextFor(), generatedId);
const update = (role: Omit<Role, 'name'>, after: Record<string, unknown>, before: Record<string, unknown> = MINE) =>
  updateDecision(compiledRole(role), before, after, contextFor());
const remove = (role: Omit<Role, 'name'>, before: Record<string, unknown> = MINE) => deleteDecision(compiledRole(role), before, contextFor());

describe('step 1: document_filters.write', () => {
  it('denies when it fails, and goes on when it holds or is undefined', async () => {
    expect(await update({ document_filters: { write: false }, write: true }, { ...MINE, title: 'x' })).toEqual({
      allowed: false,
      reason: 'role "tested": document_filters.write does not hold for the document',
    });
    expect(await update({ document_filters: { write: { owner: '%%user.id' } }, write: true }, { ...MINE, title: 'x' })).toEqual({ allowed: true });
    expect(await update({ write: true }, { ...MINE, title: 'x' })).toEqual({ allowed: true });
  });

  it('must hold after an update too, so a document cannot be moved out of the filter', async () => {
    expect(await update({ document_filters: { write: { owner: '%%user.id' } }, write: true }, { ...MINE, owner: 'someone else' })).toEqual({
      allowed: false,
      reason: 'role "tested": document_filters.write does not hold for the document after the change',
    });
  });

  it('is checked for the new document of an insert and the old one of a delete', async () => {
    expect((await insert({ document_filters: { write: { owner: 'nobody' } }, write: true })).allowed).toBe(false);
    expect((await remove({ document_filters: { write: { owner: 'nobody' } }, write: true })).allowed).toBe(false);
  });
});

describe('step 2: delete', () => {
  it('allows a delete when the role may write the document and delete is true or absent', async () => {
    expect(await remove({ write: true, delete: true })).toEqual({ allowed: true });
    expect(await remove({ write: true })).toEqual({ allowed: true });
  });

  it('denies a delete when delete is false', async () => {
    expect(await remove({ write: true, delete: false })).toEqual({ allowed: false, reason: 'role "tested": delete is false' });
  });

  it('denies a delete when write is false, whatever delete says', async () => {
    expect(await remove({ write: false, delete: true })).toEqual({ allowed: false, reason: 'role "tested": write is false' });
  });

  it('needs every field writable when write is undefined', async () => {
    expect(await remove({ additional_fields: { write: true }, delete: true })).toEqual({ allowed: true });
    expect(await remove({ fields: { title: { write: true } }, delete: true })).toEqual({
      allowed: false,
      reason: 'role "tested": field "_id" is not writable',
    });
  });
});

describe('step 3: write', () => {
  it('write true: any change', async () => {
    expect(await update({ write: true }, { _id: 1, replaced: true })).toEqual({ allowed: true });
  });

  it('write false: no change, whatever the field rules say', async () => {
    expect(await update({ write: false, additional_fields: { write: true } }, { ...MINE, title: 'x' })).toEqual({
      allowed: false,
      reason: 'role "tested": write is false',
    });
  });

  it('write undefined: every changed field needs field-level write, unchanged ones need nothing', async () => {
    const role = { fields: { title: { write: true }, status: { write: false } } };
    expect(await update(role, { ...MINE, title: 'Renamed' })).toEqual({ allowed: true });
    expect(await update(role, { ...MINE, status: 'published' })).toEqual({ allowed: false, reason: 'role "tested": field "status" is not writable' });
  });

  it('uses additional_fields.write for changed fields not listed, including added and removed ones', async () => {
    const role = { fields: { status: { write: false } }, additional_fields: { write: true } };
    expect(await update(role, { ...MINE, added: 1 })).toEqual({ allowed: true });
    const { title: _title, ...withoutTitle } = MINE;
    void _title;
    expect(await update(role, withoutTitle)).toEqual({ allowed: true });
    expect((await update({ fields: { title: { write: true } } }, { ...MINE, added: 1 })).allowed).toBe(false);
  });

  it('judges changed embedded fields by the nested rules, and a parent rule for the whole field', async () => {
    const nested = { fields: { meta: { fields: { views: { write: true } } } } };
    expect(await update(nested, { ...MINE, meta: { views: 4, pinned: false } })).toEqual({ allowed: true });
    expect(await update(nested, { ...MINE, meta: { views: 3, pinned: true } })).toEqual({
      allowed: false,
      reason: 'role "tested": field "meta.pinned" is not writable',
    });
    expect((await update(nested, { ...MINE, meta: 'flattened' })).allowed).toBe(false);
    const parent = { fields: { meta: { write: false, fields: { views: { write: true } } } } };
    expect((await update(parent, { ...MINE, meta: { views: 4, pinned: false } })).allowed).toBe(false);
  });

  it('counts a change of numeric type as a change', async () => {
    const role = { fields: { meta: { write: false } }, additional_fields: { write: true } };
    expect((await update(role, { ...MINE, meta: { views: 3, pinned: false } })).allowed).toBe(true);
    expect((await update(role, { ...MINE, meta: { views: new Double(3), pinned: false } })).allowed).toBe(false);
  });

  it('evaluates write with %%root after and %%prevRoot before, and field rules with %%this and %%prev', async () => {
    const publishOnce = { write: { '%%prevRoot.status': 'draft', '%%root.owner': '%%user.id' } };
    expect(await update(publishOnce, { ...MINE, status: 'published' })).toEqual({ allowed: true });
    expect((await update(publishOnce, { ...MINE, owner: 'someone' })).allowed).toBe(false);
    expect((await update(publishOnce, { ...MINE, title: 'x' }, { ...MINE, status: 'published' })).allowed).toBe(false);
    const onlyUp = { fields: { meta: { write: { '%%this.views': { '%gt': '%%prev.views' } } } } };
    expect((await update(onlyUp, { ...MINE, meta: { views: 4, pinned: false } })).allowed).toBe(true);
    expect((await update(onlyUp, { ...MINE, meta: { views: 2, pinned: false } })).allowed).toBe(false);
  });
});

describe('inserts', () => {
  it('need write (or write on every field) and then insert', async () => {
    expect(await insert({ write: true, insert: true })).toEqual({ allowed: true });
    expect(await insert({ write: true })).toEqual({ allowed: true });
    expect(await insert({ write: true, insert: false })).toEqual({ allowed: false, reason: 'role "tested": insert is false' });
    expect(await insert({ write: false, insert: true })).toEqual({ allowed: false, reason: 'role "tested": write is false' });
    expect(await insert({ additional_fields: { write: true } })).toEqual({ allowed: true });
    expect(await insert({ fields: { title: { write: true } }, additional_fields: { write: false } })).toEqual({
      allowed: false,
      reason: 'role "tested": field "_id" is not writable',
    });
  });

  it('need no permission for an _id the server generated', async () => {
    const role = { fields: { owner: { write: true }, title: { write: true }, status: { write: true }, meta: { write: true } } };
    expect(await insert(role, MINE, true)).toEqual({ allowed: true });
    expect((await insert(role, MINE, false)).allowed).toBe(false);
  });

  it('see no %%prevRoot, so an insert-only rule allows inserts and refuses updates', async () => {
    const insertOnly = { write: { '%%prevRoot': { '%exists': false } } };
    expect(await insert(insertOnly)).toEqual({ allowed: true });
    expect((await update(insertOnly, { ...MINE, title: 'x' })).allowed).toBe(false);
  });
});
