/**
 * `app-services-emulator validate <appDir>`: the app's summary and every problem found, errors
 * first. Exit code 1 when there are errors. An export never contains secrets, so a secret nobody
 * gave is information here, not an error (serve refuses to start without it).
 */
import { describeApp, formatProblem, formatSummary, loadApp, Problem } from '../app';
import { gatherSecrets } from './secrets';

export interface ValidateOptions {
  appId?: string;
  secrets?: string;
  secret: string[];
}

const ORDER: Record<Problem['severity'], number> = { error: 0, warning: 1, info: 2 };

/** Prints the report and answers the exit code. */
export async function runValidate(appDirectory: string, options: ValidateOptions): Promise<number> {
  const secrets = gatherSecrets({ secretsFile: options.secrets, secret: options.secret });
  const { app, problems } = await loadApp(appDirectory, { secrets, appId: options.appId });
  const reported = problems
    .map((problem): Problem => (problem.code === 'MissingSecret' ? { ...problem, severity: 'info' } : problem))
    .sort((a, b) => ORDER[a.severity] - ORDER[b.severity]);
  const lines: string[] = [];
  if (app) lines.push(formatSummary(describeApp(app)), '');
  for (const problem of reported) lines.push(formatProblem(problem));
  const count = (severity: Problem['severity']) => reported.filter((problem) => problem.severity === severity).length;
  const errors = count('error');
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  lines.push(`${reported.length > 0 ? '\n' : ''}${plural(errors, 'error')}, ${plural(count('warning'), 'warning')}, ${count('info')} info`);
  process.stdout.write(`${lines.join('\n')}\n`);
  return errors > 0 ? 1 : 0;
}
