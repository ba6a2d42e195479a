/**
 * `serve --watch`: reloads the app when its directory changes and says how it went, one line on
 * stdout beside the start-up summary (stderr is the log, which may be JSON for machines):
 *
 *   Reloaded in 41 ms: data_sources/mongodb-atlas/sample_training/routes/rules.json
 *   Not reloaded, keeping the last good version: 1 error
 *     data_sources/mongodb-atlas/sample_training/routes/rules.json:4:5: error: invalid JSON …
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { formatProblem } from '../app';
import { type AppWatcher, watchAppDirectory } from '../app/watch';
import type { Emulator, ReloadResult } from '../index';

export function reloadOnChange(emulator: Pick<Emulator, 'reload'>, appDirectory: string, out: NodeJS.WritableStream): AppWatcher {
  return watchAppDirectory(appDirectory, {
    onChange(changed) {
      // Editors' and tools' temporary files come and go within one report: name what is still there.
      const present = changed.filter((relative) => fs.existsSync(path.join(appDirectory, relative)));
      emulator.reload().then(
        (result) => out.write(describeReload(result, present.length > 0 ? present : changed)),
        (error: Error) => out.write(`Not reloaded, keeping the last good version: ${error.message}\n`),
      );
    },
    onError(error) {
      out.write(`warning: part of ${appDirectory} cannot be watched, its changes will not reload the app: ${error.message}\n`);
    },
  });
}

export function describeReload(result: ReloadResult, changed: string[]): string {
  if (result.ok) {
    const warnings = result.problems.filter((problem) => problem.severity === 'warning');
    const lines = [`Reloaded in ${result.durationMs} ms: ${describeChanges(changed)}${warnings.length > 0 ? ` (${plural(warnings.length, 'warning')})` : ''}`];
    lines.push(...warnings.map((problem) => `  ${formatProblem(problem)}`));
    return `${lines.join('\n')}\n`;
  }
  const errors = result.problems.filter((problem) => problem.severity === 'error');
  const lines = [`Not reloaded, keeping the last good version: ${plural(errors.length, 'error')}`, ...errors.map((problem) => `  ${formatProblem(problem)}`)];
  return `${lines.join('\n')}\n`;
}

function describeChanges(changed: string[]): string {
  if (changed.length === 0) return 'the app directory changed';
  if (changed.length <= 3) return changed.join(', ');
  return `${changed.slice(0, 3).join(', ')} and ${changed.length - 3} more`;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
