/**
 * The harness on an app with every login the harness makes (email/password, anonymous, a custom
 * JWT provider under its own name), a rule with a filter and field permissions, a function that
 * logs and an HTTPS endpoint: logins, explain, function calls, endpoints and the request log.
 */
import path from 'node:path';
import { ObjectId } from 'bson';
import { type Emulator, HarnessRequestError, startEmulator } from '../../emulator';

const APP = path.resolve(__dirname, '../../fixtures/apps/harness-rules');
const NOTES = { dataSource: 'mongodb-atlas', database: 'harness', collection: 'notes' };

let emulator: Emulator;
beforeAll(async () => {
  emulator = await startEmulator({ app: APP, secrets: { harnessJwtKey: 'harness-signing-key-of-32-characters' } });
});
afterAll(async () => {
  await emulator.stop();
});
beforeEach(() => emulator.reset({ users: true }));

describe('logins', () => {
  it('creates a confirmed email/password user and logs in as it, by test user or credentials', async () => {
    const alice = await emulator.createUser({ email: 'alice@example.com', password: 'password1' });
    expect(alice).toMatchObject({ provider: 'local-userpass', email: 'alice@example.com' });
    const first = await emulator.loginAs(alice);
    const second = await emulator.loginAs({ email: 'alice@example.com', password: 'password1' });
    expect(first.user).toMatchObject({ id: alice.id, data: { email: 'alice@example.com' } });
    expect(second.user.id).toBe(alice.id);
    expect(second.refreshToken).not.toBe(first.refreshToken);
    await expect(emulator.loginAs({ email: 'alice@example.com', password: 'wrong-password' })).rejects.toMatchObject({ status: 401, errorCode: 'InvalidPassword' });
  });

  it('logs in again as the same anonymous user, and as a new one with "anon"', async () => {
    const anonymous = await emulator.createUser('anon');
    expect(anonymous.provider).toBe('anon-user');
    expect((await emulator.loginAs(anonymous)).user.id).toBe(anonymous.id);
    expect((await emulator.loginAs('anon')).user.id).not.toBe(anonymous.id);
  });

  it('signs for a custom-token provider whatever its name, with the app id as audience', async () => {
    const user = await emulator.createUser({ jwtClaims: { sub: 'partner-1', team: 'red' } });
    expect(user.providerName).toBe('partner-jwt');
    const client = await emulator.loginAs(user);
    expect(client.user.data).toEqual({ team: 'red' });
    const token = await emulator.signJwt({ sub: 'partner-2' });
    expect(JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()).aud).toBe('harness-rules-hxqpt');
    expect((await emulator.loginAs({ jwt: token, provider: 'partner-jwt' })).user.identities[0]).toMatchObject({ provider_id: 'partner-jwt' });
    await expect(emulator.signJwt({ sub: 'x' }, { provider: 'nope' })).rejects.toMatchObject({ status: 400, message: expect.stringContaining('"partner-jwt"') });
  });
});

