/**
 * local-userpass (Email/Password, docs: authentication/email-password): accounts that register,
 * confirm and reset their password.
 *
 * - Registration makes a pending account, confirmed at once with `autoConfirm`, by the app's
 *   confirmation function with `runConfirmationFunction`, else by the token of a confirmation
 *   email. Emails go to the mailbox (mailbox.ts); links are valid 30 minutes (spec §1.3).
 * - Password reset: by the token of a reset email, or by the app's reset function with
 *   `runResetFunction` (then reset emails are refused, as App Services does).
 * - Functions run through the injected FunctionCaller; without one those flows are refused with an
 *   error that says so.
 * - Passwords are 6 to 128 characters and stored as scrypt hashes; tokens as SHA-256 digests.
 */
import { ObjectId } from 'mongodb';
import type { EmailPasswordConfig } from '../../app';
import { AppServicesError } from '../../http/errors';
import { authErrors } from '../errors';
import { hashPassword, randomSecret, secretsEqual, sha256, spendPasswordCheck, verifyPassword } from '../hashing';
import type { Mailbox } from '../mailbox';
import { type AuthStore, type EmailAccountDocument, type EmailTokenDocument, isDuplicateKey } from '../store';
import type { FunctionCaller, ProviderLogin } from './provider';

const TOKEN_LIFETIME_MS = 30 * 60 * 1000;
const DEFAULT_CONFIG: EmailPasswordConfig = { autoConfirm: false, runConfirmationFunction: false, runResetFunction: false };

type FunctionStatus = 'success' | 'pending' | 'fail';

export class EmailPassword {
  constructor(
    private readonly store: AuthStore,
    private readonly mailbox: Mailbox,
    /** The provider's name and config; absent when the app has no local-userpass provider (Admin API use only). */
    private readonly provider: { name: string; config: EmailPasswordConfig } | undefined,
    private readonly functions: () => FunctionCaller | undefined,
  ) {}

  private get config(): EmailPasswordConfig {
    return this.provider?.config ?? DEFAULT_CONFIG;
  }

  async register(email: unknown, password: unknown): Promise<void> {
    const account = await this.createAccount(checkEmail(email), checkPassword(password), this.config.autoConfirm);
    if (account.confirmed) return;
    if (this.config.runConfirmationFunction) await this.runConfirmation(account, true);
    else await this.mailToken(account, 'confirm');
  }

  /** An account made already confirmed: the Admin API's "create user". */
  async createConfirmed(email: unknown, password: unknown): Promise<EmailAccountDocument> {
    return this.createAccount(checkEmail(email), checkPassword(password), true);
  }

  async confirm(token: unknown, tokenId: unknown): Promise<void> {
    const account = await this.redeem('confirm', token, tokenId);
    await this.markConfirmed(account._id);
  }

  async resendConfirmation(email: unknown): Promise<void> {
    const account = await this.pendingAccount(email);
    await this.mailToken(account, 'confirm');
  }

  async retryConfirmationFunction(email: unknown): Promise<void> {
    if (!this.config.runConfirmationFunction) throw authErrors.functionOff('a confirmation function');
    await this.runConfirmation(await this.pendingAccount(email), false);
  }

  /** The Admin API's confirmation of a pending account. */
  async confirmByEmail(email: unknown): Promise<void> {
    await this.markConfirmed((await this.pendingAccount(email))._id);
  }

  async deletePending(email: unknown): Promise<void> {
    const account = await this.pendingAccount(email);
    await this.store.emailAccounts.deleteOne({ _id: account._id, confirmed: false });
    await this.store.emailTokens.deleteMany({ account_id: account._id });
  }

  async sendPasswordReset(email: unknown): Promise<void> {
    if (this.config.runResetFunction) throw authErrors.resetByEmailOff(this.config.resetFunctionName);
    await this.mailToken(await this.confirmedAccount(email), 'reset');
  }

