/**
 * Field-level permissions (spec 2.3 step 4, docs mongodb/tables/role-configuration.rst):
 *
 *  - a field listed in `fields` is governed by its own `read`/`write` (default false); when it
 *    defines either, that decides for the whole field and its embedded fields ("permissions on a
 *    field that contains an embedded document override any permissions defined for the document's
 *    embedded fields"); when it defines neither but has `fields`, its embedded fields are judged
 *    one by one by those (embedded fields not listed there are withheld: `additional_fields`
 *    exists only at the top level);
 *  - a top-level field not listed uses `additional_fields` (default false);
 *  - write implies read.
 *
 * `%%this` is the field's value (after the write), `%%prev` its value before.
 */
import { withImages, type ExpressionContext } from './context';
import { every, then, type MaybePromise } from './evaluation';
import type { RuleCheck } from './expressions';
import type { CompiledFieldRules } from './roles';
import { isPlainDocument, sameBsonValue, type Document } from './values';

interface Permission {
  read?: RuleCheck;
  write?: RuleCheck;
}

function fieldContext(context: ExpressionContext, permission: Permission, value: unknown, previous: unknown): ExpressionContext {
  const reads = permission.read?.readsDocument || permission.write?.readsDocument;
  return reads ? withImages(context, { this: value, prev: previous }) : context;
}

/** `read` holds, or else `write` does (write implies read); both absent: false. */
function readOrWrite(permission: Permission, context: ExpressionContext): MaybePromise<boolean> {
  const { read, write } = permission;
  if (read === undefined) return write === undefined ? false : write(context);
  return then(read(context), (readable) => readable || (write !== undefined && write(context)));
}

function readableValue(
  value: unknown,
  rules: CompiledFieldRules,
  context: ExpressionContext,
  path: string,
  withheld: string[] | undefined,
): MaybePromise<{ keep: boolean; value?: unknown }> {
  if (rules.read !== undefined || rules.write !== undefined) {
    return then(readOrWrite(rules, fieldContext(context, rules, value, value)), (keep) => ({ keep, value }));
  }
  if (rules.fields && isPlainDocument(value)) {
    return then(readableDocument(value, rules.fields, undefined, context, `${path}.`, withheld), (inner) => ({ keep: true, value: inner }));
  }
  if (rules.fields && Array.isArray(value)) {
    // As a projection of `array.field` does: embedded documents are judged one by one, other
    // elements cannot hold a listed field and are left out.
    const documents = value.filter(isPlainDocument);
    const judged: Document[] = [];
    return then(
      every(documents, (item) =>
        then(readableDocument(item, rules.fields!, undefined, context, `${path}.`, withheld), (inner) => {
          judged.push(inner);
          return true;
        }),
      ),
      () => ({ keep: true, value: judged }),
    );
  }
  return { keep: false };
}

/**
 * The document without the fields the role may not read. `withheld`, when given, collects their
 * dotted paths for the explanation.
 */
export function readableDocument(
  document: Document,
  fields: ReadonlyMap<string, CompiledFieldRules>,
  additional: Permission | undefined,
  context: ExpressionContext,
  prefix = '',
  withheld?: string[],
): MaybePromise<Document> {
  const result: Document = {};
  const judge = (key: string): MaybePromise<boolean> => {
    const value = document[key];
    const rules = fields.get(key);
    const decision: MaybePromise<{ keep: boolean; value?: unknown }> = rules
      ? readableValue(value, rules, context, prefix + key, withheld)
      : additional
        ? then(readOrWrite(additional, fieldContext(context, additional, value, value)), (keep) => ({ keep, value }))
        : { keep: false };
    return then(decision, ({ keep, value: kept }) => {
      if (keep) result[key] = kept;
      else withheld?.push(prefix + key);
      return true;
    });
  };
  return then(every(Object.keys(document), judge), () => result);
}

function changedKeys(before: Document | undefined, after: Document | undefined): string[] {
  const keys = new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})]);
  return [...keys].filter((key) => !sameBsonValue(before?.[key], after?.[key]));
}

function asDocument(value: unknown): Document | undefined {
  return isPlainDocument(value) ? value : undefined;
}

/** Embedded-field rules can only judge a field that is, before and after, a document or absent. */
function isDocumentOrAbsent(value: unknown): boolean {
  return value === undefined || isPlainDocument(value);
}

/**
 * Write flowchart, step 3 at field level: the first changed field (dotted path) the role may not
 * write, or undefined when it may write them all. For an insert `before` is absent, so every field
 * of the new document counts as changed; for a delete `after` is absent, so every field does too.
 * `skip` names top-level fields the caller did not write (an `_id` the server generated).
 */
export function firstUnwritableField(
  before: Document | undefined,
  after: Document | undefined,
  fields: ReadonlyMap<string, CompiledFieldRules>,
  additional: Permission | undefined,
  context: ExpressionContext,
  prefix = '',
  skip?: ReadonlySet<string>,
): MaybePromise<string | undefined> {
  let denied: string | undefined;
  const judge = (key: string): MaybePromise<boolean> => {
    if (skip?.has(key)) return true;
    const previous = before?.[key];
    const value = after?.[key];
    const rules = fields.get(key);
    let decision: MaybePromise<boolean | string | undefined>;
    if (rules && rules.write !== undefined) {
      decision = rules.write(fieldContext(context, rules, value, previous));
    } else if (rules?.fields && isDocumentOrAbsent(previous) && isDocumentOrAbsent(value)) {
      decision = then(
        firstUnwritableField(asDocument(previous), asDocument(value), rules.fields, undefined, context, `${prefix}${key}.`),
        (inner) => inner ?? true,
      );
    } else if (!rules && additional?.write !== undefined) {
      decision = additional.write(fieldContext(context, additional, value, previous));
    } else {
      decision = false;
    }
    return then(decision, (result) => {
      if (result === true) return true;
      denied = typeof result === 'string' ? result : prefix + key;
      return false;
    });
  };
  return then(every(changedKeys(before, after), judge), () => denied);
}
