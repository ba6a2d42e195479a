/**
 * The read flowchart (spec 2.3) for a document whose role is chosen:
 *  1. an Atlas Search request needs `search`;
 *  2. `document_filters` must let the role go on;
 *  3. `read` true ⇒ the whole document; `read` false ⇒ the whole document if `write` is true, else
 *     nothing; `read` undefined ⇒ the whole document if `write` is true, else field level;
 *  4. field level: each field by its own rules (field-permissions.ts).
 *
 * In a read there is one image of the document: `%%root` and `%%prevRoot` are both the document,
 * so a `write` rule such as `{ "%%prevRoot": { "%exists": false } }` (insert only) does not make
 * every document readable through "write implies read".
 */
import { withImages, type ExpressionContext } from './context';
import { documentFiltersAllowRead } from './document-filters';
import { then, type MaybePromise } from './evaluation';
import { readableDocument } from './field-permissions';
import type { CompiledRole } from './roles';
import type { Document } from './values';

export type ReadAccess = { kind: 'all' } | { kind: 'fields' } | { kind: 'none'; reason: string };

const ALL: ReadAccess = { kind: 'all' };
const FIELDS: ReadAccess = { kind: 'fields' };

/** The context in which a role judges reading `document` (omit it for a request-level decision). */
export function readContext(context: ExpressionContext, document?: Document): ExpressionContext {
  return document === undefined ? context : withImages(context, { root: document, prevRoot: document });
}

/** Steps 1–3. `context` is readContext(...) of the document. */
export function documentReadAccess(role: CompiledRole, context: ExpressionContext, search = false): MaybePromise<ReadAccess> {
  const afterSearch = (): MaybePromise<ReadAccess> =>
    then(documentFiltersAllowRead(role, context), (allowed) =>
      allowed ? documentLevel(role, context) : { kind: 'none', reason: `role "${role.name}": document_filters deny reading` },
    );
  if (!search) return afterSearch();
  return then(role.search(context), (searchable) =>
    searchable ? afterSearch() : { kind: 'none', reason: `role "${role.name}": search is false` },
  );
}

function documentLevel(role: CompiledRole, context: ExpressionContext): MaybePromise<ReadAccess> {
  const { read, write } = role;
  const byWrite = (otherwise: ReadAccess): MaybePromise<ReadAccess> =>
    write === undefined ? otherwise : then(write(context), (writable) => (writable ? ALL : otherwise));
  if (read === undefined) return byWrite(FIELDS);
  return then(read(context), (readable) =>
    readable ? ALL : byWrite({ kind: 'none', reason: `role "${role.name}": read and write are false` }),
  );
}

/**
 * Step 4: `shown` (the document as the caller will see it, possibly projected) without the fields
 * the role may not read, judged with `context` (readContext of the whole document).
 */
export function withholdFields(
  shown: Document,
  role: CompiledRole,
  context: ExpressionContext,
  withheld?: string[],
): MaybePromise<Document> {
  return readableDocument(shown, role.fields, role.additionalFields, context, '', withheld);
}
