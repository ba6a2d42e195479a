/**
 * examples/jest as a user runs it: jest with the example's config, from this repository's root, in
 * a child process. This is how the example runs in CI (`npm test` runs this file); the example
 * resolves `app-services-emulator` to this package through its "exports" (self-reference).
 */
import { spawn } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
const JEST = path.join(ROOT, 'node_modules/jest/bin/jest.js');

interface JestJsonResult {
  success: boolean;
  numTotalTests: number;
  numPassedTests: number;
  numTotalTestSuites: number;
  testResults: Array<{ name: string; status: string; assertionResults: Array<{ fullName: string; status: string }> }>;
}

function runExampleJest(): Promise<{ code: number | null; stdout: string; stderr: string }> {
  // The example's workers must find their emulator from its own globalSetup, not from this run.
  const environment = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => name !== 'JEST_WORKER_ID' && !name.startsWith('APP_SERVICES')),
  );
  // Two workers, so two emulators start side by side and each test file has one of its own.
  const args = [JEST, '--config', 'examples/jest/jest.config.js', '--json', '--maxWorkers=2', '--ci'];
  const child = spawn(process.execPath, args, { cwd: ROOT, env: environment, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk) => (stdout += chunk));
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}

it('passes: the tutorial app’s rules and endpoint, tested through app-services-emulator/jest', async () => {
  const { code, stdout, stderr } = await runExampleJest();
  let result: JestJsonResult;
  try {
    result = JSON.parse(stdout);
  } catch {
    throw new Error(`jest printed no JSON result (exit code ${code})\n${stderr}`);
  }
  const failures = result.testResults.flatMap((file) => file.assertionResults.filter((test) => test.status !== 'passed').map((test) => test.fullName));
  expect({ failures, code }).toEqual({ failures: [], code: 0 });
  expect(result.success).toBe(true);
  expect(result.numTotalTestSuites).toBe(2);
  expect(result.numTotalTests).toBe(13);
  expect(result.numPassedTests).toBe(13);
  const names = result.testResults.flatMap((file) => file.assertionResults.map((test) => test.fullName));
  expect(names).toEqual(
    expect.arrayContaining([
      'sample_training.routes a user with a valid JWT can read a route',
      'sample_training.routes nobody can insert a route',
      'sample_training.routes the API key reads',
      'collections without rules are closed sample_training.zips cannot be read, even with valid credentials',
      'GET /sumTopAirports returns three airports, the busiest first',
    ]),
  );
}, 180_000);
