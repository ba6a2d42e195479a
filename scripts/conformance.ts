/**
 * `npm run conformance`: runs the CRUD tests of the MongoDB driver specifications (unified test
 * format) through the official driver, against the embedded engine started in this process, or
 * against any server with --uri / TEST_MONGODB_URI (so the runner itself can be checked on mongod).
 *
 * Exit codes: 0 when at least 85% of the tests that check results pass, 1 otherwise, 2 when the
 * conformance data (kept outside this repository) is not there.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { MongoClient } from 'mongodb';
import { EmbeddedMongoServer } from '../emulator/mongo/embedded/server';
import { EXCLUSIONS } from './conformance/exclusions';
import { defaultConformanceDir, loadConformanceFiles } from './conformance/loader';
import { figuresOf, formatReport } from './conformance/report';
import { describeServer } from './conformance/requirements';
import { runFile, TestResult } from './conformance/runner';

const PASS_THRESHOLD = 0.85;
const TEST_TIMEOUT_MS = 30_000;

const USAGE = `usage: npm run conformance -- [--uri <mongodb uri>] [--filter <text>] [--verbose] [--no-exclusions]
  --uri            run against this server instead of the embedded engine (or set TEST_MONGODB_URI)
  --filter         only tests whose "file › description" contains <text>
  --verbose        full values in failures; list excluded and not-applicable tests
  --no-exclusions  run the excluded tests too
  CONFORMANCE_DIR  the folder of unified-format JSON files (default ../shared/conformance/crud-unified)`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      uri: { type: 'string' },
      filter: { type: 'string' },
      verbose: { type: 'boolean', default: false },
      'no-exclusions': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }

  const dir = path.resolve(process.env.CONFORMANCE_DIR ?? defaultConformanceDir(path.resolve(__dirname, '..')));
  const files = loadConformanceFiles(dir);
  if (!files) {
    process.stderr.write(
      `conformance: no test folder at ${dir}; the conformance data lives outside this repository (../shared/conformance), set CONFORMANCE_DIR to where it is\n`,
    );
    return 2;
  }

  let server: EmbeddedMongoServer | undefined;
  let uri = values.uri ?? process.env.TEST_MONGODB_URI;
  if (!uri) {
    server = new EmbeddedMongoServer();
    uri = (await server.start()).uri;
  }
  const internal = new MongoClient(uri, { serverSelectionTimeoutMS: 5000 });
  try {
    await internal.connect();
    const profile = await describeServer(internal, uri);
    const target = server ? 'the embedded engine' : uri.replace(/\/\/[^@/]*@/, '//***@');
    process.stdout.write(`conformance: ${files.length} files from ${dir}\n`);
    process.stdout.write(`against ${target} (version ${profile.version.join('.')}, ${profile.topology})\n\n`);

    const rules = values['no-exclusions'] ? [] : EXCLUSIONS;
    const results: TestResult[] = [];
    for (const file of files) {
      results.push(
        ...(await runFile(file, {
          uri,
          server: profile,
          exclusions: rules,
          filter: values.filter,
          verbose: values.verbose,
          testTimeoutMs: TEST_TIMEOUT_MS,
        })),
      );
    }
    process.stdout.write(`${formatReport(results, rules, values.verbose)}\n`);
    const figures = figuresOf(results);
    return figures.passed + figures.failed > 0 && figures.passRate >= PASS_THRESHOLD ? 0 : 1;
  } finally {
    await internal.close(true).catch(() => undefined);
    await server?.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`conformance: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