  async resetPassword(password: unknown, token: unknown, tokenId: unknown): Promise<void> {
    const newPassword = checkPassword(password);
    const account = await this.redeem('reset', token, tokenId);
    await this.setPassword(account._id, newPassword);
  }

  /**
   * reset/call: the reset function decides. `success` sets the password now; `pending` leaves a
   * reset token the client redeems later with `reset`; `fail` refuses (docs: email-password).
   */
  async callResetFunction(email: unknown, password: unknown, extraArguments: unknown): Promise<void> {
    if (!this.config.runResetFunction) throw authErrors.functionOff('a reset function');
    const newPassword = checkPassword(password);
    const account = await this.confirmedAccount(email);
    const { token, tokenId } = await this.issueToken(account, 'reset');
    const status = await this.callFunction(this.config.resetFunctionName, [
      { username: account.email, password: newPassword, token, tokenId, currentPasswordValid: await verifyPassword(newPassword, account.password_hash) },
      ...(Array.isArray(extraArguments) ? extraArguments : []),
    ]);
    if (status === 'pending') return;
    await this.store.emailTokens.deleteOne({ _id: new ObjectId(tokenId) });
    if (status === 'fail') throw authErrors.resetFailed(account.email);
    await this.setPassword(account._id, newPassword);
  }

  /** Credentials `{username, password}`: the wrong password and the unknown email look alike. */
  async login(username: unknown, password: unknown): Promise<ProviderLogin> {
    const account = typeof username === 'string' ? await this.store.emailAccounts.findOne({ email: username }) : null;
    if (typeof password !== 'string') throw authErrors.invalidPassword();
    if (!account) {
      await spendPasswordCheck(password);
      throw authErrors.invalidPassword();
    }
    if (!(await verifyPassword(password, account.password_hash))) throw authErrors.invalidPassword();
    if (!account.confirmed) throw authErrors.confirmationRequired();
    return this.loginOf(account);
  }

  /** The identity of an account: its id is the account's, its data the email. */
  loginOf(account: EmailAccountDocument): ProviderLogin {
    return {
      identity: { id: account._id.toHexString(), provider_type: 'local-userpass', provider_id: this.provider?.name ?? 'local-userpass', provider_data: { email: account.email } },
      data: { email: account.email },
      type: 'normal',
    };
  }

  private async createAccount(email: string, password: string, confirmed: boolean): Promise<EmailAccountDocument> {
    const account: EmailAccountDocument = { _id: new ObjectId(), email, password_hash: await hashPassword(password), confirmed, created_at: new Date() };
    try {
      await this.store.emailAccounts.insertOne(account);
    } catch (error) {
      if (isDuplicateKey(error)) throw authErrors.accountNameInUse();
      throw error;
    }
    return account;
  }

  /**
   * Runs the confirmation function with `{token, tokenId, username}`. `fail` (or, at
   * registration, no way to run it) removes the account, so the email can register again.
   */
  private async runConfirmation(account: EmailAccountDocument, registering: boolean): Promise<void> {
    const { token, tokenId } = await this.issueToken(account, 'confirm');
    let status: FunctionStatus;
    try {
      status = await this.callFunction(this.config.confirmationFunctionName, [{ token, tokenId, username: account.email }]);
    } catch (error) {
      if (registering) await this.removeAccount(account._id);
      throw error;
    }
    if (status === 'success') await this.markConfirmed(account._id);
    if (status === 'fail') {
      await this.removeAccount(account._id);
      throw authErrors.confirmationFailed(account.email);
    }
  }

  private async callFunction(name: string | undefined, args: unknown[]): Promise<FunctionStatus> {
    const caller = this.functions();
    if (!caller || name === undefined) throw authErrors.noFunctionRuntime(name);
    let result: unknown;
    try {
      result = await caller(name, args);
    } catch (error) {
      if (error instanceof AppServicesError) throw error;
      throw AppServicesError.badRequest('FunctionExecutionError', (error as Error).message);
    }
    const status = typeof result === 'object' && result !== null ? (result as { status?: unknown }).status : undefined;
    if (status !== 'success' && status !== 'pending' && status !== 'fail') throw authErrors.badFunctionResult(name);
    return status;
  }

