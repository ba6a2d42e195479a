/**
 * Compiled roles and contexts for rule-level tests: one role (or rule set) in, the engine's view out.
 */
import type { Filter, Role } from '../../../emulator/app/definition';
import type { AppUser } from '../../../emulator/auth/user';
import { requestContext, type ExpressionContext } from '../../../emulator/rules/context';
import { rulesForNamespace, type CompiledRole, type NamespaceRules } from '../../../emulator/rules/roles';
import { definitionWith, requestWith, userWith } from './definitions';

export function compiledRules(roles: Role[], filters: Filter[] = []): NamespaceRules {
  const definition = definitionWith({ collections: { 'db.c': { roles, filters } } });
  return rulesForNamespace(definition.dataSources.get('mongodb-atlas')!, 'db', 'c');
}

export function compiledRole(role: Omit<Role, 'name'> & { name?: string }): CompiledRole {
  return compiledRules([{ name: 'tested', ...role }]).roles[0];
}

export function contextFor(user: Partial<AppUser> = {}): ExpressionContext & { failures: string[] } {
  const failures: string[] = [];
  const context = requestContext({
    definition: definitionWith({}),
    user: userWith(user),
    request: requestWith(),
    onFailure: (reason) => failures.push(reason),
  });
  return Object.assign(context, { failures });
}
