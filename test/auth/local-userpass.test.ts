/** The local-userpass provider: registration, confirmation, password reset, logins. */
import type { EmailPasswordProvider } from '../../emulator/app';
import type { FunctionCaller } from '../../emulator/auth';
import { internalDatabaseName } from '../../emulator/mongo/internal';
import { type AuthTestContext, refusal, startAuth, withProvider } from './helpers';

let context: AuthTestContext;
beforeAll(async () => {
  context = await startAuth();
});
afterAll(async () => context.close());

let counter = 0;
const freshEmail = () => `user${++counter}-${Date.now()}@example.com`;
const login = (username: string, password: string, auth = context.auth) => auth.login('local-userpass', { username, password });

async function registerAndConfirm(email: string, password = 'first-password') {
  await context.auth.userpass().register(email, password);
  const mail = await context.auth.mailbox.latest(email, 'confirmation');
  await context.auth.userpass().confirm(mail!.token, mail!.tokenId);
}

describe('registration and confirmation by email', () => {
  it('registers a pending account, mails a confirmation link, and logs in once confirmed', async () => {
    const email = freshEmail();
    await context.auth.userpass().register(email, 'v3ry-s3cret');
    expect(await refusal(login(email, 'v3ry-s3cret'))).toMatchObject({ status: 401, errorCode: 'AuthError', message: 'confirmation required' });

    const mail = await context.auth.mailbox.latest(email, 'confirmation');
    expect(mail).toMatchObject({ to: email, subject: 'Confirm your account', tokenId: expect.stringMatching(/^[0-9a-f]{24}$/) });
    expect(mail!.url).toBe(`https://app.example.com/confirm?token=${mail!.token}&tokenId=${mail!.tokenId}`);
    await context.auth.userpass().confirm(mail!.token, mail!.tokenId);

    const result = await login(email, 'v3ry-s3cret');
    expect(result.user.data).toEqual({ email });
    expect(result.user.identities).toEqual([{ id: expect.stringMatching(/^[0-9a-f]{24}$/), provider_type: 'local-userpass', provider_id: 'local-userpass', provider_data: { email } }]);
  });

  it('refuses a confirmation token twice, a wrong token and a made-up token id', async () => {
    const email = freshEmail();
    await context.auth.userpass().register(email, 'v3ry-s3cret');
    const mail = (await context.auth.mailbox.latest(email))!;
    const invalid = { status: 400, errorCode: 'UserpassTokenInvalid', message: 'invalid token data' };
    expect(await refusal(context.auth.userpass().confirm('wrong', mail.tokenId))).toMatchObject(invalid);
    expect(await refusal(context.auth.userpass().confirm(mail.token, 'a_token_id'))).toMatchObject(invalid);
    await context.auth.userpass().confirm(mail.token, mail.tokenId);
    expect(await refusal(context.auth.userpass().confirm(mail.token, mail.tokenId))).toMatchObject(invalid);
  });

  it('resends a confirmation to a pending account, and refuses it for confirmed and unknown ones', async () => {
    const email = freshEmail();
    await context.auth.userpass().register(email, 'v3ry-s3cret');
    await context.auth.userpass().resendConfirmation(email);
    expect((await context.auth.mailbox.list({ to: email })).length).toBe(2);
    const latest = (await context.auth.mailbox.latest(email))!;
    await context.auth.userpass().confirm(latest.token, latest.tokenId);
    expect(await refusal(context.auth.userpass().resendConfirmation(email))).toMatchObject({ status: 400, errorCode: 'UserAlreadyConfirmed', message: 'already confirmed' });
    expect(await refusal(context.auth.userpass().resendConfirmation(freshEmail()))).toMatchObject({ status: 404, errorCode: 'UserNotFound', message: 'user not found' });
  });

  it('refuses a second registration of an email with AccountNameInUse', async () => {
    const email = freshEmail();
    await context.auth.userpass().register(email, 'v3ry-s3cret');
    expect(await refusal(context.auth.userpass().register(email, 'another-one'))).toMatchObject({ status: 409, errorCode: 'AccountNameInUse', message: 'name already in use' });
  });

  it.each([
    ['5 characters', 'short'],
    ['129 characters', 'x'.repeat(129)],
  ])('refuses a password of %s', async (_what, password) => {
    expect(await refusal(context.auth.userpass().register(freshEmail(), password))).toMatchObject({
      status: 400,
      errorCode: 'BadRequest',
      message: 'password must be between 6 and 128 characters',
    });
  });

  it('refuses an email that is not one', async () => {
    expect(await refusal(context.auth.userpass().register('not-an-email', 'v3ry-s3cret'))).toMatchObject({ status: 400, message: 'email invalid' });
  });

  it('stores the password as a salted scrypt hash, never in the clear', async () => {
    const email = freshEmail();
    await context.auth.userpass().register(email, 'the-password-itself');
    await context.auth.userpass().register(freshEmail(), 'the-password-itself');
    const accounts = context.database.client.db(internalDatabaseName(context.definition.meta.appId)).collection('email_accounts');
    const stored = await accounts.find({}).toArray();
    expect(JSON.stringify(stored)).not.toContain('the-password-itself');
    const hashes = stored.map((account) => account.password_hash as string);
    expect(hashes.every((hash) => hash.startsWith('scrypt$16384$8$1$'))).toBe(true);
    expect(new Set(hashes).size).toBe(hashes.length);
  });
});

