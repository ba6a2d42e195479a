/** `npm run bench`: every benchmark, each printing ratios against a baseline measured beside it. */
import { runDataApiBenchmark } from './data-api';
import { runEngineBenchmark } from './engine';
import { runFunctionsBenchmark } from './functions';
import { runHarnessBenchmark } from './harness';
import { runJestBenchmark } from './jest';
import { runStartupBenchmark } from './startup';

async function main(): Promise<void> {
  const startup = await runStartupBenchmark();
  const engine = await runEngineBenchmark();
  const dataApi = await runDataApiBenchmark();
  const functions = await runFunctionsBenchmark();
  const harness = await runHarnessBenchmark();
  const jest = await runJestBenchmark();
  process.exit(startup && engine && dataApi && functions && harness && jest ? 0 : 1);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
