/**
 * Every branch of the read flowchart (spec 2.3): search, document filters, document-level read and
 * write, and field-level permissions with nesting, additional_fields and write-implies-read.
 */
import type { Role } from '../../emulator/app/definition';
import { documentReadAccess, readContext, withholdFields } from '../../emulator/rules/read-access';
import { compiledRole, contextFor } from './helpers/compiled';

const DOCUMENT = { _id: 1, owner: '64b000000000000000000001', title: 'Notes', secret: 'x', meta: { views: 3, internal: 'y' } };

async function access(role: Omit<Role, 'name'>, options: { search?: boolean; document?: object } = {}) {
  const compiled = compiledRole(role);
  return documentReadAccess(compiled, readContext(contextFor(), (options.document ?? DOCUMENT) as Record<string, unknown>), options.search);
}

async function shown(role: Omit<Role, 'name'>, document: Record<string, unknown> = DOCUMENT) {
  const compiled = compiledRole(role);
  const withheld: string[] = [];
  const visible = await withholdFields(document, compiled, readContext(contextFor(), document), withheld);
  return { visible, withheld };
}

describe('step 1: Atlas Search requests', () => {
  it('denies a search when search is false, and goes on when it is true or absent', async () => {
    expect(await access({ read: true, search: false }, { search: true })).toEqual({ kind: 'none', reason: 'role "tested": search is false' });
    expect(await access({ read: true, search: true }, { search: true })).toEqual({ kind: 'all' });
    expect(await access({ read: true }, { search: true })).toEqual({ kind: 'all' });
  });

  it('does not look at search for other reads', async () => {
    expect(await access({ read: true, search: false })).toEqual({ kind: 'all' });
  });
});

describe('step 2: document filters', () => {
  it('goes on when document_filters is absent', async () => {
    expect(await access({ read: true })).toEqual({ kind: 'all' });
  });

  it('goes on when document_filters.read holds', async () => {
    expect(await access({ document_filters: { read: { owner: '%%user.id' } }, read: true })).toEqual({ kind: 'all' });
  });

  it('goes on when document_filters.read fails but document_filters.write holds', async () => {
    expect(await access({ document_filters: { read: false, write: { owner: '%%user.id' } }, read: true })).toEqual({ kind: 'all' });
  });

  it('denies when document_filters.read fails and write fails or is undefined', async () => {
    expect((await access({ document_filters: { read: false, write: false }, read: true })).kind).toBe('none');
    expect((await access({ document_filters: { read: { owner: 'someone' } }, read: true })).kind).toBe('none');
  });

  it('goes on when only document_filters.write is defined, even false (the tutorial read-only role)', async () => {
    expect(await access({ document_filters: { write: false }, read: true })).toEqual({ kind: 'all' });
    expect(await access({ document_filters: { read: true, write: false }, read: true, write: false })).toEqual({ kind: 'all' });
  });
});

describe('step 3: document-level read and write', () => {
  it('read true: the whole document', async () => {
    expect(await access({ read: true, write: false })).toEqual({ kind: 'all' });
  });

  it('read false, write true: the whole document (write implies read)', async () => {
    expect(await access({ read: false, write: { owner: '%%user.id' } })).toEqual({ kind: 'all' });
  });

  it('read false, write false or undefined: denied, without looking at field rules', async () => {
    const fields = { fields: { title: { read: true } } };
    expect(await access({ read: false, write: false, ...fields })).toEqual({ kind: 'none', reason: 'role "tested": read and write are false' });
    expect((await access({ read: false, ...fields })).kind).toBe('none');
  });

  it('read undefined, write true: the whole document', async () => {
    expect(await access({ write: true })).toEqual({ kind: 'all' });
  });

  it('read undefined, write false or undefined: field level', async () => {
    expect(await access({ write: false })).toEqual({ kind: 'fields' });
    expect(await access({})).toEqual({ kind: 'fields' });
  });

  it('evaluates read against the document as %%root and %%prevRoot alike', async () => {
    expect(await access({ read: { '%%root.owner': '%%user.id' } })).toEqual({ kind: 'all' });
    // An insert-only write rule does not make stored documents readable.
    expect(await access({ read: false, write: { '%%prevRoot': { '%exists': false } } })).toEqual({
      kind: 'none',
      reason: 'role "tested": read and write are false',
    });
  });
});

describe('step 4: field level', () => {
  it('keeps a field whose read holds, or whose write holds, and withholds the rest', async () => {
    const result = await shown({ fields: { title: { read: true }, owner: { write: true }, secret: { read: false, write: false } } });
    expect(result.visible).toEqual({ owner: DOCUMENT.owner, title: 'Notes' });
    expect(result.withheld).toEqual(['_id', 'secret', 'meta']);
  });

  it('judges unlisted fields by additional_fields (read, or write)', async () => {
    expect((await shown({ fields: { secret: { read: false } }, additional_fields: { read: true } })).visible).toEqual({
      _id: 1,
      owner: DOCUMENT.owner,
      title: 'Notes',
      meta: DOCUMENT.meta,
    });
    expect((await shown({ fields: { secret: { read: false } }, additional_fields: { write: true } })).withheld).toEqual(['secret']);
    expect((await shown({ additional_fields: { read: false } })).visible).toEqual({});
  });

  it('lets a parent field rule decide for its embedded fields', async () => {
    const role = { additional_fields: { read: true }, fields: { meta: { read: false, fields: { views: { read: true } } } } };
    expect((await shown(role)).withheld).toEqual(['meta']);
  });

  it('judges embedded fields one by one when the parent has no rule of its own', async () => {
    const role = { additional_fields: { read: true }, fields: { meta: { fields: { views: { read: true } } } } };
    const result = await shown(role);
    expect(result.visible.meta).toEqual({ views: 3 });
    expect(result.withheld).toEqual(['meta.internal']);
  });

  it('judges the embedded documents of an array one by one', async () => {
    const document = { _id: 2, lines: [{ sku: 'a', cost: 1 }, { sku: 'b', cost: 2 }, 'not a document'] };
    const result = await shown({ additional_fields: { read: true }, fields: { lines: { fields: { sku: { read: true } } } } }, document);
    expect(result.visible).toEqual({ _id: 2, lines: [{ sku: 'a' }, { sku: 'b' }] });
  });

  it('gives field rules the field value as %%this and the document as %%root', async () => {
    const role = {
      fields: {
        title: { read: { '%%this': { '%exists': true }, '%%root.owner': '%%user.id' } },
        secret: { read: { '%%this': 'not x' } },
      },
    };
    expect((await shown(role)).visible).toEqual({ title: 'Notes' });
  });
});