describe('logins', () => {
  it('refuses a wrong password and an unknown email alike: 401 InvalidPassword', async () => {
    const email = freshEmail();
    await registerAndConfirm(email);
    const expected = { status: 401, errorCode: 'InvalidPassword', message: 'invalid username/password' };
    expect(await refusal(login(email, 'not-the-password'))).toMatchObject(expected);
    expect(await refusal(login(freshEmail(), 'first-password'))).toMatchObject(expected);
  });

  it('refuses logins when the provider is disabled', async () => {
    const disabled = await startAuth({ change: (definition) => withProvider<EmailPasswordProvider>(definition, 'local-userpass', (p) => ({ ...p, disabled: true })) });
    try {
      expect(await refusal(login('a@example.com', 'whatever', disabled.auth))).toMatchObject({ status: 401, errorCode: 'InvalidSession', message: "authentication via 'local-userpass' is unsupported" });
      expect(await refusal(Promise.resolve().then(() => disabled.auth.userpass().register('a@example.com', 'v3ry-s3cret')))).toMatchObject({ errorCode: 'InvalidSession' });
    } finally {
      await disabled.close();
    }
  });
});

describe('password reset by email', () => {
  it('mails a reset token that sets a new password once', async () => {
    const email = freshEmail();
    await registerAndConfirm(email);
    await context.auth.userpass().sendPasswordReset(email);
    const mail = (await context.auth.mailbox.latest(email, 'password-reset'))!;
    expect(mail).toMatchObject({ subject: 'Reset your password', url: expect.stringMatching(/^https:\/\/app\.example\.com\/reset\?token=/) });
    await context.auth.userpass().resetPassword('second-password', mail.token, mail.tokenId);
    await expect(login(email, 'second-password')).resolves.toBeDefined();
    expect(await refusal(login(email, 'first-password'))).toMatchObject({ errorCode: 'InvalidPassword' });
    expect(await refusal(context.auth.userpass().resetPassword('third-password', mail.token, mail.tokenId))).toMatchObject({ errorCode: 'UserpassTokenInvalid' });
  });

  it('does not take a confirmation token as a reset token', async () => {
    const email = freshEmail();
    await context.auth.userpass().register(email, 'first-password');
    const confirmation = (await context.auth.mailbox.latest(email))!;
    expect(await refusal(context.auth.userpass().resetPassword('second-password', confirmation.token, confirmation.tokenId))).toMatchObject({ errorCode: 'UserpassTokenInvalid' });
  });

  it('refuses reset emails for unknown emails and the reset function when none is configured', async () => {
    expect(await refusal(context.auth.userpass().sendPasswordReset(freshEmail()))).toMatchObject({ status: 404, errorCode: 'UserNotFound' });
    expect(await refusal(context.auth.userpass().callResetFunction(freshEmail(), 'v3ry-s3cret', []))).toMatchObject({ status: 400, errorCode: 'BadRequest' });
  });
});

