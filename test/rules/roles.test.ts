/**
 * Which rules govern a namespace, how roles are chosen (once per request or per document, in
 * order), and filters (apply_when, query ANDed, projection merged).
 */
import type { Filter, Role } from '../../emulator/app/definition';
import { AppServicesError } from '../../emulator/http/errors';
import { applyFilters, mergeProjections, mergeQuery } from '../../emulator/rules/filters';
import { readContext } from '../../emulator/rules/read-access';
import { checkDataSourceRules, chooseRole, planRoles, rulesForNamespace } from '../../emulator/rules/roles';
import { compiledRules, contextFor } from './helpers/compiled';
import { definitionWith } from './helpers/definitions';

const ME = '64b000000000000000000001';
const owner: Role = { name: 'owner', apply_when: { owner: '%%user.id' }, read: true, write: true };
const admin: Role = { name: 'admin', apply_when: { '%%user.custom_data.admin': true }, read: true, write: true };
const reader: Role = { name: 'reader', apply_when: {}, read: true };

function thrown(fn: () => unknown): AppServicesError {
  try {
    fn();
  } catch (error) {
    return error as AppServicesError;
  }
  throw new Error('did not throw');
}

describe('which rules govern a namespace', () => {
  const definition = definitionWith({
    collections: { 'db.notes': { roles: [owner] }, 'db.empty': { roles: [] } },
    defaultRule: { roles: [reader] },
  });
  const dataSource = definition.dataSources.get('mongodb-atlas')!;

  it("uses the collection's roles when it has any", () => {
    const rules = rulesForNamespace(dataSource, 'db', 'notes');
    expect(rules).toMatchObject({ source: 'collection', file: 'data_sources/mongodb-atlas/db/notes/rules.json' });
    expect(rules.roles.map((role) => role.name)).toEqual(['owner']);
  });

  it('uses the default rule for a collection without roles, and never mixes the two', () => {
    expect(rulesForNamespace(dataSource, 'db', 'empty').roles.map((role) => role.name)).toEqual(['reader']);
    expect(rulesForNamespace(dataSource, 'other', 'thing')).toMatchObject({ source: 'default', file: 'data_sources/mongodb-atlas/default_rule.json' });
  });

  it('reports NoMatchingRuleFound when there are no roles at all', () => {
    const bare = definitionWith({ collections: { 'db.notes': { roles: [owner] } } }).dataSources.get('mongodb-atlas')!;
    const error = thrown(() => rulesForNamespace(bare, 'db', 'other'));
    expect(error).toBeInstanceOf(AppServicesError);
    expect(error).toMatchObject({ errorCode: 'NoMatchingRuleFound', status: 403, message: "no rule exists for namespace 'db.other'" });
  });

  it('reports a rule it cannot compile with its file and place', () => {
    const broken = definitionWith({ collections: { 'db.bad': { roles: [{ name: 'r', apply_when: { '%%nope': 1 } }] } } }).dataSources.get('mongodb-atlas')!;
    expect(thrown(() => checkDataSourceRules(broken)).message).toMatch(
      /^invalid rule in data_sources\/mongodb-atlas\/db\/bad\/rules.json: roles\[0\] \("r"\)\.apply_when: unknown expansion "%%nope"/,
    );
  });
});

describe('choosing a role', () => {
  it('decides once per request when apply_when reads nothing of the document', async () => {
    const rules = compiledRules([{ ...admin }, reader]);
    expect(await planRoles(rules.roles, contextFor({ custom_data: { admin: true } }))).toMatchObject({ kind: 'request', role: { name: 'admin' } });
    expect(await planRoles(rules.roles, contextFor())).toMatchObject({ kind: 'request', role: { name: 'reader' } });
  });

  it('finds no role when no apply_when can hold', async () => {
    const rules = compiledRules([admin]);
    expect(await planRoles(rules.roles, contextFor())).toEqual({ kind: 'none' });
  });

  it('chooses per document, in role order, when apply_when reads the document', async () => {
    const rules = compiledRules([owner, admin, reader, { name: 'never reached', read: false }]);
    const context = contextFor();
    const plan = await planRoles(rules.roles, context);
    expect(plan.kind).toBe('document');
    const roleFor = async (document: object) => (await chooseRole(plan, readContext(context, document as Record<string, unknown>)))?.name;
    expect(await roleFor({ owner: ME })).toBe('owner');
    expect(await roleFor({ owner: 'someone' })).toBe('reader');
  });

  it('drops request-level roles that do not apply and stops at the first that does', async () => {
    const rules = compiledRules([admin, owner, reader, owner]);
    const plan = await planRoles(rules.roles, contextFor());
    expect(plan.kind === 'document' && plan.candidates.map(({ role, always }) => [role.name, always])).toEqual([
      ['owner', false],
      ['reader', true],
    ]);
  });

  it('leaves a document without a role when none applies', async () => {
    const rules = compiledRules([owner]);
    const context = contextFor();
    const plan = await planRoles(rules.roles, context);
    expect(await chooseRole(plan, readContext(context, { owner: 'someone' }))).toBeUndefined();
  });
});

describe('filters', () => {
  const filters: Filter[] = [
    { name: 'mine', apply_when: { '%%user.type': 'normal' }, query: { owner: '%%user.id' }, projection: { secret: 0 } },
    { name: 'servers', apply_when: { '%%user.type': 'server' }, query: { public: true } },
    { name: 'no query', apply_when: {}, projection: { internal: 0 } },
  ];

  it('applies the filters whose apply_when holds, with expansions replaced', async () => {
    const rules = compiledRules([reader], filters);
    expect(await applyFilters(rules.filters, contextFor())).toEqual({
      decisions: [
        { name: 'mine', applied: true },
        { name: 'servers', applied: false },
        { name: 'no query', applied: true },
      ],
      queries: [{ owner: ME }],
      projection: { secret: 0, internal: 0 },
    });
  });

  it('makes a filter whose query uses an expansion with no value match nothing, and says so', async () => {
    const rules = compiledRules([reader], [{ name: 'tenant', apply_when: {}, query: { tenant: '%%user.custom_data.tenant' } }]);
    const context = contextFor();
    expect((await applyFilters(rules.filters, context)).queries).toEqual([{ _id: { $exists: false } }]);
    expect(context.failures).toEqual(['filter "tenant": its query uses an expansion with no value, so it matches no document']);
    const withTenant = contextFor({ custom_data: { tenant: 't1' } });
    expect((await applyFilters(rules.filters, withTenant)).queries).toEqual([{ tenant: 't1' }]);
  });

  it('ANDs filter queries into the operation query', () => {
    expect(mergeQuery({ title: 'x' }, [])).toEqual({ title: 'x' });
    expect(mergeQuery(undefined, [{ owner: ME }])).toEqual({ owner: ME });
    expect(mergeQuery({ owner: 'someone' }, [{ owner: ME }, { public: true }])).toEqual({
      $and: [{ owner: 'someone' }, { owner: ME }, { public: true }],
    });
  });

  it("merges projections, the filters' keys winning, and refuses a mix of inclusion and exclusion", () => {
    expect(mergeProjections({ title: 1 }, undefined)).toEqual({ title: 1 });
    expect(mergeProjections({ secret: 1, _id: 0 }, { secret: 0 })).toEqual({ secret: 0, _id: 0 });
    expect(thrown(() => mergeProjections({ title: 1 }, { secret: 0 }))).toMatchObject({ errorCode: 'InvalidParameter', status: 400 });
  });
});
