/**
 * The export format, readable by `import` and by `serve --seed` alike because it is the seeder's
 * own input format (mongo/seed/dump-directory.ts), and close to what MongoDB's tools write:
 *
 *   <dir>/<database>/<collection>.json           one canonical Extended JSON document per line
 *                                                (mongoexport's default layout, with exact types)
 *   <dir>/<database>/<collection>.metadata.json  {collectionName, type, options, indexes} as
 *                                                mongodump writes it, indexes as listIndexes gives them
 *
 * Canonical EJSON keeps every BSON type: an Int32 5, a Double 5.0 and an Int64 5 stay apart, as do
 * Decimal128, dates, binaries with their subtype and ObjectIds. Reading goes through the seeder's
 * readers, so there is one parser for files a user brings and files this tool wrote.
 */
import { Document, EJSON } from 'bson';
import type { FindOptions } from 'mongodb';

export {
  collectionDocuments,
  listDumpDirectory as listExportDirectory,
  readMetadata,
  type CollectionFiles,
} from '../seed/dump-directory';

export const DOCUMENTS_SUFFIX = '.json';
export const METADATA_SUFFIX = '.metadata.json';

/**
 * How the driver must decode documents for them to be written back exactly: numbers as their BSON
 * classes rather than JavaScript numbers (which would make a Double 5.0 an Int32 and round a Long),
 * binaries as Binary with their subtype, and regular expressions with flags JavaScript lacks.
 */
export const EXACT_READ: FindOptions = { promoteValues: false, promoteBuffers: false, bsonRegExp: true };

export interface CollectionMetadata {
  collectionName: string;
  type: 'collection';
  /** listCollections' options (capped, validator, collation…); usually empty. */
  options: Document;
  /** listIndexes' specifications, `_id_` included, as mongodump writes them. */
  indexes: Document[];
}

export function documentLine(document: Document): string {
  return `${EJSON.stringify(document, { relaxed: false })}\n`;
}

export function metadataText(metadata: CollectionMetadata): string {
  return `${EJSON.stringify(metadata, { relaxed: false })}\n`;
}

/**
 * Characters a file name cannot hold on some system (a path separator, Windows' reserved ones,
 * controls) and `%` itself are percent-escaped, as mongodump escapes names; the seeder's reader
 * unescapes them.
 */
const UNSAFE = /[%/\\:*?"<>|\u0000-\u001f]/g;

export function fileName(name: string): string {
  return name.replace(UNSAFE, (character) => `%${character.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

/** listIndexes answers what createIndexes accepts, except `ns`, which servers before 4.4 added and later ones refuse. */
export function indexSpecification(index: Document): Document {
  const { ns: _ns, dropDups: _dropDups, ...specification } = index;
  return specification;
}
