/**
 * What `require` gives a function (spec §5.1, docs: functions/javascript-support and
 * functions/dependencies):
 *
 *  - fully supported built-ins: the host module through vm2's read-only bridge;
 *  - partly supported built-ins: `crypto` without Diffie-Hellman/ECDH, `util` without
 *    TextEncoder/TextDecoder, `http`/`https`/`http2` client side only (filtered inside the
 *    sandbox, see prelude.ts), and `fs`, `os`, `dns`, `process` rebuilt here, because
 *    vm2 never hands those host modules to a sandbox and App Services only offers parts of them:
 *    `fs` reads (access, stat, readFile) inside the app's functions/ directory and nowhere else,
 *    `os` the host-neutral facts, `dns` the callback lookups (no promises, no setServers),
 *    `process` hrtime/nextTick/version/versions;
 *  - every other built-in (child_process, cluster, domain, readline, v8, vm, worker_threads,
 *    module, inspector …) fails as in App Services: "Cannot find module '<name>'";
 *  - packages: the app's own functions/node_modules (vm2 resolves them from the function's file,
 *    and `root` keeps every file it loads inside the app's directory, so the emulator's own
 *    node_modules are out of reach). They run inside the sandbox and get the same built-ins.
 */
import * as dns from 'node:dns';
import * as fs from 'node:fs';
import { builtinModules } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { VMFileSystem } from 'vm2';

const FULLY_SUPPORTED = ['assert', 'buffer', 'events', 'net', 'path', 'punycode', 'querystring', 'stream', 'string_decoder', 'timers', 'tls', 'tty', 'url', 'zlib'];

const HTTP_CLIENT = ['Agent', 'ClientRequest', 'IncomingMessage', 'OutgoingMessage', 'METHODS', 'STATUS_CODES', 'get', 'globalAgent', 'request', 'validateHeaderName', 'validateHeaderValue', 'maxHeaderSize'];

/** Built-ins loaded from the host and then filtered inside the sandbox. */
const FILTERED: Record<string, { pick: string[] } | { omit: string[] }> = {
  crypto: {
    omit: ['createDiffieHellman', 'createDiffieHellmanGroup', 'getDiffieHellman', 'DiffieHellman', 'DiffieHellmanGroup', 'createECDH', 'ECDH', 'diffieHellman'],
  },
  util: { omit: ['TextEncoder', 'TextDecoder'] },
  http: { pick: HTTP_CLIENT },
  https: { pick: HTTP_CLIENT },
  http2: { pick: ['connect', 'constants', 'getDefaultSettings', 'getPackedSettings', 'getUnpackedSettings', 'sensitiveHeaders'] },
};

/** Built-ins vm2 loads from the host (read-only). */
export const HOST_BUILTINS = [...FULLY_SUPPORTED, ...Object.keys(FILTERED)];

const REBUILT = ['fs', 'os', 'dns', 'process'];

/** The policy the sandbox-side `require` applies, as JSON (it is parsed inside the sandbox). */
export function requirePolicyJson(): string {
  const nodeBuiltins = builtinModules.map((name) => name.replace(/^node:/, ''));
  return JSON.stringify({ nodeBuiltins, supported: [...HOST_BUILTINS, ...REBUILT], filters: FILTERED });
}

/**
 * The file system vm2's resolver sees: the app's directories and nothing else. With it, a
 * package the app does not ship (the emulator's own `mongodb`, `vm2` …) is simply not found,
 * as in App Services, instead of being found above the app and refused with a host path in
 * the message. (vm2's `root` option still guards against symlinks out of these directories.)
 */
