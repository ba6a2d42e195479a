/**
 * The runtime's two call kinds besides plain function calls: an HTTPS endpoint's function, with
 * the response object it writes to inside the worker, and a run_as_user_id_script_source.
 */
import { SYSTEM_USER } from '../../emulator/auth/user';
import { FunctionError, type FunctionRuntime } from '../../emulator/functions';
import { NO_REQUEST } from '../../emulator/http/request-info';
import { rejection, startRuntime, user } from './helpers';

let runtime: FunctionRuntime;
beforeAll(async () => {
  ({ runtime } = await startRuntime());
});
afterAll(() => runtime.stop());

const endpointCall = (action: string, who = user()) =>
  runtime.callEndpoint({
    name: 'endpoint/respond',
    httpRequest: { query: { action }, headers: { 'X-Test': ['from the test'] }, body: new Uint8Array(Buffer.from('raw bytes')) },
    user: who,
    runAsSystem: false,
    request: NO_REQUEST,
  });

describe('endpoint calls', () => {
  it('gives the function (request, response) and returns what it wrote with its result', async () => {
    const outcome = await endpointCall('none');
    expect(outcome.result).toEqual({ user: user().id, runningAsSystem: false });
    expect(outcome.response.statusCode).toBe(201);
    expect(outcome.response.headers).toEqual({ 'X-Seen': ['from the test'] });
    expect(Buffer.from(outcome.response.body!).toString()).toBe('raw bytes');
  });

  it('runs as the identity given, without applying the function’s run-as settings again', async () => {
    // run/asUserId names a user that does not exist: applying it would fail.
    const outcome = await runtime.callEndpoint({ name: 'run/asUserId', httpRequest: { query: {}, headers: {} }, user: user(), runAsSystem: false, request: NO_REQUEST });
    expect(outcome.result).toEqual({ runningAsSystem: false, userId: user().id, userType: 'normal' });
    expect(outcome.response).toEqual({ headers: {} });
  });

  it('refuses a header value with a line break, a header name with a space and a body that is an object', async () => {
    expect((await rejection<FunctionError>(endpointCall('inject'))).message).toMatch(/^TypeError: response\.setHeader takes a header value as a string without line breaks/);
    expect((await rejection<FunctionError>(endpointCall('badName'))).message).toMatch(/^TypeError: response\.addHeader takes a header name/);
    expect((await rejection<FunctionError>(endpointCall('object'))).message).toMatch(/^TypeError: response\.setBody takes a string or a BSON\.Binary, got an object/);
  });

  it('applies can_evaluate', async () => {
    const error = await rejection<FunctionError>(runtime.callEndpoint({ name: 'refused', httpRequest: { query: {}, headers: {} }, user: user(), runAsSystem: false, request: NO_REQUEST }));
    expect(error.code).toBe('NotCallable');
  });
});

describe('run-as scripts', () => {
  it('answers the user id a script returns, or system', async () => {
    expect(await runtime.runUserIdScript({ source: 'exports = function () { return "6130a1b2c3d4e5f607182930"; };', user: SYSTEM_USER, request: NO_REQUEST })).toBe('6130a1b2c3d4e5f607182930');
    expect(await runtime.runUserIdScript({ source: 'function () { return { runAsSystemUser: true }; }', user: SYSTEM_USER, request: NO_REQUEST })).toEqual({ runAsSystem: true });
  });

  it('runs the script as system with the request as context.request', async () => {
    const source = 'exports = function () { return context.runningAsSystem() ? context.request.rawQueryString : "not system"; };';
    expect(await runtime.runUserIdScript({ source, user: SYSTEM_USER, request: { ...NO_REQUEST, rawQueryString: 'user=42' } })).toBe('user=42');
  });

  it('refuses any other answer, saying what is expected', async () => {
    const error = await rejection<FunctionError>(runtime.runUserIdScript({ source: 'exports = () => 42;', user: SYSTEM_USER, request: NO_REQUEST }));
    expect(error).toMatchObject({ code: 'FunctionExecutionError', message: 'run_as_user_id_script_source must return a user id string or { runAsSystem: true }; it returned 42' });
  });
});
