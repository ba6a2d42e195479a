/**
 * aggregate() under rules. The rules apply to the documents entering the pipeline, as a find would
 * return them; the pipeline then runs on the database as written:
 *
 *  - read access the same for every document: the filters' query and projection become a leading
 *    `$match` / `$project`, and the pipeline runs on the collection (nothing readable: a `$match`
 *    that matches nothing, so `$count` and `$group` still see an empty input);
 *  - otherwise the readable documents (roles judged per document, fields withheld) are read with
 *    their exact BSON types and the pipeline runs on them through `$documents` (MongoDB 5.1+), so
 *    the result is still computed by the database. The readable set then travels in one command,
 *    which MongoDB limits to 16 MB.
 *
 * `$lookup` and `$unionWith` (allowed to users) read another collection, whose own rules apply:
 * its filters and, when its read access is the same for every document, a leading `$match` (or a
 * match-nothing) in the joined pipeline. A joined collection whose roles are chosen per document
 * or withhold fields is refused with a clear error rather than joined unprotected.
 */
import type { ClientSession, Document } from 'mongodb';
import { isPlainDocument } from '../../rules/values';
import { notSupportedUnderRules } from './errors';
import { driverBatches, type DocumentBatches } from './cursor';
import { readableBatches } from './reads';
import { RulesOperation } from './rules-operation';

/** Every stored document has an `_id`, so this passes none. */
const MATCH_NOTHING: Document = { $match: { _id: { $exists: false } } };

export interface AggregateRequest {
  session?: ClientSession;
}

/** The stages that apply `op`'s rules to a read of its collection, when they can be stages. */
async function guardStages(op: RulesOperation, joined: string): Promise<Document[]> {
  const access = await op.requestReadAccess();
  if (access?.kind === 'none') return [MATCH_NOTHING];
  if (access?.kind !== 'all') {
    throw notSupportedUnderRules(
      `${joined}: the roles of ${op.rules.namespace} are chosen per document or withhold fields, which can only be applied outside a pipeline`,
    );
  }
  const stages: Document[] = [];
  const query = op.query();
  if (Object.keys(query).length > 0) stages.push({ $match: query });
  const projection = op.projection();
  if (projection) stages.push({ $project: projection });
  return stages;
}

async function joinedGuard(op: RulesOperation, database: string, collection: string, stage: string): Promise<Document[]> {
  const joined = await RulesOperation.prepare(op.scope, op.scope.collection(database, collection), undefined);
  op.recorder?.note(`${stage} reads ${database}.${collection} under its own rules (${joined.rules.file})`);
  return guardStages(joined, `${stage} from ${database}.${collection}`);
}

function target(spec: unknown, database: string): { database: string; collection: string } | undefined {
  if (typeof spec === 'string') return { database, collection: spec };
  if (isPlainDocument(spec) && typeof spec.coll === 'string') return { database: typeof spec.db === 'string' ? spec.db : database, collection: spec.coll };
  return undefined;
}

/** The pipeline with every `$lookup` / `$unionWith` reading its collection through that collection's rules. */
export async function guardJoins(op: RulesOperation, pipeline: Document[], database: string): Promise<Document[]> {
  const guarded: Document[] = [];
  for (const stage of pipeline) {
    const [name] = Object.keys(stage);
    const spec = stage[name];
    if (name === '$lookup' && isPlainDocument(spec)) {
      const inner = Array.isArray(spec.pipeline) ? await guardJoins(op, spec.pipeline, database) : [];
      const from = target(spec.from, database);
      const prefix = from ? await joinedGuard(op, from.database, from.collection, '$lookup') : [];
      const pipelineStages = [...prefix, ...inner];
      guarded.push({ $lookup: { ...spec, ...(pipelineStages.length > 0 ? { pipeline: pipelineStages } : {}) } });
    } else if (name === '$unionWith') {
      const from = target(isPlainDocument(spec) ? spec.coll : spec, database);
      const inner = isPlainDocument(spec) && Array.isArray(spec.pipeline) ? await guardJoins(op, spec.pipeline, database) : [];
      const prefix = from ? await joinedGuard(op, from.database, from.collection, '$unionWith') : [];
      const coll = isPlainDocument(spec) ? spec.coll : spec;
      guarded.push({ $unionWith: { coll, pipeline: [...prefix, ...inner] } });
    } else {
      guarded.push(stage);
    }
  }
  return guarded;
}

export async function* aggregateUnderRules(op: RulesOperation, pipeline: Document[], request: AggregateRequest): DocumentBatches {
  const database = op.collection.dbName;
  const guarded = await guardJoins(op, pipeline, database);
  const access = await op.requestReadAccess();
  if (access?.kind === 'all' || access?.kind === 'none') {
    op.recorder?.note('read access is the same for every document: the pipeline runs on the collection');
    const prefix = await guardStages(op, 'aggregate');
    yield* driverBatches(op.collection.aggregate([...prefix, ...guarded], { session: request.session }));
    return;
  }
  const readable: Document[] = [];
  for await (const batch of readableBatches(op, { session: request.session, exactValues: true })) readable.push(...batch);
  op.recorder?.note(`roles are judged per document: the pipeline runs on the ${readable.length} readable documents through $documents`);
  yield* driverBatches(op.scope.client.db(database).aggregate([{ $documents: readable }, ...guarded], { session: request.session, ...op.scope.valueOptions }));
}
