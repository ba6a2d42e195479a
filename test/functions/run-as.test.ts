import { SYSTEM_USER, type AppUser } from '../../emulator/auth/user';
import {
  FunctionError,
  MAX_CALL_DEPTH,
  runAsStep,
  scriptResultStep,
  type CanEvaluateContext,
  type FunctionRuntime,
} from '../../emulator/functions';
import type { RuleExpression } from '../../emulator/app/definition';
import { rejection, startRuntime, user } from './helpers';

const ada = user();
const runAsUser = user({ id: '6130a1b2c3d4e5f607182930', data: { name: 'run-as' } });
const scriptUser = user({ id: '6130a1b2c3d4e5f607182931', data: { name: 'from script' } });

describe('run-as decisions (pure)', () => {
  const caller = { user: ada, runningAsSystem: false };

  it('runs application functions as the caller, system functions as system with the caller as context.user', () => {
    expect(runAsStep({ kind: 'application' }, caller)).toEqual({ kind: 'identity', identity: caller });
    expect(runAsStep({ kind: 'application' }, { user: SYSTEM_USER, runningAsSystem: true })).toEqual({
      kind: 'identity',
      identity: { user: SYSTEM_USER, runningAsSystem: true },
    });
    expect(runAsStep({ kind: 'system' }, caller)).toEqual({ kind: 'identity', identity: { user: ada, runningAsSystem: true } });
  });

  it('asks for a user lookup or a script run for the other two', () => {
    expect(runAsStep({ kind: 'user-id', userId: 'u1' }, caller)).toEqual({ kind: 'lookup-user', userId: 'u1' });
    expect(runAsStep({ kind: 'user-id-script', source: 'src' }, caller)).toEqual({ kind: 'run-script', source: 'src' });
  });

  it("reads a script's answer: a user id, { runAsSystem: true } (or the older runAsSystemUser), nothing else", () => {
    expect(scriptResultStep('u2', caller)).toEqual({ kind: 'lookup-user', userId: 'u2' });
    expect(scriptResultStep({ runAsSystem: true }, caller)).toEqual({ kind: 'identity', identity: { user: ada, runningAsSystem: true } });
    expect(scriptResultStep({ runAsSystemUser: true }, caller)).toMatchObject({ kind: 'identity' });
    expect(() => scriptResultStep(42, caller)).toThrow(/must return a user id string or \{ runAsSystem: true \}/);
    expect(() => scriptResultStep('', caller)).toThrow(FunctionError);
  });
});

