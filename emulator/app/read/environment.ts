/**
 * The active environment (docs: apps/environment, reference/config/environments): the root file's
 * `environment` names environments/<name>.json, and `""` means environments/no-environment.json.
 * Its values feed `context.environment`, `%%environment` and the templates of every other file,
 * so it is read before them, without templates of its own.
 */
import type { EnvironmentDefinition, EnvironmentTag } from '../definition';
import { environmentFileSchema } from '../schemas/values';
import type { LoadContext } from './context';

export async function readEnvironment(context: LoadContext, tag: EnvironmentTag): Promise<EnvironmentDefinition> {
  const file = `environments/${tag === '' ? 'no-environment' : tag}.json`;
  if (!(await context.isFile(file))) {
    if (tag !== '') {
      context.problems.warning('MissingEnvironmentFile', `the root file names the environment "${tag}" but ${file} does not exist; its values are empty`, { file });
    }
    return { tag, values: {} };
  }
  const parsed = await context.readAndParse(environmentFileSchema, file, { templates: false });
  return { tag, values: parsed?.values ?? {}, file };
}
