/**
 * Finds and parses the conformance files. They live outside the repository (../shared/conformance,
 * licensed separately), so a missing folder is an expected situation with its own exit code, not
 * a crash.
 */
import fs from 'node:fs';
import path from 'node:path';
import { EJSON } from 'bson';
import type { TestFile } from './format';

/** Schema versions this runner understands: major 1, up to this minor. */
const SUPPORTED_SCHEMA = { major: 1, minor: 21 };

export interface LoadedFile {
  /** File name without `.json`, as the report and the exclusion list name it. */
  name: string;
  /** The file's text, parsed anew for each test so no test sees another's mutations. */
  text: string;
  content: TestFile;
  /** Why the file cannot be run, when its schema version is newer than this runner. */
  unsupported?: string;
}

export function defaultConformanceDir(repositoryRoot: string): string {
  return path.resolve(repositoryRoot, '..', 'shared', 'conformance', 'crud-unified');
}

/** The folder's JSON files, or undefined when the folder does not exist. */
export function loadConformanceFiles(dir: string): LoadedFile[] | undefined {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) return undefined;
  return fs
    .readdirSync(dir)
    .filter((entry) => entry.endsWith('.json'))
    .sort()
    .map((entry) => {
      const text = fs.readFileSync(path.join(dir, entry), 'utf8');
      const content = parseTestFile(text);
      return { name: entry.replace(/\.json$/, ''), text, content, unsupported: checkSchemaVersion(content.schemaVersion) };
    });
}

/**
 * Canonical (non-relaxed) EJSON keeps every value's BSON type: 1 is an Int32, 1.5 a Double,
 * {"$numberLong": "1"} a Long, so documents reach the server exactly as the file wrote them.
 */
export function parseTestFile(text: string): TestFile {
  return EJSON.parse(text, { relaxed: false }) as TestFile;
}

function checkSchemaVersion(version: string): string | undefined {
  const [major, minor = 0] = String(version).split('.').map(Number);
  if (major === SUPPORTED_SCHEMA.major && minor <= SUPPORTED_SCHEMA.minor) return undefined;
  return `schemaVersion ${version} is newer than this runner supports (${SUPPORTED_SCHEMA.major}.${SUPPORTED_SCHEMA.minor})`;
}
