/**
 * Parts of an export outside the emulator's scope (docs: reference/config/{sync,graphql,hosting,
 * triggers,log_forwarders}). They are read only far enough to tell the user what will not run;
 * a broken file among them is a warning, since nothing of it is served anyway.
 */
import type { NotServedPart } from '../definition';
import { isPlainObject } from '../schemas/common';
import type { RootFile } from '../schemas/root';
import type { LoadContext } from './context';

export async function readNotServedParts(context: LoadContext, root: Partial<RootFile>, rootFile: string, notServed: NotServedPart[]): Promise<void> {
  await noteSyncConfig(context, notServed);
  await noteGraphql(context, notServed);
  await noteHosting(context, root, rootFile, notServed);
  await noteEachFile(context, 'triggers', 'trigger', notServed, (config) => {
    const type = typeof config.type === 'string' ? config.type.toLowerCase() : 'a';
    return `${type} trigger${config.disabled === true ? ', disabled' : ''}`;
  });
  await noteEachFile(context, 'log_forwarders', 'log-forwarder', notServed, (config) => (config.disabled === true ? 'disabled' : undefined));
}

async function readLoosely(context: LoadContext, file: string): Promise<Record<string, unknown> | undefined> {
  const value = await context.readJson(file, { invalidJsonSeverity: 'warning', templates: false });
  return isPlainObject(value) ? value : undefined;
}

/** sync/config.json holds `{ development_mode_enabled: false }` even in apps without Sync. */
async function noteSyncConfig(context: LoadContext, notServed: NotServedPart[]): Promise<void> {
  const file = 'sync/config.json';
  if (!(await context.isFile(file))) return;
  const config = await readLoosely(context, file);
  if (!config) return;
  const enabled = config.state === 'enabled' || (typeof config.type === 'string' && config.state !== 'disabled');
  if (enabled) notServed.push({ kind: 'sync', name: 'Device Sync', file, detail: `${typeof config.type === 'string' ? config.type : ''} Device Sync`.trim() });
}

async function noteGraphql(context: LoadContext, notServed: NotServedPart[]): Promise<void> {
  if (!(await context.isDirectory('graphql'))) return;
  const resolvers = (await context.list('graphql/custom_resolvers')).filter((entry) => entry.kind === 'file').length;
  notServed.push({
    kind: 'graphql',
    name: 'GraphQL API',
    file: (await context.isFile('graphql/config.json')) ? 'graphql/config.json' : 'graphql',
    detail: resolvers > 0 ? `${resolvers} custom resolver${resolvers === 1 ? '' : 's'}` : undefined,
  });
}

async function noteHosting(context: LoadContext, root: Partial<RootFile>, rootFile: string, notServed: NotServedPart[]): Promise<void> {
  if (root.hosting?.enabled) {
    notServed.push({ kind: 'hosting', name: 'static hosting', file: rootFile });
    return;
  }
  const file = 'hosting/config.json';
  const config = (await context.isFile(file)) ? await readLoosely(context, file) : undefined;
  const files = (await context.list('hosting/files')).length;
  if (config?.enabled === true || files > 0) {
    notServed.push({ kind: 'hosting', name: 'static hosting', file: config ? file : 'hosting/files', detail: files > 0 ? `hosting/files holds ${files} entr${files === 1 ? 'y' : 'ies'}` : undefined });
  }
}

async function noteEachFile(
  context: LoadContext,
  directory: string,
  kind: NotServedPart['kind'],
  notServed: NotServedPart[],
  describe: (config: Record<string, unknown>) => string | undefined,
): Promise<void> {
  for (const entry of await context.list(directory)) {
    if (entry.kind !== 'file' || !entry.name.endsWith('.json')) continue;
    const file = `${directory}/${entry.name}`;
    const config = await readLoosely(context, file);
    if (!config) continue;
    const name = typeof config.name === 'string' && config.name !== '' ? config.name : entry.name.slice(0, -'.json'.length);
    notServed.push({ kind, name, file, detail: describe(config) });
  }
}
