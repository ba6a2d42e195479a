/**
 * The jest integration's cost, each figure against a baseline measured in the same run:
 *
 *  1. Start-up of the tutorial app (embedded engine, sample_training:small) in a fresh process, as
 *     globalSetup does it: loading the package, then `startEmulator()` until it serves; and
 *     `exec <app> -- node -e ''` (start, run an empty command, stop). Against spawning `node -e ''`.
 *  2. A 20-test jest file against it (`preset: 'app-services-emulator'`: logins, Data API reads,
 *     denied writes, the sumTopAirports endpoint), against jest running 20 empty tests with the
 *     same flags. Both as wall time of the whole jest process and as the file's own run time.
 *
 * The emulator is loaded from dist/ (`npm run bench` builds it).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { median } from './support';

const ROOT = path.resolve(__dirname, '..');
const BIN = path.join(ROOT, 'bin/app-services-emulator.js');
const JEST = path.join(ROOT, 'node_modules/jest/bin/jest.js');
const BLOG = path.join(ROOT, 'fixtures/apps/data-api-blog');
const SECRETS = { jwtSecret: 'change-me-to-a-secret-of-32-chars' };
const SEED = 'sample_training:small';
const START_RUNS = 7;
const JEST_RUNS = 3;

function timedSpawn(args: string[], cwd = ROOT): Promise<{ ms: number; code: number | null; stdout: string; stderr: string }> {
  const started = performance.now();
  const child = spawn(process.execPath, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: withoutJestVariables() });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk) => (stdout += chunk));
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  return new Promise((resolve) => child.once('close', (code) => resolve({ ms: performance.now() - started, code, stdout, stderr })));
}

function withoutJestVariables(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => name !== 'JEST_WORKER_ID' && !name.startsWith('APP_SERVICES')));
}

/** A fresh process, as globalSetup's: loading the emulator, then one startEmulator() (cold caches). */
const COLD_START = `
const loadStarted = performance.now();
const { startEmulator } = require(${JSON.stringify(path.join(ROOT, 'dist/index.js'))});
const loaded = performance.now();
startEmulator({ app: ${JSON.stringify(BLOG)}, seed: ['${SEED}'], secrets: ${JSON.stringify(SECRETS)} }).then(async (emulator) => {
  const started = performance.now();
  await emulator.stop();
  console.log(JSON.stringify({ load: loaded - loadStarted, start: started - loaded }));
});`;

async function startupFigures(): Promise<{ load: number; start: number; exec: number; bareNode: number }> {
  const load: number[] = [];
  const start: number[] = [];
  const exec: number[] = [];
  const bareNode: number[] = [];
  for (let run = 0; run < START_RUNS; run++) {
    bareNode.push((await timedSpawn(['-e', ''])).ms);
    const cold = await timedSpawn(['-e', COLD_START]);
    if (cold.code !== 0) throw new Error(`startEmulator failed (${cold.code}): ${cold.stderr}`);
    const figures = JSON.parse(cold.stdout) as { load: number; start: number };
    load.push(figures.load);
    start.push(figures.start);
    const result = await timedSpawn([BIN, 'exec', BLOG, '--seed', SEED, '--secret', `jwtSecret=${SECRETS.jwtSecret}`, '--', process.execPath, '-e', '']);
    if (result.code !== 0) throw new Error(`exec failed (${result.code}): ${result.stderr}`);
    exec.push(result.ms);
  }
  return { load: median(load), start: median(start), exec: median(exec), bareNode: median(bareNode) };
}

const EMULATOR_TESTS = `
const { connectEmulator } = require('app-services-emulator/harness');
const harness = connectEmulator();
const routes = { dataSource: 'mongodb-atlas', database: 'sample_training', collection: 'routes' };
afterAll(() => harness.close());
for (let round = 0; round < 5; round++) {
  test('a JWT user reads a route ' + round, async () => {
    const user = await harness.loginAs({ jwtClaims: { sub: 'bench-' + round } });
    const { document } = await user.dataApi('findOne', { ...routes, filter: {} });
    expect(document.src_airport).toEqual(expect.any(String));
  });
  test('an API key reads routes ' + round, async () => {
    const { key } = await harness.createApiKey('bench-' + round);
    const service = await harness.loginAs({ apiKey: key });
    const { documents } = await service.dataApi('find', { ...routes, filter: {}, limit: 10 });
    expect(documents).toHaveLength(10);
  });
  test('an insert is denied ' + round, async () => {
    const user = await harness.loginAs({ jwtClaims: { sub: 'bench-' + round } });
    await harness.assertDenied(user.dataApi('insertOne', { ...routes, document: { n: round } }));
  });
  test('sumTopAirports answers ' + round, async () => {
    const user = await harness.loginAs({ jwtClaims: { sub: 'bench-' + round } });
    const { body } = await user.endpoint('/sumTopAirports');
    expect(body).toHaveLength(3);
  });
}
`;

