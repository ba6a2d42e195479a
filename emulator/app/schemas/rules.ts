/**
 * Roles and filters (docs: rules/roles, rules/filters, mongodb/tables/role-configuration), as
 * they appear in rules.json, default_rule.json and the legacy services/<svc>/rules/<db.coll>.json.
 * Role and filter names are at most 100 characters.
 */
import { z } from 'zod';
import type { FieldPermissions } from '../definition';
import { jsonObject, ruleExpression } from './common';

const readWrite = z.looseObject({
  read: ruleExpression.optional(),
  write: ruleExpression.optional(),
});

export const fieldPermissionsSchema: z.ZodType<FieldPermissions> = z.lazy(() =>
  z.looseObject({
    read: ruleExpression.optional(),
    write: ruleExpression.optional(),
    fields: z.record(z.string(), fieldPermissionsSchema).optional(),
  }),
);

export const roleSchema = z.looseObject({
  name: z.string().min(1).max(100),
  apply_when: ruleExpression.optional(),
  document_filters: readWrite.optional(),
  read: ruleExpression.optional(),
  write: ruleExpression.optional(),
  insert: ruleExpression.optional(),
  delete: ruleExpression.optional(),
  search: ruleExpression.optional(),
  fields: z.record(z.string(), fieldPermissionsSchema).optional(),
  additional_fields: readWrite.optional(),
});

export const filterSchema = z.looseObject({
  name: z.string().min(1).max(100),
  apply_when: ruleExpression.optional(),
  query: jsonObject.optional(),
  projection: jsonObject.optional(),
});

/** data_sources/<ds>/<db>/<coll>/rules.json; ≈2021 exports also embed the schema here. */
export const collectionRulesSchema = z.looseObject({
  database: z.string().optional(),
  collection: z.string().optional(),
  roles: z.array(roleSchema).optional(),
  filters: z.array(filterSchema).optional(),
  schema: jsonObject.optional(),
});

export const defaultRuleSchema = z.looseObject({
  roles: z.array(roleSchema).optional(),
  filters: z.array(filterSchema).optional(),
});

export const relationshipsSchema = z.record(
  z.string(),
  z.looseObject({
    ref: z.string(),
    source_key: z.string(),
    foreign_key: z.string(),
    is_list: z.boolean().optional(),
  }),
);

/** schema.json: the root must be an object schema (docs: schemas). */
export const collectionSchemaSchema = jsonObject;
