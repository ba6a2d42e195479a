/**
 * The write flowchart (spec 2.3) for a document whose role is chosen. `%%root` is the document
 * after the write and `%%prevRoot` the one before (absent for an insert):
 *  1. `document_filters.write`, when defined, must hold — for an update both before and after the
 *     change, so a write can neither touch a document outside the filter nor move one into it;
 *  2. `write` true ⇒ every field may be written; `write` false ⇒ denied; `write` undefined ⇒
 *     every changed field needs field-level write (every field of a new or deleted document);
 *  3. an insert then needs `insert`, a delete `delete` (both default true; the role table says
 *     they are evaluated "only after determining that the role has write permission for all
 *     fields" of the document, which is what step 2 establishes).
 */
import { withImages, type ExpressionContext } from './context';
import { documentFiltersAllowWrite } from './document-filters';
import { then, type MaybePromise } from './evaluation';
import { firstUnwritableField } from './field-permissions';
import type { CompiledRole } from './roles';
import type { Document } from './values';

export type WriteDecision = { allowed: true } | { allowed: false; reason: string };

const ALLOWED: WriteDecision = { allowed: true };

function deny(role: CompiledRole, reason: string): WriteDecision {
  return { allowed: false, reason: `role "${role.name}": ${reason}` };
}

function imageContext(context: ExpressionContext, root: Document | undefined, prevRoot: Document | undefined): ExpressionContext {
  return withImages(context, { root, prevRoot });
}

/** Step 2 and the final `insert`/`delete` check. */
function fieldsThen(
  role: CompiledRole,
  before: Document | undefined,
  after: Document | undefined,
  context: ExpressionContext,
  skip: ReadonlySet<string> | undefined,
  last?: { check: (context: ExpressionContext) => MaybePromise<boolean>; name: string },
): MaybePromise<WriteDecision> {
  const finish = (): MaybePromise<WriteDecision> =>
    last ? then(last.check(context), (ok) => (ok ? ALLOWED : deny(role, `${last.name} is false`))) : ALLOWED;
  if (role.write !== undefined) {
    return then(role.write(context), (writable) => (writable ? finish() : deny(role, 'write is false')));
  }
  return then(
    firstUnwritableField(before, after, role.fields, role.additionalFields, context, '', skip),
    (field) => (field === undefined ? finish() : deny(role, `field "${field}" is not writable`)),
  );
}

/**
 * A new document (insertOne/insertMany, or the document an upsert would insert). `generatedId`:
 * the `_id` was generated rather than written by the caller, so it needs no field permission.
 */
export function insertDecision(
  role: CompiledRole,
  document: Document,
  context: ExpressionContext,
  generatedId: boolean,
): MaybePromise<WriteDecision> {
  const images = imageContext(context, document, undefined);
  return then(documentFiltersAllowWrite(role, images), (allowed) =>
    allowed
      ? fieldsThen(role, undefined, document, images, generatedId ? new Set(['_id']) : undefined, {
          check: role.insert,
          name: 'insert',
        })
      : deny(role, 'document_filters.write does not hold for the new document'),
  );
}

/** An update or replacement of an existing document. */
export function updateDecision(
  role: CompiledRole,
  before: Document,
  after: Document,
  context: ExpressionContext,
): MaybePromise<WriteDecision> {
  const images = imageContext(context, after, before);
  return then(documentFiltersAllowWrite(role, imageContext(context, before, before)), (beforeAllowed) => {
    if (!beforeAllowed) return deny(role, 'document_filters.write does not hold for the document');
    return then(documentFiltersAllowWrite(role, images), (afterAllowed) =>
      afterAllowed
        ? fieldsThen(role, before, after, images, undefined)
        : deny(role, 'document_filters.write does not hold for the document after the change'),
    );
  });
}

/** A delete of an existing document: `%%root` and `%%prevRoot` are both the document. */
export function deleteDecision(role: CompiledRole, before: Document, context: ExpressionContext): MaybePromise<WriteDecision> {
  const images = imageContext(context, before, before);
  return then(documentFiltersAllowWrite(role, images), (allowed) =>
    allowed
      ? fieldsThen(role, before, undefined, images, undefined, { check: role.delete, name: 'delete' })
      : deny(role, 'document_filters.write does not hold for the document'),
  );
}
