/**
 * AuthService: who is calling. One per emulator, made from the app definition, the connected
 * MongoClient and a logger. The client API, the Admin API, the Data API and custom endpoints all go
 * through it: logins with each provider, sessions and tokens, the AppUser a request runs as, users
 * and API keys, and the mailbox of emails App Services would have sent.
 *
 * Everything it refuses is an AppServicesError with App Services' status and error_code (errors.ts).
 */
import { createHash } from 'node:crypto';
import { type MongoClient, ObjectId } from 'mongodb';
import type { Logger } from 'pino';
import type { AppDefinition, AuthProvider, AuthProviderType } from '../app';
import { type AdminKey, generateAdminKey } from './admin-key';
import { authErrors } from './errors';
import { ApiKeyLogins } from './api-key-logins';
import { secretsEqual, sha256 } from './hashing';
import { Mailbox } from './mailbox';
import { anonymousLogin } from './providers/anon-user';
import { ApiKeys, type ApiKeyView, type NewApiKey } from './providers/api-key';
import { customFunctionLogin } from './providers/custom-function';
import { CustomJwtVerifier } from './providers/custom-token';
import { EmailPassword } from './providers/local-userpass';
import type { FunctionCaller, ProviderLogin } from './providers/provider';
import { AuthStore, type UserDocument } from './store';
import { DEFAULT_LIFETIMES, TokenIssuer } from './tokens';
import type { AppUser } from './user';
import { type AdminUserView, toObjectId, UserDirectory, type UserProfileView } from './users';

export interface AuthServiceOptions {
  definition: AppDefinition;
  client: MongoClient;
  logger: Logger;
  /** Access token lifetime; App Services' is 30 minutes. Tests shorten it to see SDKs refresh. */
  accessTokenLifetimeSeconds?: number;
  /** Refresh token (session) lifetime; App Services' default is 60 days. */
  refreshTokenLifetimeSeconds?: number;
  /** The Admin API's key pair; one is generated when absent (see `adminKey`). */
  adminKey?: AdminKey;
  /** Runs the app's functions (confirmation, reset, user creation, custom-function logins). */
  callFunction?: FunctionCaller;
}

export interface LoginOptions {
  /** login?link=true: the access token of the user who gains the identity. */
  linkTo?: string;
  /** The SDK's `options.device` ({deviceId, platform, …}); a valid deviceId is kept. */
  device?: unknown;
}

export interface LoginResult {
  user: AppUser;
  accessToken: string;
  refreshToken: string;
  deviceId: string;
}

/** Data API / endpoint credential headers: `apiKey` (or `api-key`), `email` + `password`, `jwtTokenString`. */
export type Credentials = { apiKey: string } | { email: string; password: string } | { jwt: string };

/** A logged-in user's own API keys (client API, authenticated with the refresh token). */
export interface UserApiKeys {
  create(name: unknown): Promise<NewApiKey>;
  list(): Promise<ApiKeyView[]>;
  get(keyId: string): Promise<ApiKeyView>;
  enable(keyId: string): Promise<void>;
  disable(keyId: string): Promise<void>;
  delete(keyId: string): Promise<void>;
}

export class AuthService {
  /** The Admin API's key pair (given, or generated at start-up). */
  readonly adminKey: AdminKey;
  readonly adminKeyGenerated: boolean;
  /** Confirmation and reset emails, as a mail catcher holds them. */
  readonly mailbox: Mailbox;
  /** Stable ids App Services gives per app: the domain in tokens, the app's `_id` in the Admin API. */
  readonly domainId: string;
  readonly appObjectId: string;

  private readonly users: UserDirectory;
  private readonly tokens: TokenIssuer;
  private readonly apiKeys: ApiKeys;
  private readonly emailPassword: EmailPassword;
  private readonly jwtVerifiers = new Map<string, CustomJwtVerifier>();
  /** API key logins of the last second: the Data API authenticates every request (api-key-logins.ts). */
  private readonly apiKeyLogins = new ApiKeyLogins();
  private callFunction: FunctionCaller | undefined;

