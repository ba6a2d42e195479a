/**
 * Updates, replacements and deletes under rules, for when the write side of the rules cannot be
 * settled once per request (see RulesOperation.writableWithoutDocuments for when it can).
 *
 * For each candidate document (matched by the caller's query with the filters' queries ANDed in):
 * choose its role on the stored document, compute the document the change would make
 * (after-images.ts), judge the write (rules/write-access.ts), and only then write that one
 * document by `_id`, on condition that it is still exactly the document judged. A document that
 * changed in between is read and judged again (five attempts), so a concurrent write is never
 * overwritten by a decision taken on a stale image. Denied documents are left untouched: a
 * single-document operation fails with `update not permitted` / `delete not permitted`, a
 * multi-document one changes only the documents the caller may write and counts only those.
 */
import type { ClientSession, Document, Sort } from 'mongodb';
import { isPlainDocument, sameBsonValue } from '../../rules/values';
import { deleteDecision, updateDecision, insertDecision, type WriteDecision } from '../../rules/write-access';
import { afterImages, upsertImage, type Change } from './after-images';
import { EXACT_VALUES, idKey, toCallerShape } from './documents';
import { concurrentModification, writeNotPermitted } from './errors';
import type { RulesOperation } from './rules-operation';

const ATTEMPTS = 5;

export interface UpdateRequest {
  query?: Document;
  change: Change;
  upsert: boolean;
  many: boolean;
  sort?: Sort;
  arrayFilters?: Document[];
  session?: ClientSession;
}

export interface WriteOutcome {
  matchedCount: number;
  modifiedCount: number;
  upsertedId?: unknown;
  /** The one document's images, for findOneAndUpdate/Replace (before is absent after an upsert). */
  before?: Document;
  after?: Document;
}

/** Matches the document only while it is exactly `image` (an optimistic write condition). */
function unchangedSince(image: Document): Document {
  return { _id: image._id, $expr: { $eq: ['$$ROOT', { $literal: image }] } };
}

function pinned(id: unknown, query: Document): Document {
  return Object.keys(query).length === 0 ? { _id: id } : { $and: [{ _id: id }, query] };
}

function candidates(op: RulesOperation, query: Document, many: boolean, sort: Sort | undefined, session?: ClientSession) {
  return op.collection.find(query, { sort, limit: many ? 0 : 1, session, ...EXACT_VALUES }).toArray();
}

type Settled =
  | { status: 'updated' | 'unchanged'; before: Document; after: Document }
  | { status: 'denied'; reason: string }
  | { status: 'vanished' };

async function judgeUpdate(op: RulesOperation, before: Document, after: Document): Promise<{ role?: string; decision: WriteDecision }> {
  const role = await op.roleFor(before, before);
  if (!role) return { decision: { allowed: false, reason: 'no role applies' } };
  return { role: role.name, decision: await updateDecision(role, before, after, op.context) };
}

async function settleUpdate(op: RulesOperation, query: Document, request: UpdateRequest, before: Document, after?: Document): Promise<Settled> {
  const appId = op.scope.definition.meta.appId;
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    after ??= (await afterImages(op.scope.client, appId, [before], query, request.change, request)).get(idKey(before._id)) ?? before;
    const { role, decision } = await judgeUpdate(op, before, after);
    if (!decision.allowed) {
      op.record({ id: before._id, role: role ?? null, outcome: 'denied', reason: decision.reason });
      return { status: 'denied', reason: decision.reason };
    }
    if (sameBsonValue(before, after)) {
      op.record({ id: before._id, role: role ?? null, outcome: 'unchanged' });
      return { status: 'unchanged', before, after };
    }
    const written = await op.collection.replaceOne(unchangedSince(before), after, { session: request.session });
    // Number(): a handle that keeps exact values (exactValues) reads the reply's counts as Int32s too.
    if (Number(written.matchedCount) === 1) {
      op.record({ id: before._id, role: role ?? null, outcome: 'updated' });
      return { status: 'updated', before, after };
    }
    const current = await op.collection.findOne(pinned(before._id, query), { session: request.session, ...EXACT_VALUES });
    if (!current) return { status: 'vanished' };
    before = current;
    after = undefined;
  }
  throw concurrentModification(before._id);
}

