/**
 * Which rules govern a namespace, compiled once per app definition, and which role a caller plays.
 *
 * Candidate roles are the collection's roles when it defines any, else the data source's default
 * roles; there is no fallback from one to the other (spec 2.2). Without Device Sync the role is
 * chosen per document: the first role whose `apply_when` holds (docs rules/roles.txt, "Role
 * Order"). When the `apply_when` expressions before the first that holds read nothing of the
 * document, the choice is the same for every document and is made once per request.
 */
import type { CollectionRules, DataSourceDefinition, Filter, FieldPermissions, Role } from '../app/definition';
import type { ExpressionContext } from './context';
import { every, then, type MaybePromise } from './evaluation';
import { invalidRule, noMatchingRule } from './errors';
import { compileRule, compileTemplate, RuleExpressionError, type RuleCheck } from './expressions';
import type { CompiledValue } from './evaluation';

export interface CompiledFieldRules {
  read?: RuleCheck;
  write?: RuleCheck;
  fields?: ReadonlyMap<string, CompiledFieldRules>;
}

export interface CompiledRole {
  name: string;
  applyWhen: RuleCheck;
  documentFilters?: { read?: RuleCheck; write?: RuleCheck };
  read?: RuleCheck;
  write?: RuleCheck;
  /** Default true (docs mongodb/tables/role-configuration.rst). */
  insert: RuleCheck;
  delete: RuleCheck;
  search: RuleCheck;
  fields: ReadonlyMap<string, CompiledFieldRules>;
  additionalFields: { read?: RuleCheck; write?: RuleCheck };
  /** Whether any read-side rule (document filters, read, write, field rules) reads the document. */
  readDependsOnDocument: boolean;
}

export interface CompiledFilter {
  name: string;
  applyWhen: RuleCheck;
  query?: CompiledValue;
  projection?: CompiledValue;
}

export interface NamespaceRules {
  namespace: string;
  source: 'collection' | 'default';
  /** The rules file, for explanations and error messages. */
  file: string;
  roles: readonly CompiledRole[];
  filters: readonly CompiledFilter[];
}

function compileFields(fields: Record<string, FieldPermissions> | undefined, where: string): Map<string, CompiledFieldRules> {
  const compiled = new Map<string, CompiledFieldRules>();
  for (const [name, permissions] of Object.entries(fields ?? {})) {
    const at = `${where}.${name}`;
    compiled.set(name, {
      read: permissions.read === undefined ? undefined : compileRule(permissions.read, false, `${at}.read`),
      write: permissions.write === undefined ? undefined : compileRule(permissions.write, false, `${at}.write`),
      fields: permissions.fields ? compileFields(permissions.fields, `${at}.fields`) : undefined,
    });
  }
  return compiled;
}

function fieldRulesReadDocument(fields: ReadonlyMap<string, CompiledFieldRules>): boolean {
  for (const rules of fields.values()) {
    if (rules.read?.readsDocument || rules.write?.readsDocument) return true;
    if (rules.fields && fieldRulesReadDocument(rules.fields)) return true;
  }
  return false;
}

function optional(expression: Role['read'], where: string): RuleCheck | undefined {
  return expression === undefined ? undefined : compileRule(expression, false, where);
}

function compileRole(role: Role, where: string): CompiledRole {
  const documentFilters = role.document_filters
    ? {
        read: optional(role.document_filters.read, `${where}.document_filters.read`),
        write: optional(role.document_filters.write, `${where}.document_filters.write`),
      }
    : undefined;
  const compiled: CompiledRole = {
    name: role.name,
    applyWhen: compileRule(role.apply_when, true, `${where}.apply_when`),
    documentFilters,
    read: optional(role.read, `${where}.read`),
    write: optional(role.write, `${where}.write`),
    insert: compileRule(role.insert, true, `${where}.insert`),
    delete: compileRule(role.delete, true, `${where}.delete`),
    search: compileRule(role.search, true, `${where}.search`),
    fields: compileFields(role.fields, `${where}.fields`),
    additionalFields: {
      read: optional(role.additional_fields?.read, `${where}.additional_fields.read`),
      write: optional(role.additional_fields?.write, `${where}.additional_fields.write`),
    },
    readDependsOnDocument: false,
  };
  compiled.readDependsOnDocument = [
    documentFilters?.read,
    documentFilters?.write,
    compiled.read,
    compiled.write,
    compiled.additionalFields.read,
    compiled.additionalFields.write,
  ].some((check) => check?.readsDocument === true) || fieldRulesReadDocument(compiled.fields);
  return compiled;
}