export function scopedFileSystem(roots: string[]): VMFileSystem {
  const real = roots.filter((root) => fs.existsSync(root)).map((root) => fs.realpathSync(root));
  const visible = (file: fs.PathLike): boolean => {
    const resolved = path.resolve(String(file));
    return real.some((root) => resolved === root || resolved.startsWith(root + path.sep));
  };
  const missing = (file: fs.PathLike) => Object.assign(new Error(`ENOENT: no such file or directory, '${String(file)}'`), { code: 'ENOENT' });
  const scoped = {
    statSync: ((file: fs.PathLike, options?: fs.StatSyncOptions) => {
      if (visible(file)) return fs.statSync(file, options);
      if (options?.throwIfNoEntry === false) return undefined;
      throw missing(file);
    }) as typeof fs.statSync,
    readFileSync: ((file: fs.PathLike, options?: { encoding?: BufferEncoding | null }) => {
      if (visible(file)) return fs.readFileSync(file, options);
      throw missing(file);
    }) as typeof fs.readFileSync,
    realpathSync: (file: fs.PathLike) => {
      if (visible(file)) return fs.realpathSync(file);
      throw missing(file);
    },
  };
  return new VMFileSystem({ fs: scoped });
}

/** The rebuilt built-ins, given to vm2 as mocks (vm2 hands them over read-only). */
export function rebuiltModules(functionsDirectory: string | undefined): Record<string, object> {
  return { fs: fsModule(functionsDirectory), os: osModule(), dns: dnsModule(), process: processModule() };
}

function fsModule(root: string | undefined): object {
  const realRoot = root && fs.existsSync(root) ? fs.realpathSync(root) : undefined;
  /** A path inside the functions directory, or ENOENT as for a file that does not exist. */
  const inside = (file: unknown): string => {
    const wanted = path.resolve(realRoot ?? '/', String(file));
    const real = fs.existsSync(wanted) ? fs.realpathSync(wanted) : wanted;
    if (!realRoot || !(real === realRoot || real.startsWith(realRoot + path.sep))) {
      throw Object.assign(new Error(`ENOENT: no such file or directory, '${String(file)}'`), { code: 'ENOENT', errno: -2, path: String(file) });
    }
    return real;
  };
  return {
    constants: fs.constants,
    accessSync: (file: unknown, mode?: number) => fs.accessSync(inside(file), mode),
    existsSync: (file: unknown) => {
      try {
        return fs.existsSync(inside(file));
      } catch {
        return false;
      }
    },
    lstatSync: (file: unknown, options?: fs.StatSyncOptions) => fs.lstatSync(inside(file), options),
    statSync: (file: unknown, options?: fs.StatSyncOptions) => fs.statSync(inside(file), options),
    readFileSync: (file: unknown, options?: { encoding?: BufferEncoding | null; flag?: string } | BufferEncoding | null) =>
      fs.readFileSync(inside(file), options),
  };
}

function osModule(): object {
  return {
    EOL: os.EOL,
    constants: os.constants,
    arch: () => os.arch(),
    endianness: () => os.endianness(),
    platform: () => os.platform(),
    type: () => os.type(),
    // Facts about the host machine stay on the host.
    hostname: () => 'localhost',
    homedir: () => '/',
    tmpdir: () => '/tmp',
  };
}

function dnsModule(): object {
  const names = ['lookup', 'lookupService', 'resolve', 'resolve4', 'resolve6', 'resolveAny', 'resolveCaa', 'resolveCname', 'resolveMx', 'resolveNaptr', 'resolveNs', 'resolvePtr', 'resolveSoa', 'resolveSrv', 'resolveTxt', 'reverse'] as const;
  const module: Record<string, unknown> = {};
  for (const name of names) module[name] = (dns[name] as (...args: unknown[]) => unknown).bind(dns);
  return module;
}

/** App Services' partial `process`: the `process` global of a function, and require('process'). */
export function processModule(): object {
  return {
    hrtime: Object.assign((time?: [number, number]) => process.hrtime(time), { bigint: () => process.hrtime.bigint() }),
    nextTick: (callback: (...args: unknown[]) => void, ...args: unknown[]) => process.nextTick(() => callback(...args)),
    version: process.version,
    versions: { ...process.versions },
  };
}