  private constructor(
    private readonly definition: AppDefinition,
    store: AuthStore,
    client: MongoClient,
    private readonly logger: Logger,
    options: AuthServiceOptions,
  ) {
    const appId = definition.meta.appId;
    this.domainId = stableObjectId(`domain:${appId}`);
    this.appObjectId = stableObjectId(`app:${appId}`);
    this.adminKeyGenerated = !options.adminKey;
    this.adminKey = options.adminKey ?? generateAdminKey();
    this.callFunction = options.callFunction;
    this.mailbox = new Mailbox(store, logger);
    this.users = new UserDirectory(store, client, definition.customUserData, this.domainId);
    this.tokens = new TokenIssuer(
      store,
      {
        accessTokenSeconds: options.accessTokenLifetimeSeconds ?? DEFAULT_LIFETIMES.accessTokenSeconds,
        refreshTokenSeconds: options.refreshTokenLifetimeSeconds ?? DEFAULT_LIFETIMES.refreshTokenSeconds,
      },
      this.domainId,
    );
    this.apiKeys = new ApiKeys(store, this.users);
    const userpass = this.providerOfType('local-userpass');
    this.emailPassword = new EmailPassword(store, this.mailbox, userpass?.type === 'local-userpass' ? userpass : undefined, () => this.callFunction);
    for (const provider of definition.authProviders.values()) {
      if (provider.type === 'custom-token') this.jwtVerifiers.set(provider.name, new CustomJwtVerifier(provider, appId, definition.meta.directory));
    }
  }

  static async create(options: AuthServiceOptions): Promise<AuthService> {
    const store = await AuthStore.open(options.client, options.definition.meta.appId);
    return new AuthService(options.definition, store, options.client, options.logger, options);
  }

  /** Plugs in (or removes) the function runtime: confirmation, reset, user creation and custom-function login functions. */
  setFunctionCaller(caller: FunctionCaller | undefined): void {
    this.callFunction = caller;
  }

  // ── logins and sessions (client API) ──

  async login(providerName: string, payload: Record<string, unknown>, options: LoginOptions = {}): Promise<LoginResult> {
    const provider = this.enabledProvider(providerName);
    const credentials = await this.verify(provider, payload);
    const linkTo = options.linkTo === undefined ? undefined : await this.activeUser(options.linkTo);
    const user = await this.userFor(credentials, { create: true, linkTo });
    if (!user) throw authErrors.noUserForCredentials();
    if (user.disabled) throw authErrors.userDisabled();
    await this.users.recordLogin(user._id);
    const session = await this.tokens.startSession(user._id, credentials.identity, deviceIdOf(options.device), credentials.anonymous === true);
    const customData = await this.users.customData(user._id.toHexString());
    this.logger.debug({ userId: user._id.toHexString(), provider: provider.name, linked: Boolean(linkTo) }, 'login');
    return {
      user: UserDirectory.toAppUser(user, customData),
      accessToken: await this.tokens.accessToken(session, UserDirectory.asClaim(customData)),
      refreshToken: await this.tokens.refreshToken(session),
      deviceId: session.device_id,
    };
  }

  /** The user a Bearer access token belongs to, with its custom user data read now. */
  async userFromAccessToken(accessToken: string, options: { customData?: boolean } = {}): Promise<AppUser> {
    const user = await this.activeUser(accessToken);
    const customData = options.customData === false ? undefined : await this.users.customData(user._id.toHexString());
    return UserDirectory.toAppUser(user, customData);
  }

  /**
   * A user by id, as rules and functions see it: who a `run_as_user_id` endpoint or function runs
   * as. Unknown and disabled users are refused like a session of theirs would be.
   */
  async appUserById(userId: string, options: { customData?: boolean } = {}): Promise<AppUser> {
    if (!toObjectId(userId)) throw authErrors.invalidSession('user not found');
    const user = await this.loadActive(userId);
    const customData = options.customData === false ? undefined : await this.users.customData(user._id.toHexString());
    return UserDirectory.toAppUser(user, customData);
  }

