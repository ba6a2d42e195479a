/**
 * Functions (docs: reference/config/functions). Current layout: functions/config.json lists the
 * configuration and every `*.js` under functions/ (except node_modules) is a source, named by its
 * path without `.js` (`functions/utils/add.js` ↔ `utils/add`); a file and a same-named folder may
 * coexist. Legacy layout: functions/<name>/{config.json,source.js}.
 *
 * A function listed without a source is kept, marked missing, so calling it fails as App Services
 * fails (FunctionNotFound); a source without configuration gets the default configuration, as
 * App Services gives on import.
 */
import type { FunctionDefinition, FunctionDependencies, RunAs } from '../definition';
import { jsonPath } from '../problems';
import { present } from '../schemas/common';
import { functionConfigSchema, functionsConfigFileSchema, legacyFunctionConfigSchema, packageJsonSchema } from '../schemas/functions';
import type { LoadContext } from './context';

interface RunAsFields {
  run_as_system?: boolean;
  run_as_user_id?: string;
  run_as_user_id_script_source?: string;
}

/** `run_as_system` overrides the other two; the other two exclude each other (docs: functions). */
export function runAsFrom(context: LoadContext, fields: RunAsFields, file: string, at: PropertyKey[]): RunAs {
  if (fields.run_as_system) return { kind: 'system' };
  const userId = present(fields.run_as_user_id);
  const script = present(fields.run_as_user_id_script_source);
  if (userId && script) {
    context.problems.error('SchemaViolation', 'expected run_as_user_id or run_as_user_id_script_source, found both; they cannot be used together', {
      file,
      path: jsonPath([...at, 'run_as_user_id_script_source']),
    });
  }
  if (userId) return { kind: 'user-id', userId };
  if (script) return { kind: 'user-id-script', source: script };
  return { kind: 'application' };
}

const DEFAULTS = '(not private, runs as the calling user)';

/** What App Services gives a function that has no configuration entry. */
function defaultFunction(name: string, source: string, sourceFile: string): FunctionDefinition {
  return { name, source, sourceFile, missing: false, private: false, runAs: { kind: 'application' }, disableArgLogs: false, origin: 'default-config' };
}

export async function readFunctions(context: LoadContext): Promise<Map<string, FunctionDefinition>> {
  const sources = new Map<string, string>();
  await collectSources(context, 'functions', '', sources);
  const functions = new Map<string, FunctionDefinition>();
  const file = 'functions/config.json';
  const hasConfig = await context.isFile(file);
  const entries = hasConfig ? await context.readAndParse(functionsConfigFileSchema, file) : [];
  for (const [index, entry] of (entries ?? []).entries()) {
    const config = context.parse(functionConfigSchema, entry, file, [index]);
    if (!config) continue;
    if (functions.has(config.name)) {
      context.problems.error('DuplicateName', `function "${config.name}" is listed twice`, { file, path: jsonPath([index, 'name']) });
      continue;
    }
    const sourceFile = `functions/${config.name}.js`;
    const source = sources.get(config.name);
    if (source === undefined) {
      context.problems.warning('MissingFunctionSource', `function "${config.name}" has no source file ${sourceFile}; calling it fails with FunctionNotFound`, {
        file,
        path: jsonPath([index, 'name']),
      });
    }
    functions.set(config.name, {
      name: config.name,
      ...(source === undefined ? {} : { source, sourceFile }),
      missing: source === undefined,
      private: config.private ?? false,
      canEvaluate: config.can_evaluate,
      runAs: runAsFrom(context, config, file, [index]),
      disableArgLogs: config.disable_arg_logs ?? false,
      origin: 'config',
    });
  }
  const unconfigured = [...sources.keys()].filter((name) => !functions.has(name));
  for (const name of unconfigured) functions.set(name, defaultFunction(name, sources.get(name) as string, `functions/${name}.js`));
  // When config.json itself is broken (already an error), every source looks unconfigured: say nothing more.
  if (unconfigured.length > 0 && (entries !== undefined || !hasConfig)) {
    const list = unconfigured.map((name) => `"${name}"`).join(', ');
    const one = unconfigured.length === 1;
    context.problems.info(
      'DefaultFunctionConfig',
      `${one ? 'function' : 'functions'} ${list} ${one ? 'has no entry' : 'have no entries'} in ${file} and ${one ? 'gets' : 'get'} the default configuration ${DEFAULTS}`,
      hasConfig ? { file } : {},
    );
  }
  return functions;
}

