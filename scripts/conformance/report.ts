/**
 * The report: one line per failing test, then the figures, the failures grouped by cause, what was
 * not applicable and what was excluded (with each rule's reason). Quiet by default; --verbose adds
 * full values and the not-applicable and excluded tests by name.
 */
import { describeExclusion, EVENTS_ONLY_REASON, Exclusion } from './exclusions';
import type { TestResult } from './runner';

export interface Figures {
  passed: number;
  failed: number;
  notApplicable: number;
  excluded: number;
  /** passed / (passed + failed), 0 when nothing ran. */
  passRate: number;
}

export function figuresOf(results: TestResult[]): Figures {
  const count = (status: TestResult['status']) => results.filter((result) => result.status === status).length;
  const passed = count('passed');
  const failed = count('failed');
  return { passed, failed, notApplicable: count('not-applicable'), excluded: count('excluded'), passRate: passed + failed === 0 ? 0 : passed / (passed + failed) };
}

export function formatReport(results: TestResult[], rules: readonly Exclusion[], verbose: boolean): string {
  const lines: string[] = [];
  const failures = results.filter((result) => result.status === 'failed');
  for (const result of failures) {
    const failure = result.failure ?? { cause: 'failed' };
    // The cause often quotes the server's message already; repeat it only when it adds something.
    const redundant = !failure.detail || failure.cause.includes(failure.detail);
    const detail = redundant ? '' : verbose ? `\n      ${failure.detail}` : ` — ${firstLine(failure.detail ?? '')}`;
    lines.push(`✗ ${result.file} › ${result.description}: ${failure.cause}${detail}`);
  }

  const figures = figuresOf(results);
  lines.push('', `${figures.passed} passed, ${figures.failed} failed (${(figures.passRate * 100).toFixed(1)}% pass)`);
  lines.push(`${figures.notApplicable} not applicable (runOnRequirements not met), ${figures.excluded} excluded`);

  if (failures.length > 0) {
    lines.push('', 'Failures by cause:');
    for (const [cause, count] of groupCounts(failures.map((result) => result.failure?.cause ?? 'failed'))) {
      lines.push(`  ${String(count).padStart(3)}  ${cause}`);
    }
  }

  const notes = results.flatMap((result) => result.notes.map((note) => `${result.file} › ${result.description}: ${note}`));
  if (notes.length > 0) {
    lines.push('', `Passed, but with documents whose field order differs from the expected one (allowed by the format): ${notes.length}`);
    for (const note of verbose ? notes : notes.slice(0, 5)) lines.push(`  ${note}`);
    if (!verbose && notes.length > 5) lines.push(`  … ${notes.length - 5} more (--verbose)`);
  }

  lines.push('', 'Exclusions:');
  const excluded = results.filter((result) => result.status === 'excluded');
  for (const rule of rules) {
    const hits = excluded.filter((result) => result.exclusion === rule);
    lines.push(`  ${String(hits.length).padStart(3)}  ${describeExclusion(rule)}: ${rule.reason}`);
    if (verbose) for (const hit of hits) lines.push(`         ${hit.file} › ${hit.description}`);
  }
  const eventsOnly = excluded.filter((result) => result.reason === EVENTS_ONLY_REASON);
  lines.push(`  ${String(eventsOnly.length).padStart(3)}  tests with only expectEvents: ${EVENTS_ONLY_REASON}`);

  if (verbose) {
    lines.push('', 'Not applicable:');
    for (const result of results.filter((entry) => entry.status === 'not-applicable')) {
      lines.push(`  ${result.file} › ${result.description}: ${result.reason}`);
    }
  }
  return lines.join('\n');
}

function groupCounts(values: string[]): [string, number][] {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

function firstLine(text: string): string {
  const line = text.split('\n')[0];
  return line.length > 200 ? `${line.slice(0, 199)}…` : line;
}