  /** POST /auth/session: a new access token for the refresh token's session (custom data read anew). */
  async refreshAccessToken(refreshToken: string): Promise<{ accessToken: string; userId: string }> {
    const session = await this.tokens.sessionOf(refreshToken);
    await this.loadActive(session.user_id.toHexString());
    const customData = await this.users.customData(session.user_id.toHexString());
    return { accessToken: await this.tokens.accessToken(session, UserDirectory.asClaim(customData)), userId: session.user_id.toHexString() };
  }

  /** DELETE /auth/session: the refresh token stops working; access tokens run to expiry (spec §6). */
  async logout(refreshToken: string): Promise<void> {
    const session = await this.tokens.sessionOf(refreshToken);
    await this.tokens.endSession(session._id);
    this.logger.debug({ userId: session.user_id.toHexString() }, 'logout');
  }

  async profile(accessToken: string): Promise<UserProfileView> {
    return this.users.profile(await this.activeUser(accessToken));
  }

  /** DELETE /auth/delete: the caller deletes itself. */
  async deleteSelf(accessToken: string): Promise<void> {
    const user = await this.activeUser(accessToken);
    await this.keysChanged(this.users.delete(user._id));
  }

  /** The API keys of the refresh token's user. */
  async userApiKeys(refreshToken: string): Promise<UserApiKeys> {
    const session = await this.tokens.sessionOf(refreshToken);
    const user = await this.loadActive(session.user_id.toHexString());
    return {
      create: (name) => this.apiKeys.createUserKey(user, name),
      list: () => this.apiKeys.list(user),
      get: (keyId) => this.apiKeys.get(user, keyId),
      enable: (keyId) => this.keysChanged(this.apiKeys.setDisabled(user, keyId, false)),
      disable: (keyId) => this.keysChanged(this.apiKeys.setDisabled(user, keyId, true)),
      delete: (keyId) => this.keysChanged(this.apiKeys.delete(user, keyId)),
    };
  }

  /** The email/password provider's client operations (register, confirm, reset …), when it is enabled. */
  userpass(providerName = 'local-userpass'): EmailPassword {
    const provider = this.enabledProvider(providerName);
    if (provider.type !== 'local-userpass') throw authErrors.providerNotFound(providerName);
    return this.emailPassword;
  }

  // ── credential headers (Data API, custom endpoints) ──

  /**
   * The user of credential headers, without a session. A valid identity with no user yet gets
   * one only with `createUserOnAuth` (spec §3.4), except server API keys, which always have one.
   */
  async authenticateCredentials(credentials: Credentials, options: { createUserOnAuth: boolean; customData?: boolean }): Promise<AppUser> {
    const [type, payload]: [AuthProviderType, Record<string, unknown>] =
      'apiKey' in credentials
        ? ['api-key', { key: credentials.apiKey }]
        : 'jwt' in credentials
          ? ['custom-token', { token: credentials.jwt }]
          : ['local-userpass', { username: credentials.email, password: credentials.password }];
    const provider = this.providerOfType(type);
    if (!provider) throw authErrors.providerNotFound(type);
    const enabled = this.enabledProvider(provider.name);
    const digest = 'apiKey' in credentials && typeof credentials.apiKey === 'string' ? sha256(credentials.apiKey) : undefined;
    let user = digest === undefined ? undefined : this.apiKeyLogins.recall(digest);
    if (!user) {
      const generation = this.apiKeyLogins.begin();
      const login = await this.verify(enabled, payload);
      const found = await this.userFor(login, { create: options.createUserOnAuth });
      if (!found) throw authErrors.noUserForCredentials();
      if (found.disabled) throw authErrors.userDisabled();
      if (digest !== undefined) this.apiKeyLogins.remember(digest, found, generation);
      user = found;
    }
    const customData = options.customData === false ? undefined : await this.users.customData(user._id.toHexString());
    return UserDirectory.toAppUser(user, customData);
  }

  // ── Admin API ──

  async adminLogin(publicKey: unknown, privateKey: unknown): Promise<{ accessToken: string; refreshToken: string }> {
    const valid =
      typeof publicKey === 'string' && typeof privateKey === 'string' && secretsEqual(publicKey, this.adminKey.publicKey) && secretsEqual(privateKey, this.adminKey.privateKey);
    if (!valid) throw authErrors.invalidPassword();
    return this.tokens.adminTokens(this.adminKey.publicKey);
  }

