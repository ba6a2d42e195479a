import { Long } from 'bson';
import { SYSTEM_USER } from '../../emulator/auth/user';
import { FunctionError, SYSTEM_ONLY_SERVICE_MODULE, type FunctionRuntime } from '../../emulator/functions';
import { openTestDatabase, type TestDatabase } from '../helpers/database';
import { rejection, startRuntime, user } from './helpers';

let database: TestDatabase;
let runtime: FunctionRuntime;

beforeAll(async () => {
  database = await openTestDatabase('functions');
  ({ runtime } = await startRuntime({ mongoUri: database.uri }));
});

afterAll(async () => {
  await runtime.stop();
  await database.close();
});

describe('context.services.get', () => {
  it("gives a system function the data source, through the worker's own MongoClient", async () => {
    const { result } = await runtime.call({ name: 'services/roundTrip', args: [database.db.databaseName], user: user() });
    const value = result as { found: Record<string, unknown>; names: string[]; count: number };
    expect(value.found).toMatchObject({ name: 'first', at: new Date(0) });
    expect(value.found.long).toBeInstanceOf(Long);
    expect((value.found.long as Long).toString()).toBe('9007199254740993');
    expect(value.names).toEqual(['first', 'second', 'third']);
    expect(value.count).toBe(3);
    // The documents are really in the database.
    expect(await database.db.collection('items').countDocuments()).toBe(3);
  });

  it('answers undefined for a name that is not a data source', async () => {
    expect((await runtime.call({ name: 'services/unknown', user: SYSTEM_USER })).result).toBe(true);
  });

  it('refuses to return a cursor, as App Services does', async () => {
    const error = await rejection<FunctionError>(runtime.call({ name: 'services/cursor', args: [database.db.databaseName], user: user() }));
    expect(error.message).toMatch(/cannot return a cursor/);
  });

  it('holds a user function to the rules (the rules-aware service is the default)', async () => {
    const error = await rejection<FunctionError>(runtime.call({ name: 'services/asUser', user: user() }));
    expect(error.code).toBe('FunctionExecutionError');
    expect(error.message).toBe("no rule exists for namespace 'any.items'");
  });

  it("lets no call change the service's collection or cursor methods for the next", async () => {
    const name = `${database.db.databaseName}_tamper`;
    await runtime.call({ name: 'services/roundTrip', args: [name], user: SYSTEM_USER });
    // Whatever the attempt seems to do inside its own call, the next call sees the real methods.
    await runtime.call({ name: 'services/tamperCollection', args: [name], user: SYSTEM_USER });
    expect((await runtime.call({ name: 'services/afterTamper', args: [name], user: SYSTEM_USER })).result).toEqual({ count: 3, toArray: true });
    await database.client.db(name).dropDatabase();
  });
});

describe('the system-only service module', () => {
  let systemOnly: FunctionRuntime;

  beforeAll(async () => {
    ({ runtime: systemOnly } = await startRuntime({ mongoUri: database.uri, serviceModule: SYSTEM_ONLY_SERVICE_MODULE }));
  });

  afterAll(() => systemOnly.stop());

  it('tells a user function plainly that it cannot serve it', async () => {
    const error = await rejection<FunctionError>(systemOnly.call({ name: 'services/asUser', user: user() }));
    expect(error.code).toBe('FunctionExecutionError');
    expect(error.message).toMatch(/cannot be used by a function running as a user/);
  });
});

describe('the service factory hook', () => {
  let hooked: FunctionRuntime;

  beforeAll(async () => {
    ({ runtime: hooked } = await startRuntime({ mongoUri: database.uri, serviceModule: `${__dirname}/fixtures/echo-service` }));
  });

  afterAll(() => hooked.stop());

  it('builds the service with the data source name and the caller (user, system or not, request)', async () => {
    const caller = user();
    const { result } = await hooked.call({ name: 'services/asUser', user: caller });
    expect(result).toEqual({ dataSourceName: 'mongodb-atlas', user: caller, runningAsSystem: false, httpMethod: '', database: 'any', collection: 'items' });
  });

  it("lets the service run %function through the caller's executeFunction", async () => {
    const { result } = await hooked.call({ name: 'services/asUser', user: user({ data: { viaFunction: true } }) });
    expect(result).toMatchObject({ functionResult: 5 });
  });
});
