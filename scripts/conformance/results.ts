/**
 * The format compares documents, so model objects the driver returns (BulkWriteResult, client bulk
 * write results with their Maps) become plain documents in the CRUD specification's field names.
 * Driver-only extras (`didUpsert`) are left out because nested documents may not carry extra keys.
 */
import type { BulkWriteResult, Document } from 'mongodb';

export function resultDocument(result: unknown): unknown {
  if (isBulkWriteResult(result)) return bulkWriteResultDocument(result);
  if (isClientBulkWriteResult(result)) return clientBulkWriteResultDocument(result);
  return result;
}

export function bulkWriteResultDocument(result: BulkWriteResult): Document {
  return {
    insertedCount: result.insertedCount,
    matchedCount: result.matchedCount,
    modifiedCount: result.modifiedCount,
    deletedCount: result.deletedCount,
    upsertedCount: result.upsertedCount,
    insertedIds: { ...result.insertedIds },
    upsertedIds: { ...result.upsertedIds },
  };
}

/** The driver exports BulkWriteResult as a type only, so it is recognised by its fields. */
function isBulkWriteResult(value: unknown): value is BulkWriteResult {
  return typeof value === 'object' && value !== null && 'upsertedIds' in value && 'insertedIds' in value && 'deletedCount' in value;
}

interface ClientBulkWriteResultLike {
  acknowledged: boolean;
  insertedCount: number;
  upsertedCount: number;
  matchedCount: number;
  modifiedCount: number;
  deletedCount: number;
  insertResults?: ReadonlyMap<number, Document>;
  updateResults?: ReadonlyMap<number, Document>;
  deleteResults?: ReadonlyMap<number, Document>;
}

function isClientBulkWriteResult(value: unknown): value is ClientBulkWriteResultLike {
  return (
    typeof value === 'object' &&
    value !== null &&
    'deletedCount' in value &&
    'upsertedCount' in value &&
    !('upsertedIds' in value) &&
    ('insertResults' in value || 'updateResults' in value || 'deleteResults' in value || 'acknowledged' in value)
  );
}

export function clientBulkWriteResultDocument(result: ClientBulkWriteResultLike): Document {
  const document: Document = {
    insertedCount: result.insertedCount,
    upsertedCount: result.upsertedCount,
    matchedCount: result.matchedCount,
    modifiedCount: result.modifiedCount,
    deletedCount: result.deletedCount,
  };
  if (result.insertResults) document.insertResults = byIndex(result.insertResults, (entry) => ({ insertedId: entry.insertedId }));
  if (result.updateResults) {
    document.updateResults = byIndex(result.updateResults, (entry) => ({
      matchedCount: entry.matchedCount,
      modifiedCount: entry.modifiedCount,
      ...(entry.upsertedId !== undefined && entry.upsertedId !== null ? { upsertedId: entry.upsertedId } : {}),
    }));
  }
  if (result.deleteResults) document.deleteResults = byIndex(result.deleteResults, (entry) => ({ deletedCount: entry.deletedCount }));
  return document;
}

/** A Map keyed by model index as the document the format writes: {"0": …, "3": …}. */
function byIndex(map: ReadonlyMap<number, Document>, shape: (entry: Document) => Document): Document {
  return Object.fromEntries([...map.entries()].map(([index, entry]) => [String(index), shape(entry)]));
}
