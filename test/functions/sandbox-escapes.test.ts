import type { FunctionRuntime } from '../../emulator/functions';
import { startRuntime, user } from './helpers';

let runtime: FunctionRuntime;

beforeAll(async () => {
  // One worker, so every call below runs in the same thread as the ones before it.
  ({ runtime } = await startRuntime({ workers: 1 }));
});

afterAll(() => runtime.stop());

const call = async (name: string, ...args: unknown[]) => (await runtime.call({ name, args, user: user() })).result;

describe('escape attempts', () => {
  it("never reaches the host's process: constructor chains, host objects' constructors, errors, globals", async () => {
    const attempts = (await call('escape/attempts')) as Record<string, unknown>;
    expect(Object.keys(attempts)).toHaveLength(12);
    for (const [attempt, found] of Object.entries(attempts)) {
      const described = `${attempt}: ${JSON.stringify(found)}`;
      if (typeof found === 'string') {
        expect(described).toMatch(/: "(nothing|error: .*)"$/);
        continue;
      }
      // What a function can reach is App Services' partial process, never the host's.
      expect({ attempt, ...(found as object) }).toEqual({ attempt, env: 'none', exit: 'undefined', binding: 'undefined', dlopen: 'undefined', mainModule: 'undefined' });
    }
  });

  it('has no process.env, global require or module', async () => {
    const globals = (await call('escape/globals')) as Record<string, unknown>;
    expect(globals).toMatchObject({ processEnv: 'undefined', processVersion: 'string', globalRequire: 'undefined', globalModule: 'undefined' });
    expect(globals.globalKeys).not.toContain('require');
  });
});

describe('tampering with shared objects', () => {
  it('does not leak from one call to the next', async () => {
    // Writes to frozen shared objects either throw or go nowhere; either way, the next call
    // must see none of them (undefined comes back as null through EJSON).
    await call('tamper/write');
    expect(await call('tamper/read')).toEqual({
      objectPrototype: null,
      arrayPrototype: null,
      json: 1,
      ejson: 1,
      ejsonMethod: null,
      bsonNamespace: 'object',
      bsonStatic: '7',
      bsonPrototype: '5e58667d902d38559c802b13',
      bsonInstancePrototype: 'x',
      longConstant: '9223372036854775807',
      utils: '9dd4e461268c8034f5c8564e155c67a6',
      bufferPrototype: null,
      bufferStatic: 'x',
      hostObjectPrototype: null,
      globalThis: 'undefined',
      context: 'beautiful world',
      requireCrypto: '9dd4e461268c8034f5c8564e155c67a6',
    });
  });
});
