/**
 * The app loader: reads an exported App Services app directory (`realm-cli pull`,
 * `appservices pull`, the UI's export) into one typed, validated AppDefinition.
 *
 * Callers refuse to serve when any problem has severity 'error'; `validate` lists them all.
 */
export { loadApp, type LoadOptions, type LoadResult } from './load';
export { formatProblem, type Problem, type ProblemCode, type ProblemSeverity } from './problems';
export { describeApp, formatSummary, type AppSummary } from './describe';
export * from './definition';