describe('explain', () => {
  async function seedNotes(ownerId: string) {
    await emulator.asSystem().db('harness').collection('notes').insertMany([
      { _id: new ObjectId('64b0000000000000000000a1'), owner_id: ownerId, team: 'red', title: 'plan', body: 'draft', secret: 'budget' },
      { _id: new ObjectId('64b0000000000000000000a2'), owner_id: ownerId, team: 'red', title: 'old', body: 'gone', archived: true },
    ]);
  }

  it('shows the filters, the role per document and the fields withheld from a teammate', async () => {
    const owner = await emulator.createUser({ email: 'owner@example.com', password: 'password1' });
    await seedNotes(owner.id);
    const teammate = await emulator.loginAs({ jwtClaims: { sub: 'mate', team: 'red' } });
    const explanation = await emulator.explain(teammate, 'find', { ...NOTES, filter: {} });
    expect(explanation.filters).toEqual([expect.objectContaining({ name: 'hideArchived', applied: true })]);
    expect(explanation.roleChoice).toBe('document');
    expect(explanation.documents).toEqual([
      expect.objectContaining({ id: new ObjectId('64b0000000000000000000a1'), role: 'teammate', outcome: 'read-partially', withheld: expect.arrayContaining(['secret', 'owner_id']) }),
    ]);
    expect(explanation.result).toEqual({ documents: [{ title: 'plan', body: 'draft' }] });
    const asOwner = await emulator.explain(owner, 'find', { ...NOTES, filter: {} });
    expect(asOwner.documents).toEqual([expect.objectContaining({ role: 'owner', outcome: 'read' })]);
  });

  it('explains writes as dry runs: allowed and denied, with the data left as it was', async () => {
    const owner = await emulator.createUser({ email: 'owner@example.com', password: 'password1' });
    await seedNotes(owner.id);
    const teammate = await emulator.createUser({ jwtClaims: { sub: 'mate', team: 'red' } });
    const allowed = await emulator.explain(teammate, 'updateOne', { ...NOTES, filter: { title: 'plan' }, update: { $set: { body: 'final' } } });
    expect(allowed).toMatchObject({ dryRun: true, result: { matchedCount: 1, modifiedCount: 1 } });
    expect(allowed.documents).toEqual([expect.objectContaining({ role: 'teammate', outcome: 'updated' })]);
    expect(allowed.notes).toEqual(expect.arrayContaining([expect.stringMatching(/scratch copy of the 1 document .*nothing was changed/)]));
    const denied = await emulator.explain(teammate, 'updateOne', { ...NOTES, filter: { title: 'plan' }, update: { $set: { title: 'mine' } } });
    expect(denied.error).toMatchObject({ status: 403, message: 'update not permitted' });
    expect(denied.documents).toEqual([expect.objectContaining({ outcome: 'denied', reason: expect.stringContaining('"title" is not writable') })]);
    const deleted = await emulator.explain(owner, 'deleteMany', { ...NOTES, filter: {} });
    expect(deleted.result).toEqual({ deletedCount: 1 });
    const stored = await emulator.asSystem().db('harness').collection('notes').find({}, { sort: { _id: 1 } }).toArray();
    expect(stored.map((note) => [note.title, note.body])).toEqual([['plan', 'draft'], ['old', 'gone']]);
  });

  it('explains the system user, and refuses unknown users and pipelines that write', async () => {
    await seedNotes('someone');
    const system = await emulator.explain('system', 'aggregate', { ...NOTES, pipeline: [{ $count: 'n' }] });
    expect(system).toMatchObject({ runAsSystem: true, roleChoice: 'system', result: { documents: [{ n: 2 }] } });
    await expect(emulator.explain({ id: '64b0000000000000000000ff' }, 'find', { ...NOTES })).rejects.toMatchObject({ status: 404, errorCode: 'UserNotFound' });
    const out = emulator.explain('system', 'aggregate', { ...NOTES, pipeline: [{ $out: 'copy' }] });
    await expect(out).rejects.toMatchObject({ status: 400, message: expect.stringContaining('$out or $merge') });
    await expect(emulator.explain('system', 'find' as never, { ...NOTES, filter: 'x' })).rejects.toBeInstanceOf(HarnessRequestError);
  });
});

describe('functions, endpoints and logs', () => {
  it('calls a function with EJSON both ways and finds its console output in the log', async () => {
    const since = new Date();
    const client = await emulator.loginAs('anon');
    const answer = await client.callFunction('greet', 'Ada');
    expect(answer).toEqual({ greeting: 'hello Ada', at: new Date(0), id: new ObjectId('64b000000000000000000001') });
    const entries = await emulator.logs({ since });
    const call = entries.find((entry) => entry.function?.name === 'greet');
    expect(call).toMatchObject({ method: 'POST', status: 200, function: { logs: ['greeting Ada'] } });
    expect(entries.every((entry) => !entry.url.startsWith('/_emulator/'))).toBe(true);
    expect(await emulator.logs({ since: new Date(Date.now() + 60_000) })).toEqual([]);
  });

  it('reads one request by the id its error links to', async () => {
    const client = await emulator.loginAs('anon');
    const failure = (await client.callFunction('missing').catch((error: unknown) => error)) as HarnessRequestError;
    expect(failure).toBeInstanceOf(HarnessRequestError);
    const id = (failure.link as string).split('/').pop() as string;
    const [entry] = await emulator.logs({ requestId: id });
    expect(entry).toMatchObject({ id, status: failure.status, error: { error_code: failure.errorCode } });
    expect(await emulator.logs({ requestId: 'not-an-id' })).toEqual([]);
  });

  it('calls an endpoint with the user token, and answers error statuses when asked to', async () => {
    const client = await emulator.loginAs({ jwtClaims: { sub: 'caller', team: 'blue' } });
    const me = await client.endpoint('/me');
    expect(me.status).toBe(200);
    expect(me.body).toEqual({ id: client.user.id, type: 'normal', data: { team: 'blue' } });
    await expect(client.endpoint('/nowhere')).rejects.toMatchObject({ status: 404 });
    const kept = await client.endpoint('/nowhere', { throwOnError: false });
    expect(kept.status).toBe(404);
  });

});

describe('expired access tokens', () => {
  it('are refreshed once with the session, as SDKs do; a session that is gone leaves the 401', async () => {
    const shortLived = await startEmulator({ app: APP, secrets: { harnessJwtKey: 'harness-signing-key-of-32-characters' }, accessTokenLifetimeSeconds: 1 });
    try {
      const client = await shortLived.loginAs('anon');
      const first = client.accessToken;
      await new Promise((resolve) => setTimeout(resolve, 2_100));
      expect(await client.endpoint('/me')).toMatchObject({ status: 200, body: { id: client.user.id } });
      expect(client.accessToken).not.toBe(first);
      await shortLived.reset({ users: true });
      await new Promise((resolve) => setTimeout(resolve, 2_100));
      await expect(client.endpoint('/me')).rejects.toMatchObject({ status: 401, errorCode: 'InvalidSession' });
    } finally {
      await shortLived.stop();
    }
  });
});
