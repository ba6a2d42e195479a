/**
 * Stages the embedded engine does not run, each refused with an error that names it and says what to
 * use instead. ($out and $merge, which write, and the stages that read server state, are handled by
 * query/aggregate/.)
 */
import { CommandError } from '../../../errors';

const ELSEWHERE = 'use --mongodb memory-server or a MongoDB URI';

function notSupported(stage: string, reason: string, alternative = ELSEWHERE): () => CommandError {
  return () => CommandError.of('BadValue', `${stage} is not supported by the embedded engine (${reason}); ${alternative}`);
}

function atlasSearch(stage: string): () => CommandError {
  return () =>
    CommandError.of(
      'SearchNotEnabled',
      `${stage} is not supported by the embedded engine: Atlas Search and Vector Search need a MongoDB Atlas cluster; ` +
        'connect the emulator to an Atlas URI to use them',
    );
}

export const REFUSED_STAGES: Record<string, () => CommandError> = {
  $geoNear: notSupported('$geoNear', 'it has no geospatial indexes'),
  $search: atlasSearch('$search'),
  $searchMeta: atlasSearch('$searchMeta'),
  $vectorSearch: atlasSearch('$vectorSearch'),
  $listSearchIndexes: atlasSearch('$listSearchIndexes'),
  // mongod answers this on a standalone server; the engine is one.
  $changeStream: () => new CommandError(40573, '$changeStream stage is only supported on replica sets'),
  $changeStreamSplitLargeEvent: () => new CommandError(40573, '$changeStreamSplitLargeEvent stage is only supported on replica sets'),
  $indexStats: notSupported('$indexStats', 'it does not track index usage', 'use the listIndexes command to see the indexes'),
  $currentOp: notSupported('$currentOp', 'it runs one command at a time and keeps no operation list'),
  $listSessions: notSupported('$listSessions', 'it keeps no config.system.sessions collection'),
  $planCacheStats: notSupported('$planCacheStats', 'it has no query planner or plan cache'),
  $queryStats: notSupported('$queryStats', 'it keeps no query statistics'),
  $querySettings: notSupported('$querySettings', 'it has no query planner'),
  $listSampledQueries: notSupported('$listSampledQueries', 'it does not sample queries'),
  $shardedDataDistribution: notSupported('$shardedDataDistribution', 'it is not a sharded cluster'),
  $listCatalog: notSupported('$listCatalog', 'it has no catalog collection', 'use listCollections and listIndexes'),
  $operationMetrics: notSupported('$operationMetrics', 'it keeps no operation metrics'),
};
