/**
 * What App Services refuses when an operation runs as an application user, from its own tables
 * (docs-app-services source/mongodb/crud-and-aggregation-apis.txt):
 *
 *  - query operators: the evaluation operators `$expr $jsonSchema $regex $text $where`, every
 *    geospatial operator and every bitwise query operator (a regular expression value is a
 *    `$regex` too);
 *  - options: collation, read concern, write concern;
 *  - pipeline stages: `$collStats $currentOp $facet $geoNear $graphLookup $indexStats $merge $out`
 *    (`$lookup` and `$unionWith` are allowed; the other collection's rules apply, see
 *    pipelines.ts); the `$function` aggregation operator anywhere in a pipeline.
 *
 * The system user may use all of these except `$indexStats`, which the same table marks "No" for
 * both contexts.
 *
 * Atlas Search stages (`$search`, `$searchMeta`, `$vectorSearch`) are allowed to users by App
 * Services, which runs the search as system and then applies the `search` permission and
 * field-level read rules. This emulator does not apply rules to them and refuses them for users,
 * saying so, rather than returning unfiltered search results. Neither may reach the emulator's own database, even through `$out`, `$merge`,
 * `$lookup` or `$unionWith` naming another database.
 */
import { isInternalDatabase } from '../../mongo/internal';
import { bsonTypeOf, isPlainDocument } from '../../rules/values';
import { notAllowed, notAllowedInUserContext, notSupportedUnderRules, reservedDatabase } from './errors';

const USER_FORBIDDEN_QUERY_OPERATORS = new Set([
  '$expr',
  '$jsonSchema',
  '$regex',
  '$text',
  '$where',
  '$geoIntersects',
  '$geoWithin',
  '$near',
  '$nearSphere',
  '$bitsAllClear',
  '$bitsAllSet',
  '$bitsAnyClear',
  '$bitsAnySet',
]);

const USER_FORBIDDEN_STAGES = new Set([
  '$collStats',
  '$currentOp',
  '$facet',
  '$geoNear',
  '$graphLookup',
  '$indexStats',
  '$merge',
  '$out',
]);

const SYSTEM_FORBIDDEN_STAGES = new Set(['$indexStats']);

const SEARCH_STAGES = new Set(['$search', '$searchMeta', '$vectorSearch']);

const USER_FORBIDDEN_OPTIONS = ['collation', 'readConcern', 'writeConcern'] as const;

/** Refuses the query operators App Services does not allow users, wherever they are nested. */
export function checkUserQuery(query: unknown): void {
  if (query instanceof RegExp || bsonTypeOf(query) === 'BSONRegExp') throw notAllowedInUserContext('the query operator $regex');
  if (Array.isArray(query)) {
    for (const item of query) checkUserQuery(item);
    return;
  }
  if (!isPlainDocument(query)) return;
  for (const [key, value] of Object.entries(query)) {
    if (USER_FORBIDDEN_QUERY_OPERATORS.has(key)) throw notAllowedInUserContext(`the query operator ${key}`);
    checkUserQuery(value);
  }
}

export function checkUserOptions(options: object | undefined): void {
  if (!options) return;
  for (const option of USER_FORBIDDEN_OPTIONS) {
    if ((options as Record<string, unknown>)[option] !== undefined) throw notAllowedInUserContext(`the ${option} option`);
  }
}

function containsKey(value: unknown, key: string): boolean {
  if (Array.isArray(value)) return value.some((item) => containsKey(item, key));
  if (!isPlainDocument(value)) return false;
  return Object.entries(value).some(([name, inner]) => name === key || containsKey(inner, key));
}

function stageName(stage: unknown): string {
  if (!isPlainDocument(stage)) throw notAllowed(`a pipeline stage that is not a document (${JSON.stringify(stage)})`);
  const keys = Object.keys(stage);
  if (keys.length !== 1) throw notAllowed(`a pipeline stage with ${keys.length} fields (${keys.join(', ')})`);
  return keys[0];
}

/** The sub-pipelines a stage runs (`$lookup` and `$unionWith`; `$facet` is refused for users). */
export function subPipelines(name: string, spec: unknown): unknown[][] {
  if ((name === '$lookup' || name === '$unionWith') && isPlainDocument(spec) && Array.isArray(spec.pipeline)) return [spec.pipeline];
  if (name === '$facet' && isPlainDocument(spec)) return Object.values(spec).filter(Array.isArray);
  return [];
}

/** A database a stage names other than the one it runs in (`{ db, coll }` forms). */
function namedDatabases(name: string, spec: unknown): string[] {
  const databaseOf = (target: unknown) => (isPlainDocument(target) && typeof target.db === 'string' ? [target.db] : []);
  if (name === '$out') return databaseOf(spec);
  if (name === '$merge') return isPlainDocument(spec) ? databaseOf(spec.into) : [];
  if (name === '$lookup' || name === '$graphLookup') return isPlainDocument(spec) ? databaseOf(spec.from) : [];
  if (name === '$unionWith') return isPlainDocument(spec) ? databaseOf(spec.coll) : [];
  return [];
}

/** Refuses what the caller's context forbids in a pipeline, sub-pipelines included. */
export function checkPipeline(pipeline: unknown, runAsSystem: boolean): void {
  if (!Array.isArray(pipeline)) throw notAllowed(`a pipeline that is not an array (${JSON.stringify(pipeline)})`);
  if (!runAsSystem && containsKey(pipeline, '$function')) throw notAllowedInUserContext('the aggregation operator $function');
  for (const stage of pipeline) {
    const name = stageName(stage);
    const spec = (stage as Record<string, unknown>)[name];
    if (SYSTEM_FORBIDDEN_STAGES.has(name)) throw notAllowed(`the pipeline stage ${name}`);
    if (!runAsSystem && USER_FORBIDDEN_STAGES.has(name)) throw notAllowedInUserContext(`the pipeline stage ${name}`);
    if (!runAsSystem && SEARCH_STAGES.has(name)) throw notSupportedUnderRules(`the Atlas Search stage ${name}; run it as system`);
    for (const database of namedDatabases(name, spec)) if (isInternalDatabase(database)) throw reservedDatabase(database);
    if (!runAsSystem && name === '$match') checkUserQuery(spec);
    for (const inner of subPipelines(name, spec)) checkPipeline(inner, runAsSystem);
  }
}

/**
 * An update document or pipeline: update operators are all allowed (same table); a pipeline-style
 * update is checked like any pipeline.
 */
export function checkUserUpdate(update: unknown): void {
  if (Array.isArray(update)) checkPipeline(update, false);
}
