/**
 * Finds and reads the root file, and works out the app id.
 *
 * realm-cli (internal/local/app.go) probes realm_config.json, config.json and stitch.json, and
 * ignores a config.json without config_version; the appservices CLI and UI exports write
 * root_config.json. All four are accepted, in that order; config_version decides the layout.
 */
import type { z } from 'zod';
import type { AppMeta, ConfigLayout, RootFileName } from '../definition';
import { isPlainObject, present } from '../schemas/common';
import { environmentTag, mdbMetaSchema, rootFileSchema, type RootFile } from '../schemas/root';
import type { LoadContext } from './context';

const ROOT_FILES: ReadonlyArray<{ file: RootFileName; version: number }> = [
  { file: 'root_config.json', version: 20210101 },
  { file: 'realm_config.json', version: 20210101 },
  { file: 'config.json', version: 20200603 },
  { file: 'stitch.json', version: 20180301 },
];

export interface RootRead {
  rootFile: RootFileName;
  /** The root file as parsed, before templates (the environment must be known first). */
  raw: Record<string, unknown>;
  configVersion: number;
  layout: ConfigLayout;
}

export async function findRootFile(context: LoadContext): Promise<RootRead | undefined> {
  const found: Array<{ file: RootFileName; version: number; raw: Record<string, unknown> }> = [];
  let configJsonWithoutVersion = false;
  for (const candidate of ROOT_FILES) {
    if (!(await context.isFile(candidate.file))) continue;
    const raw = await context.readJson(candidate.file, { templates: false });
    if (raw === undefined) return undefined; // unreadable or invalid JSON: already reported
    if (!isPlainObject(raw)) {
      context.problems.error('SchemaViolation', 'expected an object, found something else', { file: candidate.file, path: '$' });
      return undefined;
    }
    if (candidate.file === 'config.json' && raw.config_version === undefined) {
      configJsonWithoutVersion = true;
      continue;
    }
    found.push({ ...candidate, raw });
  }
  const chosen = found[0];
  if (!chosen) {
    const hint = configJsonWithoutVersion ? ' (config.json is there but has no "config_version", so it is not a root file)' : '';
    context.problems.error(
      'MissingRootFile',
      `no app here: an exported app has root_config.json, realm_config.json, config.json or stitch.json at its top${hint}`,
    );
    return undefined;
  }
  if (found.length > 1) {
    const others = found.slice(1).map((entry) => entry.file).join(', ');
    context.problems.warning('ConflictingRootFiles', `${chosen.file} was read as the root file; ${others} ignored`, { file: chosen.file });
  }
  return { rootFile: chosen.file, raw: chosen.raw, ...versionOf(context, chosen.file, chosen.raw, chosen.version) };
}

function versionOf(context: LoadContext, file: RootFileName, raw: Record<string, unknown>, expected: number): { configVersion: number; layout: ConfigLayout } {
  const declared = raw.config_version;
  if (declared === undefined) return { configVersion: expected, layout: layoutOf(expected) };
  if (typeof declared !== 'number' || !isKnownVersion(declared)) {
    context.problems.error('SchemaViolation', `expected 20180301, 20200603 or 20210101 (or later), found ${JSON.stringify(declared)}; read as ${expected} from the file name`, {
      file,
      path: '$.config_version',
    });
    return { configVersion: expected, layout: layoutOf(expected) };
  }
  if (layoutOf(declared) !== layoutOf(expected)) {
    context.problems.warning('NameMismatch', `config_version ${declared} is not what ${file} usually holds (${expected}); the layout of ${declared} is read`, {
      file,
      path: '$.config_version',
    });
  }
  return { configVersion: declared, layout: layoutOf(declared) };
}

function isKnownVersion(version: number): boolean {
  return version === 20180301 || version === 20200603 || version >= 20210101;
}

function layoutOf(version: number): ConfigLayout {
  if (version === 20180301) return 'legacy-20180301';
  if (version === 20200603) return 'legacy-20200603';
  return 'current';
}

/** The `environment` field as written, before validation; anything unusable means no environment. */
export function declaredEnvironment(raw: Record<string, unknown>): z.output<typeof environmentTag> {
  const parsed = environmentTag.safeParse(raw.environment);
  return parsed.success ? parsed.data : '';
}

/**
 * Validates the (templated) root file. Fields that fail are reported and left out, so a root file
 * with problems still gives an app that `validate` can describe.
 */
export function parseRootFile(context: LoadContext, file: RootFileName, value: Record<string, unknown>): Partial<RootFile> {
  const parsed = context.parse(rootFileSchema, value, file);
  if (parsed) return parsed;
  const salvaged: Record<string, unknown> = {};
  for (const [key, fieldSchema] of Object.entries(rootFileSchema.shape)) {
    const field = (fieldSchema as z.ZodType).safeParse(value[key]);
    if (field.success && field.data !== undefined) salvaged[key] = field.data;
  }
  return salvaged as Partial<RootFile>;
}

/**
 * The client app id: the caller's choice, else the root file's app_id, else the appservices CLI's
 * .mdb/meta.json client_app_id. realm-cli's .mdb/app_meta.json app_id is the internal ObjectId,
 * so it is used only when it is not one.
 */
export async function resolveAppId(
  context: LoadContext,
  root: Partial<RootFile>,
  rootFile: RootFileName,
  override: string | undefined,
): Promise<Pick<AppMeta, 'appId' | 'appIdSource' | 'projectId'>> {
  const meta = await readMdbMeta(context);
  const projectId = meta.projectId;
  if (present(override)) return { appId: override as string, appIdSource: 'option', projectId };
  if (present(root.app_id)) return { appId: root.app_id as string, appIdSource: 'root-file', projectId };
  if (meta.clientAppId) return { appId: meta.clientAppId, appIdSource: 'mdb-meta', projectId };
  const fallback = root.name ?? 'application';
  context.problems.warning('MissingAppId', `no client app id in ${rootFile} or .mdb/; the app is served as "${fallback}" (pass an app id to choose another)`, {
    file: rootFile,
    path: '$.app_id',
  });
  return { appId: fallback, appIdSource: 'name', projectId };
}

/** .mdb/ is the CLIs' bookkeeping, not app configuration: a broken file there only warns. */
async function readMdbMeta(context: LoadContext): Promise<{ clientAppId?: string; projectId?: string }> {
  for (const file of ['.mdb/meta.json', '.mdb/app_meta.json']) {
    if (!(await context.isFile(file))) continue;
    const value = await context.readJson(file, { templates: false, invalidJsonSeverity: 'warning' });
    if (value === undefined) continue;
    const parsed = mdbMetaSchema.safeParse(value);
    if (!parsed.success) {
      context.problems.warning('SchemaViolation', 'the CLI bookkeeping file does not have the expected fields; it is ignored', { file });
      continue;
    }
    const meta = parsed.data;
    const clientAppId = present(meta.client_app_id) ?? (present(meta.app_id) && !/^[0-9a-f]{24}$/i.test(meta.app_id as string) ? meta.app_id : undefined);
    return { clientAppId, projectId: present(meta.group_id) };
  }
  return {};
}