export async function updateUnderRules(op: RulesOperation, request: UpdateRequest): Promise<WriteOutcome> {
  const query = op.query(request.query);
  const found = await candidates(op, query, request.many, request.sort, request.session);
  if (found.length === 0) return request.upsert ? upsertUnderRules(op, query, request) : { matchedCount: 0, modifiedCount: 0 };
  const images = await afterImages(op.scope.client, op.scope.definition.meta.appId, found, query, request.change, request);
  const outcome: WriteOutcome = { matchedCount: 0, modifiedCount: 0 };
  for (const before of found) {
    const settled = await settleUpdate(op, query, request, before, images.get(idKey(before._id)));
    if (settled.status === 'denied' && !request.many) throw writeNotPermitted('update');
    if (settled.status !== 'updated' && settled.status !== 'unchanged') continue;
    outcome.matchedCount++;
    if (settled.status === 'updated') outcome.modifiedCount++;
    if (!request.many) Object.assign(outcome, { before: settled.before, after: settled.after });
  }
  return outcome;
}

/** Whether the caller wrote `_id` (in the query's equalities or the change), rather than the server generating it. */
function mentionsId(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(mentionsId);
  if (!isPlainDocument(value)) return false;
  return Object.entries(value).some(([key, inner]) => key === '_id' || mentionsId(inner));
}

/**
 * Nothing matched and the caller asked for an upsert: the new document must pass the insert rules
 * (App Services: "insert not permitted" otherwise).
 */
async function upsertUnderRules(op: RulesOperation, query: Document, request: UpdateRequest): Promise<WriteOutcome> {
  const document = await upsertImage(op.scope.client, op.scope.definition.meta.appId, query, request.change, request);
  if (!document) return { matchedCount: 0, modifiedCount: 0 };
  const change = request.change.kind === 'replace' ? request.change.replacement : request.change.update;
  const role = await checkInsert(op, document, !mentionsId(request.query) && !mentionsId(change));
  await op.collection.insertOne(document, { session: request.session });
  op.record({ id: document._id, role, outcome: 'inserted' });
  return { matchedCount: 0, modifiedCount: 0, upsertedId: toCallerShape(document._id, op.scope.bsonOptions), after: document };
}

/** Throws `insert not permitted` unless a role lets the caller insert `document`; gives that role's name. */
export async function checkInsert(op: RulesOperation, document: Document, generatedId: boolean): Promise<string> {
  const role = await op.roleFor(document);
  const decision: WriteDecision = role
    ? await insertDecision(role, document, op.context, generatedId)
    : { allowed: false, reason: 'no role applies' };
  if (!decision.allowed) {
    op.record({ id: document._id, role: role?.name ?? null, outcome: 'denied', reason: decision.reason });
    throw writeNotPermitted('insert');
  }
  return role!.name;
}

export interface DeleteRequest {
  query?: Document;
  many: boolean;
  sort?: Sort;
  session?: ClientSession;
}

export async function deleteUnderRules(op: RulesOperation, request: DeleteRequest): Promise<{ deletedCount: number; deleted?: Document }> {
  const query = op.query(request.query);
  const found = await candidates(op, query, request.many, request.sort, request.session);
  const outcome: { deletedCount: number; deleted?: Document } = { deletedCount: 0 };
  for (let before of found) {
    for (let attempt = 0; ; attempt++) {
      if (attempt === ATTEMPTS) throw concurrentModification(before._id);
      const role = await op.roleFor(before, before);
      const decision: WriteDecision = role ? await deleteDecision(role, before, op.context) : { allowed: false, reason: 'no role applies' };
      if (!decision.allowed) {
        op.record({ id: before._id, role: role?.name ?? null, outcome: 'denied', reason: decision.reason });
        if (!request.many) throw writeNotPermitted('delete');
        break;
      }
      const deleted = await op.collection.deleteOne(unchangedSince(before), { session: request.session });
      if (Number(deleted.deletedCount) === 1) {
        op.record({ id: before._id, role: role!.name, outcome: 'deleted' });
        outcome.deletedCount++;
        if (!request.many) outcome.deleted = before;
        break;
      }
      const current = await op.collection.findOne(pinned(before._id, query), { session: request.session, ...EXACT_VALUES });
      if (!current) break;
      before = current;
    }
  }
  return outcome;
}
