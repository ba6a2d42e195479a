/**
 * `app-services-emulator import <dir>`: loads an export (or a mongoexport / mongodump directory)
 * into a running server's database (`--mongodb <uri>`) or a data directory (`--data-dir <dir>`,
 * created if new). A line per collection and the totals go to stdout; every collection that did
 * not load completely is reported on stderr, and the exit code is then 1.
 */
import { hasProblems, ImportedCollection, importData, ImportMode, openDatabase, readExportDirectory } from '../mongo/transfer';
import { count, seconds } from './transfer-output';

export interface ImportCommandOptions {
  mongodb?: string;
  dataDir?: string;
  db: string[];
  includeUsers?: boolean;
  appId?: string;
  drop?: boolean;
  mode: ImportMode;
}

function summary(entry: ImportedCollection): string {
  const parts = [`${entry.inserted.toLocaleString('en-US')} inserted`];
  if (entry.replaced > 0) parts.push(`${entry.replaced.toLocaleString('en-US')} replaced`);
  if (entry.duplicates > 0) parts.push(count(entry.duplicates, 'duplicate'));
  if (entry.refused > 0) parts.push(`${entry.refused.toLocaleString('en-US')} refused`);
  parts.push(count(entry.indexes, 'index', 'indexes'));
  return `imported ${entry.database}.${entry.collection}: ${parts.join(', ')}`;
}

function reportProblems(entry: ImportedCollection): void {
  const namespace = `${entry.database}.${entry.collection}`;
  if (entry.duplicates > 0) {
    process.stderr.write(
      `error: ${namespace}: ${count(entry.duplicates, 'document')} not imported: ${entry.duplicates === 1 ? 'its _id is' : 'their _ids are'} already in the collection ` +
        `(first: ${entry.firstDuplicate}); --drop replaces the collection, --mode upsert replaces those documents\n`,
    );
  }
  if (entry.refused > 0) process.stderr.write(`error: ${namespace}: ${count(entry.refused, 'document')} refused by the database\n`);
  for (const problem of entry.problems) process.stderr.write(`error: ${namespace}: ${problem}\n`);
  for (const index of entry.skippedIndexes) process.stderr.write(`skipped index ${namespace} ${index.name}: ${index.reason}\n`);
}

export async function runImport(directory: string, options: ImportCommandOptions): Promise<number> {
  await readExportDirectory(directory, { databases: options.db, includeUsers: options.includeUsers, appId: options.appId });
  const database = await openDatabase(options, 'write');
  try {
    const result = await importData(database.client, {
      directory,
      databases: options.db,
      includeUsers: options.includeUsers,
      appId: options.appId,
      drop: options.drop,
      mode: options.mode,
      onCollection: (entry) => {
        process.stdout.write(`${summary(entry)}\n`);
        reportProblems(entry);
      },
    });
    for (const { namespace, reason } of result.skipped) process.stderr.write(`skipped ${namespace}: ${reason}\n`);
    for (const name of result.internalSkipped) {
      process.stderr.write(`not imported: ${name}, the emulator's users, API keys and sessions (add --include-users to import them)\n`);
    }
    const total = (field: 'inserted' | 'replaced' | 'duplicates' | 'refused') => result.collections.reduce((sum, entry) => sum + entry[field], 0);
    const failed = result.collections.filter(hasProblems);
    const extra = [
      total('replaced') > 0 ? `${total('replaced').toLocaleString('en-US')} replaced` : '',
      total('duplicates') > 0 ? count(total('duplicates'), 'duplicate') : '',
      total('refused') > 0 ? `${total('refused').toLocaleString('en-US')} refused` : '',
    ].filter((part) => part !== '');
    process.stdout.write(
      `imported into ${count(result.collections.length, 'collection')} of ${database.description}: ${[`${total('inserted').toLocaleString('en-US')} inserted`, ...extra].join(', ')} (${seconds(result.milliseconds)})\n`,
    );
    if (failed.length === 0) return 0;
    process.stderr.write(`error: ${count(failed.length, 'collection')} did not import completely: ${failed.map((entry) => `${entry.database}.${entry.collection}`).join(', ')}\n`);
    return 1;
  } finally {
    await database.close();
  }
}
