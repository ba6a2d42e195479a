/**
 * Problems found while loading an app. Loading never stops at the first one: every file is read
 * and every problem of the directory is reported at once, so a user fixes them in one pass.
 */

export type ProblemSeverity = 'error' | 'warning' | 'info';

export type ProblemCode =
  | 'MissingRootFile'
  | 'ConflictingRootFiles'
  | 'UnreadableFile'
  | 'InvalidJson'
  | 'SchemaViolation'
  | 'UnresolvedTemplate'
  | 'MissingEnvironmentFile'
  | 'MissingSecret'
  | 'InvalidSecret'
  | 'MissingFunctionSource'
  | 'DefaultFunctionConfig'
  | 'UnknownFunction'
  | 'UnknownDataSource'
  | 'DuplicateName'
  | 'NameMismatch'
  | 'ConflictingEndpoints'
  | 'IgnoredFile'
  | 'MissingAppId'
  | 'LegacySecretsFile'
  | 'NotServed';

export interface Problem {
  severity: ProblemSeverity;
  /** Relative to the app directory, `/`-separated. */
  file?: string;
  /** JSON path inside `file`, e.g. `$.roles[0].apply_when`. */
  path?: string;
  /** Where a JSON syntax error is, 1-based. */
  line?: number;
  column?: number;
  message: string;
  code?: ProblemCode;
}

/** Collects problems in the order they are found. */
export class ProblemLog {
  readonly problems: Problem[] = [];

  add(problem: Problem): void {
    this.problems.push(problem);
  }

  error(code: ProblemCode, message: string, where: Where = {}): void {
    this.add({ severity: 'error', code, message, ...where });
  }

  warning(code: ProblemCode, message: string, where: Where = {}): void {
    this.add({ severity: 'warning', code, message, ...where });
  }

  info(code: ProblemCode, message: string, where: Where = {}): void {
    this.add({ severity: 'info', code, message, ...where });
  }
}

export interface Where {
  file?: string;
  path?: string;
}

/**
 * One line as a user reads it:
 *   error: auth/providers.json:4:7: invalid JSON: expected ',' or '}' after a property value, found '"' [InvalidJson]
 *   error: http_endpoints/config.json $[0].http_method: expected one of "GET", …, found "FETCH" [SchemaViolation]
 */
export function formatProblem(problem: Problem): string {
  let location = problem.file ?? '';
  if (problem.file !== undefined && problem.line !== undefined) {
    location += `:${problem.line}${problem.column !== undefined ? `:${problem.column}` : ''}`;
  }
  if (problem.path !== undefined && problem.path !== '$') location += `${location ? ' ' : ''}${problem.path}`;
  const code = problem.code ? ` [${problem.code}]` : '';
  return `${problem.severity}: ${location ? `${location}: ` : ''}${problem.message}${code}`;
}

/** `$`, `$.roles[0].apply_when`, `$["custom-token"].config` */
export function jsonPath(segments: ReadonlyArray<PropertyKey>): string {
  let path = '$';
  for (const segment of segments) {
    if (typeof segment === 'number') path += `[${segment}]`;
    else if (typeof segment === 'string' && /^[A-Za-z_][A-Za-z0-9_]*$/.test(segment)) path += `.${segment}`;
    else path += `[${JSON.stringify(String(segment))}]`;
  }
  return path;
}