  private async issueToken(account: EmailAccountDocument, kind: EmailTokenDocument['kind']): Promise<{ token: string; tokenId: string }> {
    const token = randomSecret(32);
    const document: EmailTokenDocument = { _id: new ObjectId(), kind, account_id: account._id, token_hash: sha256(token), expires_at: new Date(Date.now() + TOKEN_LIFETIME_MS) };
    await this.store.emailTokens.insertOne(document);
    return { token, tokenId: document._id.toHexString() };
  }

  private async mailToken(account: EmailAccountDocument, kind: EmailTokenDocument['kind']): Promise<void> {
    const { token, tokenId } = await this.issueToken(account, kind);
    const confirming = kind === 'confirm';
    await this.mailbox.send({
      to: account.email,
      kind: confirming ? 'confirmation' : 'password-reset',
      subject: (confirming ? this.config.confirmEmailSubject : this.config.resetPasswordSubject) ?? (confirming ? 'Confirm your email address' : 'Reset your password'),
      token,
      tokenId,
      baseUrl: confirming ? this.config.emailConfirmationUrl : this.config.resetPasswordUrl,
    });
  }

  /** The account a valid, unexpired token of `kind` names; the token is used up. */
  private async redeem(kind: EmailTokenDocument['kind'], token: unknown, tokenId: unknown): Promise<EmailAccountDocument> {
    if (typeof token !== 'string' || typeof tokenId !== 'string' || !ObjectId.isValid(tokenId) || tokenId.length !== 24) throw authErrors.invalidTokenData();
    const stored = await this.store.emailTokens.findOne({ _id: new ObjectId(tokenId), kind });
    if (!stored || stored.expires_at.getTime() <= Date.now() || !secretsEqual(sha256(token), stored.token_hash)) throw authErrors.invalidTokenData();
    const account = await this.store.emailAccounts.findOne({ _id: stored.account_id });
    if (!account) throw authErrors.invalidTokenData();
    await this.store.emailTokens.deleteMany({ account_id: account._id, kind });
    return account;
  }

  private async markConfirmed(accountId: ObjectId): Promise<void> {
    await this.store.emailAccounts.updateOne({ _id: accountId }, { $set: { confirmed: true } });
    await this.store.emailTokens.deleteMany({ account_id: accountId, kind: 'confirm' });
  }

  private async setPassword(accountId: ObjectId, password: string): Promise<void> {
    await this.store.emailAccounts.updateOne({ _id: accountId }, { $set: { password_hash: await hashPassword(password) } });
  }

  private async removeAccount(accountId: ObjectId): Promise<void> {
    await this.store.emailAccounts.deleteOne({ _id: accountId });
    await this.store.emailTokens.deleteMany({ account_id: accountId });
  }

  private async pendingAccount(email: unknown): Promise<EmailAccountDocument> {
    const account = await this.account(email);
    if (account.confirmed) throw authErrors.alreadyConfirmed();
    return account;
  }

  /** Password resets are for confirmed accounts; a pending one is "not found" for them. */
  private async confirmedAccount(email: unknown): Promise<EmailAccountDocument> {
    const account = await this.account(email);
    if (!account.confirmed) throw authErrors.userNotFound();
    return account;
  }

  private async account(email: unknown): Promise<EmailAccountDocument> {
    const account = typeof email === 'string' ? await this.store.emailAccounts.findOne({ email }) : null;
    if (!account) throw authErrors.userNotFound();
    return account;
  }
}

/** Emails are kept as given (no case folding): App Services does not document any. */
function checkEmail(email: unknown): string {
  if (typeof email !== 'string' || !/^[^@\s]+@[^@\s]+$/.test(email)) throw authErrors.invalidEmail();
  return email;
}

function checkPassword(password: unknown): string {
  if (typeof password !== 'string' || password.length < 6 || password.length > 128) throw authErrors.passwordLength();
  return password;
}