const EMPTY_TESTS = `for (let n = 0; n < 20; n++) test('empty ' + n, () => {});\n`;

interface JestFigures {
  wall: number;
  /** The test file's own run time, as jest reports it. */
  file: number;
}

async function jestRun(directory: string, config: string): Promise<JestFigures> {
  // From this repository: jest 30 looks for a config in its working directory even when given one.
  const result = await timedSpawn([JEST, '--config', path.join(directory, config), '--json', '--runInBand', '--ci']);
  const summary = JSON.parse(result.stdout) as { numPassedTests: number; testResults: Array<{ startTime: number; endTime: number }> };
  if (result.code !== 0 || summary.numPassedTests !== 20) throw new Error(`jest (${config}) failed: ${result.stderr}`);
  const [file] = summary.testResults;
  return { wall: result.ms, file: file.endTime - file.startTime };
}

async function jestFigures(): Promise<{ emulator: JestFigures; empty: JestFigures }> {
  const directory = mkdtempSync(path.join(tmpdir(), 'bench-jest-'));
  try {
    // Outside this repository `app-services-emulator` does not resolve by itself: map it to dist/.
    const common = `rootDir: ${JSON.stringify(directory)}, transform: {}, moduleNameMapper: { '^app-services-emulator/harness$': ${JSON.stringify(path.join(ROOT, 'dist/harness/index.js'))} }`;
    writeFileSync(path.join(directory, 'emulator.test.js'), EMULATOR_TESTS);
    writeFileSync(path.join(directory, 'empty.test.js'), EMPTY_TESTS);
    writeFileSync(
      path.join(directory, 'emulator.config.js'),
      `module.exports = { ${common}, preset: ${JSON.stringify(path.join(ROOT, 'jest-preset.js'))}, testMatch: ['**/emulator.test.js'],
        testEnvironmentOptions: { appServicesEmulator: { app: ${JSON.stringify(BLOG)}, seed: '${SEED}', secrets: ${JSON.stringify(SECRETS)} } } };\n`,
    );
    writeFileSync(path.join(directory, 'empty.config.js'), `module.exports = { ${common}, testMatch: ['**/empty.test.js'] };\n`);
    // One unmeasured run each fills jest's cache, as every run after the first in a project finds it.
    await jestRun(directory, 'empty.config.js');
    await jestRun(directory, 'emulator.config.js');
    const emulator: JestFigures[] = [];
    const empty: JestFigures[] = [];
    for (let run = 0; run < JEST_RUNS; run++) {
      empty.push(await jestRun(directory, 'empty.config.js'));
      emulator.push(await jestRun(directory, 'emulator.config.js'));
    }
    const medianOf = (runs: JestFigures[]) => ({ wall: median(runs.map((r) => r.wall)), file: median(runs.map((r) => r.file)) });
    return { emulator: medianOf(emulator), empty: medianOf(empty) };
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

export async function runJestBenchmark(): Promise<boolean> {
  const ms = (value: number) => `${value.toFixed(0)} ms`.padStart(8);
  const ratio = (value: number, baseline: number) => `${(value / baseline).toFixed(2)}x`;

  const startup = await startupFigures();
  console.log(`\nTutorial app start-up: embedded engine, ${SEED}, in a fresh process (median of ${START_RUNS} runs)`);
  console.log(`  node -e '' (spawn to exit, baseline)              ${ms(startup.bareNode)}`);
  console.log(`  require('app-services-emulator')                 ${ms(startup.load)}   ${ratio(startup.load, startup.bareNode)} the baseline`);
  console.log(`  startEmulator() until serving (globalSetup's)    ${ms(startup.start)}   ${ratio(startup.start, startup.bareNode)} the baseline`);
  console.log(`  exec <app> -- node -e '' (start, run, stop)      ${ms(startup.exec)}   ${ratio(startup.exec, startup.bareNode)} the baseline`);

  const jest = await jestFigures();
  console.log(`\nA 20-test jest file against the tutorial app, --runInBand (median of ${JEST_RUNS} runs)`);
  console.log(`  jest, 20 empty tests (baseline): wall ${ms(jest.empty.wall)}, file ${ms(jest.empty.file)}`);
  console.log(`  jest, 20 tests on the emulator:  wall ${ms(jest.emulator.wall)}, file ${ms(jest.emulator.file)}`);
  console.log(
    `  ratios: wall ${ratio(jest.emulator.wall, jest.empty.wall)} (+${(jest.emulator.wall - jest.empty.wall).toFixed(0)} ms), ` +
      `file ${ratio(jest.emulator.file, jest.empty.file)} (+${(jest.emulator.file - jest.empty.file).toFixed(0)} ms, ${((jest.emulator.file - jest.empty.file) / 20).toFixed(0)} ms a test)`,
  );
  return true;
}

if (require.main === module) {
  runJestBenchmark().then(
    (ok) => process.exit(ok ? 0 : 1),
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
}