describe('run-as, private and can_evaluate in the runtime', () => {
  let runtime: FunctionRuntime;
  const evaluated: Array<{ expression: RuleExpression; context: CanEvaluateContext }> = [];

  beforeAll(async () => {
    ({ runtime } = await startRuntime({
      resolveUser: async (id) => [runAsUser, scriptUser].find((candidate) => candidate.id === id),
      // A stand-in for the rules engine: `%%user.data.role` equal to the expected value.
      evaluateExpression: async (expression, context) => {
        evaluated.push({ expression, context });
        return context.user.data.role === (expression as Record<string, unknown>)['%%user.data.role'];
      },
    }));
  });

  afterAll(() => runtime.stop());

  const run = (name: string, caller: AppUser = ada, extra: object = {}) => runtime.call({ name, user: caller, ...extra });

  it('runs as the caller by default and as system when configured, context.user staying the caller', async () => {
    expect((await run('run/asCaller')).result).toEqual({ runningAsSystem: false, userId: ada.id, userType: 'normal' });
    expect((await run('run/asSystem')).result).toEqual({ runningAsSystem: true, userId: ada.id, userType: 'normal' });
  });

  it('runs as system for a system caller, and as system with an empty user when nobody is logged in', async () => {
    expect((await run('run/asCaller', ada, { runAsSystem: true })).result).toMatchObject({ runningAsSystem: true, userId: ada.id });
    expect((await run('run/asCaller', SYSTEM_USER)).result).toEqual({ runningAsSystem: true, userId: '', userType: 'system' });
  });

  it('runs as the configured user id, looked up through resolveUser', async () => {
    expect((await run('run/asUserId')).result).toEqual({ runningAsSystem: false, userId: runAsUser.id, userType: 'normal' });
  });

  it('runs as the user the run-as script returns, the script getting the arguments', async () => {
    const { result } = await runtime.call({ name: 'run/asScript', args: [{ userId: scriptUser.id }], user: ada });
    expect(result).toEqual({ runningAsSystem: false, userId: scriptUser.id, userType: 'normal' });
  });

  it('runs as system when the run-as script says so', async () => {
    expect((await run('run/asScriptSystem')).result).toEqual({ runningAsSystem: true, userId: ada.id, userType: 'normal' });
  });

  it('fails clearly when the run-as user does not exist', async () => {
    const error = await rejection<FunctionError>(runtime.call({ name: 'run/asScript', args: [{ userId: 'nobody' }], user: ada }));
    expect(error.code).toBe('FunctionExecutionError');
    expect(error.message).toBe('the run-as user "nobody" does not exist');
  });

  it('gives a callee its own identity: a user function calling a system function', async () => {
    expect((await run('run/callsSystem')).result).toEqual({
      caller: false,
      callee: { runningAsSystem: true, userId: ada.id, userType: 'normal' },
    });
  });

  it('refuses a private function to clients, and lets functions and internal callers run it', async () => {
    const error = await rejection<FunctionError>(run('private/helper', ada, { origin: 'client' }));
    expect(error.code).toBe('NotCallable');
    expect(error.message).toMatch(/private/);
    expect((await runtime.call({ name: 'private/caller', args: ['x'], user: ada, origin: 'client' })).result).toBe('private:x');
    expect((await runtime.call({ name: 'private/helper', args: ['y'], user: ada, origin: 'endpoint' })).result).toBe('private:y');
    expect((await runtime.call({ name: 'private/helper', args: ['z'], user: ada })).result).toBe('private:z');
  });

  it('evaluates can_evaluate for client and endpoint calls, with the caller and the request', async () => {
    const admin = user({ data: { role: 'admin' } });
    evaluated.length = 0;
    expect((await run('guarded', admin, { origin: 'client' })).result).toBe('allowed');
    expect(evaluated).toHaveLength(1);
    expect(evaluated[0].expression).toEqual({ '%%user.data.role': 'admin' });
    expect(evaluated[0].context.user).toEqual(admin);
    expect(evaluated[0].context.request.httpMethod).toBe('');
    const refused = await rejection<FunctionError>(run('guarded', ada, { origin: 'endpoint' }));
    expect(refused.code).toBe('NotCallable');
    expect(refused.message).toMatch(/can_evaluate/);
  });

  it('skips can_evaluate for internal calls, and refuses can_evaluate: false without an evaluator', async () => {
    expect((await run('guarded', ada)).result).toBe('allowed');
    const error = await rejection<FunctionError>(run('refused', ada, { origin: 'client' }));
    expect(error.code).toBe('NotCallable');
  });
});

describe('without the hooks', () => {
  let runtime: FunctionRuntime;

  beforeAll(async () => {
    ({ runtime } = await startRuntime());
  });

  afterAll(() => runtime.stop());

  it('refuses a can_evaluate expression it cannot evaluate, and a run-as user it cannot look up', async () => {
    const canEvaluate = await rejection<FunctionError>(runtime.call({ name: 'guarded', user: ada, origin: 'client' }));
    expect(canEvaluate.code).toBe('InternalServerError');
    expect(canEvaluate.message).toMatch(/without a rule expression evaluator \(evaluateExpression\)/);
    const lookup = await rejection<FunctionError>(runtime.call({ name: 'run/asUserId', user: ada }));
    expect(lookup.code).toBe('FunctionExecutionError');
    expect(lookup.message).toMatch(/without one \(resolveUser\)/);
  });

  it('stops runaway recursion through context.functions.execute', async () => {
    const error = await rejection<FunctionError>(runtime.call({ name: 'errors/recursive', args: [0], user: ada }));
    expect(error.code).toBe('FunctionExecutionError');
    expect(error.message).toBe(`function call depth limit exceeded: more than ${MAX_CALL_DEPTH} nested context.functions.execute calls`);
  });
});