  adminRefresh(refreshToken: string): Promise<string> {
    return this.tokens.adminAccessToken(refreshToken);
  }

  verifyAdminAccessToken(accessToken: string): Promise<void> {
    return this.tokens.verifyAdminAccessToken(accessToken);
  }

  /** A server API key (Admin API `POST …/api_keys`, the harness): its value is in this answer only. */
  createServerApiKey(name: string): Promise<NewApiKey> {
    return this.apiKeys.createServerKey(name);
  }

  readonly serverApiKeys = {
    list: (): Promise<ApiKeyView[]> => this.apiKeys.list('server'),
    get: (keyId: string): Promise<ApiKeyView> => this.apiKeys.get('server', keyId),
    enable: (keyId: string): Promise<void> => this.keysChanged(this.apiKeys.setDisabled('server', keyId, false)),
    disable: (keyId: string): Promise<void> => this.keysChanged(this.apiKeys.setDisabled('server', keyId, true)),
    delete: (keyId: string): Promise<void> => this.keysChanged(this.apiKeys.delete('server', keyId)),
  };

  /** An email/password user, confirmed, with its user made at once (Admin API `POST …/users`). */
  async createEmailUser(email: unknown, password: unknown): Promise<AdminUserView> {
    const account = await this.emailPassword.createConfirmed(email, password);
    const user = await this.userFor(this.emailPassword.loginOf(account), { create: true });
    return UserDirectory.adminView(user as UserDocument);
  }

  async listUsers(): Promise<AdminUserView[]> {
    return (await this.users.list()).map(UserDirectory.adminView);
  }

  async getUser(userId: string): Promise<AdminUserView> {
    return UserDirectory.adminView(await this.existingUser(userId));
  }

  /** Disabling also ends the user's sessions, as App Services does (realm-core: disable_user_sessions). */
  async setUserDisabled(userId: string, disabled: boolean): Promise<void> {
    const user = await this.existingUser(userId);
    await this.keysChanged(this.users.setDisabled(user._id, disabled));
    if (disabled) await this.tokens.endSessionsOf(user._id);
  }

  async deleteUser(userId: string): Promise<void> {
    await this.keysChanged(this.users.delete((await this.existingUser(userId))._id));
  }

  /** Ends every session of the user (Admin API `PUT …/users/<id>/logout`). */
  async logoutUser(userId: string): Promise<void> {
    await this.tokens.endSessionsOf((await this.existingUser(userId))._id);
  }

  confirmPendingUser(email: string): Promise<void> {
    return this.emailPassword.confirmByEmail(email);
  }

  deletePendingUser(email: string): Promise<void> {
    return this.emailPassword.deletePending(email);
  }

  /** Admin API `users/verify_token`: an access token's claims, or `"token expired"`. */
  async verifyToken(accessToken: string): Promise<Record<string, unknown> | 'token expired'> {
    const { claims, expired } = await this.tokens.decode(accessToken);
    if (expired) return 'token expired';
    return { sub: claims.sub, exp: claims.exp, iat: claims.iat, iss: claims.iss, domain_id: claims.baas_domain_id, device_id: claims.baas_device_id };
  }

  /**
   * After users or keys were changed behind this service's back (`DELETE /_emulator/data?users=true`):
   * API key logins it remembers (api-key-logins.ts) must not outlive the users they name.
   */
  forgetRememberedLogins(): void {
    this.apiKeyLogins.forget();
  }

  // ── internals ──

  private providerOfType(type: AuthProviderType): AuthProvider | undefined {
    return this.definition.authProviders.get(type) ?? [...this.definition.authProviders.values()].find((provider) => provider.type === type);
  }

  private enabledProvider(name: string): AuthProvider {
    const provider = this.definition.authProviders.get(name);
    if (!provider) throw authErrors.providerNotFound(name);
    if (provider.disabled) throw authErrors.providerDisabled(name);
    if (!provider.served) throw authErrors.providerNotServed(name, `${provider.type} needs the identity provider's servers`);
    return provider;
  }

