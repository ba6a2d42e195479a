import { FunctionError, type FunctionRuntime } from '../../emulator/functions';
import { rejection, startRuntime, user } from './helpers';

let runtime: FunctionRuntime;

beforeAll(async () => {
  ({ runtime } = await startRuntime());
});

afterAll(() => runtime.stop());

const call = (name: string, ...args: unknown[]) => runtime.call({ name, args, user: user() });

describe('module form', () => {
  it('runs a function assigned to exports', async () => {
    expect((await call('module/plain', 2, 3)).result).toBe(5);
  });

  it('awaits an async function', async () => {
    expect((await call('module/async', 21)).result).toBe(42);
  });

  it('runs an arrow function', async () => {
    expect((await call('module/arrow', 'you')).result).toBe('hello you');
  });

  it('lets helpers live at top level', async () => {
    expect((await call('module/helpers', 'hey')).result).toBe('>> HEY');
  });

  it('has exports, require and context but no module, __filename or __dirname', async () => {
    expect((await call('module/globals')).result).toEqual({
      module: 'undefined',
      exports: 'function',
      filename: 'undefined',
      dirname: 'undefined',
      require: 'function',
      context: 'object',
    });
  });

  it("honours a source's 'use strict'", async () => {
    expect((await call('module/strict')).result).toBe(true);
  });

  it('keeps the line numbers of the source file in stack traces', async () => {
    const { result } = await call('module/lineNumbers');
    expect(result).toMatch(/lineNumbers\.js:3:/);
  });

  it('refuses a source that exports no function', async () => {
    const error = await rejection<FunctionError>(call('module/noExport'));
    expect(error).toBeInstanceOf(FunctionError);
    expect(error.code).toBe('FunctionExecutionError');
    expect(error.message).toMatch(/does not export a function/);
  });

  it('reports a syntax error as an execution error', async () => {
    const error = await rejection<FunctionError>(call('module/syntaxError'));
    expect(error.code).toBe('FunctionExecutionError');
    expect(error.message).toMatch(/SyntaxError/);
  });

  it('answers FunctionNotFound for an unknown function and for one listed without a source', async () => {
    for (const name of ['noSuchFunction', 'listedWithoutSource']) {
      const error = await rejection<FunctionError>(call(name));
      expect(error.code).toBe('FunctionNotFound');
      expect(error.message).toBe(`function not found: '${name}'`);
    }
  });
});