describe('confirmation and reset functions', () => {
  let calls: Array<{ name: string; args: unknown[] }>;
  let answer: unknown;
  const caller: FunctionCaller = async (name, args) => {
    calls.push({ name, args });
    return answer;
  };
  const withFunctions = (callFunction?: FunctionCaller) =>
    startAuth({
      callFunction,
      change: (definition) =>
        withProvider<EmailPasswordProvider>(definition, 'local-userpass', (p) => ({
          ...p,
          config: { ...p.config, runConfirmationFunction: true, confirmationFunctionName: 'confirmUser', runResetFunction: true, resetFunctionName: 'resetPassword' },
        })),
    });
  let functions: AuthTestContext;
  beforeAll(async () => {
    functions = await withFunctions(caller);
  });
  afterAll(async () => functions.close());
  beforeEach(() => {
    calls = [];
  });

  it('confirms at once when the confirmation function answers success', async () => {
    answer = { status: 'success' };
    const email = freshEmail();
    await functions.auth.userpass().register(email, 'v3ry-s3cret');
    expect(calls).toEqual([{ name: 'confirmUser', args: [{ token: expect.any(String), tokenId: expect.any(String), username: email }] }]);
    await expect(login(email, 'v3ry-s3cret', functions.auth)).resolves.toBeDefined();
    expect(await functions.auth.mailbox.list({ to: email })).toEqual([]);
  });

  it('leaves the account pending on pending, confirmable with the token the function got', async () => {
    answer = { status: 'pending' };
    const email = freshEmail();
    await functions.auth.userpass().register(email, 'v3ry-s3cret');
    expect(await refusal(login(email, 'v3ry-s3cret', functions.auth))).toMatchObject({ message: 'confirmation required' });
    const { token, tokenId } = calls[0].args[0] as { token: string; tokenId: string };
    await functions.auth.userpass().confirm(token, tokenId);
    await expect(login(email, 'v3ry-s3cret', functions.auth)).resolves.toBeDefined();
  });

  it('creates no account on fail, so the email can register again; confirm/call reruns the function', async () => {
    answer = { status: 'fail' };
    const email = freshEmail();
    expect(await refusal(functions.auth.userpass().register(email, 'v3ry-s3cret'))).toMatchObject({ status: 400, errorCode: 'BadRequest', message: `failed to confirm user "${email}"` });
    answer = { status: 'pending' };
    await functions.auth.userpass().register(email, 'v3ry-s3cret');
    answer = { status: 'success' };
    await functions.auth.userpass().retryConfirmationFunction(email);
    await expect(login(email, 'v3ry-s3cret', functions.auth)).resolves.toBeDefined();
    expect(await refusal(functions.auth.userpass().retryConfirmationFunction(email))).toMatchObject({ errorCode: 'UserAlreadyConfirmed' });
  });

  it('resets through the reset function: success sets the password, fail refuses, pending waits for reset', async () => {
    answer = { status: 'success' };
    const email = freshEmail();
    await functions.auth.userpass().register(email, 'first-password');
    calls = [];
    await functions.auth.userpass().callResetFunction(email, 'second-password', ['extra', 1]);
    expect(calls[0]).toEqual({
      name: 'resetPassword',
      args: [{ username: email, password: 'second-password', token: expect.any(String), tokenId: expect.any(String), currentPasswordValid: false }, 'extra', 1],
    });
    await expect(login(email, 'second-password', functions.auth)).resolves.toBeDefined();

    answer = { status: 'fail' };
    expect(await refusal(functions.auth.userpass().callResetFunction(email, 'third-password', []))).toMatchObject({ status: 400, message: `failed to reset password for user "${email}"` });

    answer = { status: 'pending' };
    calls = [];
    await functions.auth.userpass().callResetFunction(email, 'third-password', []);
    expect(await refusal(login(email, 'third-password', functions.auth))).toMatchObject({ errorCode: 'InvalidPassword' });
    const { token, tokenId } = calls[0].args[0] as { token: string; tokenId: string };
    await functions.auth.userpass().resetPassword('fourth-password', token, tokenId);
    await expect(login(email, 'fourth-password', functions.auth)).resolves.toBeDefined();
    expect(await refusal(functions.auth.userpass().sendPasswordReset(email))).toMatchObject({ status: 400, errorCode: 'BadRequest' });
  });

  it('refuses a function answer that is not {status}', async () => {
    answer = 'yes';
    expect(await refusal(functions.auth.userpass().register(freshEmail(), 'v3ry-s3cret'))).toMatchObject({ errorCode: 'FunctionExecutionError' });
  });

  it('refuses clearly, creating nothing, when no function runtime is plugged in', async () => {
    const without = await withFunctions(undefined);
    try {
      const email = freshEmail();
      expect(await refusal(without.auth.userpass().register(email, 'v3ry-s3cret'))).toMatchObject({
        status: 501,
        errorCode: 'FunctionExecutionError',
        message: 'the function "confirmUser" cannot run: this emulator was started without a function runtime',
      });
      answer = { status: 'success' };
      without.auth.setFunctionCaller(caller);
      await without.auth.userpass().register(email, 'v3ry-s3cret');
      await expect(login(email, 'v3ry-s3cret', without.auth)).resolves.toBeDefined();
    } finally {
      await without.close();
    }
  });
});
