/**
 * First stages that read server state instead of documents:
 *  - $collStats with `count` and `storageStats` (sizes are BSON sizes, as the collStats command
 *    gives them); `latencyStats` and `queryExecStats` are refused, since the engine keeps no
 *    operation statistics;
 *  - $listLocalSessions: sessions hold no server state in the engine (commands/end-sessions.ts), so
 *    the only session it knows of is the one of the calling command.
 */
import { createHash } from 'node:crypto';
import { Binary, Int32 } from 'bson';
import { CommandError } from '../../errors';
import type { Collection } from '../../store/collection';
import { BsonNumber } from '../../values/bson-number';
import { Document, isPlainObject } from '../../values/forms';
import { bsonSize } from '../../wire/protocol';
import { asNumber } from '../../values/arithmetic';

export const SOURCE_STAGES = ['$collStats', '$listLocalSessions'];

export type SourceStage =
  | { stage: '$collStats'; count: boolean; storageStats?: { scale: number } }
  | { stage: '$listLocalSessions' };

export interface SourceContext {
  collection: Collection | undefined;
  namespace: string;
  host: string;
  /** The `lsid` of the calling command, when the driver sent one. */
  session?: Document;
}

function prepareCollStats(spec: unknown, collectionless: boolean): SourceStage {
  if (collectionless) throw CommandError.of('InvalidNamespace', '$collStats must be run against a collection');
  if (!isPlainObject(spec)) throw CommandError.of('FailedToParse', '$collStats must take a nested object but found: ' + String(spec));
  const stage: SourceStage = { stage: '$collStats', count: false };
  for (const [option, value] of Object.entries(spec)) {
    if (option === 'count') {
      if (!isPlainObject(value)) throw CommandError.of('FailedToParse', 'count argument must be an object');
      stage.count = true;
    } else if (option === 'storageStats') {
      if (!isPlainObject(value)) throw CommandError.of('FailedToParse', 'storageStats argument must be an object');
      const scale = value.scale === undefined ? 1 : asNumber(value.scale)?.toNumber();
      if (!scale || scale < 1 || !Number.isInteger(scale)) throw CommandError.of('BadValue', 'scale has to be a positive integer');
      stage.storageStats = { scale };
    } else if (option === 'latencyStats' || option === 'queryExecStats') {
      throw CommandError.of('BadValue', `$collStats ${option} is not supported by the embedded engine (it keeps no operation statistics)`);
    } else {
      throw CommandError.of('BadValue', `unrecognized option to $collStats: ${option}`);
    }
  }
  return stage;
}

export function prepareSourceStage(name: string, spec: unknown, collectionless: boolean): SourceStage {
  if (name === '$collStats') return prepareCollStats(spec, collectionless);
  if (!collectionless) throw CommandError.of('InvalidNamespace', '$listLocalSessions must be run with {aggregate: 1}');
  if (!isPlainObject(spec)) throw CommandError.of('FailedToParse', '$listLocalSessions must take a nested object');
  return { stage: '$listLocalSessions' };
}

function storageStats(collection: Collection, scale: number): Document {
  let size = 0;
  for (const document of collection.all()) size += bsonSize(document);
  const indexNames = collection.indexSpecs().map((spec) => spec.name);
  const scaled = Math.floor(size / scale);
  return {
    size: scaled,
    count: collection.count,
    avgObjSize: collection.count === 0 ? 0 : Math.floor(size / collection.count),
    storageSize: scaled,
    freeStorageSize: 0,
    capped: false,
    nindexes: new Int32(indexNames.length),
    indexBuilds: [],
    totalIndexSize: 0,
    totalSize: scaled,
    indexSizes: Object.fromEntries(indexNames.map((name) => [name, 0])),
    scaleFactor: new Int32(scale),
  };
}

/** The documents a source stage produces, which the rest of the pipeline then reads. */
export function sourceDocuments(source: SourceStage, context: SourceContext): Document[] {
  if (source.stage === '$listLocalSessions') {
    if (!context.session) return [];
    // The uid of an unauthenticated session: the SHA-256 of an empty user name.
    const uid = new Binary(createHash('sha256').update('').digest());
    return [{ _id: { id: context.session.id, uid }, lastUse: new Date() }];
  }
  const { collection } = context;
  const result: Document = { ns: context.namespace, host: context.host, localTime: new Date() };
  if ((source.storageStats || source.count) && !collection) {
    const option = source.storageStats ? 'storageStats' : 'count';
    throw CommandError.of('NamespaceNotFound', `Unable to retrieve ${option} in $collStats stage :: caused by :: Collection [${context.namespace}] not found.`);
  }
  if (source.storageStats && collection) result.storageStats = storageStats(collection, source.storageStats.scale);
  if (source.count && collection) result.count = BsonNumber.long(BigInt(collection.count));
  return [result];
}