  private async verify(provider: AuthProvider, payload: Record<string, unknown>): Promise<ProviderLogin> {
    switch (provider.type) {
      case 'anon-user':
        return anonymousLogin(provider);
      case 'api-key':
        return this.apiKeys.login(provider, payload.key);
      case 'local-userpass':
        return this.emailPassword.login(payload.username ?? payload.email, payload.password);
      case 'custom-token':
        return (this.jwtVerifiers.get(provider.name) as CustomJwtVerifier).login(payload.token ?? payload.key);
      case 'custom-function':
        return customFunctionLogin(provider, payload, this.callFunction);
      default:
        throw authErrors.providerNotServed(provider.name, 'the emulator has no implementation of this provider type');
    }
  }

  private async userFor(login: ProviderLogin, options: { create: boolean; linkTo?: UserDocument }): Promise<UserDocument | null> {
    if (login.userId) {
      const user = await this.users.get(login.userId);
      if (!user) throw authErrors.invalidApiKey();
      if (options.linkTo && !options.linkTo._id.equals(user._id)) throw authErrors.identityLinkedElsewhere();
      return user;
    }
    const entry = { identity: login.identity, data: login.data, type: login.type };
    if (options.linkTo) return this.users.link(options.linkTo, entry);
    const found = await this.users.findOrCreate(entry, options.create);
    if (found?.created) await this.runUserCreationFunction(found.user);
    return found?.user ?? null;
  }

  /**
   * custom_user_data.json's `on_user_creation_function_name` runs once per new user, before its
   * first token, so custom data it writes is in that token. A failure is logged and the login goes
   * on; without a function runtime the function cannot run, which the log says.
   */
  private async runUserCreationFunction(user: UserDocument): Promise<void> {
    const config = this.definition.customUserData;
    const name = config?.enabled ? config.onUserCreationFunctionName : undefined;
    if (!name) return;
    if (!this.callFunction) {
      this.logger.warn({ function: name, userId: user._id.toHexString() }, `the user creation function "${name}" did not run: the emulator has no function runtime`);
      return;
    }
    try {
      await this.callFunction(name, [UserDirectory.toAppUser(user, undefined)]);
    } catch (error) {
      this.logger.warn({ err: error, function: name, userId: user._id.toHexString() }, `the user creation function "${name}" failed`);
    }
  }

  /** A change to API keys or users: remembered API key logins are forgotten once it is done. */
  private async keysChanged<T>(change: Promise<T>): Promise<T> {
    try {
      return await change;
    } finally {
      this.apiKeyLogins.forget();
    }
  }

  private async activeUser(accessToken: string): Promise<UserDocument> {
    const claims = await this.tokens.verifyAccessToken(accessToken);
    return this.loadActive(claims.sub);
  }

  private async loadActive(userId: string): Promise<UserDocument> {
    const user = await this.users.get(userId);
    if (!user) throw authErrors.invalidSession('user not found');
    if (user.disabled) throw authErrors.userDisabled();
    return user;
  }

  private async existingUser(userId: string): Promise<UserDocument> {
    const id = toObjectId(userId);
    const user = id && (await this.users.get(id));
    if (!user) throw authErrors.userNotFound();
    return user;
  }
}

/** A 24-hex id derived from a name: the same app gets the same ids in every process and run. */
function stableObjectId(name: string): string {
  return createHash('sha256').update(name).digest('hex').slice(0, 24);
}

/** The SDK's device id when it sends a real one; a new one otherwise ("000…0" means none). */
function deviceIdOf(device: unknown): string {
  const id = typeof device === 'object' && device !== null ? (device as { deviceId?: unknown }).deviceId : undefined;
  if (typeof id === 'string' && /^[0-9a-f]{24}$/.test(id) && id !== '000000000000000000000000') return id;
  return new ObjectId().toHexString();
}

export { type AdminKey, generateAdminKey, parseAdminKey } from './admin-key';
export type { MailMessage } from './mailbox';
export type { ApiKeyView, NewApiKey } from './providers/api-key';
export type { FunctionCaller } from './providers/provider';
export type { AdminUserView, UserProfileView } from './users';
export type { AppUser, UserIdentity } from './user';