function compileFilter(filter: Filter, where: string): CompiledFilter {
  return {
    name: filter.name,
    applyWhen: compileRule(filter.apply_when, true, `${where}.apply_when`),
    query: filter.query ? compileTemplate(filter.query, `${where}.query`) : undefined,
    projection: filter.projection ? compileTemplate(filter.projection, `${where}.projection`) : undefined,
  };
}

const compiledRules = new WeakMap<object, { roles: CompiledRole[]; filters: CompiledFilter[] }>();

function compileRules(rules: { roles: Role[]; filters: Filter[]; file: string }): { roles: CompiledRole[]; filters: CompiledFilter[] } {
  let compiled = compiledRules.get(rules);
  if (!compiled) {
    try {
      compiled = {
        roles: rules.roles.map((role, i) => compileRole(role, `roles[${i}] ("${role.name}")`)),
        filters: rules.filters.map((filter, i) => compileFilter(filter, `filters[${i}] ("${filter.name}")`)),
      };
    } catch (error) {
      if (error instanceof RuleExpressionError) throw invalidRule(rules.file, error.message);
      throw error;
    }
    compiledRules.set(rules, compiled);
  }
  return compiled;
}

/** The rules of `<database>.<collection>`, or NoMatchingRuleFound when there are none. */
export function rulesForNamespace(dataSource: DataSourceDefinition, database: string, collection: string): NamespaceRules {
  const namespace = `${database}.${collection}`;
  const own: CollectionRules | undefined = dataSource.collections.get(namespace)?.rules;
  if (own && own.roles.length > 0) return { namespace, source: 'collection', file: own.file, ...compileRules(own) };
  const fallback = dataSource.defaultRule;
  if (fallback && fallback.roles.length > 0) return { namespace, source: 'default', file: fallback.file, ...compileRules(fallback) };
  throw noMatchingRule(namespace);
}

/** Compiles every rule of a data source, so a broken rule is reported before any request meets it. */
export function checkDataSourceRules(dataSource: DataSourceDefinition): void {
  for (const definition of dataSource.collections.values()) if (definition.rules) compileRules(definition.rules);
  if (dataSource.defaultRule) compileRules(dataSource.defaultRule);
}

export type RolePlan =
  | { kind: 'none' }
  | { kind: 'request'; role: CompiledRole }
  /** `always`: an `apply_when` that held for the request, ending the list. */
  | { kind: 'document'; candidates: readonly { role: CompiledRole; always: boolean }[] };

/**
 * Evaluates what can be decided for the whole request: roles whose `apply_when` reads nothing of
 * the document are settled now (false ones dropped; the first true one ends the list), and the
 * rest are kept, in order, for each document.
 */
export function planRoles(roles: readonly CompiledRole[], context: ExpressionContext): MaybePromise<RolePlan> {
  const candidates: { role: CompiledRole; always: boolean }[] = [];
  const consider = (role: CompiledRole): MaybePromise<boolean> => {
    if (role.applyWhen.readsDocument) {
      candidates.push({ role, always: false });
      return true;
    }
    return then(role.applyWhen(context), (applies) => {
      if (applies) candidates.push({ role, always: true });
      return !applies;
    });
  };
  return then(
    every(roles, consider),
    (): RolePlan => {
      if (candidates.length === 0) return { kind: 'none' };
      if (candidates.length === 1 && candidates[0].always) return { kind: 'request', role: candidates[0].role };
      return { kind: 'document', candidates };
    },
  );
}

/** The role for one document: the first candidate whose `apply_when` holds for it. */
export function chooseRole(plan: RolePlan, context: ExpressionContext): MaybePromise<CompiledRole | undefined> {
  if (plan.kind === 'none') return undefined;
  if (plan.kind === 'request') return plan.role;
  let chosen: CompiledRole | undefined;
  const tryRole = ({ role, always }: { role: CompiledRole; always: boolean }): MaybePromise<boolean> => {
    if (always) {
      chosen = role;
      return false;
    }
    return then(role.applyWhen(context), (applies) => {
      if (applies) chosen = role;
      return !applies;
    });
  };
  return then(every(plan.candidates, tryRole), () => chosen);
}