async function collectSources(context: LoadContext, directory: string, prefix: string, sources: Map<string, string>): Promise<void> {
  for (const entry of await context.list(directory)) {
    const relative = `${directory}/${entry.name}`;
    if (entry.kind === 'directory') {
      if (entry.name !== 'node_modules') await collectSources(context, relative, `${prefix}${entry.name}/`, sources);
    } else if (entry.name.endsWith('.js')) {
      const source = await context.readText(relative);
      if (source !== undefined) sources.set(`${prefix}${entry.name.slice(0, -'.js'.length)}`, source);
    }
  }
}

/** Legacy layout: one folder per function. */
export async function readLegacyFunctions(context: LoadContext): Promise<Map<string, FunctionDefinition>> {
  const functions = new Map<string, FunctionDefinition>();
  for (const entry of await context.list('functions')) {
    if (entry.kind !== 'directory' || entry.name === 'node_modules') continue;
    const directory = `functions/${entry.name}`;
    const configFile = `${directory}/config.json`;
    const sourceFile = `${directory}/source.js`;
    const source = (await context.isFile(sourceFile)) ? await context.readText(sourceFile) : undefined;
    if (!(await context.isFile(configFile))) {
      if (source !== undefined) {
        functions.set(entry.name, defaultFunction(entry.name, source, sourceFile));
        context.problems.info('DefaultFunctionConfig', `function "${entry.name}" has no ${configFile} and gets the default configuration ${DEFAULTS}`, { file: sourceFile });
      }
      continue;
    }
    const config = await context.readAndParse(legacyFunctionConfigSchema, configFile);
    if (!config) continue;
    const name = present(config.name) ?? entry.name;
    if (name !== entry.name) {
      context.problems.warning('NameMismatch', `the function is named "${name}" but its folder is "${entry.name}"; "${name}" is used`, { file: configFile, path: '$.name' });
    }
    if (functions.has(name)) {
      context.problems.error('DuplicateName', `a second function is named "${name}"`, { file: configFile, path: '$.name' });
      continue;
    }
    if (source === undefined) {
      context.problems.warning('MissingFunctionSource', `function "${name}" has no source file ${sourceFile}; calling it fails with FunctionNotFound`, {
        file: configFile,
      });
    }
    functions.set(name, {
      name,
      ...(source === undefined ? {} : { source, sourceFile }),
      missing: source === undefined,
      private: config.private ?? false,
      canEvaluate: config.can_evaluate,
      runAs: runAsFrom(context, config, configFile, []),
      disableArgLogs: config.disable_arg_logs ?? false,
      origin: 'config',
    });
  }
  return functions;
}

/**
 * functions/package.json and node_modules (a folder or the archive `push --include-node-modules`
 * uploads). The function runtime decides what to do with them.
 */
export async function readFunctionDependencies(context: LoadContext): Promise<FunctionDependencies> {
  const dependencies: FunctionDependencies = { dependencies: {} };
  const packageJsonFile = 'functions/package.json';
  if (await context.isFile(packageJsonFile)) {
    const parsed = await context.readAndParse(packageJsonSchema, packageJsonFile, { templates: false });
    dependencies.packageJsonFile = packageJsonFile;
    dependencies.dependencies = parsed?.dependencies ?? {};
  }
  if (await context.isDirectory('functions/node_modules')) {
    dependencies.nodeModules = { kind: 'directory', file: 'functions/node_modules' };
  } else {
    for (const archive of ['node_modules.zip', 'node_modules.tar.gz', 'node_modules.tgz', 'node_modules.tar', 'node_modules.7z']) {
      if (await context.isFile(`functions/${archive}`)) {
        dependencies.nodeModules = { kind: 'archive', file: `functions/${archive}` };
        break;
      }
    }
  }
  return dependencies;
}
