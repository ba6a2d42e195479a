/**
 * insertOne / insertMany under rules. Every new document must pass the insert rules (a role whose
 * `apply_when` holds for it, document_filters.write, write on every field it has, then `insert`);
 * if any document is denied, none is inserted and the operation fails with `insert not permitted`.
 * An `_id` the caller did not give is generated here, before the rules see the document, so
 * `%%root._id` is the id it will have (and, being the server's rather than the caller's, it needs
 * no field permission).
 */
import { ObjectId, type ClientSession, type Document } from 'mongodb';
import type { RulesOperation } from './rules-operation';
import { checkInsert } from './writes';

export interface InsertRequest {
  ordered?: boolean;
  session?: ClientSession;
}

export async function insertUnderRules(op: RulesOperation, documents: Document[], request: InsertRequest): Promise<unknown[]> {
  const prepared = documents.map((document) =>
    document._id === undefined
      ? { document: { _id: new ObjectId(), ...document }, generatedId: true }
      : { document, generatedId: false },
  );
  const roles: string[] = [];
  if (await op.writableWithoutDocuments('insert')) {
    roles.push(...prepared.map(() => (op.plan.kind === 'request' ? op.plan.role.name : '')));
  } else {
    for (const { document, generatedId } of prepared) roles.push(await checkInsert(op, document, generatedId));
  }
  const toInsert = prepared.map(({ document }) => document);
  if (toInsert.length === 1) await op.collection.insertOne(toInsert[0], { session: request.session });
  else await op.collection.insertMany(toInsert, { ordered: request.ordered ?? true, session: request.session });
  toInsert.forEach((document, i) => op.record({ id: document._id, role: roles[i], outcome: 'inserted' }));
  return toInsert.map((document) => document._id);
}
