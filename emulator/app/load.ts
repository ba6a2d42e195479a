/**
 * loadApp: an exported app directory → one AppDefinition and every problem found in it.
 *
 * Order matters only where one part feeds another: the root file names the environment, the
 * environment's values feed the templates of every other file, and cross-part references are
 * checked once everything is read. Legacy layouts are mapped to the current model here.
 */
import * as path from 'node:path';
import { checkReferences } from './checks';
import type { AppDefinition, NotServedPart } from './definition';
import { TemplateResolver } from './json/templates';
import { jsonPath, ProblemLog, type Problem } from './problems';
import { readAuthProviders, readCustomUserData, readLegacyAuthProviders } from './read/auth';
import { LoadContext } from './read/context';
import { readDataSources } from './read/data-sources';
import { endpointsFolder, readCustomEndpoints, readDataApi } from './read/endpoints';
import { readEnvironment } from './read/environment';
import { readFunctionDependencies, readFunctions, readLegacyFunctions } from './read/functions';
import { customUserDataFromLegacyRoot, noteFoldersOfOtherLayout, noteLegacySecretsFile } from './read/legacy';
import { readNotServedParts } from './read/not-served';
import { declaredEnvironment, findRootFile, parseRootFile, resolveAppId } from './read/root';
import { readServiceFolders, type ServiceSink } from './read/services';
import { readValues } from './read/values';
import { SecretBook } from './secrets';

export interface LoadOptions {
  /** Secret name → value; secrets are never exported, so the caller gathers them. */
  secrets?: Record<string, string>;
  /** Overrides the exported client app id. */
  appId?: string;
}

export interface LoadResult {
  /** Present whenever the root file could be read, even with problems. */
  app?: AppDefinition;
  problems: Problem[];
}

export async function loadApp(directory: string, options: LoadOptions = {}): Promise<LoadResult> {
  const absolute = path.resolve(directory);
  const problems = new ProblemLog();
  const context = new LoadContext(absolute, problems);
  if (!(await context.isDirectory('.'))) {
    problems.error('MissingRootFile', `${absolute} is not a directory`);
    return { problems: problems.problems };
  }
  const root = await findRootFile(context);
  if (!root) return { problems: problems.problems };

  const environment = await readEnvironment(context, declaredEnvironment(root.raw));
  context.templates = new TemplateResolver(environment);
  const rootValue = context.templates.resolve(root.raw, (failure) =>
    problems.error('UnresolvedTemplate', failure.message, { file: root.rootFile, path: jsonPath(failure.path) }),
  ) as Record<string, unknown>;
  const rootFile = parseRootFile(context, root.rootFile, rootValue);
  const ids = await resolveAppId(context, rootFile, root.rootFile, options.appId);
  const secrets = new SecretBook(options.secrets ?? {}, problems);
  const legacy = root.layout !== 'current';
  await noteFoldersOfOtherLayout(context, root.layout, root.rootFile, root.configVersion);

  const notServed: NotServedPart[] = [];
  const authProviders = legacy ? await readLegacyAuthProviders(context, secrets) : await readAuthProviders(context, secrets);
  const functions = legacy ? await readLegacyFunctions(context) : await readFunctions(context);
  const sink: ServiceSink = {
    dataSources: legacy ? new Map() : await readDataSources(context, notServed),
    functions,
    endpoints: [],
    notServed,
    serviceIds: new Map(),
  };
  let dataApi: AppDefinition['dataApi'];
  const folder = legacy ? undefined : await endpointsFolder(context);
  if (folder) {
    sink.endpoints.push(...(await readCustomEndpoints(context, secrets, folder)));
    dataApi = await readDataApi(context, secrets, folder);
    await readServiceFolders(context, secrets, folder, sink);
  }
  await readServiceFolders(context, secrets, 'services', sink);
  const values = await readValues(context, secrets);
  const customUserData = legacy
    ? customUserDataFromLegacyRoot(context, rootFile, root.rootFile, sink.serviceIds, sink.dataSources)
    : await readCustomUserData(context);
  if (legacy) await noteLegacySecretsFile(context);
  for (const provider of authProviders.values()) {
    if (!provider.served && !provider.disabled) {
      notServed.push({ kind: 'auth-provider', name: provider.name, file: provider.file, detail: provider.name === provider.type ? undefined : provider.type });
    }
  }
  await readNotServedParts(context, rootFile, root.rootFile, notServed);

  const originsInSecurity = rootFile.allowed_request_origins === undefined && rootFile.security?.allowed_request_origins !== undefined;
  const allowedRequestOrigins = rootFile.allowed_request_origins ?? rootFile.security?.allowed_request_origins ?? [];
  const app: AppDefinition = {
    meta: {
      ...ids,
      name: rootFile.name ?? ids.appId,
      location: rootFile.location,
      providerRegion: rootFile.provider_region,
      deploymentModel: rootFile.deployment_model,
      configVersion: root.configVersion,
      layout: root.layout,
      rootFile: root.rootFile,
      directory: absolute,
    },
    environment,
    authProviders,
    customUserData,
    dataSources: sink.dataSources,
    functions,
    functionDependencies: await readFunctionDependencies(context),
    endpoints: sink.endpoints,
    dataApi,
    values,
    allowedRequestOrigins,
    notServed,
    secretsReferenced: secrets.references(),
  };
  checkReferences({ ...app, rootFile: root.rootFile, originsPath: originsInSecurity ? '$.security.allowed_request_origins' : '$.allowed_request_origins' }, problems);
  return { app, problems: problems.problems };
}

