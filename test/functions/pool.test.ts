import * as path from 'node:path';
import { FunctionError } from '../../emulator/functions';
import { rejection, startRuntime, user } from './helpers';

describe('the worker pool', () => {
  it('fails calls clearly, instead of hanging, when its workers cannot start', async () => {
    const { runtime } = await startRuntime({ serviceModule: path.join(__dirname, 'fixtures', 'no-such-service') });
    try {
      expect((await rejection<FunctionError>(runtime.warm())).message).toMatch(/^a function worker could not start/);
      const error = await rejection<FunctionError>(runtime.call({ name: 'module/plain', args: [1, 2], user: user() }));
      expect(error.code).toBe('InternalServerError');
      expect(error.message).toMatch(/^a function worker could not start: .*no-such-service/);
    } finally {
      await runtime.stop();
    }
  });

  it('fails the calls in flight when it stops, and every call after', async () => {
    const { runtime } = await startRuntime();
    await runtime.warm();
    const inFlight = rejection<FunctionError>(runtime.call({ name: 'limits/wait', args: [60_000], user: user() }));
    await new Promise((resolve) => setTimeout(resolve, 100));
    await runtime.stop();
    expect((await inFlight).message).toBe('the function runtime was stopped');
    const after = await rejection<FunctionError>(runtime.call({ name: 'module/plain', args: [1, 2], user: user() }));
    expect(after.code).toBe('InternalServerError');
  });
});
