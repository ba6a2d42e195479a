/**
 * Rule documents, shared by the current layout (data_sources/…/rules.json, default_rule.json) and
 * the legacy one (services/<svc>/rules/<db>.<coll>.json). Roles and filters keep App Services'
 * field names and stay uninterpreted; fields the rules engine does not know are dropped so its
 * input is exactly the documented shape.
 */
import type { z } from 'zod';
import type { FieldPermissions, Filter, Relationship, Role } from '../definition';
import { jsonPath } from '../problems';
import type { filterSchema, relationshipsSchema, roleSchema } from '../schemas/rules';
import type { LoadContext } from './context';

type RoleFile = z.output<typeof roleSchema>;
type FilterFile = z.output<typeof filterSchema>;

export function rolesFrom(context: LoadContext, roles: RoleFile[] | undefined, file: string, at: PropertyKey[]): Role[] {
  reportDuplicateNames(context, roles ?? [], 'role', file, at);
  return (roles ?? []).map((role) => {
    const typed: Role = { name: role.name };
    if (role.apply_when !== undefined) typed.apply_when = role.apply_when;
    if (role.document_filters !== undefined) typed.document_filters = readWrite(role.document_filters);
    for (const key of ['read', 'write', 'insert', 'delete', 'search'] as const) {
      if (role[key] !== undefined) typed[key] = role[key];
    }
    if (role.fields !== undefined) typed.fields = fieldsFrom(role.fields);
    if (role.additional_fields !== undefined) typed.additional_fields = readWrite(role.additional_fields);
    return typed;
  });
}

export function filtersFrom(context: LoadContext, filters: FilterFile[] | undefined, file: string, at: PropertyKey[]): Filter[] {
  reportDuplicateNames(context, filters ?? [], 'filter', file, at);
  return (filters ?? []).map((filter) => {
    const typed: Filter = { name: filter.name };
    if (filter.apply_when !== undefined) typed.apply_when = filter.apply_when;
    if (filter.query !== undefined) typed.query = filter.query;
    if (filter.projection !== undefined) typed.projection = filter.projection;
    return typed;
  });
}

export function relationshipsFrom(relationships: z.output<typeof relationshipsSchema> | undefined): Record<string, Relationship> {
  const typed: Record<string, Relationship> = {};
  for (const [field, relationship] of Object.entries(relationships ?? {})) {
    typed[field] = {
      ref: relationship.ref,
      source_key: relationship.source_key,
      foreign_key: relationship.foreign_key,
      is_list: relationship.is_list ?? false,
    };
  }
  return typed;
}

function readWrite(value: { read?: Role['read']; write?: Role['write'] }): { read?: Role['read']; write?: Role['write'] } {
  const typed: { read?: Role['read']; write?: Role['write'] } = {};
  if (value.read !== undefined) typed.read = value.read;
  if (value.write !== undefined) typed.write = value.write;
  return typed;
}

function fieldsFrom(fields: Record<string, FieldPermissions>): Record<string, FieldPermissions> {
  const typed: Record<string, FieldPermissions> = {};
  for (const [name, permissions] of Object.entries(fields)) {
    const field: FieldPermissions = readWrite(permissions);
    if (permissions.fields !== undefined) field.fields = fieldsFrom(permissions.fields);
    typed[name] = field;
  }
  return typed;
}

/** Role names are unique per collection (docs: rules/roles); so are filter names. */
function reportDuplicateNames(context: LoadContext, entries: Array<{ name: string }>, kind: string, file: string, at: PropertyKey[]): void {
  const seen = new Set<string>();
  entries.forEach((entry, index) => {
    if (seen.has(entry.name)) {
      context.problems.error('DuplicateName', `another ${kind} of this collection is already named "${entry.name}"; ${kind} names must be unique`, {
        file,
        path: jsonPath([...at, index, 'name']),
      });
    }
    seen.add(entry.name);
  });
}
