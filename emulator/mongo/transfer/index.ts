/**
 * Export and import of an app's data (and, on request, the emulator's users): one canonical
 * Extended JSON file per collection with its indexes beside it, read back by `import` and by
 * `serve --seed`. See format.ts for the files, databases.ts for what is included.
 */
export { openDatabase, type DatabaseLocation, type OpenDatabase } from './connection';
export { checkSelection, type DatabaseSelection } from './databases';
export { TransferError } from './errors';
export { checkExportTarget, exportData, type ExportedCollection, type ExportOptions, type ExportResult } from './export';
export { hasProblems, importData, readExportDirectory, IMPORT_MODES, type ImportedCollection, type ImportMode, type ImportOptions, type ImportResult, type ExportContents } from './import';
