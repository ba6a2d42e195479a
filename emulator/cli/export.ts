/**
 * `app-services-emulator export <dir>`: writes the app's data from a running server's database
 * (`--mongodb <uri>`) or a stopped server's data directory (`--data-dir <dir>`) as one canonical
 * Extended JSON file per collection, indexes beside it (see mongo/transfer/format.ts). A line per
 * collection and the totals go to stdout; notes and warnings to stderr.
 */
import { isInternalDatabase } from '../mongo/internal';
import { checkExportTarget, checkSelection, exportData, openDatabase } from '../mongo/transfer';
import { count, seconds } from './transfer-output';

export interface ExportCommandOptions {
  mongodb?: string;
  dataDir?: string;
  db: string[];
  includeUsers?: boolean;
  appId?: string;
}

export async function runExport(directory: string, options: ExportCommandOptions): Promise<number> {
  checkSelection({ databases: options.db, includeUsers: options.includeUsers, appId: options.appId });
  await checkExportTarget(directory);
  const database = await openDatabase(options, 'read');
  try {
    const result = await exportData(database.client, {
      directory,
      databases: options.db,
      includeUsers: options.includeUsers,
      appId: options.appId,
      onCollection: (exported) =>
        process.stdout.write(`exported ${exported.database}.${exported.collection}: ${count(exported.documents, 'document')}, ${count(exported.indexes, 'index', 'indexes')}\n`),
    });
    for (const { namespace, reason } of result.skipped) process.stderr.write(`skipped ${namespace}: ${reason}\n`);
    for (const name of result.internalSkipped) {
      process.stderr.write(`not exported: ${name}, the emulator's users, API keys and sessions (add --include-users to export them)\n`);
    }
    const internal = [...new Set(result.collections.map((entry) => entry.database).filter(isInternalDatabase))];
    for (const name of internal) {
      process.stderr.write(
        `warning: ${directory}/${name} holds password hashes, API key digests, sessions and the token signing key: keep this export secret\n`,
      );
    }
    const documents = result.collections.reduce((sum, entry) => sum + entry.documents, 0);
    const databases = new Set(result.collections.map((entry) => entry.database)).size;
    process.stdout.write(
      `exported ${count(documents, 'document')} in ${count(result.collections.length, 'collection')} of ${count(databases, 'database')} from ${database.description} to ${directory} (${seconds(result.milliseconds)})\n`,
    );
    return 0;
  } finally {
    await database.close();
  }
}
