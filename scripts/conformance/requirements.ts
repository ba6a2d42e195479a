/**
 * runOnRequirements: what the server under test is (version, topology, auth) and whether a file or
 * a test applies to it. A test whose requirements are not met is "not applicable": it is neither
 * run nor counted, as the unified format prescribes ("skip the test").
 */
import type { Document, MongoClient } from 'mongodb';
import type { RunOnRequirement } from './format';
import { matches } from './matcher';

export interface ServerProfile {
  /** [major, minor, patch] from buildInfo's versionArray (the format says to use only these three). */
  version: [number, number, number];
  topology: 'single' | 'replicaset' | 'sharded' | 'load-balanced';
  serverless: boolean;
  auth: boolean;
  authMechanism?: string;
  client: MongoClient;
}

export async function describeServer(client: MongoClient, uri: string): Promise<ServerProfile> {
  const admin = client.db('admin');
  const buildInfo = await admin.command({ buildInfo: 1 });
  const versionArray = Array.isArray(buildInfo.versionArray)
    ? (buildInfo.versionArray as unknown[]).map(Number)
    : parseVersion(String(buildInfo.version));
  const hello = await admin.command({ hello: 1 });
  const mechanism = /[?&]authMechanism=([^&]+)/.exec(uri)?.[1];
  return {
    version: [versionArray[0] ?? 0, versionArray[1] ?? 0, versionArray[2] ?? 0],
    topology: topologyOf(hello),
    // Atlas serverless is gone and cannot be detected from a reply; say so explicitly when needed.
    serverless: process.env.CONFORMANCE_SERVERLESS === '1',
    // Credentials sit before the '@' of the host list: mongodb://user:pass@host/.
    auth: /^mongodb(\+srv)?:\/\/[^@/]+@/.test(uri),
    authMechanism: mechanism ? decodeURIComponent(mechanism) : undefined,
    client,
  };
}

function topologyOf(hello: Document): ServerProfile['topology'] {
  if (hello.msg === 'isdbgrid') return 'sharded';
  if (hello.serviceId !== undefined) return 'load-balanced';
  if (typeof hello.setName === 'string') return 'replicaset';
  return 'single';
}

/** "4.2", "4.2.0" and "4.9.0-alpha4-…" all compare on major.minor.patch only. */
export function parseVersion(text: string): [number, number, number] {
  const parts = text.split('-')[0].split('.').map((part) => Number.parseInt(part, 10) || 0);
  return [parts[0] ?? 0, parts[1] ?? 0, parts[2] ?? 0];
}

function compareVersions(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < 3; i += 1) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}

/** Undefined when one of the requirements is met (or there are none); otherwise why none is. */
export async function unmetRequirements(requirements: RunOnRequirement[] | undefined, server: ServerProfile): Promise<string | undefined> {
  if (!requirements || requirements.length === 0) return undefined;
  const reasons: string[] = [];
  for (const requirement of requirements) {
    const reason = await unmet(requirement, server);
    if (reason === undefined) return undefined;
    reasons.push(reason);
  }
  return reasons.join('; ');
}

async function unmet(requirement: RunOnRequirement, server: ServerProfile): Promise<string | undefined> {
  const version = server.version.join('.');
  if (requirement.minServerVersion && compareVersions(server.version, parseVersion(requirement.minServerVersion)) < 0) {
    return `needs server >= ${requirement.minServerVersion} (have ${version})`;
  }
  if (requirement.maxServerVersion && compareVersions(server.version, parseVersion(requirement.maxServerVersion)) > 0) {
    return `needs server <= ${requirement.maxServerVersion} (have ${version})`;
  }
  if (requirement.topologies && !requirement.topologies.includes(server.topology)) {
    // A sharded cluster also satisfies "sharded-replicaset" in older files; a single server never does.
    const shardedAlias = server.topology === 'sharded' && requirement.topologies.includes('sharded-replicaset');
    if (!shardedAlias) return `needs topology ${requirement.topologies.join('/')} (have ${server.topology})`;
  }
  if (requirement.serverless === 'require' && !server.serverless) return 'needs serverless';
  if (requirement.serverless === 'forbid' && server.serverless) return 'not on serverless';
  if (requirement.auth === true && !server.auth) return 'needs auth';
  if (requirement.auth === false && server.auth) return 'needs no auth';
  if (requirement.authMechanism && requirement.authMechanism !== (server.authMechanism ?? 'SCRAM-SHA-256')) {
    return `needs auth mechanism ${requirement.authMechanism}`;
  }
  // The runner does not load mongodb-client-encryption, so CSFLE is never available.
  if (requirement.csfle !== undefined && requirement.csfle !== false) return 'needs client-side field level encryption';
  if (requirement.serverParameters) return unmetServerParameters(requirement.serverParameters, server);
  return undefined;
}

async function unmetServerParameters(parameters: Document, server: ServerProfile): Promise<string | undefined> {
  for (const [name, expected] of Object.entries(parameters)) {
    let actual: unknown;
    try {
      actual = (await server.client.db('admin').command({ getParameter: 1, [name]: 1 }))[name];
    } catch {
      return `needs server parameter ${name}`;
    }
    if (!matches(expected, actual)) return `needs server parameter ${name} = ${String(expected)}`;
  }
  return undefined;
}
