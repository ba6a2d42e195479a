/**
 * Reads under rules (find, findOne, count, distinct, and the readable view aggregate builds on).
 *
 * When the read access is the same for every document (the role is chosen per request and no read
 * rule reads the document), the read goes to the database as it is — filters' queries ANDed in,
 * sort, skip and limit pushed down — and only field withholding, if any, runs here. Otherwise
 * every document is judged as it streams in: unreadable ones are dropped, and skip and limit count
 * readable documents only, so the database cursor is read until `limit` readable documents are
 * found (and closed then).
 *
 * With a projection, rules are still judged on the whole stored document: the projected batch is
 * read as asked, and the whole documents of that batch are read by `_id` beside it. That keeps
 * projection semantics exactly MongoDB's (operators included) while a role whose `apply_when`
 * reads a field the projection leaves out is still chosen correctly.
 */
import type { ClientSession, Document, Sort } from 'mongodb';
import { driverBatches, type DocumentBatches } from './cursor';
import { valueAtPath, valuesEqual } from '../../rules/values';
import { EXACT_VALUES, idKey, toCallerShape, withoutId } from './documents';
import type { RulesOperation } from './rules-operation';

export interface ReadRequest {
  query?: Document;
  projection?: Document;
  sort?: Sort;
  skip?: number;
  limit?: number;
  session?: ClientSession;
  /** Read with EXACT_VALUES (for documents the service sends back to the database). */
  exactValues?: boolean;
}

function isExclusion(value: unknown): boolean {
  return value === 0 || value === false;
}

/** The projection to send so `_id` comes back (to pair a projected document with its whole one). */
function projectionKeepingId(projection: Document | undefined): { projection?: Document; dropId: boolean } {
  if (!projection || !isExclusion(projection._id)) return { projection, dropId: false };
  const kept = withoutId(projection);
  return { projection: Object.keys(kept).length > 0 ? kept : undefined, dropId: true };
}

/** The documents the caller may see, in batches as the database returns them. */
export async function* readableBatches(op: RulesOperation, request: ReadRequest): DocumentBatches {
  const query = op.query(request.query);
  const projection = op.projection(request.projection);
  const values = request.exactValues ? EXACT_VALUES : {};
  const access = await op.requestReadAccess();
  if (access?.kind === 'none') {
    op.recorder?.note(`nothing is readable (${access.reason}); the database was not queried`);
    return;
  }
  if (access) {
    op.recorder?.note('read access is the same for every document: query, sort, skip and limit sent to the database');
    const cursor = op.collection.find(query, { projection, sort: request.sort, skip: request.skip, limit: request.limit, session: request.session, ...values });
    if (access.kind === 'all') {
      yield* driverBatches(cursor);
      return;
    }
    const role = op.plan.kind === 'request' ? op.plan.role : undefined;
    for await (const batch of driverBatches(cursor)) {
      const visible: Document[] = [];
      for (const document of batch) visible.push(await op.withholdFields(role!, document));
      yield visible;
    }
    return;
  }
  op.recorder?.note('roles are judged per document; skip and limit count readable documents');
  yield* judgedPerDocument(op, query, projection, request, values);
}

async function* judgedPerDocument(
  op: RulesOperation,
  query: Document,
  projection: Document | undefined,
  request: ReadRequest,
  values: object,
): DocumentBatches {
  const skip = request.skip ?? 0;
  const limit = Math.abs(request.limit ?? 0);
  const sent = projectionKeepingId(projection);
  const cursor = op.collection.find(query, { projection: sent.projection, sort: request.sort, session: request.session, ...values });
  let skipped = 0;
  let returned = 0;
  for await (const batch of driverBatches(cursor)) {
    const whole = projection ? await wholeDocuments(op, batch, request.session, values) : undefined;
    const readable: Document[] = [];
    for (const shown of batch) {
      const full = whole ? whole.get(idKey(shown._id)) : shown;
      if (!full) continue; // deleted between the two reads
      const visible = await op.readDocument(full, shown);
      if (!visible) continue;
      if (skipped < skip) {
        skipped++;
        continue;
      }
      readable.push(sent.dropId ? withoutId(visible) : visible);
      if (limit > 0 && ++returned >= limit) break;
    }
    if (readable.length > 0) yield readable;
    if (limit > 0 && returned >= limit) return;
  }
}

async function wholeDocuments(op: RulesOperation, batch: Document[], session: ClientSession | undefined, values: object): Promise<Map<string, Document>> {
  const found = await op.collection.find({ _id: { $in: batch.map((document) => document._id) } }, { session, ...values }).toArray();
  return new Map(found.map((document) => [idKey(document._id), document]));
}

export async function countReadable(op: RulesOperation, query: Document | undefined, session?: ClientSession): Promise<number> {
  const access = await op.requestReadAccess();
  if (access?.kind === 'none') return 0;
  if (access) return op.collection.countDocuments(op.query(query), { session });
  let count = 0;
  for await (const batch of readableBatches(op, { query, session })) count += batch.length;
  return count;
}

/**
 * `distinct` over what the caller may read: values at the path (array values give their elements,
 * as MongoDB's distinct does), withheld fields contributing nothing.
 */
export async function distinctReadable(op: RulesOperation, field: string, query: Document | undefined, session?: ClientSession): Promise<unknown[]> {
  const access = await op.requestReadAccess();
  if (access?.kind === 'none') return [];
  if (access?.kind === 'all') return op.collection.distinct(field, op.query(query), { session });
  const path = field.split('.');
  const distinct: unknown[] = [];
  const add = (value: unknown) => {
    if (value !== undefined && !distinct.some((known) => valuesEqual(known, value))) distinct.push(value);
  };
  for await (const batch of readableBatches(op, { query, session, exactValues: true })) {
    for (const document of batch) {
      const value = valueAtPath(document, path);
      if (Array.isArray(value)) value.forEach(add);
      else add(value);
    }
  }
  return toCallerShape(distinct, op.scope.bsonOptions);
}
