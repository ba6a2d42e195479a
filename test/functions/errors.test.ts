import { FunctionError, type FunctionRuntime } from '../../emulator/functions';
import { rejection, startRuntime, user } from './helpers';

let runtime: FunctionRuntime;

beforeAll(async () => {
  ({ runtime } = await startRuntime());
});

afterAll(() => runtime.stop());

const failure = (name: string, ...args: unknown[]) => rejection<FunctionError>(runtime.call({ name, args, user: user() }));

describe('a function that fails', () => {
  it('returns FunctionExecutionError with the message it threw, and the logs up to the failure', async () => {
    const error = await failure('errors/throws');
    expect(error).toBeInstanceOf(FunctionError);
    expect(error.code).toBe('FunctionExecutionError');
    expect(error.message).toBe('boom');
    expect(error.logs).toEqual(['about to fail']);
  });

  it('names the error type of runtime errors, as App Services does', async () => {
    expect((await failure('errors/typeError')).message).toBe("TypeError: Cannot read properties of null (reading 'field')");
  });

  it('reports a rejected promise and a thrown string', async () => {
    expect((await failure('errors/rejects')).message).toBe('RangeError: out of range');
    expect((await failure('errors/throwsString')).message).toBe('plain string');
  });

  it('refuses to return a cursor', async () => {
    const error = await failure('errors/cursorLike');
    expect(error.code).toBe('FunctionExecutionError');
    expect(error.message).toMatch(/cannot return a cursor: call toArray\(\)/);
  });

  it('lets a function catch what a nested call throws', async () => {
    expect((await runtime.call({ name: 'errors/callsMissing', user: user() })).result).toBe("function not found: 'noSuchFunction'");
  });

  it('keeps serving after failures', async () => {
    expect((await runtime.call({ name: 'module/plain', args: [1, 1], user: user() })).result).toBe(2);
  });
});
